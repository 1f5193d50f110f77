import { Client } from 'pg';
import { codeOf, createApiKey, createGroup, TestGroup } from '../../../test/support/factories';
import { collect, startTestServer, testConfig, TestServer } from '../../../test/support/test-server';
import { closeWatcher, silenceExpectedCloses, sleep, wsErrors } from '../../../test/support/ws-helpers';

/*
 * API keys are limited per key in fixed windows counted in PostgreSQL. These
 * run against real servers: one with a long window (so no test straddles a
 * window's end by accident), one with a two-second window for the reset, and
 * a second instance on the same database for the shared count.
 */

const LIMIT = 4;
const ME = '{ me { apiKey { id } } }';

interface RawResponse {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(server: TestServer, auth: string | undefined, query = ME): Promise<RawResponse> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as RawResponse['body'] };
}

const rateHeaders = (response: RawResponse) => ({
  limit: Number(response.headers.get('x-ratelimit-limit')),
  remaining: Number(response.headers.get('x-ratelimit-remaining')),
  reset: Number(response.headers.get('x-ratelimit-reset')),
});

let t: TestServer;
let group: TestGroup;
beforeAll(async () => {
  t = await startTestServer({ env: { API_KEY_RATE_LIMIT: String(LIMIT), API_KEY_RATE_LIMIT_WINDOW_SECONDS: '3600' } });
  group = await createGroup(t);
});
afterAll(async () => t.close());

/*
 * The long window is the clock hour (windows are aligned to the epoch, by the database's clock,
 * as shared/rate-limit.ts counts them). A test that counts a key's requests must not cross into
 * the next hour, so none starts in the last minute of one: it waits for the new hour instead.
 */
const HOUR_END_MARGIN_SECONDS = 60;
beforeEach(async () => {
  const { rows } = await t.query<{ left: string }>('select 3600 - extract(epoch from now())::numeric % 3600 as left');
  const left = Number(rows[0].left);
  if (left < HOUR_END_MARGIN_SECONDS) await sleep(left * 1000 + 500);
}, 120_000);

it('reports the limit on every response and refuses the request past it with 429, Retry-After and RATE_LIMITED', async () => {
  const key = await createApiKey(t, group, 'MEMBER');
  const remaining: number[] = [];
  for (let i = 0; i < LIMIT; i += 1) {
    const response = await post(t, key);
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const headers = rateHeaders(response);
    expect(headers.limit).toBe(LIMIT);
    expect(headers.reset).toBeGreaterThan(0);
    expect(headers.reset).toBeLessThanOrEqual(3600);
    remaining.push(headers.remaining);
  }
  expect(remaining).toEqual([3, 2, 1, 0]);

  const refused = await post(t, key);
  expect(refused.status).toBe(429);
  expect(refused.body.data).toBeUndefined();
  const error = refused.body.errors?.[0];
  expect(error?.extensions?.code).toBe('RATE_LIMITED');
  const retryAfter = error?.extensions?.retryAfterSeconds as number;
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  expect(Number(refused.headers.get('retry-after'))).toBe(retryAfter);
  expect(rateHeaders(refused)).toEqual({ limit: LIMIT, remaining: 0, reset: retryAfter });

  // The same key is refused on the REST side too, in its envelope.
  const rest = await fetch(`${t.url}/api/receipts/00000000-0000-0000-0000-000000000000`, { headers: { authorization: `Bearer ${key}` } });
  expect(rest.status).toBe(429);
  expect(rest.headers.get('retry-after')).toBeTruthy();
  expect(rest.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(((await rest.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
});

it('costs an API key request one SQL statement: lookup, count and last-used time together', async () => {
  const key = await createApiKey(t, group, 'MEMBER');
  const original = Client.prototype.query;
  let statements = 0;
  const counting = function (this: Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text ?? '';
    // The webhook dispatcher polls on its own connection; only requests' statements count here.
    if (!/webhook_|^select now\(\) as now$/.test(text)) statements += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  Client.prototype.query = counting as typeof Client.prototype.query;
  try {
    // `{ __typename }` reads nothing else: every statement is the viewer's. The first use also sets last_used_at.
    for (let i = 0; i < 3; i += 1) expect((await post(t, key, '{ __typename }')).status).toBe(200);
  } finally {
    Client.prototype.query = original;
  }
  expect(statements).toBe(3);
  const row = await t.query('select last_used_at from api_keys where prefix = $1', [key.split('_').slice(0, 2).join('_')]);
  expect(row.rows[0].last_used_at).not.toBeNull();
});

it("counts each key on its own: another key of the same group keeps its full allowance", async () => {
  const busy = await createApiKey(t, group, 'MEMBER');
  const other = await createApiKey(t, group, 'MEMBER');
  for (let i = 0; i <= LIMIT; i += 1) await post(t, busy);
  expect((await post(t, busy)).status).toBe(429);
  const response = await post(t, other);
  expect(response.status).toBe(200);
  expect(rateHeaders(response).remaining).toBe(LIMIT - 1);
});

it('does not limit signed-in people, and sends them no rate-limit headers', async () => {
  for (let i = 0; i < LIMIT + 2; i += 1) {
    const response = await post(t, group.admin.token, '{ me { user { id } } }');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
  }
});

it('does not count a wrong secret against the real key with that prefix', async () => {
  const key = await createApiKey(t, group, 'MEMBER');
  for (let i = 0; i < LIMIT + 1; i += 1) expect((await post(t, `${key.slice(0, -3)}xyz`)).status).toBe(401);
  expect(rateHeaders(await post(t, key)).remaining).toBe(LIMIT - 1);
});

it("takes a key's own limit, set when it was created, over the server's default; and refuses a limit that is not a positive whole number", async () => {
  const CREATE = 'mutation($g: ID!, $limit: Int) { createApiKey(groupId: $g, name: "Batch import", role: MEMBER, rateLimit: $limit) { secret apiKey { rateLimit } } }';
  const created = await t.gql<{ createApiKey: { secret: string; apiKey: { rateLimit: number } } }>(CREATE, { g: group.id, limit: 2 }, group.admin.token);
  const { secret, apiKey } = created.data!.createApiKey;
  expect(apiKey.rateLimit).toBe(2);
  expect(rateHeaders(await post(t, secret))).toMatchObject({ limit: 2, remaining: 1 });
  expect((await post(t, secret)).status).toBe(200);
  expect((await post(t, secret)).status).toBe(429);

  for (const bad of [0, -5, 100_001]) {
    const refused = await t.gql(CREATE, { g: group.id, limit: bad }, group.admin.token);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].extensions?.fields).toHaveProperty('rateLimit');
  }
  const listed = await t.gql<{ apiKeys: { rateLimit: number | null }[] }>('query($g: ID!) { apiKeys(groupId: $g) { rateLimit } }', { g: group.id }, group.admin.token);
  expect(listed.data?.apiKeys.filter((key) => key.rateLimit !== null)).toEqual([{ rateLimit: 2 }]);
});

it('counts WebSocket connections and subscribes: past the limit a subscribe gets RATE_LIMITED and a new connection is closed with 4429', async () => {
  const silence = silenceExpectedCloses([4429]);
  try {
    const key = await createApiKey(t, group, 'ADMIN');
    const SUB = 'subscription($g: ID!) { approvalEvents(groupId: $g) { type } }';
    const client = t.ws(key); // the connection counts 1
    // Four subscribes count 2 to 5: whichever the server counts last is over the limit.
    const subs = [1, 2, 3, 4].map(() => collect(client, SUB, { g: group.id }));
    const refusedOnes = async () => {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !subs.some((sub) => sub.error)) await sleep(20);
      await sleep(200); // room for a wrongly refused second one to show up
      return subs.filter((sub) => sub.error);
    };
    const refused = await refusedOnes();
    expect(refused).toHaveLength(1);
    const [error] = wsErrors(refused[0]);
    expect(error.extensions?.code).toBe('RATE_LIMITED');
    expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // The socket and the other subscriptions stay.
    expect(subs.filter((sub) => sub.completed)).toHaveLength(0);

    const watcher = closeWatcher();
    t.ws(key, { onClose: watcher.onClose });
    const closed = await watcher.wait();
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/^Rate limited; retry in \d+ s$/);
  } finally {
    silence.mockRestore();
  }
});

describe('windows and instances', () => {
  let shortWindow: TestServer;
  let secondInstance: TestServer;
  beforeAll(async () => {
    shortWindow = await startTestServer({ db: t.db, env: { API_KEY_RATE_LIMIT: String(LIMIT), API_KEY_RATE_LIMIT_WINDOW_SECONDS: '2' } });
    secondInstance = await startTestServer({ db: t.db, env: { API_KEY_RATE_LIMIT: String(LIMIT), API_KEY_RATE_LIMIT_WINDOW_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await shortWindow?.close();
    await secondInstance?.close();
  });

  it('starts counting again when the window ends', async () => {
    // A key limited to one request a window: two requests within one two-second window are refused,
    // however slow the machine (LIMIT + 1 requests might not fit in one window).
    const created = await t.gql<{ createApiKey: { secret: string } }>(
      'mutation($g: ID!) { createApiKey(groupId: $g, name: "Short window", role: MEMBER, rateLimit: 1) { secret } }',
      { g: group.id },
      group.admin.token,
    );
    const key = created.data!.createApiKey.secret;
    let refused: RawResponse | undefined;
    // Keep going until refused: a window may end during the loop, which only makes it longer.
    for (let i = 0; i < 16 && !refused; i += 1) {
      const response = await post(shortWindow, key);
      if (response.status === 429) refused = response;
    }
    expect(refused).toBeDefined();
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    await sleep(retryAfter * 1000 + 100);
    const again = await post(shortWindow, key);
    expect(again.status).toBe(200);
    expect(rateHeaders(again)).toMatchObject({ limit: 1, remaining: 0 });
  });

  it('shares one count between two server instances', async () => {
    const key = await createApiKey(t, group, 'MEMBER');
    const seen: number[] = [];
    for (let i = 0; i < LIMIT; i += 1) seen.push(rateHeaders(await post(i % 2 === 0 ? t : secondInstance, key)).remaining);
    expect(seen).toEqual([3, 2, 1, 0]);
    expect((await post(secondInstance, key)).status).toBe(429);
    expect((await post(t, key)).status).toBe(429);
  });
});

it('refuses a window longer than the counters are kept (an hour), or none at all', () => {
  expect(() => testConfig({ API_KEY_RATE_LIMIT_WINDOW_SECONDS: '86400' })).toThrow(/from 1 to 3600/);
  expect(() => testConfig({ API_KEY_RATE_LIMIT_WINDOW_SECONDS: '0' })).toThrow(/from 1 to 3600/);
  expect(testConfig({ API_KEY_RATE_LIMIT_WINDOW_SECONDS: '2' }).apiKeyRateLimit.windowSeconds).toBe(2);
});
