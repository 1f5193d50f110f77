import { describeError } from '../../shared/logger';
import { PaymentDeps, processNextReceived, ProcessResult } from './inbound-webhook.service';

/*
 * Each instance's processor of stored provider webhooks: a small pool of
 * workers, woken in-process right after a webhook route stored an event. A
 * worker claims the oldest RECEIVED event nobody holds (FOR UPDATE SKIP
 * LOCKED), whichever instance stored it, applies it and claims the next,
 * until none is left; so events stored by an instance that died are picked up
 * too as soon as any instance is woken. Events that failed wait for their
 * backoff and the retry job (inbound-webhook-retry), which also covers an
 * event stored while no processor ran.
 *
 * Acknowledging comes first: while this instance is receiving deliveries,
 * only one worker keeps processing and the others stop after their current
 * event, so a burst of webhooks is answered at the rate the machine can store
 * them (a provider that waits too long retries, and sends even more). When the
 * last delivery in flight is answered, the pool is back to full strength.
 */

export interface InboundWebhookProcessor {
  /** An event was just stored (committed): an idle worker starts claiming. */
  wake(): void;
  /** A webhook delivery is being received; call the returned function once it is answered. */
  receiving(): () => void;
  /** The outcome of event `id` when a worker of this instance finishes it within `ms`; else null. */
  waitFor(id: string, ms: number): Promise<ProcessResult | null>;
  /** Lets the running workers finish their current event, and starts no more. */
  close(): Promise<void>;
}

/**
 * `processNext` claims and processes one stored event, or returns null when none is left; tests pass
 * their own to watch how many workers run.
 */
export function startInboundWebhookProcessor(
  deps: PaymentDeps,
  concurrency: number,
  processNext: () => Promise<ProcessResult & { id: string } | null> = () => processNextReceived(deps),
): InboundWebhookProcessor {
  let running = 0;
  let closed = false;
  /** Bumped by every wake: a worker that found nothing claims again if a wake came while it was looking. */
  let wakes = 0;
  /** Deliveries being received now; while any is, processing keeps to one worker. */
  let deliveriesInFlight = 0;
  /** Whether workers stepped aside for deliveries, so the pool is refilled once they are answered. */
  let yielded = false;
  const workers = new Set<Promise<void>>();
  const waiters = new Map<string, Set<(result: ProcessResult) => void>>();

  const settle = (id: string, result: ProcessResult): void => {
    const waiting = waiters.get(id);
    if (!waiting) return;
    waiters.delete(id);
    for (const resolve of waiting) resolve(result);
  };

  const work = async (): Promise<void> => {
    try {
      while (!closed) {
        if (deliveriesInFlight > 0 && running > 1) {
          yielded = true;
          return;
        }
        const seen = wakes;
        const processed = await processNext();
        if (processed) settle(processed.id, processed);
        else if (seen === wakes) return;
      }
    } catch (error) {
      // The database is unreachable or the failure could not be recorded: the event stays RECEIVED for the next wake or the retry job.
      deps.logger?.error('Webhook processor stopped on an error', describeError(error));
    } finally {
      // Counted down the moment the worker stops (not a tick later), so workers deciding together never all step aside.
      running -= 1;
    }
  };

  const start = (): void => {
    running += 1;
    const worker = work().finally(() => workers.delete(worker));
    workers.add(worker);
  };

  const processor: InboundWebhookProcessor = {
    wake() {
      if (closed) return;
      wakes += 1;
      if (running >= concurrency) return;
      if (deliveriesInFlight > 0 && running > 0) {
        // One worker is already on it; the others start when the deliveries have been answered.
        yielded = true;
        return;
      }
      start();
    },
    receiving() {
      deliveriesInFlight += 1;
      let answered = false;
      return () => {
        if (answered) return;
        answered = true;
        deliveriesInFlight -= 1;
        if (deliveriesInFlight > 0 || !yielded || closed) return;
        yielded = false;
        while (running < concurrency) start();
      };
    },
    waitFor(id, ms) {
      if (concurrency === 0) return Promise.resolve(null);
      return new Promise<ProcessResult | null>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(done);
          if (waiting.size === 0) waiters.delete(id);
          resolve(null);
        }, ms);
        const done = (result: ProcessResult): void => {
          clearTimeout(timer);
          resolve(result);
        };
        const waiting = waiters.get(id) ?? new Set();
        waiters.set(id, waiting);
        waiting.add(done);
      });
    },
    async close() {
      closed = true;
      await Promise.all([...workers]);
    },
  };
  // Whatever an instance that stopped left RECEIVED is taken up at once.
  processor.wake();
  return processor;
}
