import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { findFreePort } from '../src/db/embedded-postgres';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { until, WAIT_TIMEOUT_MS } from './support/until';

/*
 * Two real server processes (the compiled `node server/dist/main.js`, as
 * deployed) on one database: an approval request made through one reaches an
 * admin subscribed on the other, through PostgreSQL LISTEN/NOTIFY.
 */

const MAIN = join(__dirname, '..', 'dist', 'main.js');

interface Instance {
  process: ChildProcess;
  url: string;
}

async function startInstance(databaseUrl: string): Promise<Instance> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', JWT_SECRET: 'cross-process-secret', ENCRYPTION_KEY: 'cross-process-key', SEED_DEMO: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Two cold starts at once on an empty database (migrations, then one seeds while the other waits), on a CI
  // machine that may be running browser tests beside them: generous, since only a failure waits this long.
  const deadline = Date.now() + 150_000;
  while (!output.includes('Coffer API ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`instance did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process: child, url: `http://127.0.0.1:${port}` };
}

async function stop(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.process.exitCode !== null) return;
  instance.process.kill('SIGTERM');
  await once(instance.process, 'exit');
}

async function gql<T>(instance: Instance, query: string, variables: Record<string, unknown>, token?: string): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await fetch(`${instance.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

/**
 * Waits until the instance serves `count` subscriptions (GET /api/health says how many): graphql-ws
 * acknowledges no subscribe, and an event published before the other process listens is not heard.
 */
async function waitForSubscriptions(instance: Instance, count: number): Promise<void> {
  await until(async () => {
    const response = await fetch(`${instance.url}/api/health`);
    return ((await response.json()) as { data: { subscriptions: number } }).data.subscriptions === count;
  }, `${count} subscription(s) on ${instance.url}`);
}

/** The first result of a promise that must settle soon, or a failure that says what never came. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${WAIT_TIMEOUT_MS} ms`)), WAIT_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function signIn(instance: Instance, email: string, password: string): Promise<string> {
  const response = await gql<{ signIn: { accessToken: string } }>(instance, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { accessToken } }', { e: email, p: password });
  return response.data!.signIn.accessToken;
}

let db: TestDatabase;
let a: Instance | undefined;
let b: Instance | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  // Both start at once on an empty database: migrations and the demo seed must still happen exactly once.
  [a, b] = await Promise.all([startInstance(db.url), startInstance(db.url)]);
}, 320_000);
afterAll(async () => {
  await Promise.allSettled([stop(a), stop(b)]);
  await db?.drop();
});

it('delivers an approval request made through one process to an admin subscribed on the other', async () => {
  const adminToken = await signIn(b!, 'admin@example.com', 'demo-admin-pass');
  const operatorToken = await signIn(a!, 'operator@example.com', 'demo-operator-pass');
  const groups = await gql<{ groups: { edges: { node: { id: string } }[] } }>(b!, '{ groups { edges { node { id } } } }', {}, adminToken);
  expect(groups.data?.groups.edges).toHaveLength(1);
  const groupId = groups.data!.groups.edges[0].node.id;

  await waitForSubscriptions(b!, 0);
  const client = createClient({ url: `${b!.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${adminToken}` }, retryAttempts: 0 });
  const received = new Promise<unknown>((resolve, reject) => {
    client.subscribe(
      { query: 'subscription($g: ID!) { approvalEvents(groupId: $g) { type pendingCount approval { proposedData requestedBy { name } } } }', variables: { g: groupId } },
      { next: resolve, error: reject, complete: () => undefined },
    );
  });
  await waitForSubscriptions(b!, 1);
  const request = await gql<{ addMember: { pendingApproval: boolean } }>(
    a!,
    'mutation($g: ID!) { addMember(input: { groupId: $g, email: "cross@example.com", name: "Cross Process" }) { pendingApproval } }',
    { g: groupId },
    operatorToken,
  );
  expect(request.data?.addMember.pendingApproval).toBe(true);
  const event = (await within(received, 'the approval event')) as { data: { approvalEvents: { type: string; pendingCount: number; approval: { proposedData: { input: { name: string } }; requestedBy: { name: string } } } } };
  expect(event.data.approvalEvents).toMatchObject({ type: 'QUEUED', pendingCount: 1, approval: { proposedData: { input: { name: 'Cross Process' } }, requestedBy: { name: 'Omar Operator' } } });
  await client.dispose();
});

it("delivers both events of an operator's transaction (the ledger's and the admins' inbox) made through one process to an admin on the other", async () => {
  const adminToken = await signIn(b!, 'admin@example.com', 'demo-admin-pass');
  const operatorToken = await signIn(a!, 'operator@example.com', 'demo-operator-pass');
  const groups = await gql<{ groups: { edges: { node: { id: string } }[] } }>(b!, '{ groups { edges { node { id } } } }', {}, adminToken);
  const groupId = groups.data!.groups.edges[0].node.id;

  await waitForSubscriptions(b!, 0); // the previous test's subscription has left
  const client = createClient({ url: `${b!.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${adminToken}` }, retryAttempts: 0 });
  const first = <T>(query: string) =>
    new Promise<T>((resolve, reject) => {
      client.subscribe({ query, variables: { g: groupId } }, { next: (value) => resolve(value as T), error: reject, complete: () => undefined });
    });
  const ledger = first<{ data: { transactionEvents: { action: string; transaction: { id: string; approvalStatus: string } } } }>(
    'subscription($g: ID!) { transactionEvents(groupId: $g) { action transaction { id approvalStatus } } }',
  );
  const inbox = first<{ data: { approvalEvents: { type: string; approval: { targetId: string; requestedBy: { name: string } } } } }>(
    'subscription($g: ID!) { approvalEvents(groupId: $g) { type approval { targetId requestedBy { name } } } }',
  );
  await waitForSubscriptions(b!, 2);
  const recorded = await gql<{ recordTransaction: { pendingApproval: boolean; transaction: { id: string } } }>(
    a!,
    'mutation($g: ID!) { recordTransaction(input: { groupId: $g, type: CASH_IN, category: DONATION, amount: { amount: "12.00", currency: "INR" }, paymentMode: CASH }) { pendingApproval transaction { id } } }',
    { g: groupId },
    operatorToken,
  );
  expect(recorded.data?.recordTransaction.pendingApproval).toBe(true);
  const transactionId = recorded.data!.recordTransaction.transaction.id;
  expect((await within(ledger, 'the ledger event')).data.transactionEvents).toEqual({ action: 'RECORDED', transaction: { id: transactionId, approvalStatus: 'PENDING' } });
  expect((await within(inbox, 'the inbox event')).data.approvalEvents).toEqual({ type: 'QUEUED', approval: { targetId: transactionId, requestedBy: { name: 'Omar Operator' } } });
  await client.dispose();
});
