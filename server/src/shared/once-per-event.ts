import type { CofferEvent } from './event-bus';

const work = new WeakMap<CofferEvent, Map<string, Promise<unknown>>>();

/**
 * Work that every subscriber of one event needs, done once per server
 * instance: the event bus hands the same event object to all of an
 * instance's subscribers, so a thousand admins watching one inbox cost one
 * load of the approval, not a thousand. Keyed by event identity (held
 * weakly) and a name, so unrelated loads for one event do not collide.
 * A failed load is not kept: the next subscriber tries again.
 */
export function oncePerEvent<T>(event: CofferEvent, name: string, load: () => Promise<T>): Promise<T> {
  let forEvent = work.get(event);
  if (!forEvent) {
    forEvent = new Map();
    work.set(event, forEvent);
  }
  const existing = forEvent.get(name) as Promise<T> | undefined;
  if (existing) return existing;
  const started = load();
  forEvent.set(name, started);
  started.catch(() => forEvent.delete(name));
  return started;
}
