import type { DocumentNode } from 'graphql';

/**
 * Tells the API that a request comes from the console, so that with
 * PERSISTED_DOCUMENTS=console it may only run the console's own operations
 * (web/src/gql/persisted-documents.json). The browser's socket says the same in
 * its connection parameters (it cannot set headers).
 */
export const CONSOLE_CLIENT_HEADER = 'x-coffer-client';
export const CONSOLE_CLIENT_NAME = 'console';

/**
 * The operation's sha256 as codegen computed it (client preset, persistedDocuments):
 * `__meta__.hash` is "sha256:<hex>"; APQ-style requests carry the bare hex.
 */
export function persistedDocumentHash(document: DocumentNode): string {
  const hash = (document as DocumentNode & { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash !== 'string') {
    throw new Error('This GraphQL document has no persisted hash: write it with graphql() from @/gql and run npm run codegen');
  }
  return hash.replace(/^sha256:/, '');
}

/** `extensions` for a request that names its document by hash (the API's APQ-compatible form). */
export function persistedQueryExtensions(document: DocumentNode): { persistedQuery: { version: 1; sha256Hash: string } } {
  return { persistedQuery: { version: 1, sha256Hash: persistedDocumentHash(document) } };
}
