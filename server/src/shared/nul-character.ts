import { DomainError, ErrorCode } from './domain-error';

/*
 * PostgreSQL's text cannot hold U+0000: a NUL in any value reaching a statement
 * fails there ("invalid message format"), as an internal error and after other
 * work was done. No field of Coffer has a use for it, so a request carrying one
 * is refused before anything runs, as the client's mistake, naming where it is.
 * The checks are cheap enough for every request: the raw text is scanned for the
 * escape first, and only a body that has one is walked.
 */

const NUL_CHARACTER_REASON = 'NUL_CHARACTER';

/**
 * JSON text (a request body) that may hold a NUL: the JSON escape `\u0000`, or the start of a
 * GraphQL `\u{…}` escape (a query's string literal), appears in it. A raw NUL cannot: JSON.parse
 * refuses control characters in strings.
 */
export function jsonMayHoldNul(raw: Buffer | string): boolean {
  return raw.indexOf('\\u0000') !== -1 || raw.indexOf('\\u{') !== -1;
}

/** The path of the first string (or key) holding a NUL in a decoded JSON value, e.g. `variables.input.name`. */
export function whereNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = whereNul(value[index], `${path}.${index}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return itemPath;
      const found = whereNul(item, itemPath);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A GraphQL document with a NUL: written as is, or as an escape inside a string
 * literal (`"\u0000"`, `"\u{0}"`), which becomes one when the literal is read.
 */
function documentHoldsNul(query: string): boolean {
  return query.includes('\u0000') || /\\u(?:0000|\{0+\})/i.test(query);
}

export function nulCharacterError(where: string): DomainError {
  return new DomainError(ErrorCode.BAD_USER_INPUT, 'Text must not contain the NUL character (U+0000)', {
    reason: NUL_CHARACTER_REASON,
    fields: { [where]: 'Must not contain the NUL character (U+0000)' },
  });
}

/** For a GraphQL request's parts: the error to answer with, if any of them holds a NUL. */
export function graphQLRequestNulError(request: { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown }): DomainError | undefined {
  if (typeof request.query === 'string' && documentHoldsNul(request.query)) return nulCharacterError('query');
  const where = whereNul({ variables: request.variables, operationName: request.operationName, extensions: request.extensions }, '');
  return where ? nulCharacterError(where) : undefined;
}
