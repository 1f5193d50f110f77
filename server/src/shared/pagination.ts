import { badInput } from './domain-error';

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

export function decodeCursor(cursor: string | null | undefined): CursorPosition | null {
  if (!cursor) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { sort: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
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
