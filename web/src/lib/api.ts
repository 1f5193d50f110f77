import { print, type GraphQLFormattedError } from 'graphql';
import type { TypedDocumentNode } from '@apollo/client';
import { serverApiUrl } from './config';

export interface ApiResult<TData> {
  data: TData | null;
  errors: readonly GraphQLFormattedError[];
}

/** A GraphQL request from the console's server (next-auth callbacks) to the API. */
export async function serverGraphql<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  accessToken?: string,
): Promise<ApiResult<TData>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await fetch(serverApiUrl(), {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: print(document), variables }),
    cache: 'no-store',
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as { data?: TData | null; errors?: GraphQLFormattedError[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}
