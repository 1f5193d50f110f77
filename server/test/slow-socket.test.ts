import type { Socket } from 'node:net';
import { FALLING_BEHIND_CLOSE_CODE } from '../src/graphql/slow-socket';
import { ApprovalRequest } from '../src/modules/approvals/approval-request.entity';
import { publishApprovalEvent } from '../src/modules/approvals/approval.service';
import { ADD_MEMBER, addUserToGroup, createGroup, createUser, uniqueEmail } from './support/factories';
import { serviceContextFor } from './support/service-context';
import { collect, startTestServer, TestServer } from './support/test-server';
import { until } from './support/until';
import { closeWatcher, waitForSubscribers, wsErrors } from './support/ws-helpers';

/*
 * A subscriber whose client stops reading (a phone asleep on a bad network)
 * must not make the server hold every later event for it in memory: past
 * WS_MAX_BUFFERED_BYTES waiting to be sent (the fan-out writes straight to
 * sockets), or WS_MAX_QUEUED_EVENTS waiting to be written (graphql-ws writes a
 * subscription's results one at a time, each after the last was taken), its
 * socket is closed with 1013 ("Try Again Later"; clients reconnect and refetch),
 * and the other admins go on receiving. "Stops reading" is made real on the
 * server's side of the connection: its TCP socket is corked, so what the server
 * sends stays in the socket's buffer exactly as when the network does not take it.
 */

const LIMIT_BYTES = 1500;
const LIMIT_EVENTS = 3;
const SUB = 'subscription($g: ID!) { approvalEvents(groupId: $g) { type pendingCount approval { id status requestedBy { name } } } }';
type Event = { approvalEvents: { type: string; pendingCount: number; approval: { id: string } } };

let t: TestServer;
const logged: { message: string; fields?: Record<string, unknown> }[] = [];
beforeAll(async () => {
  t = await startTestServer({
    env: { WS_MAX_BUFFERED_BYTES: String(LIMIT_BYTES), WS_MAX_QUEUED_EVENTS: String(LIMIT_EVENTS) },
    logger: { info: () => undefined, warn: () => undefined, error: (message, fields) => logged.push({ message, fields }) },
  });
});
afterAll(async () => {
  await t?.close();
});

/**
 * Two subscribers of the same subscription: `sleepy`, whose connection's server end
 * (`sleepySocket`) the test corks, and `awake`. The test client does not reconnect
 * (the console does): `sleepyClosed` and `reported` tell how its socket closed.
 */
async function sleepyAndAwake<T>(field: string, sleepyToken: string, awakeToken: string, query: string, variables: Record<string, unknown>) {
  // The server's end of each WebSocket connection, in the order clients connect.
  const serverSockets: Socket[] = [];
  const onUpgrade = (_request: unknown, socket: Socket) => serverSockets.push(socket);
  t.server.httpServer.on('upgrade', onUpgrade);
  const sleepyClosed = closeWatcher();
  const reported: unknown[] = [];
  const sleepy = collect<T>(t.ws(sleepyToken, { onClose: sleepyClosed.onClose, onNonLazyError: (event) => reported.push(event) }), query, variables);
  await until(() => serverSockets.length === 1, "the sleepy subscriber's connection");
  const awake = collect<T>(t.ws(awakeToken), query, variables);
  await until(() => serverSockets.length === 2, "the awake subscriber's connection");
  t.server.httpServer.off('upgrade', onUpgrade);
  await waitForSubscribers(t.server, field, variables, 2);
  return { sleepy, awake, sleepySocket: serverSockets[0], sleepyClosed, reported };
}

it('closes the socket of an admin who stopped reading (1013) once too much waits for it; the other admin gets every event', async () => {
  const group = await createGroup(t);
  const operator = await createUser(t, { name: 'Omar Operator' });
  const sleepyAdmin = await createUser(t, { name: 'Sleepy Admin' });
  await addUserToGroup(t, group, operator, 'OPERATOR');
  await addUserToGroup(t, group, sleepyAdmin, 'ADMIN');

  const { sleepy, awake, sleepySocket, sleepyClosed, reported } = await sleepyAndAwake<Event>('approvalEvents', sleepyAdmin.token, group.admin.token, SUB, { g: group.id });

  // Both get the first request; then the sleepy admin's phone stops taking data.
  const approvalIds: string[] = [];
  const request = async (n: number): Promise<void> => {
    const response = await t.gql<{ addMember: { pendingApproval: boolean; approval: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(`p${n}`), name: `Person ${n}` } }, operator.token);
    expect(response.data?.addMember.pendingApproval).toBe(true);
    approvalIds.push(response.data!.addMember.approval.id);
  };
  await request(1);
  await sleepy.next(1);
  await awake.next(1);
  sleepySocket.cork();

  // Each event is a few hundred bytes: well past the limit after a dozen.
  const requests = 12;
  for (let n = 2; n <= requests + 1; n += 1) await request(n);
  await awake.next(requests + 1);
  // Every request, in order. The pending count is the inbox's when the event is delivered, not when it was
  // published: on a busy server, an event can show requests made after it, but never fewer than up to it.
  expect(awake.results.map((r) => r.data?.approvalEvents.approval.id)).toEqual(approvalIds);
  const counts = awake.results.map((r) => r.data?.approvalEvents.pendingCount ?? 0);
  counts.forEach((count, index) => expect(count).toBeGreaterThanOrEqual(index + 1));
  expect(counts.at(-1)).toBe(requests + 1);
  expect(awake.error).toBeUndefined();

  // The network comes back: the sleepy admin gets what was already queued, then the close.
  sleepySocket.uncork();
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

it('closes the socket (1013) of a member-list subscriber whose events wait unwritten past WS_MAX_QUEUED_EVENTS; the other admin gets every event', async () => {
  const MEMBER_CHANGED = 'subscription($g: ID!) { memberChanged(groupId: $g) { action member { name } } }';
  type Changed = { memberChanged: { action: string; member: { name: string } } };
  const group = await createGroup(t);
  const sleepyAdmin = await createUser(t, { name: 'Sleepy Lister' });
  await addUserToGroup(t, group, sleepyAdmin, 'ADMIN');

  const { sleepy, awake, sleepySocket, sleepyClosed } = await sleepyAndAwake<Changed>('memberChanged', sleepyAdmin.token, group.admin.token, MEMBER_CHANGED, { g: group.id });

  const add = async (n: number): Promise<void> => {
    const response = await t.gql<{ addMember: { member: { name: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(`m${n}`), name: `Member ${n}` } }, group.admin.token);
    expect(response.data?.addMember.member.name).toBe(`Member ${n}`);
  };
  await add(1);
  await sleepy.next(1);
  await awake.next(1);
  sleepySocket.cork();

  // The first event after the cork is written and never taken; graphql-ws waits on it, so the
  // next ones wait in the event bus, a few bytes each: far below WS_MAX_BUFFERED_BYTES.
  const added = 2 + LIMIT_EVENTS + 3;
  for (let n = 2; n <= added; n += 1) await add(n);
  await awake.next(added);
  expect(awake.results.map((r) => r.data?.memberChanged.member.name)).toEqual(Array.from({ length: added }, (_, i) => `Member ${i + 1}`));
  expect(sleepyClosed.closedWith).toBeUndefined(); // the close frame waits behind the cork too

  sleepySocket.uncork();
  const closed = await sleepyClosed.wait();
  expect(closed.code).toBe(FALLING_BEHIND_CLOSE_CODE);
  expect(closed.reason).toMatch(/falling behind/i);
  // It got what was written before the close (the event it was stuck on), and none of the dropped ones.
  expect(sleepy.results.map((r) => r.data?.memberChanged.member.name)).toEqual(['Member 1', 'Member 2']);
  await add(added + 1);
  await awake.next(added + 1);
});

it('bounds what waits for a shared (fan-out) delivery by WS_MAX_QUEUED_EVENTS too: a burst it cannot keep up with closes its sockets (1013), not an internal error', async () => {
  const group = await createGroup(t);
  const operator = await createUser(t, { name: 'Burst Operator' });
  await addUserToGroup(t, group, operator, 'OPERATOR');
  // Requests made before anyone listens; their events are announced below, all at once.
  const burst = LIMIT_EVENTS + 5;
  const approvalIds: string[] = [];
  for (let n = 1; n <= burst; n += 1) {
    const response = await t.gql<{ addMember: { approval: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(`b${n}`), name: `Burst ${n}` } }, operator.token);
    approvalIds.push(response.data!.addMember.approval.id);
  }
  const inboxClosed = closeWatcher();
  const inbox = collect<Event>(t.ws(group.admin.token, { onClose: inboxClosed.onClose }), SUB, { g: group.id });
  await waitForSubscribers(t.server, 'approvalEvents', { g: group.id });

  // Published in one tick: one NOTIFY, whose events reach the fan-out's listener together, long before
  // its one delivery (which reads the inbox for each event) has taken the first.
  const ctx = await serviceContextFor(t, 'system');
  const requests = await ctx.em.find(ApprovalRequest, { id: { $in: approvalIds } });
  await Promise.all(requests.map((request) => publishApprovalEvent(ctx, request, 'QUEUED')));

  // With the default limit (10 000) every event would arrive; past the configured one, the socket is
  // closed as a slow client's would be, and the console reconnects and refetches.
  expect((await inboxClosed.wait()).code).toBe(FALLING_BEHIND_CLOSE_CODE);
  expect(inbox.results.length).toBeLessThan(burst);
  expect(wsErrors(inbox)).toEqual([]);
});
