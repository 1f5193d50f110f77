import { badInput, FieldErrors } from './domain-error';

/**
 * Collects per-field problems so one BAD_USER_INPUT names every field that is
 * wrong, not just the first.
 */
export class FieldValidator {
  private readonly errors: FieldErrors = {};

  check(field: string, ok: boolean, message: string): this {
    if (!ok && !(field in this.errors)) this.errors[field] = message;
    return this;
  }

  /** Runs a parser that throws BAD_USER_INPUT and keeps its field messages. */
  attempt<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      const fields = (error as { details?: { fields?: FieldErrors } }).details?.fields;
      if (!fields) throw error;
      for (const [field, message] of Object.entries(fields)) this.check(field, false, message);
      return undefined;
    }
  }

  throwIfInvalid(): void {
    if (Object.keys(this.errors).length > 0) throw badInput(this.errors);
  }
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The limits of RFC 5321, what mail servers take: at most 64 characters before the @ and 254 in all. */
export const isEmail = (value: string): boolean => value.length <= 254 && value.indexOf('@') <= 64 && EMAIL_PATTERN.test(value);
export const normalizeEmail = (value: string): string => value.trim().toLowerCase();
/** E.164-ish: optional +, 7 to 15 digits, spaces and dashes allowed. */
export const isPhone = (value: string): boolean => /^\+?[0-9][0-9 -]{5,18}[0-9]$/.test(value) && value.replace(/\D/g, '').length <= 15;
export const isNonBlank = (value: string, max: number): boolean => value.trim().length > 0 && value.trim().length <= max;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row, so it is simply not found (and never reaches SQL). */
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

/**
 * A calendar day as `YYYY-MM-DD` that exists (no 2026-02-30) and PostgreSQL
 * can hold (year 1 or later).
 */
export const isIsoDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith('0000')) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

const TIMESTAMP_PATTERN = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d+)Z$/;

/**
 * An instant in UTC as `YYYY-MM-DDTHH:MM:SS.fffZ` with exactly `fractionDigits`
 * digits after the second: 3 is Date#toISOString, 6 is PostgreSQL's microseconds.
 */
export function isIsoTimestamp(value: string, fractionDigits: number): boolean {
  const match = TIMESTAMP_PATTERN.exec(value);
  if (!match || match[5].length !== fractionDigits || !isIsoDate(match[1])) return false;
  return Number(match[2]) < 24 && Number(match[3]) < 60 && Number(match[4]) < 60;
}

/** name@bank, as UPI apps accept it. */
export const isUpiId = (value: string): boolean => /^[a-zA-Z0-9._-]{2,256}@[a-zA-Z]{2,64}$/.test(value);

/**
 * Free text that is shown back on public pages and in e-mails: anything that
 * looks like a tag (`<b`, `</p>`, `<!--`) and control characters are removed
 * so no markup is ever stored. A lone `<` as in "1 < 2" stays. Escaping when
 * rendering remains the real defence; this keeps the stored text plain.
 */
export function stripMarkup(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/<[/!?a-zA-Z][^>]*>?/g, '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}
