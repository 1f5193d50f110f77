import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../../test/support/test-database';
import { CofferEvent, EVENT_BUS_APPLICATION_NAME, LocalEventBus, PostgresEventBus, SubscriberFellBehindError } from './event-bus';

/*
 * The PostgreSQL bus against a real database whose server kills the bus's
 * connections, as a restart or a failover does.
 */

let db: TestDatabase;
let admin: Client;
beforeAll(async () => {
  db = await createTestDatabase();
  admin = new Client({ connectionString: db.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

const event = (n: number): CofferEvent => ({ topic: 'bus-test', key: 'k', data: { n: String(n) } });
const later = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));

it('hears events again after the database ends its connections, and publishing recovers too', async () => {
  const bus = await PostgresEventBus.connect(db.url);
  const events = bus.subscribe('bus-test', 'k');
  try {
    await bus.publish(event(1));
    expect((await events.next()).value).toEqual(event(1));

    const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()', [EVENT_BUS_APPLICATION_NAME]);
    // The LISTEN connection and the NOTIFY pool's connection.
    expect(killed.rowCount).toBe(2);

    // Events published while the listener is down are lost (as with Redis); keep publishing until one is heard.
    const next = events.next();
    let heard: IteratorResult<CofferEvent> | undefined;
    const publishErrors: unknown[] = [];
    for (let n = 2; !heard && n < 100; n += 1) {
      await bus.publish(event(n)).catch((error: unknown) => publishErrors.push(error));
      heard = await Promise.race([next, later(200)]);
    }
    expect(heard?.value).toMatchObject({ topic: 'bus-test', key: 'k' });
    // At most the first publish can meet the dead connection before the pool drops it.
    expect(publishErrors.length).toBeLessThanOrEqual(1);
    const listeners = await admin.query(`select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = current_database() and query ilike 'listen%'`, [EVENT_BUS_APPLICATION_NAME]);
    expect(listeners.rows[0].n).toBe(1);
  } finally {
    await events.return?.();
    await bus.close();
  }
});

it('stops reconnecting once closed', async () => {
  const bus = await PostgresEventBus.connect(db.url);
  await bus.close();
  await later(600);
  const left = await admin.query('select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = current_database()', [EVENT_BUS_APPLICATION_NAME]);
  expect(left.rows[0].n).toBe(0);
});

it('sends events published together to every instance in the order published, each one, repeats included', async () => {
  const publisher = await PostgresEventBus.connect(db.url);
  const other = await PostgresEventBus.connect(db.url);
  const heardByOther = other.subscribe('bus-test', 'k');
  const heardByPublisher = publisher.subscribe('bus-test', 'k');
  const elsewhere = other.subscribe('bus-test', 'another key');
  try {
    const burst = [event(1), event(2), event(1), { topic: 'bus-test', key: 'another key', data: { n: '3' } }, event(4)];
    // One tick, as a mutation publishes its events after commit. PostgreSQL would fold the repeated event(1) into
    // the first within one statement; it must still arrive twice.
    await Promise.all(burst.map((each) => publisher.publish(each)));
    // And a later one, alone: it goes after the burst.
    await publisher.publish(event(5));
    const expected = [event(1), event(2), event(1), event(4), event(5)];
    for (const stream of [heardByOther, heardByPublisher]) {
      const heard: CofferEvent[] = [];
      for (let i = 0; i < expected.length; i += 1) {
        const next = await Promise.race([stream.next(), later(5000)]);
        if (!next) break;
        heard.push(next.value as CofferEvent);
      }
      expect(heard).toEqual(expected);
    }
    expect((await elsewhere.next()).value).toEqual(burst[3]);
    // Nothing more: no event was sent twice.
    expect(await Promise.race([heardByOther.next().then((next) => next.value as CofferEvent), later(300)])).toBeUndefined();
  } finally {
    await Promise.all([heardByOther.return?.(), heardByPublisher.return?.(), elsewhere.return?.()]);
    await Promise.all([publisher.close(), other.close()]);
  }
});

describe('a subscription whose consumer falls behind', () => {
  it('keeps at most maxQueuedEvents waiting: past that it stops listening, drops them and throws once', async () => {
    const bus = new LocalEventBus();
    const events = bus.subscribe('bus-test', 'k', { maxQueuedEvents: 3 });
    for (let n = 1; n <= 3; n += 1) await bus.publish(event(n));
    expect((await events.next()).value).toEqual(event(1)); // one taken: room for one more
    await bus.publish(event(4));
    await bus.publish(event(5)); // 2, 3 and 4 wait: this one is too many
    await bus.publish(event(6)); // no longer listening
    await expect(events.next()).rejects.toThrow(SubscriberFellBehindError);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('with onFellBehind, calls it once and ends the stream instead of throwing', async () => {
    const bus = new LocalEventBus();
    const onFellBehind = jest.fn();
    const events = bus.subscribe('bus-test', 'k', { maxQueuedEvents: 2, onFellBehind });
    for (let n = 1; n <= 5; n += 1) await bus.publish(event(n));
    expect(onFellBehind).toHaveBeenCalledTimes(1);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });

  it('never falls behind while the consumer keeps up, and other subscriptions are not affected', async () => {
    const bus = new LocalEventBus();
    const keepingUp = bus.subscribe('bus-test', 'k', { maxQueuedEvents: 2 });
    const stalled = bus.subscribe('bus-test', 'k', { maxQueuedEvents: 2, onFellBehind: () => undefined });
    for (let n = 1; n <= 50; n += 1) {
      await bus.publish(event(n));
      expect((await keepingUp.next()).value).toEqual(event(n));
    }
    expect(await stalled.next()).toEqual({ value: undefined, done: true });
    await keepingUp.return?.();
  });
});

describe('ending a subscription', () => {
  it('ends a pending next() at once, and ending it twice leaves a later subscription of the same key listening', async () => {
    const bus = new LocalEventBus();
    const first = bus.subscribe('bus-test', 'k');
    const pending = first.next();
    await first.return?.();
    expect(await Promise.race([pending, later(1000).then(() => 'still waiting')])).toEqual({ value: undefined, done: true });

    const second = bus.subscribe('bus-test', 'k');
    await first.return?.(); // again, say from both graphql-ws and a stream wrapping this one
    await bus.publish(event(1));
    expect(await Promise.race([second.next(), later(1000).then(() => 'not heard')])).toEqual({ value: event(1), done: false });
  });
});
