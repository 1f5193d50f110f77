import { hostname } from 'node:os';
import { describeError } from '../shared/logger';
import { runJob } from './job-runner';
import type { CofferJob, JobDeps } from './job-types';

export interface JobScheduler {
  /** Lets running jobs finish (up to the grace period), then stops polling. */
  stop(): Promise<void>;
}

const DEFAULT_LOCK_LIFETIME_MS = 10 * 60 * 1000;
const STOP_GRACE_MS = 10_000;

/**
 * Agenda on the same PostgreSQL (agenda_jobs, created by our migration),
 * with our pool. Each job is a "single" repeating Agenda job, so however many
 * instances start, there is one row per job and one instance runs it at a
 * time; the job bodies are idempotent on top of that (a lock outliving its
 * lifetime, a cron route running the same work).
 *
 * Agenda is an ES module: it is imported here, when the scheduler starts,
 * so processes that never schedule (tests, one-off scripts) never load it.
 */
export async function startJobScheduler(deps: JobDeps, jobs: readonly CofferJob[]): Promise<JobScheduler> {
  const { Agenda } = await import('agenda');
  const { PostgresBackend } = await import('@agendajs/postgres-backend');
  const agenda = new Agenda({
    backend: new PostgresBackend({ pool: deps.pool, ensureSchema: false }),
    name: `${hostname()}:${process.pid}`,
    processEvery: '5 seconds',
    defaultConcurrency: 1,
    defaultLockLifetime: DEFAULT_LOCK_LIFETIME_MS,
  });
  agenda.on('error', (error: Error) => deps.logger.error('Job scheduler error', describeError(error)));
  for (const job of jobs) {
    agenda.define(
      job.name,
      async () => {
        await runJob(deps, job);
      },
      { concurrency: 1, lockLimit: 1, lockLifetime: job.lockLifetimeMs ?? DEFAULT_LOCK_LIFETIME_MS },
    );
  }
  await agenda.start();
  for (const job of jobs) await agenda.every(job.every, job.name);
  deps.logger.info('Job scheduler started', { jobs: jobs.map((job) => `${job.name} every ${job.every}`) });
  return {
    stop: async () => {
      await agenda.drain({ timeout: STOP_GRACE_MS, closeConnection: false });
    },
  };
}
