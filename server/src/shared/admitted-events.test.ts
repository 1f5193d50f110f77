import { admittedEvents } from './admitted-events';
import { CofferEvent, LocalEventBus } from './event-bus';

/*
 * A subscriber's stream of admitted events (approval inbox, and whatever else
 * checks each event before passing it on), as graphql-ws iterates it.
 */

const event = (n: number): CofferEvent => ({ topic: 'admitted-test', key: 'g', data: { n: String(n) } });
const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const listeners = (bus: LocalEventBus) => (bus as unknown as { listeners: Map<string, Set<unknown>> }).listeners.get('admitted-test:g')?.size ?? 0;

function stream(bus: LocalEventBus, admit: (event: CofferEvent) => boolean) {
  return admittedEvents({ events: bus, topic: 'admitted-test', key: 'g', prepare: async () => undefined, admit });
}

it('passes admitted events on in order and ends, unsubscribed, at the first one refused', async () => {
  const bus = new LocalEventBus();
  const events = stream(bus, (e) => e.data.n !== '3');
  const first = events.next();
  expect(listeners(bus)).toBe(1);
  await bus.publish(event(1));
  await bus.publish(event(2));
  await bus.publish(event(3));
  await bus.publish(event(4));
  expect(await first).toEqual({ value: event(1), done: false });
  expect(await events.next()).toEqual({ value: event(2), done: false });
  expect(await events.next()).toEqual({ value: undefined, done: true });
  expect(await events.next()).toEqual({ value: undefined, done: true });
  expect(listeners(bus)).toBe(0);
});

it('subscribes to nothing until iterated (a fan-out that takes the stream over never iterates it)', () => {
  const bus = new LocalEventBus();
  stream(bus, () => true);
  expect(listeners(bus)).toBe(0);
});

it('ends a pending next() and lets go of its listener as soon as return() is called, without waiting for an event', async () => {
  const bus = new LocalEventBus();
  const events = stream(bus, () => true);
  const pending = events.next();
  expect(listeners(bus)).toBe(1);
  expect(await Promise.race([events.return?.(), later(1000, 'return still waiting')])).toEqual({ value: undefined, done: true });
  expect(await Promise.race([pending, later(1000, 'next still waiting')])).toEqual({ value: undefined, done: true });
  expect(listeners(bus)).toBe(0);
});
