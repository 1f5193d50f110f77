import { print, type GraphQLFormattedError } from 'graphql';
import type { TypedDocumentNode } from '@apollo/client';
import { addTypenameToDocument } from '@apollo/client/utilities';
import { serverApiUrl } from './config';
import { CONSOLE_CLIENT_HEADER, CONSOLE_CLIENT_NAME, persistedQueryExtensions } from './persisted-documents';

export interface ApiResult<TData> {
  data: TData | null;
  errors: readonly GraphQLFormattedError[];
}

/** A GraphQL request from the console's server (next-auth callbacks) to the API. */
export async function serverGraphql<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  accessToken?: string,
  timeoutMs = 15_000,
): Promise<ApiResult<TData>> {
  return graphqlRequest(serverApiUrl(), document, variables, accessToken, timeoutMs);
}

/**
 * One GraphQL request to the API at `apiUrl`, outside Apollo Client: from the console's server,
 * or from the browser where Apollo's links must not see it (signing out, lib/auth-client.ts).
 */
export async function graphqlRequest<TData, TVariables extends Record<string, unknown>>(
  apiUrl: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  accessToken: string | undefined,
  timeoutMs: number,
): Promise<ApiResult<TData>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', [CONSOLE_CLIENT_HEADER]: CONSOLE_CLIENT_NAME };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers,
    // __typename as Apollo Client would ask for it, so results can seed the browser's cache. The hash
    // names the document in the console's manifest (what the API runs when it knows the hash); the
    // text is for an API with PERSISTED_DOCUMENTS=off.
    body: JSON.stringify({ query: print(addTypenameToDocument(document)), variables, extensions: persistedQueryExtensions(document) }),
    cache: 'no-store',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { data?: TData | null; errors?: GraphQLFormattedError[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

/**
 * Data for the first paint: the page's server component asks the API (close by, in the same
 * network) so the HTML already shows it, instead of a phone waiting for JavaScript and then a
 * round trip. Any failure just leaves the fetch to the browser, which shows errors properly.
 */
export async function prefetch<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  accessToken: string,
): Promise<TData | undefined> {
  try {
    const result = await serverGraphql(document, variables, accessToken, 5_000);
    return result.errors.length === 0 && result.data ? result.data : undefined;
  } catch {
    return undefined;
  }
}
