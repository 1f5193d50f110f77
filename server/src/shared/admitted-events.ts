import type { CofferEvent, EventBus } from './event-bus';

/** Marks a subscription stream that a fan-out may deliver without iterating it (see graphql/shared-subscription-execution.ts). */
export const ADMITTED_EVENTS = Symbol('admittedEvents');

/**
 * One subscriber's events on a topic and key, each checked before it is
 * passed on. `prepare` is the part of the check that is the same for every
 * subscriber of the topic and key (say, the group's admin list as of this
 * event): a fan-out calls it once per event for all of them, so it must not
 * depend on the viewer. `admit` is this subscriber's own verdict; false ends
 * its stream for good (someone demoted mid-subscription stops receiving).
 */
export interface AdmittedEventsSource<Prepared = unknown> {
  events: EventBus;
  topic: string;
  key: string;
  prepare(event: CofferEvent): Promise<Prepared>;
  admit(event: CofferEvent, prepared: Prepared): boolean | Promise<boolean>;
}

export type AdmittedEvents = AsyncIterableIterator<CofferEvent> & { [ADMITTED_EVENTS]: AdmittedEventsSource };

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * The source as a plain stream of events (what graphql-js iterates), which
 * also carries the source itself so that a fan-out can take over: then this
 * stream is never iterated and subscribes to nothing.
 *
 * Written out rather than as an async generator: a generator's return() waits
 * for its pending next() to settle, which on a quiet topic means until the
 * next event, so a client that left (or whose socket closed) would keep its
 * event-bus listener, and the context it holds, until then. Here return()
 * stops the bus subscription at once, and the pending next() ends with it.
 */
export function admittedEvents<Prepared>(source: AdmittedEventsSource<Prepared>): AdmittedEvents {
  let events: AsyncIterableIterator<CofferEvent> | undefined;
  let finished = false;
  const finish = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!finished) {
      finished = true;
      await events?.return?.();
    }
    return DONE;
  };
  const stream: AdmittedEvents = {
    [ADMITTED_EVENTS]: source as AdmittedEventsSource,
    [Symbol.asyncIterator]: () => stream,
    next: async () => {
      if (finished) return DONE;
      // Subscribed on the first next(): a stream a fan-out took over is never iterated.
      events ??= source.events.subscribe(source.topic, source.key);
      try {
        const next = await events.next();
        if (next.done || finished) return await finish();
        const event = next.value;
        const admitted = await source.admit(event, await source.prepare(event));
        // Not admitted (say, no longer an admin): the stream ends for good.
        if (!admitted || finished) return await finish();
        return { value: event, done: false };
      } catch (error) {
        await finish();
        throw error;
      }
    },
    return: finish,
    throw: async (error: unknown) => {
      await finish();
      throw error;
    },
  };
  return stream;
}

export function admittedEventsSourceOf(stream: unknown): AdmittedEventsSource | undefined {
  return (stream as Partial<AdmittedEvents> | null)?.[ADMITTED_EVENTS];
}
