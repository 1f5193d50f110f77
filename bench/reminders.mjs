#!/usr/bin/env node
// @ts-check
// `node bench/reminders.mjs` (after `npm run build -w server`): the reminders run for
// BENCH_REMINDER_DUES (100,000) unpaid dues — 100 groups of 1,000 members, each with a
// "3 days before the due date, by e-mail" schedule and a period due in 3 days — timing
// enqueueReminders (the reminders job without its worker run) and counting its SQL
// statements; then the same run again (everything already queued: nothing new).
// Checked: one task per due, every dedupe key distinct, and none on the second run.
// Writes its section of BENCHMARKS.md (BENCH_NO_WRITE=1 never writes).
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createBenchDatabase } from './lib/database.mjs';
import { requireServer, ROOT, SERVER_DIST } from './lib/paths.mjs';

const DUES = Number(process.env.BENCH_REMINDER_DUES || 100_000);
const GROUPS = 100;
const PER_GROUP = Math.ceil(DUES / GROUPS);
const START = '<!-- bench:reminders:start (written by `node bench/reminders.mjs`; edits inside are overwritten) -->';
const END = '<!-- bench:reminders:end -->';
const BENCHMARKS_MD = path.join(ROOT, 'BENCHMARKS.md');

/** @param {string} line */
const log = (line) => process.stderr.write(`[bench:reminders] ${line}\n`);

/** Groups, members, one period each and its dues, and a schedule per group, in a handful of set-based statements. @param {pg.Client} sql */
async function seed(sql) {
  await sql.query(
    `insert into groups (id, created_at, updated_at, name, kind, currency, status, member_number_prefix, member_sequence, billing_settings, payment_settings)
     select gen_random_uuid(), now(), now(), 'Bench club ' || g, 'CLUB', 'INR', 'ACTIVE', 'BC' || g, $1,
       '{"mode":"EQUAL_SPLIT","cycle":"MONTHLY","priceMinor":"100000","dueDay":1,"graceDays":3}', '{}'
     from generate_series(1, $2) as g`,
    [PER_GROUP, GROUPS],
  );
  await sql.query(
    `insert into members (id, created_at, updated_at, group_id, name, email, role, member_number, status)
     select gen_random_uuid(), now(), now(), g.id, 'Member ' || i, 'm' || i || '-' || lower(g.member_number_prefix) || '@example.com', 'MEMBER',
       g.member_number_prefix || '-2026-' || lpad(i::text, 4, '0') || '-00', 'ACTIVE'
     from groups g cross join generate_series(1, $1) as i`,
    [PER_GROUP],
  );
  await sql.query(
    `insert into billing_periods (id, created_at, updated_at, group_id, label, period_start, period_end, due_date, total_minor, currency, status, version)
     select gen_random_uuid(), now(), now(), id, 'December 2026', '2026-12-01', '2026-12-31', current_date + 3, 100000, 'INR', 'OPEN', 1 from groups`,
  );
  await sql.query(
    `insert into dues (id, created_at, updated_at, group_id, period_id, member_id, amount_minor, currency, due_date, status, version)
     select gen_random_uuid(), now(), now(), m.group_id, p.id, m.id, 100, 'INR', p.due_date, 'UNPAID', 1
     from members m join billing_periods p on p.group_id = m.group_id`,
  );
  await sql.query(
    `insert into reminder_schedules (id, created_at, updated_at, group_id, reminder_type, direction, offset_days, channels, status)
     select gen_random_uuid(), now(), now(), id, 'DUE_DATE', 'BEFORE', 3, '{EMAIL}', 'ACTIVE' from groups`,
  );
  await sql.query('vacuum analyze');
}

async function main() {
  const db = await createBenchDatabase(log);
  /** @type {typeof import('../server/src/db/orm.js')} */
  const { initOrm, migrate } = requireServer(path.join(SERVER_DIST, 'db', 'orm.js'));
  /** @type {typeof import('../server/src/modules/notifications/reminders.job.js')} */
  const { enqueueReminders } = requireServer(path.join(SERVER_DIST, 'modules', 'notifications', 'reminders.job.js'));
  const orm = await initOrm(db.url);
  await migrate(orm);
  await orm.close(true);
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => undefined);
  // Every statement the job sends: pool.query goes through a client's query too.
  let statements = 0;
  pool.on('connect', (client) => {
    const query = client.query;
    client.query = /** @type {typeof client.query} */ (
      /** @type {unknown} */ (
        (/** @type {unknown[]} */ ...args) => {
          statements += 1;
          return Reflect.apply(query, client, args);
        }
      )
    );
  });
  /** @type {string[]} */
  let lines = [];
  let ok = false;
  try {
    log(`seeding ${GROUPS} groups × ${PER_GROUP} members with unpaid dues due in 3 days`);
    await seed(sql);
    const runs = [];
    for (const label of ['first run', 'second run']) {
      statements = 0;
      const started = performance.now();
      const enqueued = await enqueueReminders({ pool });
      const ms = performance.now() - started;
      runs.push({ label, enqueued, ms, statements });
      log(`${label}: ${enqueued} tasks in ${Math.round(ms)} ms, ${statements} statements`);
    }
    const check = await sql.query(`select count(*)::int as n, count(distinct dedupe_key)::int as keys, count(distinct member_id)::int as members from notification_tasks where template = 'reminder.due'`);
    const total = GROUPS * PER_GROUP;
    ok = runs[0].enqueued === total && runs[1].enqueued === 0 && check.rows[0].n === total && check.rows[0].keys === total && check.rows[0].members === total;
    lines = [
      '## Results: reminders run',
      '',
      `- Command: \`node bench/reminders.mjs\`, ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, on ${db.source}; ${os.cpus().length} CPUs, load average ${os.loadavg().map((v) => v.toFixed(2)).join(' / ')}.`,
      `- ${total.toLocaleString('en')} unpaid dues in ${GROUPS} groups of ${PER_GROUP.toLocaleString('en')} members, each group with one "3 days before the due date, by e-mail" schedule, due in 3 days. Timed: \`enqueueReminders\` (the reminders job before its worker run), on a pg pool that counts statements.`,
      `- Checked: one task per due (${check.rows[0].n.toLocaleString('en')} tasks, ${check.rows[0].keys.toLocaleString('en')} distinct dedupe keys) and nothing new on the second run: ${ok ? 'yes' : '**NO**'}.`,
      '',
      '| run | tasks queued | time | SQL statements |',
      '| --- | ---: | ---: | ---: |',
      ...runs.map((run) => `| ${run.label} | ${run.enqueued.toLocaleString('en')} | ${(run.ms / 1000).toFixed(2)} s | ${run.statements} |`),
      '',
      'The statements: an advisory lock and its release, one INSERT … SELECT for due-date reminders and one for membership expiries, whatever the number of dues or groups.',
      '',
    ];
  } finally {
    await pool.end();
    await sql.end();
    await db.drop();
  }
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
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
