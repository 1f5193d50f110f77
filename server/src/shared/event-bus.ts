import { createClient, RedisClientType } from '@redis/client';
import { Client, Pool } from 'pg';

/**
 * Events between server instances over PostgreSQL LISTEN/NOTIFY (or Redis
 * pub/sub when REDIS_URL is set), so a member added through instance A
 * reaches a console subscribed on instance B.
 * Payloads carry ids only (NOTIFY is capped at 8 kB); subscribers reload the
 * rows with their own permissions.
 */
export interface CofferEvent {
  topic: string;
  /** Routing key within a topic, e.g. a group id. */
  key: string;
  data: Record<string, string>;
}

type Listener = (event: CofferEvent) => void;

/**
 * Events waiting for one subscription's consumer, at most. A consumer that takes
 * them slower than they come (graphql-ws waits for each write to a client that
 * stopped reading) would otherwise hold every later event in memory. Generous:
 * a healthy consumer drains a burst (the overdue run publishes one event per due)
 * long before this.
 */
export const DEFAULT_MAX_QUEUED_EVENTS = 10_000;

export interface SubscribeOptions {
  /** Default DEFAULT_MAX_QUEUED_EVENTS. */
  maxQueuedEvents?: number;
  /**
   * Called once when more than `maxQueuedEvents` wait: the subscription has then
   * stopped listening and dropped what waited, and its iterator ends. Without
   * it, the iterator throws SubscriberFellBehindError instead.
   */
  onFellBehind?: () => void;
}

export class SubscriberFellBehindError extends Error {
  constructor(maxQueuedEvents: number) {
    super(`More than ${maxQueuedEvents} events waited for this subscription; it was ended`);
    this.name = 'SubscriberFellBehindError';
  }
}

export interface EventBus {
  publish(event: CofferEvent): Promise<void>;
  /** Async iterator of events on topic+key; ends when the consumer returns (or falls behind: SubscribeOptions). */
  subscribe(topic: string, key: string, options?: SubscribeOptions): AsyncIterableIterator<CofferEvent>;
  close(): Promise<void>;
}

const CHANNEL = 'coffer_events';

export class LocalEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();

  protected deliver(event: CofferEvent): void {
    for (const listener of this.listeners.get(`${event.topic}:${event.key}`) ?? []) listener(event);
  }

  async publish(event: CofferEvent): Promise<void> {
    this.deliver(event);
  }

  subscribe(topic: string, key: string, options: SubscribeOptions = {}): AsyncIterableIterator<CofferEvent> {
    const routingKey = `${topic}:${key}`;
    const maxQueued = options.maxQueuedEvents ?? DEFAULT_MAX_QUEUED_EVENTS;
    const queue: CofferEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let fellBehind = false;
    const listener: Listener = (event) => {
      if (queue.length >= maxQueued) {
        queue.length = 0;
        stop();
        if (options.onFellBehind) options.onFellBehind();
        else fellBehind = true;
        return;
      }
      queue.push(event);
      wake?.();
    };
    const set = this.listeners.get(routingKey) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(routingKey, set);
    const stop = (): void => {
      if (!done) {
        done = true;
        set.delete(listener);
        // Only this subscription's own set: after it emptied once, the key may hold a newer subscriber's.
        if (set.size === 0 && this.listeners.get(routingKey) === set) this.listeners.delete(routingKey);
      }
      wake?.();
    };
    const iterator: AsyncIterableIterator<CofferEvent> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (fellBehind) {
          fellBehind = false;
          throw new SubscriberFellBehindError(maxQueued);
        }
        if (queue.length > 0) return { value: queue.shift() as CofferEvent, done: false };
        return { value: undefined, done: true };
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Reconnect delays for the LISTEN connection: 0.25 s doubling to 15 s, for as long as it takes. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 15_000;
/** Names the bus's connections in pg_stat_activity (and lets a test find them). */
export const EVENT_BUS_APPLICATION_NAME = 'coffer-event-bus';

/** Payloads that go out in one NOTIFY statement. */
interface NotifyBatch {
  payloads: string[];
  sent: Promise<void>;
}

/**
 * LISTEN/NOTIFY. The LISTEN connection is re-opened whenever it ends (a
 * database restart, a failover, an idle-connection killer), with backoff, so an
 * instance never goes deaf for good; events published while it was down are
 * not replayed (as with Redis pub/sub), which is why subscribers reload rows and
 * the console refetches. NOTIFY goes through a one-connection pool, which
 * replaces a broken connection on the next publish.
 */
export class PostgresEventBus extends LocalEventBus {
  private listenClient: Client | undefined;
  /** Events published in this tick, sent together once it ends. */
  private batch: NotifyBatch | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly databaseUrl: string,
    private readonly notifyPool: Pool,
  ) {
    super();
  }

  static async connect(databaseUrl: string): Promise<PostgresEventBus> {
    const notifyPool = new Pool({ connectionString: databaseUrl, max: 1, application_name: EVENT_BUS_APPLICATION_NAME });
    // An idle connection that breaks (database restart) is dropped from the pool; the next publish opens another.
    notifyPool.on('error', () => undefined);
    const bus = new PostgresEventBus(databaseUrl, notifyPool);
    await bus.listen();
    return bus;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: EVENT_BUS_APPLICATION_NAME });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        this.deliver(JSON.parse(message.payload) as CofferEvent);
      } catch {
        // A malformed payload from a foreign publisher must not kill the listener.
      }
    });
    // Errors on an idle connection would otherwise crash the process; 'end' follows and reconnects.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    client.on('end', () => {
      if (this.listenClient === client) this.listenClient = undefined;
      this.scheduleReconnect(RECONNECT_FIRST_MS);
    });
    if (this.closed) {
      await client.end();
      return;
    }
    this.listenClient = client;
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listen().catch(() => this.scheduleReconnect(Math.min(delayMs * 2, RECONNECT_MAX_MS)));
    }, delayMs);
    this.reconnectTimer.unref();
  }

  /**
   * Events published in the same tick (say, a mutation's ledger and approval
   * events after its commit) go out in one statement: one round trip, and
   * the later ones no longer wait for the earlier ones' answer. Delivered in
   * the order published: within a statement in array order, and statements
   * queue on the one-connection pool.
   */
  override publish(event: CofferEvent): Promise<void> {
    const payload = JSON.stringify(event);
    let batch = this.batch;
    // PostgreSQL delivers identical payloads on a channel once per transaction, so a repeat starts a statement of its own.
    if (!batch || batch.payloads.includes(payload)) {
      const payloads: string[] = [];
      const sent = Promise.resolve().then(() => {
        if (this.batch?.payloads === payloads) this.batch = undefined;
        return this.notify(payloads);
      });
      batch = this.batch = { payloads, sent };
    }
    batch.payloads.push(payload);
    return batch.sent;
  }

  private async notify(payloads: string[]): Promise<void> {
    // Delivered locally by our own LISTEN, exactly like on every other instance.
    if (payloads.length === 1) await this.notifyPool.query('select pg_notify($1, $2)', [CHANNEL, payloads[0]]);
    else await this.notifyPool.query('select pg_notify($1, payload) from unnest($2::text[]) as payload', [CHANNEL, payloads]);
  }

  override async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await super.close();
    await Promise.allSettled([this.listenClient?.end(), this.notifyPool.end()]);
  }
}

/**
 * Holds events until the database transaction that caused them commits, then
 * hands them on. A rolled-back change never announces itself.
 */
export class DeferredEventBus implements EventBus {
  private readonly queued: CofferEvent[] = [];

  constructor(private readonly target: EventBus) {}

  async publish(event: CofferEvent): Promise<void> {
    this.queued.push(event);
  }

  subscribe(topic: string, key: string, options?: SubscribeOptions): AsyncIterableIterator<CofferEvent> {
    return this.target.subscribe(topic, key, options);
  }

  /** Call after commit. */
  async flush(): Promise<void> {
    for (const event of this.queued.splice(0)) await this.target.publish(event);
  }

  async close(): Promise<void> {
    this.queued.length = 0;
  }
}

/**
 * The same events over Redis pub/sub, for deployments that run Redis
 * (REDIS_URL): one connection publishes, a second one listens.
 */
export class RedisEventBus extends LocalEventBus {
  private constructor(
    private readonly publisher: RedisClientType,
    private readonly subscriber: RedisClientType,
  ) {
    super();
  }

  static async connect(redisUrl: string): Promise<RedisEventBus> {
    const publisher = createClient({ url: redisUrl }) as RedisClientType;
    // Errors on an idle connection (Redis restart) are retried by the client; they must not crash the process.
    publisher.on('error', () => undefined);
    const subscriber = publisher.duplicate() as RedisClientType;
    subscriber.on('error', () => undefined);
    await Promise.all([publisher.connect(), subscriber.connect()]);
    const bus = new RedisEventBus(publisher, subscriber);
    await subscriber.subscribe(CHANNEL, (message) => {
      try {
        bus.deliver(JSON.parse(message) as CofferEvent);
      } catch {
        // A malformed payload from a foreign publisher must not kill the listener.
      }
    });
    return bus;
  }

  override async publish(event: CofferEvent): Promise<void> {
    await this.publisher.publish(CHANNEL, JSON.stringify(event));
  }

  override async close(): Promise<void> {
    await super.close();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}
