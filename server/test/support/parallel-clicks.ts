import type { GraphQLResponse, TestServer } from './test-server';

/**
 * How long a burst of clicks may take in all. The database pool waits 60 s
 * (knex's acquire timeout) for a free connection before it gives up, so a
 * request that needs a second connection while its own waits on a row lock
 * stalls the whole server for that long; a burst that is merely slow on a
 * loaded machine takes a second or two. A third of the acquire timeout tells
 * the two apart, and fails in 20 s rather than waiting for the pool.
 */
export const BURST_BOUND_MS = 20_000;

export interface ClickOutcome {
  /** null when the request did not answer within BURST_BOUND_MS. */
  response: GraphQLResponse | null;
  ms: number;
}

export interface BurstOutcome {
  clicks: ClickOutcome[];
  /** GET /api/health sent while the clicks were in flight: 503 when the server could not get a database connection. */
  healthStatus: number | null;
  /** From the first click sent to the last answer. */
  totalMs: number;
}

async function timed<T>(send: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<{ value: T | null; ms: number }> {
  const started = performance.now();
  try {
    return { value: await send(signal), ms: performance.now() - started };
  } catch (error) {
    if (signal.aborted) return { value: null, ms: performance.now() - started };
    throw error;
  }
}

/**
 * Sends the same GraphQL request `count` times at once, as an impatient user
 * clicking a button, plus a health check while they are in flight; anything
 * still unanswered after BURST_BOUND_MS is given up on (response null).
 */
export async function clickInParallel(t: TestServer, count: number, query: string, variables: Record<string, unknown>, token: string): Promise<BurstOutcome> {
  const signal = AbortSignal.timeout(BURST_BOUND_MS);
  const started = performance.now();
  const click = (abort: AbortSignal) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: abort,
    }).then(async (response) => ({ status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) }));
  const clicks = Array.from({ length: count }, () => timed(click, signal));
  // Sent after the clicks, so it queues for a connection behind them.
  const health = timed((abort) => fetch(`${t.url}/api/health`, { signal: abort }).then((response) => response.status), signal);
  const answered = await Promise.all(clicks);
  const healthStatus = (await health).value;
  return { clicks: answered.map(({ value, ms }) => ({ response: value, ms })), healthStatus, totalMs: performance.now() - started };
}

/** Each click's outcome in a form that reads well in a failed expectation: the data's status, or code/reason, or TIMEOUT. */
export function outcomeOf(click: ClickOutcome, statusOf: (data: Record<string, unknown>) => unknown): string {
  const { response } = click;
  if (!response) return 'TIMEOUT';
  const error = response.errors?.[0];
  if (error) return [error.extensions?.code, error.extensions?.reason].filter(Boolean).join(' ');
  return String(statusOf(response.data as Record<string, unknown>));
}
