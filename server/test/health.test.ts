import { Client } from 'pg';
import { HEALTH_TIMEOUT_MS } from '../src/rest/router';
import { startTestServer, TestServer } from './support/test-server';

/*
 * GET /api/health for load balancers and uptime checks, and the REST
 * sidecar's envelope for what it does not serve.
 */

interface Health {
  status: string;
  version: string;
  uptime: number;
  db: 'up' | 'down';
  dbLatencyMs: number | null;
  subscriptions: number;
  timestamp: string;
}

async function get(t: TestServer, path: string, init: RequestInit = {}) {
  const response = await fetch(`${t.url}${path}`, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

function expectRecentTimestamp(timestamp: string): void {
  expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  expect(Math.abs(Date.parse(timestamp) - Date.now())).toBeLessThan(60_000);
}

describe('with the database up', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { COFFER_VERSION: '9.8.7-test' } });
  });
  afterAll(async () => t.close());

  it('answers 200 with status, version, uptime and database latency', async () => {
    const response = await get(t, '/api/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(response.body)).toEqual(['data']);
    const health = response.body.data as Health;
    expect(health).toEqual({
      status: 'ok',
      version: '9.8.7-test',
      uptime: expect.any(Number),
      db: 'up',
      dbLatencyMs: expect.any(Number),
      subscriptions: 0,
      timestamp: expect.any(String),
    });
    expect(health.uptime).toBeGreaterThanOrEqual(0);
    expect(health.dbLatencyMs).toBeGreaterThanOrEqual(0);
    expectRecentTimestamp(health.timestamp);
  });

  it('answers an unknown /api route with 404 and the error envelope', async () => {
    const response = await get(t, '/api/nope');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: {} } });
  });

  it('answers a wrong method with 405, the error envelope and the allowed methods', async () => {
    const response = await get(t, '/api/health', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect(response.body).toEqual({ error: { code: 'BAD_USER_INPUT', message: expect.stringContaining('DELETE'), details: { reason: 'METHOD_NOT_ALLOWED' } } });
    // A provider webhook route and a cron route the same way (POST only).
    for (const path of ['/api/webhooks/razorpay', '/api/webhooks/stripe', '/api/cron/billing']) {
      const wrong = await get(t, path);
      expect({ path, status: wrong.status, allow: wrong.headers.get('allow'), body: wrong.body }).toEqual({
        path,
        status: 405,
        allow: 'POST',
        body: { error: { code: 'BAD_USER_INPUT', message: expect.stringContaining('GET'), details: { reason: 'METHOD_NOT_ALLOWED' } } },
      });
    }
  });
});

describe('a body over BODY_LIMIT_BYTES on a REST route', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { BODY_LIMIT_BYTES: '2000', CONSOLE_SHARED_SECRET: 'console-secret-for-health-tests' } });
  });
  afterAll(async () => t.close());

  it('is refused with 413 BODY_TOO_LARGE in the envelope, as /graphql refuses it', async () => {
    const body = JSON.stringify({ email: 'someone@example.com', padding: 'x'.repeat(5_000) });
    const requests: [string, Record<string, string>][] = [
      ['/api/webhooks/razorpay', { 'x-razorpay-signature': '00' }],
      ['/api/webhooks/stripe', { 'stripe-signature': 't=1,v1=00' }],
      ['/api/auth/federated-sign-in', { 'x-console-secret': 'console-secret-for-health-tests' }],
    ];
    for (const [path, headers] of requests) {
      const response = await get(t, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect({ path, status: response.status, body: response.body }).toEqual({
        path,
        status: 413,
        body: { error: { code: 'BAD_USER_INPUT', message: expect.any(String), details: { reason: 'BODY_TOO_LARGE' } } },
      });
    }
  });
});

describe('after the database becomes unreachable', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    const healthy = await get(t, '/api/health');
    expect(healthy.status).toBe(200);
    const admin = new Client({ connectionString: process.env.COFFER_TEST_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`drop database "${t.db.name}" with (force)`);
    } finally {
      await admin.end();
    }
  });
  afterAll(async () => t.close());

  it('answers 503 with db "down" in a well-formed envelope', async () => {
    const started = Date.now();
    const response = await get(t, '/api/health');
    expect(response.status).toBe(503);
    expect(Object.keys(response.body)).toEqual(['data']);
    const health = response.body.data as Health;
    expect(health).toEqual({
      status: 'unavailable',
      version: t.config.version,
      uptime: expect.any(Number),
      db: 'down',
      dbLatencyMs: null,
      subscriptions: 0,
      timestamp: expect.any(String),
    });
    expectRecentTimestamp(health.timestamp);
    // A health check must answer quickly rather than hang with the database: it gives up on it after
    // HEALTH_TIMEOUT_MS; the rest of the bound is room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(HEALTH_TIMEOUT_MS + 8000);
  });
});
