import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import type { CofferConfig } from '../config';
import { DomainError, ErrorCode } from '../shared/domain-error';

/**
 * The console's operations, generated with their sha256 by codegen (client
 * preset, persistedDocuments) into web/src/gql/persisted-documents.json:
 * `{ "sha256:<hex>": "<document>" }`. The console names an operation by its
 * hash (APQ's `extensions.persistedQuery.sha256Hash`) and the server runs the
 * manifest's text for it: a hash is never bound to a document a client sent.
 *
 * Modes (PERSISTED_DOCUMENTS):
 * - `off`: the manifest is not read; requests run as before (a hash the
 *   console sends next to the text is dropped; a hash alone is Apollo's APQ).
 * - `allow`: a known hash runs its manifest document; any document still runs.
 * - `console`: as `allow`, and a request from the console (its header or
 *   socket parameter, or an Origin in CORS_ORIGINS) that is not made with an
 *   API key may only run manifest documents. API keys keep the whole schema.
 */
export type PersistedDocumentsMode = 'off' | 'allow' | 'console';
export const PERSISTED_DOCUMENTS_MODES: readonly PersistedDocumentsMode[] = ['off', 'allow', 'console'];

/** What the console sends (header on HTTP, `client` in graphql-ws connection parameters). */
export const CONSOLE_CLIENT_HEADER = 'x-coffer-client';
export const CONSOLE_CLIENT_NAME = 'console';

/** The manifest shipped beside the server (web/src/gql is copied into the server image). */
export const DEFAULT_MANIFEST_PATH = resolve(__dirname, '../../../web/src/gql/persisted-documents.json');

export interface PersistedDocuments {
  mode: PersistedDocumentsMode;
  /** Bare sha256 hex → document text. Empty when the mode is off. */
  byHash: ReadonlyMap<string, string>;
}

export function loadPersistedDocuments(mode: PersistedDocumentsMode, manifestPath: string): PersistedDocuments {
  if (mode === 'off') return { mode, byHash: new Map() };
  // Without its manifest the console could not run a single operation: refuse to start instead.
  if (!existsSync(manifestPath)) throw new Error(`PERSISTED_DOCUMENTS=${mode} needs the console's manifest, but ${manifestPath} does not exist (npm run codegen writes it)`);
  const raw = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  const byHash = new Map<string, string>();
  for (const [key, text] of Object.entries(raw)) {
    if (typeof text !== 'string') throw new Error(`${manifestPath}: the document for ${key} is not a string`);
    const hash = key.replace(/^sha256:/, '');
    // A hand-edited manifest must not let a hash stand for another document.
    if (sha256(text) !== hash) throw new Error(`${manifestPath}: ${key} is not the sha256 of its document (run npm run codegen)`);
    byHash.set(hash, text);
  }
  return { mode, byHash };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Whether an HTTP request comes from the console: its header, or a browser at one of the console's origins. */
export function isConsoleHttpRequest(headers: IncomingHttpHeaders, config: Pick<CofferConfig, 'corsOrigins'>): boolean {
  return headers[CONSOLE_CLIENT_HEADER] === CONSOLE_CLIENT_NAME || isConsoleOrigin(headers.origin, config);
}

/** The same for a graphql-ws connection: the browser cannot set headers there, so the console says so in its parameters. */
export function isConsoleSocket(connectionParams: Readonly<Record<string, unknown>> | undefined, headers: IncomingHttpHeaders, config: Pick<CofferConfig, 'corsOrigins'>): boolean {
  return connectionParams?.client === CONSOLE_CLIENT_NAME || isConsoleOrigin(headers.origin, config);
}

function isConsoleOrigin(origin: string | undefined, config: Pick<CofferConfig, 'corsOrigins'>): boolean {
  return origin !== undefined && config.corsOrigins.includes(origin);
}

export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
export const PERSISTED_DOCUMENT_REQUIRED = 'PERSISTED_DOCUMENT_REQUIRED';

/** The parts of a GraphQL request this looks at; `extensions` is returned without `persistedQuery`. */
export interface DocumentRequest {
  query: unknown;
  extensions: unknown;
}

export type DocumentResolution = { query: unknown; extensions: unknown } | { error: DomainError; status: number };

/** `extensions.persistedQuery.sha256Hash`, if the request names its document that way. */
function requestedHash(extensions: unknown): string | undefined {
  if (!extensions || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } }).persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash.toLowerCase() : undefined;
}

function withoutPersistedQuery(extensions: unknown): unknown {
  if (!extensions || typeof extensions !== 'object' || !('persistedQuery' in extensions)) return extensions;
  const { persistedQuery: _dropped, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * Decides which document a request runs. `enforce` (console mode, a console
 * request, no API key) allows only manifest documents: named by hash, or sent
 * as text that is exactly a manifest document.
 */
export function resolvePersistedDocument(documents: PersistedDocuments, request: DocumentRequest, enforce: boolean): DocumentResolution {
  const hash = requestedHash(request.extensions);
  const text = typeof request.query === 'string' && request.query.trim() !== '' ? request.query : undefined;
  if (documents.mode === 'off') {
    // Apollo's own APQ keeps hash-only requests; a console hash beside its text is not APQ's (not the hash of that text).
    if (hash && text && sha256(text) !== hash) return { query: text, extensions: withoutPersistedQuery(request.extensions) };
    return { query: request.query, extensions: request.extensions };
  }
  const extensions = withoutPersistedQuery(request.extensions);
  const known = hash ? documents.byHash.get(hash) : undefined;
  if (known) return { query: known, extensions };
  if (hash && !text) {
    return {
      status: 400,
      error: new DomainError(ErrorCode.BAD_USER_INPUT, 'No persisted document has this hash; send the document text (or regenerate the console)', { reason: PERSISTED_QUERY_NOT_FOUND }),
    };
  }
  if (enforce && !(text && documents.byHash.has(sha256(text)))) {
    return {
      status: 403,
      error: new DomainError(ErrorCode.FORBIDDEN, "The console may only run its own operations (persisted documents); integrations use an API key", {
        reason: PERSISTED_DOCUMENT_REQUIRED,
      }),
    };
  }
  return { query: request.query, extensions };
}
