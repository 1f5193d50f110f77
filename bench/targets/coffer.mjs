// @ts-check
// Target: our full stack. startCoffer() from the compiled server on the bench
// database (migrations included), production config, silent logger.
//
// Bench-only instrumentation: every SQL statement the server sends goes
// through pg's Client.prototype.query (MikroORM -> knex -> pg), so wrapping it
// counts statements. The count is read and reset over IPC by the parent; the
// server itself is unchanged. With BENCH_CPU_PROF set, the parent also asks
// for a V8 CPU profile of each measured window (written to bench/.profiles/).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { serveTarget } from '../lib/child.mjs';
import { requireServer, SERVER_DIST } from '../lib/paths.mjs';

const WRAPPED = Symbol.for('coffer.bench.countedQuery');
let statements = 0;
let backgroundStatements = 0;
/**
 * Statements of the server's own background work (Agenda's job polling, the
 * webhook dispatcher, the notification worker), which run on their own timers
 * and would otherwise be counted against whatever requests are in flight.
 * Only for scenarios whose requests never touch these tables ((b), (d)):
 * `requestStatements` leaves them out, `statements` counts everything.
 */
const BACKGROUND_SQL = /agenda_jobs|\bjob_runs\b|(?<!inbound_)webhook_(events|deliveries)|notification_tasks|^select now\(\) as now$/;
// BENCH_LOG_SQL=<file>: every counted statement's text is appended there (to see what a request sends).
const SQL_LOG = process.env.BENCH_LOG_SQL;

/** Wraps Client.prototype.query of every copy of pg loaded so far (the server tree holds more than one). */
function wrapLoadedPgClients() {
  let copies = 0;
  const require = createRequire(import.meta.url);
  for (const file of Object.keys(require.cache)) {
    if (!file.endsWith(`${path.sep}pg${path.sep}lib${path.sep}client.js`)) continue;
    const Client = require.cache[file]?.exports;
    const proto = Client?.prototype;
    if (!proto || typeof proto.query !== 'function') continue;
    copies += 1;
    if (proto[WRAPPED]) continue;
    const original = proto.query;
    proto.query = function countedQuery(/** @type {unknown[]} */ ...args) {
      const text = String(typeof args[0] === 'string' ? args[0] : /** @type {{ text?: string }} */ (args[0])?.text);
      if (BACKGROUND_SQL.test(text)) backgroundStatements += 1;
      else statements += 1;
      if (SQL_LOG) appendFileSync(SQL_LOG, `${text.replace(/\s+/g, ' ').slice(0, 300)}\n`);
      return original.apply(this, args);
    };
    proto[WRAPPED] = true;
  }
  return copies;
}

/** CPU profiles of chosen windows only (not start-up, seeding or idle time). */
function profiler() {
  const session = new Session();
  session.connect();
  return {
    start: async () => {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    },
    /** @param {unknown} label */
    stop: async (label) => {
      const { profile } = await session.post('Profiler.stop');
      const dir = path.resolve(SERVER_DIST, '..', '..', 'bench', '.profiles');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `coffer-${String(label).replace(/[^a-z0-9-]+/gi, '_')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}

serveTarget(async () => {
  const databaseUrl = process.env.BENCH_TARGET_DATABASE_URL;
  if (!databaseUrl) throw new Error('BENCH_TARGET_DATABASE_URL is not set');
  // Load every pg the server can reach before the app creates connections, then wrap.
  for (const from of ['pg', '@mikro-orm/postgresql', 'knex']) {
    try {
      const entry = requireServer.resolve(from);
      createRequire(entry)('pg');
    } catch {
      // that package does not exist in this tree
    }
  }
  wrapLoadedPgClients();

  /** @type {typeof import('../../server/src/app.js')} */
  const { startCoffer } = requireServer(path.join(SERVER_DIST, 'app.js'));
  /** @type {typeof import('../../server/src/config.js')} */
  const { loadConfig } = requireServer(path.join(SERVER_DIST, 'config.js'));
  /** @type {typeof import('../../server/src/shared/logger.js')} */
  const { silentLogger } = requireServer(path.join(SERVER_DIST, 'shared', 'logger.js'));

  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: process.env.BENCH_JWT_SECRET,
    ENCRYPTION_KEY: process.env.BENCH_ENCRYPTION_KEY,
    SEED_DEMO: 'false',
    COFFER_VERSION: 'bench',
    // A scenario's own settings (e.g. TRUST_PROXY_HOPS for the webhook bench), as JSON.
    ...(process.env.BENCH_COFFER_ENV ? JSON.parse(process.env.BENCH_COFFER_ENV) : {}),
    // The remittance bench settles sandbox payouts at once, so it measures Coffer, not a delay.
    PAYOUT_SANDBOX_DELAY_MS: process.env.BENCH_PAYOUT_SANDBOX_DELAY_MS,
  });
  const server = await startCoffer({ config, databaseUrl, port: 0, host: '127.0.0.1', logger: silentLogger });
  // Anything loaded lazily during start-up is wrapped too.
  const copies = wrapLoadedPgClients();
  const profile = profiler();
  return {
    url: `${server.url}/graphql`,
    close: () => server.close(),
    handlers: {
      resetStatements: () => {
        statements = 0;
        backgroundStatements = 0;
        return copies;
      },
      statements: () => statements + backgroundStatements,
      requestStatements: () => statements,
      profileStart: () => profile.start(),
      profileStop: (label) => profile.stop(label),
    },
  };
});
