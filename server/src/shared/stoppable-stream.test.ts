import { CofferEvent, LocalEventBus } from './event-bus';
import { END_OF_STREAM, stoppableStream } from './stoppable-stream';

/*
 * The stream under every subscription graphql-ws iterates (admittedEvents, and
 * the per-subscriber results of shared-subscription-execution): what matters is
 * when it lets go of its event-bus listener.
 */

const event = (n: number): CofferEvent => ({ topic: 'stoppable-test', key: 'g', data: { n: String(n) } });
const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const listeners = (bus: LocalEventBus) => (bus as unknown as { listeners: Map<string, Set<unknown>> }).listeners.get('stoppable-test:g')?.size ?? 0;

it('maps each value in order, and ends (letting go of the listener) at the first END_OF_STREAM', async () => {
  const bus = new LocalEventBus();
  const stream = stoppableStream(bus.subscribe('stoppable-test', 'g'), async (e) => (e.data.n === '3' ? END_OF_STREAM : Number(e.data.n) * 10));
  for (const n of [1, 2, 3, 4]) await bus.publish(event(n));
  expect(await stream.next()).toEqual({ value: 10, done: false });
  expect(await stream.next()).toEqual({ value: 20, done: false });
  expect(await stream.next()).toEqual({ value: undefined, done: true });
  expect(listeners(bus)).toBe(0);
});

it('given an iterator already listening, return() lets go of it even before the first next()', async () => {
  const bus = new LocalEventBus();
  const stream = stoppableStream(bus.subscribe('stoppable-test', 'g'), async (e) => e);
  expect(listeners(bus)).toBe(1);
  expect(await stream.return?.()).toEqual({ value: undefined, done: true });
  expect(listeners(bus)).toBe(0);
  expect(await stream.next()).toEqual({ value: undefined, done: true });
});

it('ends a pending next() at once on return(), and stops the source when a step fails', async () => {
  const bus = new LocalEventBus();
  const quiet = stoppableStream(bus.subscribe('stoppable-test', 'g'), async (e) => e);
  const pending = quiet.next();
  expect(await Promise.race([quiet.return?.(), later(1000, 'return still waiting')])).toEqual({ value: undefined, done: true });
  expect(await Promise.race([pending, later(1000, 'next still waiting')])).toEqual({ value: undefined, done: true });
  expect(listeners(bus)).toBe(0);

  const failing = stoppableStream(bus.subscribe('stoppable-test', 'g'), async () => Promise.reject(new Error('step failed')));
  await bus.publish(event(1));
  await expect(failing.next()).rejects.toThrow('step failed');
  expect(listeners(bus)).toBe(0);
});
