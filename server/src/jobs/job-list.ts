import { billingJob } from '../modules/dues/billing.job';
import { followUpsJob } from '../modules/dues/follow-ups.job';
import { countTasksByStatus, runNotificationWorker } from '../modules/notifications/notification-worker';
import { remindersJob } from '../modules/notifications/reminders.job';
import { deliverPendingWebhooks } from '../modules/webhooks/webhook-delivery';
import type { CofferJob, JobDeps } from './job-types';

/** The notification worker's run, as the cron route reports it. */
export async function notificationTasksJob(deps: JobDeps): Promise<Record<string, unknown>> {
  const report = await runNotificationWorker(deps);
  return { ...report, counts: await countTasksByStatus(deps.pool) };
}

/**
 * Every scheduled job of the installation: the one place to add one.
 * A module exports an idempotent `(deps: JobDeps) => Promise<report>` and is
 * listed here with its name and interval; the scheduler (scheduler.ts) runs
 * it on one instance at a time, and `node dist/jobs/run-job.js <name>` runs
 * it once from a shell or a Kubernetes CronJob.
 */
export const cofferJobs: readonly CofferJob[] = [
  { name: 'notification-tasks', every: '15 seconds', lockLifetimeMs: 5 * 60 * 1000, run: notificationTasksJob },
  { name: 'billing', every: '1 hour', run: billingJob },
  { name: 'reminders', every: '1 hour', run: remindersJob },
  { name: 'follow-ups', every: '1 hour', run: followUpsJob },
  // Each instance also delivers webhooks right after a commit and on its own timer (webhook-dispatcher.ts);
  // this is the scheduled backstop, and what `run-job webhook-deliveries` runs.
  { name: 'webhook-deliveries', every: '1 minute', run: async (deps) => ({ ...(await deliverPendingWebhooks({ em: deps.orm.em, config: deps.config, logger: deps.logger })) }) },
  // Later: remittances (dispatch, reconcile, rate refresh), payments (retryFailedInboundWebhooks).
];

export function findJob(name: string): CofferJob | undefined {
  return cofferJobs.find((job) => job.name === name);
}
