import type { CofferEvent, EventBus } from './event-bus';
import { END_OF_STREAM, stoppableStream } from './stoppable-stream';

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

/**
 * The source as a plain stream of events (what graphql-js iterates), which
 * also carries the source itself so that a fan-out can take over: then this
 * stream is never iterated and subscribes to nothing. Its return() stops the
 * bus subscription at once (see stoppableStream).
 */
export function admittedEvents<Prepared>(source: AdmittedEventsSource<Prepared>): AdmittedEvents {
  const stream = stoppableStream(
    // Subscribed on the first next(): a stream a fan-out took over is never iterated.
    () => source.events.subscribe(source.topic, source.key),
    // Not admitted (say, no longer an admin): the stream ends for good.
    async (event: CofferEvent) => ((await source.admit(event, await source.prepare(event))) ? event : END_OF_STREAM),
  );
  return Object.assign(stream, { [ADMITTED_EVENTS]: source as AdmittedEventsSource });
}

export function admittedEventsSourceOf(stream: unknown): AdmittedEventsSource | undefined {
  return (stream as Partial<AdmittedEvents> | null)?.[ADMITTED_EVENTS];
}
