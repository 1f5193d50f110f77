import { ADD_MEMBER, addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup, TestUser, uniqueEmail } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';

/*
 * The activity log through GraphQL: the entries the existing mutations write
 * (recordActivity), filtered and paged like the audit log.
 */

interface ActivityNode {
  id: string;
  action: string;
  entityType: string;
  entityId: string | null;
  actor: { kind: string; id: string | null; name: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  createdAt: string;
}

interface ActivityPage {
  activityLog: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: ActivityNode }[];
  };
}

const ACTIVITY_LOG = `query($groupId: ID!, $userId: ID, $action: String, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  activityLog(groupId: $groupId, userId: $userId, action: $action, from: $from, to: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id action entityType entityId actor { kind id name } before after createdAt } }
  }
}`;

let t: TestServer;
let group: TestGroup;
let operator: TestUser;
let apiKey: string;
beforeAll(async () => {
  t = await startTestServer();
  group = await createGroup(t, await createUser(t, { name: 'Asha Admin' }));
  operator = await createUser(t, { name: 'Omar Operator' });
  await addUserToGroup(t, group, operator, 'OPERATOR');
  // ADMIN keys apply changes directly; operators' changes become approval requests (tested in approvals).
  apiKey = await createApiKey(t, group, 'ADMIN');
});
afterAll(async () => t.close());

async function activityLog(variables: Record<string, unknown> = {}, auth = group.admin.token) {
  const response = await t.gql<ActivityPage>(ACTIVITY_LOG, { groupId: group.id, ...variables }, auth);
  expect(response.errors).toBeUndefined();
  return response.data!.activityLog;
}

/** Returns the new member's id, or the approval request's id when the change waits for an admin. */
async function addMember(name: string, auth: string): Promise<string> {
  const response = await t.gql<{ addMember: { member: { id: string } | null; approval: { id: string } | null } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(), name } }, auth);
  expect(response.errors).toBeUndefined();
  return (response.data!.addMember.member ?? response.data!.addMember.approval)!.id;
}

it('shows what addMember wrote, newest first, with the actor named', async () => {
  const memberId = await addMember('Priya Shah', group.admin.token);
  const log = await activityLog();
  expect(log.edges[0].node).toMatchObject({
    action: 'member.add',
    entityType: 'Member',
    entityId: memberId,
    actor: { kind: 'USER', id: group.admin.id, name: 'Asha Admin' },
    before: null,
    after: { name: 'Priya Shah', role: 'MEMBER', status: 'ACTIVE' },
  });
  // The group's whole history is there, oldest last: it starts with its creation.
  expect(log.edges[log.edges.length - 1].node).toMatchObject({ action: 'group.create', entityType: 'Group', entityId: group.id });
  const times = log.edges.map((edge) => Date.parse(edge.node.createdAt));
  expect(times).toEqual([...times].sort((a, b) => b - a));
});

it('shows updates with before and after, and API keys by name', async () => {
  const memberId = await addMember('Before Name', apiKey);
  const updated = await t.gql('mutation($id: ID!) { updateMember(id: $id, input: { name: "After Name" }) { pendingApproval } }', { id: memberId }, group.admin.token);
  expect(updated.errors).toBeUndefined();
  const [update, add] = (await activityLog({ first: 2 })).edges.map((edge) => edge.node);
  expect(update).toMatchObject({ action: 'member.update', actor: { kind: 'USER', name: 'Asha Admin' }, before: { name: 'Before Name' }, after: { name: 'After Name' } });
  expect(add).toMatchObject({ action: 'member.add', actor: { kind: 'API_KEY', name: 'test key' } });
});

it("filters by user: that person's own actions only", async () => {
  await addMember('By Operator', operator.token);
  await addMember('By Key', apiKey);
  const log = await activityLog({ userId: operator.id, first: 100 });
  expect(log.totalCount).toBeGreaterThan(0);
  expect(log.edges.every((edge) => edge.node.actor.kind === 'USER' && edge.node.actor.id === operator.id)).toBe(true);
  // The operator's add waits for an admin: what they did is the request.
  expect(log.edges.map((edge) => edge.node.action)).toContain('approval.request');
  const nobody = await createUser(t);
  expect((await activityLog({ userId: nobody.id })).totalCount).toBe(0);
});

it('filters by action, and by user and action together', async () => {
  const all = await activityLog({ first: 100 });
  const adds = await activityLog({ action: 'member.add', first: 100 });
  expect(adds.totalCount).toBe(all.edges.filter((edge) => edge.node.action === 'member.add').length);
  expect(adds.edges.every((edge) => edge.node.action === 'member.add')).toBe(true);
  const adminAdds = await activityLog({ action: 'member.add', userId: group.admin.id, first: 100 });
  expect(adminAdds.edges.length).toBeGreaterThan(0);
  expect(adminAdds.edges.every((edge) => edge.node.action === 'member.add' && edge.node.actor.id === group.admin.id)).toBe(true);
  expect((await activityLog({ action: 'member.nothing' })).totalCount).toBe(0);
});

it('filters by time and pages through the window without gaps', async () => {
  const all = (await activityLog({ first: 100 })).edges.map((edge) => edge.node);
  expect(all.length).toBeGreaterThan(5);
  // Entries written in the same millisecond would make the bounds ambiguous; pick distinct instants.
  const instants = [...new Set(all.map((node) => node.createdAt))];
  const [to, from] = [instants[1], instants[instants.length - 2]];
  const inside = all.filter((node) => node.createdAt >= from && node.createdAt < to).map((node) => node.id);
  const window = await activityLog({ from, to, first: 100 });
  expect(window.edges.map((edge) => edge.node.id)).toEqual(inside);
  expect(window.totalCount).toBe(inside.length);
  const paged: string[] = [];
  let after: string | null = null;
  do {
    const page: ActivityPage['activityLog'] = await activityLog({ from, to, first: 2, after });
    paged.push(...page.edges.map((edge) => edge.node.id));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  expect(paged).toEqual(inside);
});

it('rejects a backwards window and a malformed user id, together', async () => {
  const response = await t.gql(ACTIVITY_LOG, { groupId: group.id, from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z', userId: 'someone' }, group.admin.token);
  expect(codeOf(response)).toBe('BAD_USER_INPUT');
  expect(Object.keys(response.errors?.[0].extensions?.fields ?? {}).sort()).toEqual(['to', 'userId']);
});

it('only shows the group asked for', async () => {
  const other = await createGroup(t);
  const log = await activityLog({ first: 100 });
  expect(log.edges.some((edge) => edge.node.entityId === other.id)).toBe(false);
});
