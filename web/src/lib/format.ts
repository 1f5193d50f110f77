// Display helpers: the one place the console turns amounts and dates into text. Everything goes
// through Intl (the reader's locale, the amount's own currency); nothing is formatted by hand.
//
// Amounts stay decimal strings end to end. Intl.NumberFormat's format() takes the string itself
// and formats it as an exact decimal (ECMA-402 since NumberFormat v3: Chrome 106, Node 19), so
// no float ever touches an amount: 12345678901234567.89 prints with every digit, where a
// Number would already have lost the last ones.

interface MoneyLike {
  amount: string;
  currency: string;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function formatMoney(money: MoneyLike | null | undefined, locale: string): string {
  if (!money) return '—';
  // Not a decimal (never from the API): shown as it came rather than as "NaN".
  if (!DECIMAL.test(money.amount)) return `${money.amount} ${money.currency}`;
  // Every decimal the API sent: a browser whose locale data knows fewer (RSD shows 0 in some)
  // must not round away what a recipient receives. At least the currency's own digits, so an
  // amount as someone typed it ("350" in a proposed change) reads like the same amount from
  // the API ("350.00"): ₹350.00 on the approval card and in the members table alike.
  const digits = Math.max(money.amount.split('.')[1]?.length ?? 0, knownCurrencyDigits(money.currency) ?? 0);
  const amount = money.amount as `${number}`;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
  } catch {
    // A currency code Intl refuses (not three letters): the number still in the reader's style.
    return `${new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount)} ${money.currency}`;
  }
}

/** Billing dates are calendar days: shown in UTC so every time zone sees the same day. */
export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}

/** A calendar month, "2026-07" → "Jul" or (long) "July 2026", in UTC like the API's months. */
export function formatMonth(month: string, locale: string, long = false): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return month;
  return new Intl.DateTimeFormat(locale, long ? { month: 'long', year: 'numeric', timeZone: 'UTC' } : { month: 'short', timeZone: 'UTC' }).format(date);
}

const ROLE_LABELS: Record<string, string> = { ADMIN: 'Admin', OPERATOR: 'Operator', MEMBER: 'Member' };

export function formatRole(role: string | null | undefined): string {
  return role ? (ROLE_LABELS[role] ?? role) : '—';
}

const KIND_LABELS: Record<string, string> = {
  CLUB: 'Club',
  SUBSCRIPTION_SHARE: 'Subscription share',
  SOCIETY: 'Society',
  OTHER: 'Other',
};

export function formatKind(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** Only same-site paths may be used as a post-sign-in destination. */
export function safeCallbackPath(value: string | null | undefined): string {
  if (!value) return '/';
  if (value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')) return value;
  try {
    const url = new URL(value);
    // next-auth hands back absolute URLs on our own origin; keep only the path.
    return url.pathname.startsWith('//') ? '/' : `${url.pathname}${url.search}`;
  } catch {
    return '/';
  }
}

/** Digits after the decimal point in this currency (2 for INR, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return knownCurrencyDigits(currency) ?? 2;
}

/** Per currency code, once: formatMoney and the amount converters ask on every call (every row, every keystroke). */
const knownDigitsByCurrency = new Map<string, number | null>();

function knownCurrencyDigits(currency: string): number | null {
  let digits = knownDigitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? null;
    } catch {
      digits = null;
    }
    knownDigitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * An example amount for a placeholder or hint with exactly the currency's decimals:
 * exampleAmount('499', 'INR') → "499.00", exampleAmount('499', 'JPY') → "499"; `fraction`
 * fills the decimals ('5' → "499.50"). A zero-decimal currency must not suggest decimals it forbids.
 */
export function exampleAmount(whole: string, currency: string | null | undefined, fraction = ''): string {
  const scale = currency ? currencyDigits(currency) : 2;
  if (scale === 0) return whole;
  return `${whole}.${fraction.padEnd(scale, '0').slice(0, scale)}`;
}

/** "Enter the amount, e.g. 500 or 499.50." in words that fit the currency: no decimals for JPY. */
export function amountExamples(currency: string | null | undefined): string {
  const withDecimals = exampleAmount('499', currency, '5');
  return withDecimals === '499' ? 'e.g. 500' : `e.g. 500 or ${withDecimals}`;
}

/**
 * "1234.5" in INR → 123450n minor units, by string arithmetic (no float); null for anything
 * that is not a plain decimal with at most the currency's digits (the API would refuse it too).
 */
export function decimalToMinor(amount: string, currency: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const scale = currencyDigits(currency);
  if (fraction.length > scale) return null;
  const minor = BigInt(`${whole}${fraction.padEnd(scale, '0')}`);
  return sign ? -minor : minor;
}

/** "123450" minor units of INR → "1234.50", by string arithmetic (no float). */
export function minorToDecimal(minor: string, currency: string): string | null {
  const match = /^(-?)(\d+)$/.exec(minor.trim());
  if (!match) return null;
  const [, sign, digits] = match;
  const scale = currencyDigits(currency);
  if (scale === 0) return `${sign}${digits}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/**
 * A moment (not a calendar day) with date and time. The server renders it in UTC and the
 * browser re-renders it in the reader's own zone after hydration (see LocalDateTime).
 */
export function formatDateTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: timeZone ?? 'UTC',
  };
  const text = new Intl.DateTimeFormat(locale, options).format(date);
  return timeZone ? text : `${text} UTC`;
}
