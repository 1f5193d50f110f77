import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '../../../test/support/until';
import type { PaymentDeps } from './inbound-webhook.service';
import { startInboundWebhookProcessor } from './inbound-webhook-processor';
import { InboundWebhookStatus } from './payment.entities';

/*
 * The processor's pool: up to WEBHOOK_PROCESS_CONCURRENCY workers, but only one
 * while deliveries are being received, so acknowledging a burst comes first.
 * A stand-in for "claim and process the next stored event" counts how many
 * workers are at it at once; nothing else is stubbed.
 */

function queueOfEvents(count: number, msPerEvent: number) {
  let left = count;
  let busy = 0;
  const busyWhenStarted: number[] = [];
  const done: string[] = [];
  return {
    busyWhenStarted,
    done,
    add(more: number) {
      left += more;
    },
    async processNext() {
      if (left === 0) return null;
      left -= 1;
      const id = `event-${count - left}-${done.length}`;
      busy += 1;
      busyWhenStarted.push(busy);
      await sleep(msPerEvent);
      busy -= 1;
      done.push(id);
      return { id, status: InboundWebhookStatus.PROCESSED, outcome: 'CREDITED' };
    },
  };
}

/** The processor itself only logs through its deps. */
const deps = {} as PaymentDeps;

describe('inbound webhook processor', () => {
  it('runs up to its concurrency when nothing is being received', async () => {
    const queue = queueOfEvents(0, 20);
    const processor = startInboundWebhookProcessor(deps, 4, () => queue.processNext());
    queue.add(40);
    for (let i = 0; i < 4; i += 1) processor.wake();
    await until(() => queue.done.length === 40, 'all 40 events', 30_000);
    expect(Math.max(...queue.busyWhenStarted)).toBe(4);
    await processor.close();
  });

  it('keeps to one worker while deliveries are in flight, never stops processing, and refills the pool once they are answered', async () => {
    const queue = queueOfEvents(0, 10);
    const live = startInboundWebhookProcessor(deps, 4, () => queue.processNext());
    // Four workers busy on a backlog…
    queue.add(200);
    for (let i = 0; i < 4; i += 1) live.wake();
    await until(() => queue.busyWhenStarted.includes(4), 'four workers', 30_000);
    // …then a burst of deliveries arrives: each stores an event and wakes the processor.
    const answers = Array.from({ length: 20 }, () => live.receiving());
    const startedBeforeBurst = queue.busyWhenStarted.length;
    queue.add(20);
    for (let i = 0; i < 20; i += 1) live.wake();
    // Waited for rather than slept on: however slow the machine, processing must go on during the burst.
    await until(() => queue.busyWhenStarted.length - (startedBeforeBurst + 4) > 5, 'events started during the burst', 30_000);
    const duringBurst = queue.busyWhenStarted.slice(startedBeforeBurst + 4);
    expect(duringBurst.length).toBeGreaterThan(5); // processing went on (and Math.max below is over real starts, not -Infinity)
    expect(Math.max(...duringBurst)).toBe(1); // with one worker
    // Answering the same delivery twice counts once; the pool refills when the last one is answered.
    for (const answered of answers) answered();
    answers[0]();
    const afterBurst = queue.busyWhenStarted.length;
    await until(() => queue.done.length === 220, 'all 220 events', 30_000);
    expect(Math.max(...queue.busyWhenStarted.slice(afterBurst))).toBe(4);
    await live.close();
  });
});
