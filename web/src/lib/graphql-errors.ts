import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { GraphQLFormattedError } from 'graphql';

function graphqlErrors(error: unknown): readonly GraphQLFormattedError[] {
  return CombinedGraphQLErrors.is(error) ? error.errors : [];
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
