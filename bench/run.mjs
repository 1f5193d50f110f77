#!/usr/bin/env node
// @ts-check
// `npm run bench`: GraphQL overhead and the `groups` query, measured against
// baselines, each server in its own child process, every response checked;
// then (c) approvalEvents fan-out to 100 and 1,000 subscribers and (d) the
// transactions query on a group with 100,000 transactions
// (bench/lib/scenario-*.mjs). Results are printed and written to
// BENCHMARKS.md (two results sections: (a)+(b), and (c)+(d)).
//
// Settings (environment): BENCH_CONNECTIONS (20), BENCH_DURATION (10 s
// measured per target), BENCH_WARMUP (3 s per target), BENCH_ROUNDS (2: the
// measured time is split into interleaved rounds), BENCH_DATABASE_URL / DATABASE_URL (else embedded
// PostgreSQL), BENCH_CPU_PROF=1 (V8 CPU profiles of our server during its
// measured windows, in bench/.profiles/; read them with
// `node bench/profile-summary.mjs <file>`), BENCH_ONLY=a|b|c|d|e (or a list,
// e.g. c,d), BENCH_FANOUT_EVENTS (30 measured events per row of (c)),
// BENCH_FANOUT_SIZES (100,1000), BENCH_TRANSACTIONS (100000, for (d)).
// BENCHMARKS.md is only written by a full, unprofiled run (BENCH_NO_WRITE=1
// never writes it).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startTarget } from './lib/child.mjs';
import { createBenchDatabase } from './lib/database.mjs';
import { compare } from './lib/load.mjs';
import { GROUPS_QUERY, ROOT, SERVER_DIR, SERVER_DIST, TARGETS_DIR, TYPENAME_QUERY } from './lib/paths.mjs';
import { runFanoutScenario } from './lib/scenario-fanout.mjs';
import { runDuesScenario } from './lib/scenario-dues.mjs';
import { runTransactionsScenario } from './lib/scenario-transactions.mjs';
import { gql, seed } from './lib/seed.mjs';

/** @param {string} name @param {number} fallback @param {number} min @param {number} max */
function setting(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  return value;
}

const SETTINGS = {
  connections: setting('BENCH_CONNECTIONS', 20, 1, 500),
  duration: setting('BENCH_DURATION', 10, 1, 120),
  warmup: setting('BENCH_WARMUP', 3, 0, 60),
  rounds: setting('BENCH_ROUNDS', 2, 1, 10),
};
const ONLY = process.env.BENCH_ONLY ?? '';
/** @param {string} scenario */
const runs = (scenario) => ONLY === '' || ONLY.split(',').includes(scenario);
const FANOUT_EVENTS = setting('BENCH_FANOUT_EVENTS', 30, 5, 500);
const FANOUT_SIZES = (process.env.BENCH_FANOUT_SIZES || '100,1000').split(',').map((v) => {
  const size = Number(v);
  if (!Number.isInteger(size) || size < 1 || size > 5000) throw new Error(`BENCH_FANOUT_SIZES must list integers in 1..5000, got "${v}"`);
  return size;
});
const TRANSACTIONS = setting('BENCH_TRANSACTIONS', 100_000, 100, 1_000_000);
const PROFILE = Boolean(process.env.BENCH_CPU_PROF);
const TARGET_A = 0.3;
const TARGET_B = 0.5;
const SEQUENTIAL_REQUESTS = 20;
// Everything (build, database, all targets and scenarios) must finish well within this.
const WATCHDOG_MS = 20 * 60_000;
const BENCHMARKS_MD = path.join(ROOT, 'BENCHMARKS.md');
const RESULTS_START = '<!-- bench:results:start (written by `npm run bench`; edits inside are overwritten) -->';
const RESULTS_END = '<!-- bench:results:end -->';
const SCALE_RESULTS_START = '<!-- bench:scale-results:start (written by `npm run bench`; edits inside are overwritten) -->';
const SCALE_RESULTS_END = '<!-- bench:scale-results:end -->';
const DUES_RESULTS_START = '<!-- bench:dues-results:start (written by `npm run bench`; edits inside are overwritten) -->';
const DUES_RESULTS_END = '<!-- bench:dues-results:end -->';

/** @param {string} line */
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

// ------------------------------------------------------------------ build

/** @param {string} target @returns {number} */
function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    // Tests are not part of the build.
    if (!entry.endsWith('.test.ts')) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

function ensureServerBuild() {
  const built = existsSync(path.join(SERVER_DIST, 'app.js')) ? statSync(path.join(SERVER_DIST, 'app.js')).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(SERVER_DIR, 'src')),
    newestMtime(path.join(SERVER_DIR, 'package.json')),
    newestMtime(path.join(SERVER_DIR, 'tsconfig.build.json')),
    newestMtime(path.join(ROOT, 'tsconfig.json')),
  );
  if (built !== 0 && built >= sources) return;
  log(built === 0 ? 'server/dist is missing: building the server' : 'server sources changed since the last build: rebuilding');
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && /\.c?js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const result = spawnSync(command, [...args, 'run', 'build', '-w', 'server'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 5 * 60_000 });
  if (result.status !== 0) throw new Error(`server build failed (${result.error?.message ?? `exit ${result.status}`})`);
}

// ------------------------------------------------------------------ report

/** @param {number} value */
const num = (value) => Math.round(value).toLocaleString('en-US');
/** @param {number} value */
const ms = (value) => (value < 10 ? value.toFixed(1) : String(Math.round(value)));

/**
 * @param {import('./lib/load.mjs').LoadResult} result
 * @returns {string}
 */
function checked(result) {
  if (!result.failed) return `ok (${num(result.total)} checked)`;
  return `**FAILED**: ${result.non2xx} non-2xx, ${result.badBodies} bodies with errors or wrong data, ${result.socketErrors} socket errors/timeouts`;
}

/**
 * @param {import('./lib/load.mjs').LoadResult} result
 * @param {import('./lib/load.mjs').LoadResult | undefined} reference
 */
function ratio(result, reference) {
  if (result.failed || !reference || reference.failed) return '—';
  return `${(result.rps / reference.rps).toFixed(2)}×`;
}

/** @param {import('./lib/load.mjs').LoadResult} result */
const cpu = (result) => (result.cpuPerRequest === undefined ? '—' : num(result.cpuPerRequest));

/**
 * Efficiency relative to a reference: its CPU per request over ours (1 = as cheap).
 * @param {import('./lib/load.mjs').LoadResult} reference
 * @param {import('./lib/load.mjs').LoadResult} result
 */
function cpuRatio(reference, result) {
  if (!reference.cpuPerRequest || !result.cpuPerRequest) return '—';
  return `${(reference.cpuPerRequest / result.cpuPerRequest).toFixed(2)}×`;
}

/** @param {import('./lib/load.mjs').LoadResult} result */
const rps = (result) => (result.failed ? `~~${num(result.rps)}~~` : num(result.rps));

// ------------------------------------------------------------------ main

/** @type {(() => Promise<void>)[]} */
const cleanups = [];
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return cleaning;
}

async function main() {
  const startedAt = Date.now();
  ensureServerBuild();
  const db = await createBenchDatabase(log);
  cleanups.push(() => db.drop());
  log(`database ${db.name} on ${db.source}`);

  /** @type {NodeJS.ProcessEnv} */
  const childEnv = { ...process.env };
  for (const name of Object.keys(childEnv)) if (name.startsWith('APOLLO_')) delete childEnv[name];
  Object.assign(childEnv, {
    NODE_ENV: 'production',
    BENCH_JWT_SECRET: randomBytes(32).toString('hex'),
    BENCH_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    BENCH_TARGET_DATABASE_URL: db.url,
  });
  /** @param {string} name @param {string} script @param {string[]} [execArgv] */
  const start = async (name, script, execArgv = []) => {
    const target = await startTarget(name, path.join(TARGETS_DIR, script), { env: childEnv, execArgv });
    cleanups.push(() => target.stop());
    log(`${name} listening at ${target.url} (pid ${target.pid})`);
    return target;
  };

  const coffer = await start('coffer', 'coffer.mjs');
  /** @type {Record<string, number>} */
  const windows = {};
  /** @param {string} label @returns {{ beforeWindow?: () => Promise<unknown>, afterWindow?: () => Promise<unknown> }} */
  const profiled = (label) =>
    PROFILE
      ? {
          beforeWindow: () => coffer.call('profileStart'),
          afterWindow: async () => log(`  CPU profile: ${String(await coffer.call('profileStop', `${label}-${(windows[label] = (windows[label] ?? 0) + 1)}`))}`),
        }
      : {};

  log('seeding through the API');
  const users = await seed(db.url, coffer.url);

  const lines = [];
  let anyFailed = false;
  const settingsLine =
    `autocannon 9, ${SETTINGS.connections} connections, pipelining 1; per target ${SETTINGS.warmup} s warm-up (discarded) + ` +
    `${SETTINGS.duration} s measured, in ${SETTINGS.rounds} interleaved rounds (A B C, C B A) so background load hits all targets alike; ` +
    'every response checked (status, `errors`, expected data); latency percentiles over every measured response.';
  const cpus = os.cpus();
  lines.push(
    '## Results',
    '',
    `- Command: \`npm run bench\``,
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`,
    `- Database: ${db.source}`,
    `- Load: ${settingsLine}`,
    '- Each server runs in its own child process (Node, `NODE_ENV=production`; only the one under load is busy); the load generator runs in the parent.',
    `- Load average when the run started: ${os.loadavg().map((v) => v.toFixed(2)).join(' / ')} (1 / 5 / 15 min; other work on the machine skews absolute numbers more than ratios).`,
    '',
  );

  // ---- (a) { __typename }
  if (runs('a')) {
    log('(a) { __typename }');
    const bare = await start('bare', 'bare.mjs');
    const apollo = await start('apollo', 'apollo.mjs');
    for (const target of [bare, apollo, coffer]) {
      const first = await gql(target.url, TYPENAME_QUERY);
      if (first?.__typename !== 'Query') throw new Error(`${target.name} answered ${JSON.stringify(first)} to { __typename }`);
    }
    /** @param {string} body */
    const verify = (body) => body.includes('"__typename":"Query"') && !body.includes('"errors"');
    const results = await compare(
      [
        { name: 'bare', server: bare, url: bare.url, query: TYPENAME_QUERY, verify },
        { name: 'apollo', server: apollo, url: apollo.url, query: TYPENAME_QUERY, verify },
        { name: 'coffer', server: coffer, url: coffer.url, query: TYPENAME_QUERY, verify, ...profiled('typename') },
      ],
      SETTINGS,
      log,
    );
    await bare.stop();
    await apollo.stop();
    const [b, a, ours] = /** @type {import('./lib/load.mjs').LoadResult[]} */ (['bare', 'apollo', 'coffer'].map((name) => results.get(name)));
    anyFailed ||= b.failed || a.failed || ours.failed;
    const met = !ours.failed && !b.failed && ours.rps >= TARGET_A * b.rps;
    lines.push(
      '### (a) `{ __typename }`: cost of HTTP + GraphQL per request',
      '',
      '| target | req/s | p50 ms | p99 ms | vs bare | server CPU µs / request | responses |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      `| bare \`node:http\` + graphql-js, cached parse/validate | ${rps(b)} | ${ms(b.p50)} | ${ms(b.p99)} | ${ratio(b, b)} | ${cpu(b)} | ${checked(b)} |`,
      `| stock Apollo Server 5 (\`startStandaloneServer\`), one-field schema | ${rps(a)} | ${ms(a.p50)} | ${ms(a.p99)} | ${ratio(a, b)} | ${cpu(a)} | ${checked(a)} |`,
      `| **Coffer** (\`startCoffer\`, full stack, real DB) | ${rps(ours)} | ${ms(ours.p50)} | ${ms(ours.p99)} | ${ratio(ours, b)} | ${cpu(ours)} | ${checked(ours)} |`,
      '',
      `Target: Coffer ≥ ${TARGET_A.toFixed(2)}× bare in req/s (stock Apollo is about 0.22× on this machine class): **${met ? 'met' : 'missed'}** (${ratio(ours, b)}; ${ratio(ours, a)} of stock Apollo). ` +
        `By server CPU per request, which a busy machine skews less: Coffer ${cpuRatio(b, ours)} of bare, stock Apollo ${cpuRatio(b, a)}. ` +
        'With a load generator and the server sharing two cores, the fastest target is partly limited by the load generator, which flatters the ratios of the slower ones.',
      '',
    );
  }

  // ---- (b) groups(first: 20)
  if (runs('b')) {
    log('(b) groups(first: 20)');
    /** @param {import('./lib/seed.mjs').SeededUser} user */
    const statementsFor = async (user) => {
      const check = (/** @type {any} */ data) => {
        if (data?.groups?.totalCount !== user.groups || data.groups.edges.length !== Math.min(user.groups, 20)) {
          throw new Error(`groups for a user in ${user.groups} groups: unexpected ${JSON.stringify(data).slice(0, 300)}`);
        }
      };
      check(await gql(coffer.url, GROUPS_QUERY, {}, user.token));
      // The least of 3 tries: a background statement the filter does not know can only add.
      let least = Infinity;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await coffer.call('resetStatements');
        for (let i = 0; i < SEQUENTIAL_REQUESTS; i += 1) check(await gql(coffer.url, GROUPS_QUERY, {}, user.token));
        least = Math.min(least, Number(await coffer.call('requestStatements')));
      }
      return least / SEQUENTIAL_REQUESTS;
    };
    const perRequest5 = await statementsFor(users.five);
    const perRequest20 = await statementsFor(users.twenty);
    if (perRequest20 === 0) throw new Error('counted no SQL statements: the pg wrapper in bench/targets/coffer.mjs missed the driver');
    const constant = perRequest5 === perRequest20;
    log(`  SQL statements per request: ${perRequest5} (5 groups), ${perRequest20} (20 groups)`);

    const baseline = await start('pg-baseline', 'pg-baseline.mjs');
    /** @param {string} url */
    const raw = async (url) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${users.twenty.token}` },
        body: JSON.stringify({ query: GROUPS_QUERY }),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: JSON.parse(await response.text()) };
    };
    const oursOnce = await raw(coffer.url);
    const baselineOnce = await raw(baseline.url);
    const sameAnswer = oursOnce.status === 200 && isDeepStrictEqual(oursOnce.body, baselineOnce.body);
    if (!sameAnswer) {
      anyFailed = true;
      log(`  baseline and Coffer disagree:\n  ours     ${JSON.stringify(oursOnce.body).slice(0, 400)}\n  baseline ${JSON.stringify(baselineOnce.body).slice(0, 400)}`);
    }
    const totalCount = new RegExp(`"totalCount"\\s*:\\s*${users.twenty.groups}\\b`);
    /** @param {string} body */
    const verify = (body) => totalCount.test(body) && !body.includes('"errors"');
    let underLoad = 0;
    const hooks = profiled('groups');
    const results = await compare(
      [
        { name: 'pg-baseline', server: baseline, url: baseline.url, query: GROUPS_QUERY, token: users.twenty.token, verify },
        {
          name: 'coffer',
          server: coffer,
          url: coffer.url,
          query: GROUPS_QUERY,
          token: users.twenty.token,
          verify,
          beforeWindow: async () => {
            await coffer.call('resetStatements');
            await hooks.beforeWindow?.();
          },
          afterWindow: async () => {
            await hooks.afterWindow?.();
            underLoad += Number(await coffer.call('requestStatements'));
          },
        },
      ],
      SETTINGS,
      log,
    );
    await baseline.stop();
    const [base, ours] = /** @type {import('./lib/load.mjs').LoadResult[]} */ (['pg-baseline', 'coffer'].map((name) => results.get(name)));
    anyFailed ||= base.failed || ours.failed;
    const met = sameAnswer && !ours.failed && !base.failed && ours.rps >= TARGET_B * base.rps;
    lines.push(
      '### (b) `groups(first: 20) { totalCount edges { node { id name viewerRole memberCount } } }`, user in 20 groups',
      '',
      '| target | req/s | p50 ms | p99 ms | vs baseline | server CPU µs / request | SQL statements / request | responses |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      `| hand-written \`pg\` baseline (\`node:http\`, \`pg.Pool\` of 10, one SQL statement builds the JSON) | ${rps(base)} | ${ms(base.p50)} | ${ms(base.p99)} | ${ratio(base, base)} | ${cpu(base)} | 1 | ${checked(base)} |`,
      `| **Coffer** (\`startCoffer\`, MikroORM pool of 10) | ${rps(ours)} | ${ms(ours.p50)} | ${ms(ours.p99)} | ${ratio(ours, base)} | ${cpu(ours)} | ${perRequest20} | ${checked(ours)} |`,
      '',
      `Target: Coffer ≥ ${TARGET_B.toFixed(2)}× the baseline: **${met ? 'met' : 'missed'}** (${ratio(ours, base)}).`,
      '',
      `SQL statements per request in our server (counted in its process by wrapping \`pg\`'s \`Client.prototype.query\`, leaving out the server's background job and webhook-dispatcher statements; ` +
        `${SEQUENTIAL_REQUESTS} sequential requests each, the least of 3 tries): user in 5 groups **${perRequest5}**, user in 20 groups **${perRequest20}**: ` +
        `${constant ? '**constant** (no N+1)' : '**NOT constant** (grows with the number of groups)'}. ` +
        `Under load: ${ours.total > 0 ? (underLoad / ours.total).toFixed(2) : '—'} per response (slightly over the true figure: requests still in flight when a window ends are counted but their responses are not).`,
      '',
      `Same answer: ${sameAnswer ? "the baseline's response is deep-equal to ours" : '**NO: the baseline and our server disagree** (see the log)'}. ` +
        "The baseline verifies the same bearer token as our server (HS256 signature and expiry, the server's own `verifyAccessToken`, same secret) and takes the user id and token generation from it; " +
        'the "user exists, is not deleted and the token was not revoked (its generation is current)" check is part of its single statement. It answers only this query text: no GraphQL parsing, validation, limits or per-request context. ' +
        "Server CPU counts the Node process only: PostgreSQL's work (where the baseline builds its JSON) is not in it.",
      '',
    );
  }

  lines.push(`Run time: ${Math.round((Date.now() - startedAt) / 1000)} s.`, '');

  // ---- (c) subscription fan-out, (d) transactions on a large group
  const scaleStartedAt = Date.now();
  const scaleLines = [
    '## Results: fan-out and large group',
    '',
    `- Command: \`npm run bench\` (same run as the results above), ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Load average when (c) started: ${os.loadavg().map((v) => v.toFixed(2)).join(' / ')} (1 / 5 / 15 min).`,
    '',
  ];
  const format = { num, ms, rps, checked, ratio, cpu };
  if (runs('c')) {
    const fanout = await runFanoutScenario({
      coffer,
      start,
      databaseUrl: db.url,
      jwtSecret: /** @type {string} */ (childEnv.BENCH_JWT_SECRET),
      sizes: FANOUT_SIZES,
      events: FANOUT_EVENTS,
      warmups: 3,
      profile: PROFILE,
      log,
      format,
    });
    anyFailed ||= fanout.failed;
    scaleLines.push(...fanout.lines);
  }
  if (runs('d')) {
    log(`(d) transactions(first: 50) on a group with ${TRANSACTIONS} transactions`);
    const large = await runTransactionsScenario({ coffer, start, databaseUrl: db.url, transactions: TRANSACTIONS, settings: SETTINGS, profiled, log, format });
    anyFailed ||= large.failed;
    scaleLines.push(...large.lines);
  }
  scaleLines.push(`Run time of (c) and (d): ${Math.round((Date.now() - scaleStartedAt) / 1000)} s.`, '');

  /** @type {string[]} */
  const duesLines = [];
  if (runs('e')) {
    const duesStartedAt = Date.now();
    const dues = await runDuesScenario({ databaseUrl: db.url, log });
    anyFailed ||= dues.failed;
    duesLines.push(
      '## Results: opening a billing period (e)',
      '',
      `- Command: \`npm run bench\` (alone: \`BENCH_ONLY=e npm run bench\`); date ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; same machine and database as above.`,
      "- Coffer: the server's `openBillingPeriod` (behind `createBillingPeriod` and the billing job), one database transaction per group, reading the group first. Baseline: plain `pg`, the period insert and one `insert … select` of the dues per group, in a transaction.",
      '- Checked after every run: one due per member, and the dues of each period add up to its total exactly.',
      '',
      ...dues.lines,
      '',
      `Run time of (e): ${Math.round((Date.now() - duesStartedAt) / 1000)} s.`,
      '',
    );
  }

  const section = lines.join('\n');
  const scaleSection = scaleLines.join('\n');
  const duesSection = duesLines.join('\n');
  process.stdout.write(`\n${section}\n${runs('c') || runs('d') ? `\n${scaleSection}\n` : ''}${runs('e') ? `\n${duesSection}\n` : ''}`);
  if (!process.env.BENCH_NO_WRITE && ONLY === '' && !PROFILE) {
    writeResults(section);
    writeResults(scaleSection, SCALE_RESULTS_START, SCALE_RESULTS_END);
    writeResults(duesSection, DUES_RESULTS_START, DUES_RESULTS_END);
  }
  return anyFailed ? 1 : 0;
}

/** @param {string} section @param {string} [startMarker] @param {string} [endMarker] */
function writeResults(section, startMarker = RESULTS_START, endMarker = RESULTS_END) {
  const block = `${startMarker}\n${section}\n${endMarker}`;
  let text = existsSync(BENCHMARKS_MD) ? readFileSync(BENCHMARKS_MD, 'utf8') : '# Benchmarks\n\nRun with `npm run bench`.\n\n';
  const from = text.indexOf(startMarker);
  const to = text.indexOf(endMarker);
  if (from >= 0 && to > from) text = `${text.slice(0, from)}${block}${text.slice(to + endMarker.length)}`;
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS_MD, text);
  log(`wrote ${path.relative(process.cwd(), BENCHMARKS_MD) || BENCHMARKS_MD}`);
}

const watchdog = setTimeout(() => {
  log(`still running after ${WATCHDOG_MS / 60_000} minutes: giving up`);
  void cleanup().finally(() => process.exit(2));
}, WATCHDOG_MS);
watchdog.unref();
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (error) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    await cleanup();
    process.exit(1);
  },
);
