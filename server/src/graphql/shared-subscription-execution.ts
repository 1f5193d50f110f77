import { createSourceEventStream, execute, ExecutionArgs, ExecutionResult, FormattedExecutionResult, getOperationAST, Kind, print } from 'graphql';
import { MessageType } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { admittedEventsSourceOf, AdmittedEventsSource } from '../shared/admitted-events';
import { CofferEvent, SubscriberFellBehindError } from '../shared/event-bus';
import { oncePerEvent } from '../shared/once-per-event';
import { stoppableStream } from '../shared/stoppable-stream';
import type { GraphQLContext } from './context';
import { closeAsFallingBehind, closeIfFallingBehind } from './slow-socket';

/**
 * For a root subscription field: the part of a subscriber that can change
 * what one event resolves to. Subscribers of the same document, variables and
 * key share one execution of the event (once per server instance); undefined
 * means "this subscriber's result is its own".
 */
export type ShareKey = (event: CofferEvent, context: GraphQLContext) => string | undefined;

/** Where a graphql-ws subscription's `next` messages go: its socket and the client's id for it. */
export interface DeliveryTarget {
  socket: WebSocket;
  id: string;
}

export interface SharedSubscriptionOptions {
  shareKeys: Record<string, ShareKey>;
  /** What a result looks like on the wire (the server's `onNext`: errors made public). */
  formatResult: (result: ExecutionResult) => ExecutionResult | FormattedExecutionResult;
  /** A socket with more than this waiting to be sent is closed instead of written to (slow-socket.ts). */
  maxBufferedBytes: number;
  /**
   * Events that may wait for a fan-out group (WS_MAX_QUEUED_EVENTS): past this, the group stops
   * listening and every subscriber's socket is closed with 1013 (reconnect and refetch).
   */
  maxQueuedEvents: number;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

/** Each event of `source` run through `run`, as graphql-ws iterates them; return() stops the source at once (see stoppableStream). */
function mapEvents(source: AsyncIterable<unknown>, run: (event: CofferEvent) => Promise<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  return stoppableStream(source[Symbol.asyncIterator]() as AsyncIterator<CofferEvent>, run);
}

const OPEN = 1; // WebSocket.OPEN

/**
 * One graphql-ws subscription in a fan-out. To graphql-ws it is a stream
 * that yields nothing and ends when the subscriber is dropped (no longer
 * admitted: graphql-ws then sends `complete`) or fails (graphql-ws sends the
 * error); its results are written to its socket by the fan-out directly.
 */
class FanoutSubscriber implements AsyncIterableIterator<ExecutionResult> {
  /** `{"id":…,"type":"next","payload":` for this subscription: a delivery appends the shared payload. */
  private readonly framePrefix: string;
  private finished = false;
  private failure: { error: unknown } | undefined;
  private waiting: { resolve: (result: IteratorResult<ExecutionResult>) => void; reject: (error: unknown) => void } | undefined;

  constructor(
    readonly args: ExecutionArgs,
    readonly source: AdmittedEventsSource,
    readonly shareKey: ShareKey,
    private readonly target: DeliveryTarget,
    private readonly detach: (subscriber: FanoutSubscriber) => void,
  ) {
    this.framePrefix = `{"id":${JSON.stringify(target.id)},"type":"${MessageType.Next}","payload":`;
  }

  get context(): GraphQLContext {
    return this.args.contextValue as GraphQLContext;
  }

  /** Synchronous, so a thousand sockets are written in one loop without a promise each. */
  send(payload: string, maxBufferedBytes: number): void {
    if (this.finished || this.target.socket.readyState !== OPEN) return;
    // A client that stopped reading is disconnected (it reconnects and refetches) rather than buffered for.
    if (closeIfFallingBehind(this.target.socket, maxBufferedBytes)) return;
    try {
      this.target.socket.send(`${this.framePrefix}${payload}}`);
    } catch (error) {
      // One broken socket ends its own subscription, not the delivery to the others.
      this.fail(error);
    }
  }

  /** The subscriber is no longer admitted: its stream completes. */
  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.detach(this);
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = undefined;
  }

  /** Ends the subscription by closing its socket with 1013 (slow-socket.ts): graphql-ws sends nothing more on it. */
  closeSocketAsFallingBehind(): void {
    closeAsFallingBehind(this.target.socket);
    this.end();
  }

  fail(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.detach(this);
    if (this.waiting) this.waiting.reject(error);
    else this.failure = { error };
    this.waiting = undefined;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.failure) {
      const { error } = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** graphql-ws calls this when the client completes the subscription or the socket closes. */
  return(): Promise<IteratorResult<ExecutionResult>> {
    this.failure = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Every subscription on this instance to one topic and key with one document
 * and variables: one listener on the event bus, and per event one `prepare`,
 * each subscriber's own `admit`, one execution per share key (subscribers
 * without one execute their own), one JSON serialisation per execution, and
 * then a plain loop writing the frames. Events are delivered one at a time,
 * in order.
 */
class FanoutGroup {
  readonly subscribers = new Set<FanoutSubscriber>();
  private readonly events: AsyncIterableIterator<CofferEvent>;

  constructor(
    source: AdmittedEventsSource,
    private readonly formatResult: SharedSubscriptionOptions['formatResult'],
    private readonly maxBufferedBytes: number,
    maxQueuedEvents: number,
    private readonly onEmpty: () => void,
  ) {
    // Subscribed now, so no event published after this subscription was accepted is missed. With
    // options of its own: the group's subscription is not the socket's that happened to create it.
    this.events = source.events.subscribe(source.topic, source.key, { maxQueuedEvents });
    void this.run();
  }

  remove(subscriber: FanoutSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size > 0) return;
    this.onEmpty();
    void this.events.return?.();
  }

  private async run(): Promise<void> {
    try {
      for await (const event of this.events) {
        // deliver() settles every failure on the subscribers concerned; this only keeps the loop alive.
        await this.deliver(event).catch(() => undefined);
      }
    } catch (error) {
      this.onEmpty();
      const members = [...this.subscribers];
      if (error instanceof SubscriberFellBehindError) {
        // Events came faster than this group could deliver them. Its subscribers are not at fault
        // and must not miss events silently: each socket is closed as a slow client's would be
        // (1013), so the console reconnects and refetches; an error result would only say
        // "internal error" and leave the client to guess.
        for (const member of members) member.closeSocketAsFallingBehind();
        return;
      }
      for (const member of members) member.fail(error);
    }
  }

  private async deliver(event: CofferEvent): Promise<void> {
    const members = [...this.subscribers];
    if (members.length === 0) return;
    let prepared: unknown;
    try {
      prepared = await members[0].source.prepare(event);
    } catch (error) {
      for (const member of members) member.fail(error);
      return;
    }
    const admitted: FanoutSubscriber[] = [];
    const verdicts: Promise<void>[] = [];
    for (const member of members) {
      let verdict: boolean | Promise<boolean>;
      try {
        verdict = member.source.admit(event, prepared);
      } catch (error) {
        member.fail(error);
        continue;
      }
      if (verdict === true) admitted.push(member);
      else if (verdict === false) member.end();
      else verdicts.push(verdict.then((ok) => (ok ? void admitted.push(member) : member.end()), (error: unknown) => member.fail(error)));
    }
    if (verdicts.length > 0) await Promise.all(verdicts);

    const shared = new Map<string, FanoutSubscriber[]>();
    const work: Promise<void>[] = [];
    for (const member of admitted) {
      const key = member.shareKey(event, member.context);
      if (key === undefined) {
        work.push(this.deliverTo([member], event));
        continue;
      }
      const same = shared.get(key);
      if (same) same.push(member);
      else shared.set(key, [member]);
    }
    for (const same of shared.values()) work.push(this.deliverTo(same, event));
    await Promise.all(work);
  }

  /** Executes the event once, as the first of `members` (they all resolve it alike), and sends it to each. */
  private async deliverTo(members: FanoutSubscriber[], event: CofferEvent): Promise<void> {
    let payload: string;
    try {
      const result = await execute({ ...members[0].args, rootValue: event });
      payload = JSON.stringify(this.formatResult(result));
    } catch (error) {
      for (const member of members) member.fail(error);
      return;
    }
    for (const member of members) member.send(payload, this.maxBufferedBytes);
  }
}

/**
 * graphql-ws's `subscribe`: graphql-js's own source stream, so each field's
 * subscribe function (with its authorization) runs per subscriber as before,
 * but events are executed once per share key rather than once per subscriber
 * — a thousand admins watching one inbox cost one execution. Only fields
 * listed in `shareKeys` share; everything else executes per subscriber.
 *
 * When the field's stream is an admitted-events source (shared/admitted-events.ts)
 * and the subscription's socket is known (`deliverTo`, from `onSubscribe`),
 * the subscription joins a fan-out instead: the serialised result is
 * written to all its sockets in one loop, with no per-subscriber promise
 * chain and no per-socket JSON.
 */
export function createSharedSubscriptions(options: SharedSubscriptionOptions) {
  const targets = new WeakMap<object, DeliveryTarget>();
  const groups = new Map<string, FanoutGroup>();

  const subscribe = async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream as ExecutionResult;
    const operation = getOperationAST(args.document, args.operationName);
    const selections = operation?.selectionSet.selections ?? [];
    const root = selections.length === 1 && selections[0].kind === Kind.FIELD ? selections[0].name.value : undefined;
    const shareKey = root ? options.shareKeys[root] : undefined;
    const runOwn = (event: CofferEvent): Promise<ExecutionResult> => Promise.resolve(execute({ ...args, rootValue: event }));
    if (!shareKey) return mapEvents(stream, runOwn);
    // Printed once per subscription, so identical documents from different sockets match.
    const documentKey = `${print(args.document)}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;

    const source = admittedEventsSourceOf(stream);
    const target = args.contextValue ? targets.get(args.contextValue) : undefined;
    if (source && target) {
      const groupKey = `${source.topic}\u0000${source.key}\u0000${documentKey}`;
      let group = groups.get(groupKey);
      if (!group) {
        const created = new FanoutGroup(source, options.formatResult, options.maxBufferedBytes, options.maxQueuedEvents, () => {
          if (groups.get(groupKey) === created) groups.delete(groupKey);
        });
        groups.set(groupKey, created);
        group = created;
      }
      const joined = group;
      const subscriber = new FanoutSubscriber(args, source, shareKey, target, (leaving) => joined.remove(leaving));
      joined.subscribers.add(subscriber);
      return subscriber;
    }

    const keys = new Map<string, string>();
    return mapEvents(stream, (event) => {
      const key = shareKey(event, args.contextValue as GraphQLContext);
      if (key === undefined) return runOwn(event);
      let name = keys.get(key);
      if (!name) keys.set(key, (name = `execution:${key}:${documentKey}`));
      return oncePerEvent(event, name, () => runOwn(event));
    });
  };

  return {
    subscribe,
    /** Called from `onSubscribe` with the context it returns: that subscription's results may be written to this socket directly. */
    deliverTo(context: object, target: DeliveryTarget): void {
      targets.set(context, target);
    },
  };
}
