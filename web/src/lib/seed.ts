'use client';

import { useState } from 'react';
import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';

/**
 * Writes data the server fetched for this render into the Apollo cache before the first
 * useQuery reads it, on the server (so the HTML has it) and in the browser (so hydration
 * matches and no request repeats it). Returns whether there was anything to write.
 */
export function useSeed<TData, TVariables extends OperationVariables>(
  query: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  data: TData | undefined,
): boolean {
  const client = useApolloClient();
  useState(() => {
    if (data !== undefined) client.writeQuery({ query, variables, data });
    return null;
  });
  return data !== undefined;
}
