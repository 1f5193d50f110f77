import { badInput } from './domain-error';
import { isIsoDate, isIsoTimestamp, isUuid } from './validation';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/** A keyset position: the sort value and the id that breaks ties. */
export interface CursorPosition {
  sort: string;
  id: string;
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
}

export function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput({ first: `first must be between 1 and ${MAX_PAGE_SIZE}` });
  }
  return first;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.id])).toString('base64url');
}

/**
 * What a list sorts on, which is what the first element of its cursors is:
 * - `timestamp`: an instant as Date#toISOString writes it (milliseconds);
 * - `timestampMicros`: an instant as PostgreSQL writes it, to the microsecond (the logs);
 * - `date`: a calendar day, `YYYY-MM-DD`;
 * - `memberNumber`: `PREFIX-YYYY-NNNN-SS` (members/member-number.ts);
 * - `name`: a name as stored (non-blank, at most 200 characters, no control characters).
 */
export type CursorSort = 'timestamp' | 'timestampMicros' | 'date' | 'memberNumber' | 'name';

const MEMBER_NUMBER_PATTERN = /^[A-Z][A-Z0-9]{0,11}-\d{4}-\d{4,}-\d{2}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

const SORT_VALUE_CHECKS: Record<CursorSort, (value: string) => boolean> = {
  timestamp: (value) => isIsoTimestamp(value, 3),
  timestampMicros: (value) => isIsoTimestamp(value, 6),
  date: isIsoDate,
  memberNumber: (value) => value.length <= 40 && MEMBER_NUMBER_PATTERN.test(value),
  name: (value) => value.trim().length > 0 && value.length <= 200 && !CONTROL_CHARACTER.test(value),
};

/**
 * Reads `after` back into a position. Only a cursor this list could have
 * written is accepted: the right wrapping, a sort value of the list's kind and
 * a UUID. Anything else (another list's cursor, a forged one) is the caller's
 * mistake, reported as BAD_USER_INPUT on `after`; it never reaches SQL, where
 * a failed cast would be an internal error, nor pages from the wrong place.
 */
export function decodeCursor(cursor: string | null | undefined, sort: CursorSort): CursorPosition | null {
  if (!cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === 'string' &&
    typeof parsed[1] === 'string' &&
    SORT_VALUE_CHECKS[sort](parsed[0]) &&
    isUuid(parsed[1])
  ) {
    return { sort: parsed[0], id: parsed[1] };
  }
  throw badInput({ after: 'Not a cursor returned by this list' });
}

/**
 * Builds a page from rows fetched with limit = size + 1 (the extra row only
 * tells whether there is a next page). Cursors are encoded on first read of
 * `cursors`: a query that selects none never pays for them.
 */
export function toPage<T>(rows: T[], size: number, position: (row: T) => CursorPosition, totalCount: number, after: CursorPosition | null): Page<T> {
  const nodes = rows.slice(0, size);
  let cursors: string[] | undefined;
  return {
    nodes,
    get cursors() {
      return (cursors ??= nodes.map((row) => encodeCursor(position(row))));
    },
    hasNextPage: rows.length > size,
    hasPreviousPage: after !== null,
    totalCount,
  };
}
