import { DomainError, ErrorCode } from './domain-error';

/*
 * Text PostgreSQL cannot store, refused before anything runs, as the client's
 * mistake and naming where it is:
 * - U+0000: text cannot hold it; any statement with it fails ("invalid message
 *   format") as an internal error, after other work was done.
 * - a lone UTF-16 surrogate (U+D800–U+DFFF without its pair), which JSON can
 *   carry as an escape (`"\ud800"`): it is not a character, jsonb refuses it when
 *   the activity, audit or webhook snapshot is inserted (an internal error
 *   again), and a text column would silently get U+FFFD instead.
 * No field of Coffer has a use for either. Raw bytes cannot carry them: JSON.parse
 * refuses control characters in strings, and decoding a body replaces invalid
 * UTF-8 (a WTF-8 encoded surrogate, ED A0 80, included) with U+FFFD. Only the
 * `\u` escapes can, so the raw text is scanned for those first and only a body
 * with one of them is walked: an ordinary request pays one indexOf.
 */

type TextProblem = 'NUL_CHARACTER' | 'INVALID_UNICODE';

const PROBLEMS: Record<TextProblem, { message: string; field: string }> = {
  NUL_CHARACTER: { message: 'Text must not contain the NUL character (U+0000)', field: 'Must not contain the NUL character (U+0000)' },
  INVALID_UNICODE: {
    message: 'Text must be valid Unicode: a lone UTF-16 surrogate (U+D800–U+DFFF without its pair) is not a character',
    field: 'Must be valid Unicode: a lone surrogate (U+D800–U+DFFF) is not a character',
  },
};

const BACKSLASH_U = '\\u';

function codeUnitAt(raw: Buffer | string, index: number): number {
  return typeof raw === 'string' ? raw.charCodeAt(index) : (raw[index] ?? NaN);
}

const isHexDigit8ToF = (code: number): boolean => (code >= 0x38 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);

/**
 * JSON text (a request body) that may hold unstorable text: a JSON escape `\u0000`,
 * a JSON escape of a surrogate (`\uD800`–`\uDFFF`, any case; a valid pair too, the
 * walk tells them apart), or the start of a GraphQL `\u{…}` escape (a query's string
 * literal). False means it certainly holds none.
 */
export function jsonMayHoldUnstorableText(raw: Buffer | string): boolean {
  for (let at = raw.indexOf(BACKSLASH_U); at !== -1; at = raw.indexOf(BACKSLASH_U, at + 2)) {
    const first = codeUnitAt(raw, at + 2);
    if (first === 0x7b /* { */) return true;
    if ((first === 0x64 || first === 0x44) /* d D */ && isHexDigit8ToF(codeUnitAt(raw, at + 3))) return true;
    if (first === 0x30 && codeUnitAt(raw, at + 3) === 0x30 && codeUnitAt(raw, at + 4) === 0x30 && codeUnitAt(raw, at + 5) === 0x30) return true;
  }
  return false;
}

/** In a `u` regular expression a well-formed pair is one code point: only a lone surrogate is in the Surrogate category. */
const LONE_SURROGATE = /\p{Cs}/u;

function problemIn(text: string): TextProblem | undefined {
  if (text.includes('\u0000')) return 'NUL_CHARACTER';
  if (LONE_SURROGATE.test(text)) return 'INVALID_UNICODE';
  return undefined;
}

export interface UnstorableText {
  /** The path of the string (or key), e.g. `variables.input.name`. */
  path: string;
  problem: TextProblem;
}

/** The first string (or key) of a decoded JSON value holding a NUL or a lone surrogate, with its path. */
export function whereUnstorableText(value: unknown, path: string): UnstorableText | undefined {
  if (typeof value === 'string') {
    const problem = problemIn(value);
    return problem ? { path, problem } : undefined;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = whereUnstorableText(value[index], `${path}.${index}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      const inKey = problemIn(key);
      if (inKey) return { path: itemPath, problem: inKey };
      const found = whereUnstorableText(item, itemPath);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A GraphQL document with unstorable text: written as is, or a NUL as an escape
 * inside a string literal (`"\u0000"`, `"\u{0}"`), which becomes one when the
 * literal is read. A surrogate escape in a literal needs no check here: graphql-js
 * refuses a lone one when it parses (GRAPHQL_PARSE_FAILED) and joins a pair.
 */
function documentProblem(query: string): TextProblem | undefined {
  return problemIn(query) ?? (/\\u(?:0000|\{0+\})/i.test(query) ? 'NUL_CHARACTER' : undefined);
}

/** BAD_USER_INPUT with the stable reason (NUL_CHARACTER or INVALID_UNICODE) and the field it is in. */
export function unstorableTextError({ path, problem }: UnstorableText): DomainError {
  const { message, field } = PROBLEMS[problem];
  return new DomainError(ErrorCode.BAD_USER_INPUT, message, { reason: problem, fields: { [path]: field } });
}

/** For a GraphQL request's parts: the error to answer with, if any of them holds unstorable text. */
export function graphQLRequestTextError(request: { query?: unknown; variables?: unknown; operationName?: unknown; extensions?: unknown }): DomainError | undefined {
  const inQuery = typeof request.query === 'string' ? documentProblem(request.query) : undefined;
  if (inQuery) return unstorableTextError({ path: 'query', problem: inQuery });
  const found = whereUnstorableText({ variables: request.variables, operationName: request.operationName, extensions: request.extensions }, '');
  return found ? unstorableTextError(found) : undefined;
}
