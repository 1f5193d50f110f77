import type { CofferServer } from '../../src/app';
import type { EventBus } from '../../src/shared/event-bus';
import { until, WAIT_TIMEOUT_MS } from './until';

/*
 * Helpers for graphql-ws tests: watching a socket close, waiting until a
 * subscription is really listening, and reading the errors an operation got.
 */

export interface FormattedError {
  message: string;
  extensions?: { code?: string; reason?: string; [key: string]: unknown };
}

/** Pass `onClose` to `t.ws(...)`; `closed` resolves with the close code and reason. */
export function closeWatcher() {
  let resolveClosed: (value: { code: number; reason: string }) => void = () => undefined;
  let closedWith: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  return {
    onClose: (code: number, reason: string) => {
      closedWith ??= { code, reason };
      resolveClosed({ code, reason });
    },
    closed,
    /** Undefined while the socket is still open. */
    get closedWith() {
      return closedWith;
    },
    /** Rejects if the socket does not close within the timeout. */
    async wait(timeoutMs = WAIT_TIMEOUT_MS): Promise<{ code: number; reason: string }> {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          closed,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`socket not closed within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** How many listeners the instance's event bus has on topic+key (one per subscription, one per fan-out group). */
export function busListeners(events: EventBus, topic: string, key: string): number {
  const listeners = (events as unknown as { listeners: Map<string, Set<unknown>> }).listeners;
  if (!(listeners instanceof Map)) throw new Error('event bus has no listener map: update busListeners');
  return listeners.get(`${topic}:${key}`)?.size ?? 0;
}

/**
 * graphql-ws sends no acknowledgement for a subscribe, so a test that acts
 * right after subscribing could publish before the server listens. This waits
 * until the instance's event bus has `count` listeners on topic+key.
 */
export async function waitForListeners(events: EventBus, topic: string, key: string, count = 1, timeoutMs = WAIT_TIMEOUT_MS): Promise<void> {
  await until(() => busListeners(events, topic, key) >= count, `${count} listener(s) on ${topic}:${key}`, timeoutMs);
}

/**
 * Waits until the server serves `count` subscriptions of `field` with exactly
 * these variables (as subscribed): their subscribe functions have run and
 * they listen. Works for shared (fan-out) subscriptions too, where the event
 * bus has one listener however many sockets subscribe.
 */
export async function waitForSubscribers(server: CofferServer, field: string, variables: Record<string, unknown>, count = 1, timeoutMs = WAIT_TIMEOUT_MS): Promise<void> {
  await until(() => server.liveSubscriptions.count(field, variables) >= count, `${count} live ${field} subscription(s) for ${JSON.stringify(variables)}`, timeoutMs);
}

/**
 * The errors an operation got over graphql-ws, whether they came as an
 * `error` message (validation, limits) or inside a `next` result (resolvers).
 */
export function wsErrors(sub: { error: unknown; results: { errors?: unknown[] }[] }): FormattedError[] {
  if (Array.isArray(sub.error)) return sub.error as FormattedError[];
  const fromResults = sub.results.flatMap((result) => (result.errors ?? []) as FormattedError[]);
  return fromResults;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * graphql-ws's non-lazy client logs every close it did not expect with
 * console.error; tests that close sockets on purpose (4403) would drown real
 * errors in CloseEvent dumps. Only close events with the given codes are dropped.
 */
export function silenceExpectedCloses(codes: number[]): jest.SpyInstance {
  const original = console.error.bind(console);
  return jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    const [first] = args;
    const code = typeof first === 'object' && first !== null && 'code' in first ? (first as { code: unknown }).code : undefined;
    if (args.length === 1 && typeof code === 'number' && codes.includes(code)) return;
    original(...args);
  });
}
