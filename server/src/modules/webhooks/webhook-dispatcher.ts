import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { CofferConfig } from '../../config';
import { describeError, Logger } from '../../shared/logger';
import { deliverPendingWebhooks } from './webhook-delivery';

/** Sent by the outbox tables' insert triggers, i.e. when a transaction that wrote an event or delivery commits. */
export const WEBHOOK_OUTBOX_CHANNEL = 'coffer_webhook_outbox';

export interface WebhookDispatcher {
  /** Runs deliverPendingWebhooks soon; runs requested while one is going coalesce into one more. */
  kick(): void;
  close(): Promise<void>;
}

/**
 * Runs the webhook worker in this process: right after a commit that wrote
 * an event (LISTEN on the outbox channel, so on every instance, whichever
 * one made the change), and every WEBHOOK_POLL_INTERVAL_MS for retries that
 * fell due. Errors are logged, never thrown: a request never waits for, or
 * fails because of, an integrator's endpoint.
 */
export async function startWebhookDispatcher(deps: { em: EntityManager; config: CofferConfig; databaseUrl: string; logger: Logger }): Promise<WebhookDispatcher> {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const runUntilIdle = async (): Promise<void> => {
    do {
      again = false;
      try {
        const run = await deliverPendingWebhooks({ em: deps.em, config: deps.config, logger: deps.logger });
        // A full batch means more may be waiting.
        if (run.claimed > 0 || run.dispatchedEvents > 0) again = true;
      } catch (error) {
        deps.logger.error('Webhook worker run failed', describeError(error));
      }
    } while (again && !closed);
  };

  const kick = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = runUntilIdle().finally(() => {
      running = undefined;
    });
  };

  const listener = new Client({ connectionString: deps.databaseUrl });
  // A database restart must not crash the process; the poll timer keeps retries going meanwhile.
  listener.on('error', (error) => deps.logger.warn('Webhook outbox listener lost its connection', describeError(error)));
  listener.on('notification', (message) => {
    if (message.channel === WEBHOOK_OUTBOX_CHANNEL) kick();
  });
  await listener.connect();
  await listener.query(`listen ${WEBHOOK_OUTBOX_CHANNEL}`);

  const timer = deps.config.webhookPollIntervalMs > 0 ? setInterval(kick, deps.config.webhookPollIntervalMs) : undefined;
  timer?.unref();
  // Whatever was left by a previous process (or committed while none listened).
  kick();

  return {
    kick,
    close: async () => {
      closed = true;
      if (timer) clearInterval(timer);
      await listener.end().catch(() => undefined);
      await running;
    },
  };
}
