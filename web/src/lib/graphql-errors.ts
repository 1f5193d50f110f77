import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';

function graphqlErrors(error: unknown): readonly GraphQLFormattedError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors;
  // A non-2xx answer in plain application/json (e.g. 401 for a refused token) still carries
  // GraphQL errors in its body; Apollo hands it over unparsed.
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: unknown };
      if (Array.isArray(body.errors)) return body.errors as GraphQLFormattedError[];
    } catch {
      // not JSON: fall through
    }
  }
  return [];
}

/** `extensions.code` of the first GraphQL error (UNAUTHENTICATED, BAD_USER_INPUT, CONFLICT, …). */
export function errorCode(error: unknown): string | undefined {
  const code = graphqlErrors(error)[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * BAD_USER_INPUT errors carry `extensions.fields`: input field path → message. Paths may be
 * nested ("input.email", "customAmount.amount"); forms key their inputs by the last segment
 * that matches, so both "email" and "input.email" land on the e-mail input.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const graphqlError of graphqlErrors(error)) {
    const fields = graphqlError.extensions?.fields;
    if (!fields || typeof fields !== 'object') continue;
    for (const [path, message] of Object.entries(fields as Record<string, unknown>)) {
      if (typeof message !== 'string') continue;
      result[path] = message;
      const parts = path.split('.').filter((part) => part !== 'input');
      if (parts.length > 0) result[parts.join('.')] ??= message;
      const last = parts[parts.length - 1];
      if (last) result[last] ??= message;
    }
  }
  return result;
}

/** Whether any GraphQL error carries this `extensions.reason` (e.g. PERSISTED_QUERY_NOT_FOUND). */
export function hasReason(error: unknown, reason: string): boolean {
  return graphqlErrors(error).some((graphqlError) => graphqlError.extensions?.reason === reason);
}

/** The API refused the access token (expired or revoked). */
export function isUnauthenticated(error: unknown): boolean {
  return errorCode(error) === 'UNAUTHENTICATED' || (ServerError.is(error) && error.statusCode === 401);
}

/** A sentence a treasurer can act on, for errors that are not tied to one field. */
export function errorMessage(error: unknown): string {
  const code = errorCode(error);
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Please sign in again.';
    case 'FORBIDDEN':
      return 'You are not allowed to do that in this group.';
    case 'NOT_FOUND':
      return 'Not found. It may have been removed.';
    case 'RATE_LIMITED':
      return 'Too many attempts. Please wait a little and try again.';
    case 'INTERNAL_SERVER_ERROR':
      return 'Something went wrong on the server. Please try again.';
    default:
      break;
  }
  const first = graphqlErrors(error)[0];
  if (first) return first.message;
  if (error instanceof Error && /fetch|network/i.test(error.message)) {
    return 'Coffer is not reachable. Check your connection and try again.';
  }
  return error instanceof Error ? error.message : 'Something went wrong. Please try again.';
}

/** `extensions.reason`: the stable detail of a code, e.g. STALE_REQUEST or ALREADY_DECIDED for CONFLICT. */
export function errorReason(error: unknown): string | undefined {
  const reason = graphqlErrors(error)[0]?.extensions?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

/** Another field of the first error's extensions, e.g. `shortfall` on INSUFFICIENT_FUNDS. */
export function errorExtension(error: unknown, name: string): unknown {
  return graphqlErrors(error)[0]?.extensions?.[name];
}
