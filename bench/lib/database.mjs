// @ts-check
// The PostgreSQL the bench runs on: BENCH_DATABASE_URL or DATABASE_URL when
// set, otherwise an embedded cluster in a temporary directory (so a fresh
// machine needs nothing). Either way the data lives in a fresh database
// coffer_bench_<random>, dropped at the end.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { requireServer, SERVER_DIST } from './paths.mjs';

/**
 * @typedef {object} BenchDatabase
 * @property {string} url       the fresh database
 * @property {string} name
 * @property {string} source    for the report (no credentials)
 * @property {() => Promise<void>} drop  drops the database and stops an embedded cluster
 */

/** @param {string} url @param {string} database */
function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** @param {string} url @param {(client: pg.Client) => Promise<void>} work */
async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** @param {(line: string) => void} log @returns {Promise<BenchDatabase>} */
export async function createBenchDatabase(log) {
  let adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  let source = process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'DATABASE_URL';
  /** @type {(() => Promise<void>) | undefined} */
  let stopEmbedded;
  if (!adminUrl) {
    /** @type {typeof import('../../server/src/db/embedded-postgres.js')} */
    const { startEmbeddedPostgres, findFreePort } = requireServer(path.join(SERVER_DIST, 'db', 'embedded-postgres.js'));
    const dir = mkdtempSync(path.join(tmpdir(), 'coffer-bench-pg-'));
    log(`no BENCH_DATABASE_URL / DATABASE_URL: starting embedded PostgreSQL in ${dir}`);
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await findFreePort() });
    adminUrl = embedded.url;
    source = 'embedded PostgreSQL (started by the bench)';
    stopEmbedded = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const name = `coffer_bench_${randomBytes(4).toString('hex')}`;
  const admin = /** @type {string} */ (adminUrl);
  try {
    await withClient(admin, async (client) => {
      await client.query(`create database "${name}"`);
      const version = await client.query('show server_version');
      source += `, PostgreSQL ${String(version.rows[0].server_version).split(' ')[0]}`;
    });
  } catch (error) {
    await stopEmbedded?.();
    throw error;
  }
  return {
    url: withDatabase(admin, name),
    name,
    source,
    drop: async () => {
      try {
        await withClient(admin, async (client) => {
          await client.query(`drop database if exists "${name}" with (force)`);
        });
      } finally {
        await stopEmbedded?.();
      }
    },
  };
}
