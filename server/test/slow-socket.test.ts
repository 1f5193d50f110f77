import type { Socket } from 'node:net';
import { FALLING_BEHIND_CLOSE_CODE } from '../src/graphql/slow-socket';
import { ADD_MEMBER, addUserToGroup, createGroup, createUser, uniqueEmail } from './support/factories';
import { collect, startTestServer, TestServer } from './support/test-server';
import { until } from './support/until';
import { closeWatcher } from './support/ws-helpers';

/*
 * A subscriber whose client stops reading (a phone asleep on a bad network)
 * must not make the server hold every later event for it in memory: past
 * WS_MAX_BUFFERED_BYTES waiting to be sent, its socket is closed with 1013
 * ("Try Again Later"; clients reconnect and refetch), and the other admins go
 * on receiving. "Stops reading" is made real on the server's side of the
 * connection: its TCP socket is corked, so what the server sends stays in the
 * socket's buffer exactly as when the network does not take it.
 */

const LIMIT_BYTES = 1500;
const SUB = 'subscription($g: ID!) { approvalEvents(groupId: $g) { type pendingCount approval { id status requestedBy { name } } } }';
type Event = { approvalEvents: { type: string; pendingCount: number } };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { WS_MAX_BUFFERED_BYTES: String(LIMIT_BYTES) } });
});
afterAll(async () => {
  await t?.close();
});

it('closes the socket of an admin who stopped reading (1013) once too much waits for it; the other admin gets every event', async () => {
  const group = await createGroup(t);
  const operator = await createUser(t, { name: 'Omar Operator' });
  const sleepyAdmin = await createUser(t, { name: 'Sleepy Admin' });
  await addUserToGroup(t, group, operator, 'OPERATOR');
  await addUserToGroup(t, group, sleepyAdmin, 'ADMIN');

  // The server's end of each WebSocket connection, in the order clients connect.
  const serverSockets: Socket[] = [];
  const onUpgrade = (_request: unknown, socket: Socket) => serverSockets.push(socket);
  t.server.httpServer.on('upgrade', onUpgrade);
  const sleepyClosed = closeWatcher();
  // The test client does not reconnect (the console does); it reports the close here instead.
  const reported: unknown[] = [];
  const sleepy = collect<Event>(t.ws(sleepyAdmin.token, { onClose: sleepyClosed.onClose, onNonLazyError: (event) => reported.push(event) }), SUB, { g: group.id });
  await until(() => serverSockets.length === 1, "the sleepy admin's connection");
  const awake = collect<Event>(t.ws(group.admin.token), SUB, { g: group.id });
  await until(() => serverSockets.length === 2, "the awake admin's connection");
  t.server.httpServer.off('upgrade', onUpgrade);
  await new Promise((resolve) => setTimeout(resolve, 300)); // both subscriptions listening

  // Both get the first request; then the sleepy admin's phone stops taking data.
  const request = async (n: number): Promise<void> => {
    const response = await t.gql<{ addMember: { pendingApproval: boolean } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(`p${n}`), name: `Person ${n}` } }, operator.token);
    expect(response.data?.addMember.pendingApproval).toBe(true);
  };
  await request(1);
  await sleepy.next(1);
  await awake.next(1);
  serverSockets[0].cork();

  // Each event is a few hundred bytes: well past the limit after a dozen.
  const requests = 12;
  for (let n = 2; n <= requests + 1; n += 1) await request(n);
  await awake.next(requests + 1);
  expect(awake.results.map((r) => r.data?.approvalEvents.pendingCount)).toEqual(Array.from({ length: requests + 1 }, (_, i) => i + 1));
  expect(awake.error).toBeUndefined();

  // The network comes back: the sleepy admin gets what was already queued, then the close.
  serverSockets[0].uncork();
  const closed = await sleepyClosed.wait();
  expect(closed.code).toBe(FALLING_BEHIND_CLOSE_CODE);
  expect(closed.reason).toMatch(/falling behind/i);
  // Closed as soon as the buffer passed the limit: it never got all of the events the awake admin got.
  expect(sleepy.results.length).toBeGreaterThan(1);
  expect(sleepy.results.length).toBeLessThan(requests + 1);
  // The awake admin's subscription is untouched and still live.
  await request(requests + 2);
  await awake.next(requests + 2);
  expect(awake.results.at(-1)?.data?.approvalEvents).toMatchObject({ type: 'QUEUED', pendingCount: requests + 2 });
  expect(reported.map((event) => (event as { code?: number }).code)).toEqual([FALLING_BEHIND_CLOSE_CODE]);
});
