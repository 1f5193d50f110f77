import { ADD_MEMBER, createGroup, createUser, TestGroup, TestUser } from './support/factories';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { collect, startTestServer, TestServer } from './support/test-server';
import { sleep, waitForListeners } from './support/ws-helpers';

/*
 * Two stateless instances on one database, as behind a load balancer: a change
 * made through one reaches consoles subscribed on the other, via PostgreSQL
 * LISTEN/NOTIFY, exactly once.
 */

const MEMBER_CHANGED = 'subscription($groupId: ID!) { memberChanged(groupId: $groupId) { action groupId member { name } } }';
type MemberChanged = { memberChanged: { action: string; groupId: string; member: { name: string } } };

let db: TestDatabase;
let a: TestServer;
let b: TestServer;
let admin: TestUser;
let group: TestGroup;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startTestServer({ db });
  b = await startTestServer({ db });
  admin = await createUser(a, { name: 'Scale Admin' });
  group = await createGroup(a, admin);
});
afterAll(async () => {
  await Promise.allSettled([a?.close(), b?.close()]);
  await db?.drop();
});

it('runs two instances on separate ports sharing one database', async () => {
  expect(a.url).not.toBe(b.url);
  // The group created through A is visible through B, with the same token.
  const response = await b.gql<{ group: { id: string; viewerRole: string } }>('query($id: ID!) { group(id: $id) { id viewerRole } }', { id: group.id }, admin.token);
  expect(response.data?.group).toEqual({ id: group.id, viewerRole: 'ADMIN' });
});

it('delivers a member added through A to a console subscribed on B, and vice versa, once each', async () => {
  const onB = collect<MemberChanged>(b.ws(admin.token), MEMBER_CHANGED, { groupId: group.id });
  const onA = collect<MemberChanged>(a.ws(admin.token), MEMBER_CHANGED, { groupId: group.id });
  await waitForListeners(b.server.events, 'memberChanged', group.id);
  await waitForListeners(a.server.events, 'memberChanged', group.id);

  const viaA = await a.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'via-a@example.com', name: 'Added Via A' } }, admin.token);
  expect(viaA.errors).toBeUndefined();
  await onB.next(1);
  expect(onB.results[0].data?.memberChanged).toEqual({ action: 'ADDED', groupId: group.id, member: { name: 'Added Via A' } });

  const viaB = await b.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'via-b@example.com', name: 'Added Via B' } }, admin.token);
  expect(viaB.errors).toBeUndefined();
  await onA.next(2);
  await onB.next(2);
  await sleep(200); // room for a duplicate to show up

  for (const sub of [onA, onB]) {
    expect(sub.error).toBeUndefined();
    expect(sub.results.map((result) => result.data?.memberChanged.member.name)).toEqual(['Added Via A', 'Added Via B']);
  }
  onA.dispose();
  onB.dispose();
});
