import { billingJob } from '../modules/dues/billing.job';
import { followUpsJob } from '../modules/dues/follow-ups.job';
import { countTasksByStatus, runNotificationWorker } from '../modules/notifications/notification-worker';
import { remindersJob } from '../modules/notifications/reminders.job';
import { deliverPendingWebhooks } from '../modules/webhooks/webhook-delivery';
import { retryFailedInboundWebhooks } from '../modules/payments/inbound-webhook.service';
import { runDataRetention } from '../modules/privacy/retention.service';
import { dispatchApprovedRemittances, reconcileProcessingRemittances, refreshExchangeRatesJob } from '../modules/remittances/remittance.jobs';
import type { RemittanceDeps } from '../modules/remittances/remittance.service';
import type { CofferJob, JobDeps } from './job-types';

const remittanceDeps = (deps: JobDeps): RemittanceDeps => ({ em: deps.orm.em, config: deps.config, events: deps.events, logger: deps.logger });

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
  // Each approval also starts its payout in-process after commit; this picks up whatever that missed.
  { name: 'remittance-dispatch', every: '1 minute', run: async (deps) => ({ ...(await dispatchApprovedRemittances(remittanceDeps(deps))) }) },
  // Asks the payout provider about remittances PROCESSING for over 10 minutes: covers lost callbacks.
  { name: 'remittance-reconcile', every: '5 minutes', run: async (deps) => ({ ...(await reconcileProcessingRemittances(remittanceDeps(deps), 10)) }) },
  // Provider webhooks whose processing failed (or whose instance died mid-way) are retried, never lost.
  { name: 'inbound-webhook-retry', every: '1 minute', run: async (deps) => ({ ...(await retryFailedInboundWebhooks(deps)) }) },
  // Expired tokens, rate-limit windows, old notification payloads and raw webhook bodies; never financial data.
  { name: 'data-retention', every: '1 day', run: async (deps) => ({ ...(await runDataRetention(deps.orm.em.fork(), deps.config)) }) },
  { name: 'exchange-rates', every: '1 hour', run: async (deps) => ({ ...(await refreshExchangeRatesJob(remittanceDeps(deps))) }) },
];

export function findJob(name: string): CofferJob | undefined {
  return cofferJobs.find((job) => job.name === name);
}
