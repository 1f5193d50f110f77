import { cofferJobs } from '../src/jobs/job-list';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Client } from 'pg';
import { findFreePort } from '../src/db/embedded-postgres';
import { startSmtpStub, SmtpStub } from './support/smtp-stub';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { until } from './support/until';

/*
 * Jobs in their own processes, as deployed: the compiled job runner
 * (`node dist/jobs/run-job.js`) killed with SIGKILL in the middle of a batch,
 * and the API process (`node dist/main.js`) running the Agenda scheduler.
 */

const DIST = join(__dirname, '..', 'dist');
/*
 * Far longer than the test: a killed worker's lease must not run out on its own while the test
 * is still checking that it holds (a cold start of a new process can take many seconds on a
 * loaded machine). The test ends the lease itself, in SQL, when it wants it over.
 */
const LEASE_SECONDS = 300;

interface Proc {
  child: ChildProcess;
  output: () => string;
}

function spawnNode(script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [join(DIST, script), ...args], {
    env: { ...process.env, NODE_ENV: 'test', JWT_SECRET: 'jobs-process-secret', ENCRYPTION_KEY: 'jobs-process-key', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function exitOf(proc: Proc): Promise<number | null> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return proc.child.exitCode;
  const [code] = (await once(proc.child, 'exit')) as [number | null];
  return code;
}

let db: TestDatabase;
let sql: Client;
let smtp: SmtpStub;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  smtp = await startSmtpStub();
});
afterAll(async () => {
  await sql?.end();
  await smtp?.close();
  await db?.drop();
});

async function enqueueEmails(label: string, count: number): Promise<string[]> {
  const recipients = Array.from({ length: count }, (_, i) => `${label}-${i}@example.com`);
  await sql.query(
    `insert into notification_tasks (id, created_at, updated_at, channel, template, recipient, payload, dedupe_key, status, attempts, next_run_at)
     select gen_random_uuid(), now(), now(), 'EMAIL', 'notify.manual', r, jsonb_build_object('groupName', 'Club', 'message', 'Hello ' || r), 'test:' || r, 'PENDING', 0, now()
     from unnest($1::text[]) as r`,
    [recipients],
  );
  return recipients;
}

const statusCounts = async (label: string): Promise<Record<string, number>> => {
  const result = await sql.query<{ status: string; n: number }>(`select status, count(*)::int as n from notification_tasks where recipient like $1 group by status`, [`${label}-%`]);
  return Object.fromEntries(result.rows.map((row) => [row.status, row.n]));
};

it('reclaims the tasks of a worker killed mid-batch after the lease, and sends each exactly once', async () => {
  const recipients = await enqueueEmails('crash', 20);
  const env = { DATABASE_URL: db.url, SMTP_URL: smtp.url, NOTIFICATION_LEASE_SECONDS: String(LEASE_SECONDS), NOTIFICATION_CONCURRENCY: '1' };
  // The SMTP server accepts five messages, then stops answering: the worker hangs on the sixth.
  smtp.acceptLimit = 5;
  const doomed = spawnNode('jobs/run-job.js', ['notification-tasks'], env);
  await until(async () => (await statusCounts('crash')).COMPLETED === 5 && smtp.received.length === 5, 'five sent messages', 30_000);
  doomed.child.kill('SIGKILL');
  await exitOf(doomed);
  const afterKill = await statusCounts('crash');
  expect(afterKill).toEqual({ COMPLETED: 5, LOCKED: 15 });

  // Another worker while the lease holds: nothing to take.
  smtp.acceptLimit = Infinity;
  const early = spawnNode('jobs/run-job.js', ['notification-tasks'], env);
  expect(await exitOf(early)).toBe(0);
  expect(JSON.parse(early.output().trim().split('\n').pop()!).result).toMatchObject({ claimed: 0, reclaimed: 0 });
  expect(await statusCounts('crash')).toEqual({ COMPLETED: 5, LOCKED: 15 });

  // Past the lease, two workers at once: the stopped worker's tasks are reclaimed and sent once.
  // The lease runs out here rather than by waiting LEASE_SECONDS: its end moved to just past.
  const expired = await sql.query(`update notification_tasks set locked_until = now() - interval '1 second' where recipient like 'crash-%' and status = 'LOCKED' and locked_until > now()`);
  expect(expired.rowCount).toBe(15);
  const [a, b] = [spawnNode('jobs/run-job.js', ['notification-tasks'], env), spawnNode('jobs/run-job.js', ['notification-tasks'], env)];
  expect(await exitOf(a)).toBe(0);
  expect(await exitOf(b)).toBe(0);
  expect(await statusCounts('crash')).toEqual({ COMPLETED: 20 });
  const sent = smtp.received.flatMap((mail) => mail.to).filter((to) => to.startsWith('crash-'));
  expect(sent.sort()).toEqual([...recipients].sort());
  // The reclaimed ones were claimed twice; the first five once.
  const attempts = await sql.query<{ attempts: number; n: number }>(`select attempts, count(*)::int as n from notification_tasks where recipient like 'crash-%' group by attempts order by attempts`);
  expect(attempts.rows).toEqual([{ attempts: 1, n: 5 }, { attempts: 2, n: 15 }]);
}, 90_000);

it('runs the notification worker from the Agenda scheduler in the API process, one job row however many instances', async () => {
  const recipients = await enqueueEmails('agenda', 3);
  const env = { DATABASE_URL: db.url, SMTP_URL: smtp.url, JOBS_ENABLED: 'true', HOST: '127.0.0.1' };
  const servers = [spawnNode('main.js', [], { ...env, PORT: String(await findFreePort()) }), spawnNode('main.js', [], { ...env, PORT: String(await findFreePort()) })];
  try {
    await until(async () => servers.every((server) => server.output().includes('Job scheduler started')), 'both schedulers', 60_000);
    await until(async () => (await statusCounts('agenda')).COMPLETED === 3, 'the scheduled worker', 30_000);
    const sent = smtp.received.flatMap((mail) => mail.to).filter((to) => to.startsWith('agenda-'));
    expect(sent.sort()).toEqual([...recipients].sort());
    const jobs = await sql.query(`select name, type from agenda_jobs order by name`);
    // One row per scheduled job, whichever instance defined it first.
    expect(jobs.rows).toEqual(cofferJobs.map((job) => job.name).sort().map((name) => ({ name, type: 'single' })));
    const runs = await sql.query(`select runs, last_error from job_runs where name = 'notification-tasks'`);
    expect(runs.rows[0].runs).toBeGreaterThanOrEqual(1);
    expect(runs.rows[0].last_error).toBeNull();
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
    const codes = await Promise.all(servers.map(exitOf));
    expect(codes).toEqual([0, 0]);
  }
}, 120_000);
