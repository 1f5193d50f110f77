#!/usr/bin/env node
// @ts-check
// `node bench/notification-worker.mjs` (after `npm run build -w server`):
// the notification worker (issue 6). BENCH_NOTIFICATION_TASKS (100,000) pending
// e-mail tasks (no SMTP: each is written to the outbox) drained by two
// worker processes on one database, against a plain FOR UPDATE SKIP LOCKED
// loop in pg doing the same work, in the same run, alternating
// (baseline, Coffer, baseline, Coffer). After each drain: every task
// COMPLETED, claimed exactly once (attempts = 1), exactly one outbox row per
// task. Target: Coffer ≥ 0.5× the baseline and ≥ 1,000 tasks/s.
// Writes its section of BENCHMARKS.md (BENCH_NO_WRITE=1 never writes).
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createBenchDatabase } from './lib/database.mjs';
import { requireServer, ROOT, SERVER_DIST } from './lib/paths.mjs';

const TASKS = Number(process.env.BENCH_NOTIFICATION_TASKS || 100_000);
const ROUNDS = 2;
const WORKERS = 2;
const START = '<!-- bench:notifications:start (written by `node bench/notification-worker.mjs`; edits inside are overwritten) -->';
const END = '<!-- bench:notifications:end -->';
const BENCHMARKS_MD = path.join(ROOT, 'BENCHMARKS.md');
const CHILD = path.join(ROOT, 'bench', 'lib', 'notification-worker-child.mjs');

/** @param {string} line */
const log = (line) => process.stderr.write(`[bench:notifications] ${line}\n`);

/** @param {pg.Client} sql */
async function seedTasks(sql) {
  await sql.query('truncate outbox_messages, in_app_notifications, notification_tasks');
  await sql.query(
    `insert into notification_tasks (id, created_at, updated_at, group_id, channel, template, recipient, payload, dedupe_key, status, attempts, next_run_at)
     select gen_random_uuid(), now(), now(), null, 'EMAIL', 'notify.manual', 'member-' || i || '@example.com',
       jsonb_build_object('groupName', 'Bench Club', 'message', 'Message number ' || i), 'bench:' || i, 'PENDING', 0, now() - interval '1 second'
     from generate_series(1, $1) as i`,
    [TASKS],
  );
  await sql.query('vacuum analyze notification_tasks');
}

/** Starts the workers, waits until all are connected, then times the drain. @param {string} mode @param {string} url */
async function drain(mode, url) {
  const children = Array.from({ length: WORKERS }, () => fork(CHILD, [mode], { env: { ...process.env, BENCH_NOTIFICATION_DB: url }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  /** @type {(child: import('node:child_process').ChildProcess, key: string) => Promise<Record<string, unknown>>} */
  const message = (child, key) =>
    new Promise((resolve, reject) => {
      child.on('message', (value) => {
        if (typeof value === 'object' && value !== null && key in value) resolve(/** @type {Record<string, unknown>} */ (value));
      });
      child.on('exit', (code) => reject(new Error(`${mode} worker exited with ${code} before ${key}`)));
    });
  await Promise.all(children.map((child) => message(child, 'ready')));
  const started = performance.now();
  const done = children.map((child) => message(child, 'done'));
  for (const child of children) child.send('go');
  const results = await Promise.all(done);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  return { seconds, perWorker: results.map((result) => Number(result.tasks)) };
}

/** @param {pg.Client} sql */
async function verify(sql) {
  const tasks = await sql.query(`select count(*)::int as total, count(*) filter (where status = 'COMPLETED' and attempts = 1)::int as once from notification_tasks`);
  const outbox = await sql.query(`select count(*)::int as total, count(distinct task_id)::int as distinct_tasks from outbox_messages`);
  const ok = tasks.rows[0].total === TASKS && tasks.rows[0].once === TASKS && outbox.rows[0].total === TASKS && outbox.rows[0].distinct_tasks === TASKS;
  return { ok, detail: `${tasks.rows[0].once}/${TASKS} completed with one claim, ${outbox.rows[0].total} outbox rows for ${outbox.rows[0].distinct_tasks} tasks` };
}

async function main() {
  if (!existsSync(path.join(SERVER_DIST, 'modules', 'notifications', 'notification-worker.js'))) throw new Error('Build the server first: npm run build -w server');
  const db = await createBenchDatabase(log);
  /** @type {typeof import('../server/src/db/orm.js')} */
  const { initOrm, migrate } = requireServer(path.join(SERVER_DIST, 'db', 'orm.js'));
  const orm = await initOrm(db.url);
  await migrate(orm);
  await orm.close(true);
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  /** @type {Record<string, number[]>} */
  const rates = { baseline: [], coffer: [] };
  let allVerified = true;
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const mode of ['baseline', 'coffer']) {
        await seedTasks(sql);
        const { seconds, perWorker } = await drain(mode, db.url);
        const check = await verify(sql);
        allVerified &&= check.ok;
        const rate = TASKS / seconds;
        rates[mode].push(rate);
        log(`round ${round} ${mode}: ${TASKS} tasks in ${seconds.toFixed(2)} s = ${Math.round(rate)} tasks/s (per worker ${perWorker.join(' + ')}); ${check.ok ? 'verified' : 'FAILED'}: ${check.detail}`);
      }
    }
  } finally {
    await sql.end();
    await db.drop();
  }
  const best = (/** @type {number[]} */ values) => Math.max(...values);
  const ratio = best(rates.coffer) / best(rates.baseline);
  const met = allVerified && ratio >= 0.5 && best(rates.coffer) >= 1000;
  const lines = [
    '## Results: notification worker',
    '',
    `- Command: \`node bench/notification-worker.mjs\`, ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, on ${db.source}; ${os.cpus().length} CPUs, load average at the end ${os.loadavg().map((v) => v.toFixed(2)).join(' / ')}.`,
    `- ${TASKS.toLocaleString('en')} pending e-mail tasks (no SMTP: each is written to the outbox), drained by ${WORKERS} worker processes on one database; batches of 100; ${ROUNDS} rounds, alternating.`,
    `- Checked after every drain: every task COMPLETED with exactly one claim (attempts = 1) and exactly one outbox row per task: ${allVerified ? 'yes, every round' : '**NO**'}.`,
    '',
    '| worker | round 1 | round 2 | best |',
    '| --- | ---: | ---: | ---: |',
    `| baseline: plain \`FOR UPDATE SKIP LOCKED\` loop in pg (claim, outbox insert, complete, in one transaction) | ${rates.baseline.map((r) => `${Math.round(r).toLocaleString('en')}/s`).join(' | ')} | ${Math.round(best(rates.baseline)).toLocaleString('en')}/s |`,
    `| Coffer's worker (claim under a lease with a fencing token, render, outbox insert + complete in one transaction) | ${rates.coffer.map((r) => `${Math.round(r).toLocaleString('en')}/s`).join(' | ')} | ${Math.round(best(rates.coffer)).toLocaleString('en')}/s |`,
    '',
    `Coffer / baseline: **${ratio.toFixed(2)}×** (target ≥ 0.5×); Coffer ${Math.round(best(rates.coffer)).toLocaleString('en')} tasks/s (target ≥ 1,000): ${met ? '**met**' : '**missed**'}.`,
    '',
  ];
  const section = lines.join('\n');
  process.stdout.write(`\n${section}\n`);
  if (!process.env.BENCH_NO_WRITE) {
    const block = `${START}\n${section}\n${END}`;
    let text = readFileSync(BENCHMARKS_MD, 'utf8');
    const from = text.indexOf(START);
    const to = text.indexOf(END);
    text = from >= 0 && to > from ? `${text.slice(0, from)}${block}${text.slice(to + END.length)}` : `${text.trimEnd()}\n\n${block}\n`;
    writeFileSync(BENCHMARKS_MD, text);
    log('wrote BENCHMARKS.md');
  }
  return met ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
