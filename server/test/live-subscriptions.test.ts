import { addUserToGroup, createGroup, createUser } from './support/factories';
import { collect, startTestServer, TestServer } from './support/test-server';
import { until } from './support/until';
import { busListeners, waitForSubscribers } from './support/ws-helpers';

/*
 * graphql-ws acknowledges no subscribe, so the server counts what it serves
 * (server.liveSubscriptions; tests wait on it instead of sleeping). The count
 * must follow subscriptions out as well as in, or a wait would pass early; and
 * a subscription that ends must let go of its event-bus listener then, not when
 * its topic's next event comes (on a quiet group, maybe never).
 */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function healthSubscriptions(): Promise<number> {
  const response = await fetch(`${t.url}/api/health`);
  return ((await response.json()) as { data: { subscriptions: number } }).data.subscriptions;
}

const MEMBERS = 'subscription($g: ID!) { memberChanged(groupId: $g) { action } }';
const INBOX = 'subscription($g: ID!) { approvalEvents(groupId: $g) { type } }';

it('counts a subscription while it is served, by field and variables, and lets go of it (and its event-bus listener) as soon as the client completes it or its socket closes', async () => {
  const group = await createGroup(t);
  const other = await createGroup(t);
  const count = (field: string, groupId: string) => t.server.liveSubscriptions.count(field, { g: groupId });

  const first = collect(t.ws(group.admin.token), MEMBERS, { g: group.id });
  const secondClient = t.ws(group.admin.token);
  collect(secondClient, MEMBERS, { g: group.id });
  // The fan-out (approvalEvents) shares one bus listener between sockets; each subscription still counts.
  collect(t.ws(group.admin.token), INBOX, { g: group.id });
  collect(secondClient, INBOX, { g: group.id });
  collect(t.ws(other.admin.token), MEMBERS, { g: other.id });
  await waitForSubscribers(t.server, 'memberChanged', { g: group.id }, 2);
  await waitForSubscribers(t.server, 'approvalEvents', { g: group.id }, 2);
  await waitForSubscribers(t.server, 'memberChanged', { g: other.id }, 1);
  expect(count('memberChanged', group.id)).toBe(2);
  expect(t.server.liveSubscriptions.count('memberChanged', { groupId: group.id })).toBe(0); // other variables

  expect(busListeners(t.server.events, 'memberChanged', group.id)).toBe(2);
  expect(await healthSubscriptions()).toBe(5); // every field and group: the instance's load

  // No event comes on these topics from here on: leaving must not wait for one to let go of the listener.
  first.dispose(); // the client completes its subscription
  await until(() => count('memberChanged', group.id) === 1, 'the completed subscription to leave the count');
  expect(busListeners(t.server.events, 'memberChanged', group.id)).toBe(1);
  await secondClient.dispose(); // the socket closes with its two subscriptions
  await until(() => count('memberChanged', group.id) === 0 && count('approvalEvents', group.id) === 1, "the closed socket's subscriptions to leave the count");
  expect(busListeners(t.server.events, 'memberChanged', group.id)).toBe(0);
  expect(busListeners(t.server.events, 'approvalEvents', group.id)).toBe(1); // the fan-out group, for the socket still there
  expect(count('memberChanged', other.id)).toBe(1);
  expect(await healthSubscriptions()).toBe(2);
});

it('never counts a subscription the server refused', async () => {
  const group = await createGroup(t);
  const member = await createUser(t);
  await addUserToGroup(t, group, member, 'MEMBER');
  const refused = collect(t.ws(member.token), INBOX, { g: group.id });
  await refused.next(1);
  expect(JSON.stringify(refused.error ?? refused.results)).toContain('FORBIDDEN');
  expect(t.server.liveSubscriptions.count('approvalEvents', { g: group.id })).toBe(0);
});
