import { Pool } from 'pg';
import type { Logger } from '../shared/logger';
import { describeError } from '../shared/logger';
import type { CofferJob, JobDeps } from './job-types';

/**
 * The pool jobs and cron routes use for their SQL and Agenda for its queue.
 * A database restart surfaces as an 'error' on idle clients; without a
 * listener that would crash the process, with one the pool just reconnects.
 */
export function createJobPool(databaseUrl: string, logger: Logger, max = 5): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max, idleTimeoutMillis: 30_000 });
  pool.on('error', (error) => logger.warn('Job pool connection lost; it will reconnect', { error: error.message }));
  return pool;
}

/** How long an overlapping run waits for the one in progress before giving up (it reports the failure). */
const JOB_LOCK_WAIT_MS = 120_000;

/**
 * Runs `work` while holding a session advisory lock named after `name` on a
 * dedicated connection. A second caller (another instance, an overlapping
 * cron call) waits, then runs against the state the first left: with
 * idempotent work it finds nothing left to do. If the process dies the
 * session ends and PostgreSQL releases the lock. Waiting is bounded, so a
 * stuck run cannot pile up cron calls forever.
 */
export async function withJobLock<T>(pool: Pool, name: string, work: () => Promise<T>, waitMs = JOB_LOCK_WAIT_MS): Promise<T> {
  const key = `coffer-job:${name}`;
  const client = await pool.connect();
  let locked = false;
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const result = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [key]);
      locked = result.rows[0].locked;
      if (locked) break;
      if (Date.now() >= deadline) throw new Error(`Job ${name} is still running elsewhere after ${Math.round(waitMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return await work();
  } finally {
    if (locked) await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    client.release();
  }
}

/** Runs a job and records the run in job_runs (what the console's job status shows). */
export async function runJob(deps: JobDeps, job: CofferJob): Promise<Record<string, unknown>> {
  await deps.pool.query(
    `insert into job_runs (name, runs, last_started_at) values ($1, 1, now())
     on conflict (name) do update set runs = job_runs.runs + 1, last_started_at = now()`,
    [job.name],
  );
  try {
    const result = await job.run(deps);
    await deps.pool.query(`update job_runs set last_finished_at = now(), last_result = $2, last_error = null where name = $1`, [job.name, JSON.stringify(result)]);
    return result;
  } catch (error) {
    deps.logger.error('Job failed', { job: job.name, ...describeError(error) });
    await deps.pool
      .query(`update job_runs set last_finished_at = now(), failures = failures + 1, last_error = $2 where name = $1`, [job.name, error instanceof Error ? error.message : String(error)])
      .catch(() => undefined);
    throw error;
  }
}
