import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { findFreePort } from '../src/db/embedded-postgres';
import { RedisEventBus } from '../src/shared/event-bus';
import { ADD_MEMBER, createGroup, createUser } from './support/factories';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { collect, startTestServer, TestServer } from './support/test-server';
import { waitForSubscribers } from './support/ws-helpers';

/*
 * With REDIS_URL set, events between instances go through Redis pub/sub.
 * The test runs its own redis-server (Debian package `redis-server`; .ci/run
 * installs it), so it needs no Redis already running.
 */

function redisServerBinary(): string {
  const configured = process.env.REDIS_SERVER_BIN;
  if (configured) return configured;
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('redis-server is not installed: `apt-get install redis-server` (Debian), or set REDIS_SERVER_BIN');
  }
}

let redis: ChildProcess;
let db: TestDatabase;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  const port = await findFreePort();
  redis = spawn(redisServerBinary(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  redis.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!output.includes('Ready to accept connections')) {
    if (redis.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  db = await createTestDatabase();
  const env = { REDIS_URL: `redis://127.0.0.1:${port}` };
  a = await startTestServer({ db, env });
  b = await startTestServer({ db, env });
});
afterAll(async () => {
  await Promise.allSettled([a?.close(), b?.close()]);
  await db?.drop();
  if (redis && redis.exitCode === null) {
    redis.kill('SIGTERM');
    await once(redis, 'exit');
  }
});

it('uses Redis for events when REDIS_URL is set, and they cross instances', async () => {
  expect(a.server.events).toBeInstanceOf(RedisEventBus);
  const admin = await createUser(a, { name: 'Redis Admin' });
  const group = await createGroup(a, admin);
  const onB = collect<{ memberChanged: { action: string; member: { name: string } } }>(b.ws(admin.token), 'subscription($g: ID!) { memberChanged(groupId: $g) { action member { name } } }', { g: group.id });
  await waitForSubscribers(b.server, 'memberChanged', { g: group.id });
  await a.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'redis-crossing@example.com', name: 'Via Redis' } }, admin.token);
  await onB.next(1); // the event may arrive before the mutation's response
  expect(onB.results[0].data?.memberChanged).toEqual({ action: 'ADDED', member: { name: 'Via Redis' } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(onB.results).toHaveLength(1);
});
