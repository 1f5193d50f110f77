import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { CofferConfig } from '../../config';
import { describeError, Logger } from '../../shared/logger';
import { deliverPendingWebhooks } from './webhook-delivery';

/** Sent by the outbox tables' insert triggers, i.e. when a transaction that wrote an event or delivery commits. */
export const WEBHOOK_OUTBOX_CHANNEL = 'coffer_webhook_outbox';
const RECONNECT_DELAY_MS = 5000;

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
        // Only a full batch means more may be waiting; anything committed meanwhile kicks again anyway.
        // (Re-running after every non-empty run cost every commit with an event a second, empty run: 3 statements.)
        if (run.moreMayBeWaiting) again = true;
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

  let listener: Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const listenLater = (): void => {
    if (closed) return;
    reconnectTimer = setTimeout(() => {
      listen().then(kick, (error: unknown) => {
        deps.logger.warn('Webhook outbox listener could not reconnect', describeError(error));
        listenLater();
      });
    }, RECONNECT_DELAY_MS);
    reconnectTimer.unref();
  };
  const listen = async (): Promise<void> => {
    const client = new Client({ connectionString: deps.databaseUrl });
    listener = client;
    let lost = false;
    // A database restart must not crash the process: log, reconnect in a while, and catch up on
    // what committed meanwhile (the poll timer also keeps retries going).
    const reconnect = (error?: Error): void => {
      if (lost || closed) return;
      lost = true;
      if (error) deps.logger.warn('Webhook outbox listener lost its connection', describeError(error));
      void client.end().catch(() => undefined);
      listenLater();
    };
    client.on('error', reconnect);
    client.on('end', () => reconnect());
    client.on('notification', (message) => {
      if (message.channel === WEBHOOK_OUTBOX_CHANNEL) kick();
    });
    try {
      await client.connect();
      await client.query(`listen ${WEBHOOK_OUTBOX_CHANNEL}`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => undefined);
      throw error;
    }
  };
  await listen();

  const timer = deps.config.webhookPollIntervalMs > 0 ? setInterval(kick, deps.config.webhookPollIntervalMs) : undefined;
  timer?.unref();
  // Whatever was left by a previous process (or committed while none listened).
  kick();

  return {
    kick,
    close: async () => {
      closed = true;
      if (timer) clearInterval(timer);
      clearTimeout(reconnectTimer);
      await listener?.end().catch(() => undefined);
      await running;
    },
  };
}
