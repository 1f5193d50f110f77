// @ts-check
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVER_DIR = path.join(ROOT, 'server');
export const SERVER_DIST = path.join(SERVER_DIR, 'dist');
export const TARGETS_DIR = path.join(ROOT, 'bench', 'targets');

/** `require` for the compiled (CommonJS) server. */
export const requireServer = createRequire(path.join(SERVER_DIST, 'app.js'));

/** The query of scenario (b), the same text for our server and the pg baseline. */
export const GROUPS_QUERY = '{ groups(first: 20) { totalCount edges { node { id name viewerRole memberCount } } } }';
export const TYPENAME_QUERY = '{ __typename }';
