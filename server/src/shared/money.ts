import { badInput } from './domain-error';

/**
 * Money is an integer count of minor units (bigint) plus an ISO 4217 code.
 * Every conversion between the decimal strings people type and the stored
 * minor units goes through this file, so no float ever touches an amount.
 */
export interface Money {
  amountMinor: bigint;
  currency: string;
}

/** PostgreSQL bigint bounds: anything outside cannot be stored. */
export const MAX_MINOR = 9_223_372_036_854_775_807n;
export const MIN_MINOR = -9_223_372_036_854_775_808n;

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));
const exponentCache = new Map<string, number>();

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

/** Number of decimal places of a currency's minor unit (INR 2, JPY 0, KWD 3). */
export function minorUnitExponent(currency: string): number {
  const cached = exponentCache.get(currency);
  if (cached !== undefined) return cached;
  if (!isCurrencyCode(currency)) throw badInput({ currency: `Unknown currency "${currency}"` });
  const exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number;
  exponentCache.set(currency, exponent);
  return exponent;
}

const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * "1234.50" INR → 123450n. Rejects anything that is not a plain decimal,
 * has more decimals than the currency allows (we never round what a person
 * typed), or does not fit in a bigint column.
 */
export function parseAmount(decimal: string, currency: string, field = 'amount'): bigint {
  const exponent = minorUnitExponent(currency);
  const match = DECIMAL_PATTERN.exec(decimal.trim());
  if (!match) throw badInput({ [field]: `"${decimal}" is not a decimal amount like 1234.50` });
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw badInput({
      [field]: exponent === 0
        ? `${currency} has no minor unit; use a whole number`
        : `${currency} allows at most ${exponent} decimal places`,
    });
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0')) * (sign ? -1n : 1n);
  if (minor > MAX_MINOR || minor < MIN_MINOR) throw badInput({ [field]: 'Amount is too large' });
  return minor;
}

/** 123450n INR → "1234.50"; always exactly the currency's number of decimals. */
export function formatAmount(amountMinor: bigint, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

/**
 * numerator / denominator rounded half to even (banker's rounding), the rule
 * we use whenever a computed amount falls between two minor units, so that
 * repeated roundings do not drift in one direction.
 */
export function divideRoundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Division by zero');
  if (denominator < 0n) return divideRoundHalfEven(-numerator, -denominator);
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator;
  const twiceRemainder = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twiceRemainder < denominator) return quotient;
  const awayFromZero = quotient + (numerator < 0n ? -1n : 1n);
  if (twiceRemainder > denominator) return awayFromZero;
  return quotient % 2n === 0n ? quotient : awayFromZero;
}

/**
 * A rate as Coffer takes and stores one: a plain decimal, at most 16 digits
 * before the point and 12 after (what the varchar(32) rate columns hold).
 */
const RATE_PATTERN = /^(\d{1,16})(?:\.(\d{1,12}))?$/;

/**
 * Converts an amount with a decimal rate string ("83.1234"), rounding half to
 * even into the target currency's minor units. `field` is the input a bad rate
 * or an overflowing result is reported on: the name the caller gave it.
 */
export function convertAmount(amount: Money, rate: string, targetCurrency: string, field: string): Money {
  const match = RATE_PATTERN.exec(rate.trim());
  if (!match) throw badInput({ [field]: `"${rate}" is not a positive decimal rate like 83.12 (at most 16 digits before the point and 12 after)` });
  const [, whole, fraction = ''] = match;
  const rateScaled = BigInt(whole + fraction);
  if (rateScaled === 0n) throw badInput({ [field]: 'Rate must be greater than zero' });
  const sourceExponent = minorUnitExponent(amount.currency);
  const targetExponent = minorUnitExponent(targetCurrency);
  // amountMinor / 10^src * rate * 10^tgt, with rate = rateScaled / 10^fraction.length
  const numerator = amount.amountMinor * rateScaled * 10n ** BigInt(targetExponent);
  const denominator = 10n ** BigInt(sourceExponent + fraction.length);
  const converted = divideRoundHalfEven(numerator, denominator);
  if (converted > MAX_MINOR || converted < MIN_MINOR) throw badInput({ [field]: 'Converted amount is too large' });
  return { amountMinor: converted, currency: targetCurrency };
}

/**
 * "₹1,500.50" for people to read (receipts), never to parse back. The locale
 * is fixed, not the server's: en-IN (lakh and crore grouping) for INR, en for
 * everything else. Intl formats the decimal string exactly, without a float.
 */
export function formatMoneyForDisplay(money: Money): string {
  const locale = money.currency === 'INR' ? 'en-IN' : 'en';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(formatAmount(money.amountMinor, money.currency) as Intl.StringNumericLiteral);
}
