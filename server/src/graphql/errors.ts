import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode } from '../shared/domain-error';

const PUBLIC_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * graphql-js and Apollo report malformed documents with their own codes; an
 * integrator gets one vocabulary, so those become BAD_USER_INPUT and the
 * original code moves to `reason`.
 */
const DOCUMENT_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

export type ErrorLogger = (error: unknown) => void;

export function domainErrorExtensions(error: DomainError): Record<string, unknown> {
  return {
    code: error.code,
    ...(error.details.reason ? { reason: error.details.reason } : {}),
    ...(error.details.fields ? { fields: error.details.fields } : {}),
    ...(error.details.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.details.retryAfterSeconds } : {}),
    ...error.details.extra,
  };
}

/**
 * The one place where any error becomes what a client sees. Unknown errors
 * are logged and replaced by a generic message: no stack traces, no SQL.
 */
export function formatPublicError(formatted: GraphQLFormattedError, error: unknown, log: ErrorLogger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const where = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
  if (original instanceof DomainError) {
    return { message: original.message, ...where, extensions: domainErrorExtensions(original) };
  }
  const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : undefined;
  const isGraphQLOrigin = original instanceof GraphQLError || (error instanceof GraphQLError && original === error);
  if (code && DOCUMENT_ERROR_CODES.has(code)) {
    // Apollo files our own validation rules' errors (depth, aliases) under GRAPHQL_VALIDATION_FAILED; their reason is the more specific one.
    const reason = typeof formatted.extensions?.reason === 'string' ? formatted.extensions.reason : code;
    return { message: formatted.message, ...where, extensions: { code: ErrorCode.BAD_USER_INPUT, reason } };
  }
  if (code && PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR && isGraphQLOrigin) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { message: formatted.message, ...where, extensions: { ...extensions, code } };
  }
  log(original);
  return { message: 'Internal server error', ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/** For errors raised outside graphql-js (graphql-ws onSubscribe, HTTP pre-checks). */
export function publicGraphQLError(error: unknown, log: ErrorLogger): GraphQLFormattedError {
  if (error instanceof GraphQLError) return formatPublicError(error.toJSON(), error, log);
  if (error instanceof DomainError) return { message: error.message, extensions: domainErrorExtensions(error) };
  log(error);
  return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/**
 * graphql-ws has no Apollo to classify errors found before execution (parse,
 * validation, variables), so they are tagged here the way Apollo tags them over
 * HTTP, with suggestions hidden the same way in production; formatPublicError
 * then maps both surfaces alike.
 */
export function requestError(
  error: GraphQLError,
  code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED' | ErrorCode.BAD_USER_INPUT,
  options: { hideSuggestions: boolean },
): GraphQLError {
  const message = options.hideSuggestions ? error.message.replace(/ ?Did you mean(.+?)\?$/, '') : error.message;
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}
