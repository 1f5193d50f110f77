// Display helpers. Amounts stay decimal strings end to end; Intl formats the string itself,
// so no float ever touches an amount.

interface MoneyLike {
  amount: string;
  currency: string;
}

export function formatMoney(money: MoneyLike | null | undefined, locale: string): string {
  if (!money) return '—';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(
      money.amount as `${number}`,
    );
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

/** Billing dates are calendar days: shown in UTC so every time zone sees the same day. */
export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
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
