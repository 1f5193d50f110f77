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

export type AdmittedEvents = AsyncGenerator<CofferEvent> & { [ADMITTED_EVENTS]: AdmittedEventsSource };

/**
 * The source as a plain stream of events (what graphql-js iterates), which
 * also carries the source itself so that a fan-out can take over: then this
 * stream is never iterated and subscribes to nothing.
 */
export function admittedEvents<Prepared>(source: AdmittedEventsSource<Prepared>): AdmittedEvents {
  async function* iterate(): AsyncGenerator<CofferEvent> {
    const events = source.events.subscribe(source.topic, source.key);
    try {
      for await (const event of events) {
        if (!(await source.admit(event, await source.prepare(event)))) return;
        yield event;
      }
    } finally {
      await events.return?.();
    }
  }
  return Object.assign(iterate(), { [ADMITTED_EVENTS]: source as AdmittedEventsSource });
}

export function admittedEventsSourceOf(stream: unknown): AdmittedEventsSource | undefined {
  return (stream as Partial<AdmittedEvents> | null)?.[ADMITTED_EVENTS];
}
