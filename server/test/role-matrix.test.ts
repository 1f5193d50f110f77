import { ADD_MEMBER, addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup, uniqueEmail } from './support/factories';
import { GraphQLResponse, startTestServer, TestServer } from './support/test-server';

/*
 * Every operation of the foundation against every kind of viewer: the three
 * roles, an outsider, API keys of this group (each role) and of another
 * group, and nobody. "ok" means no error; anything else is the error code.
 */

type Actor = 'admin' | 'operator' | 'member' | 'outsider' | 'adminKey' | 'operatorKey' | 'memberKey' | 'otherGroupKey' | 'anonymous';
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

let t: TestServer;
let group: TestGroup;
const credentials = {} as Record<Actor, string | undefined>;
let plainMemberId: string;

beforeAll(async () => {
  t = await startTestServer();
  group = await createGroup(t);
  const operator = await createUser(t);
  const member = await createUser(t);
  const outsider = await createUser(t);
  await addUserToGroup(t, group, operator, 'OPERATOR');
  plainMemberId = await addUserToGroup(t, group, member, 'MEMBER');
  const otherGroup = await createGroup(t);
  Object.assign(credentials, {
    admin: group.admin.token,
    operator: operator.token,
    member: member.token,
    outsider: outsider.token,
    adminKey: await createApiKey(t, group, 'ADMIN'),
    operatorKey: await createApiKey(t, group, 'OPERATOR'),
    memberKey: await createApiKey(t, group, 'MEMBER'),
    otherGroupKey: await createApiKey(t, otherGroup, 'ADMIN'),
    anonymous: undefined,
  });
});
afterAll(async () => t.close());

async function newPlainMember(): Promise<string> {
  const response = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail('target'), name: 'Target' } }, group.admin.token);
  return response.data!.addMember.member.id;
}

type Operation = (auth: string | undefined) => Promise<GraphQLResponse>;

const operations: Record<string, Operation> = {
  me: (auth) => t.gql('{ me { memberships { role } } }', {}, auth),
  groups: (auth) => t.gql('{ groups { totalCount } }', {}, auth),
  group: (auth) => t.gql('query($id: ID!) { group(id: $id) { id } }', { id: group.id }, auth),
  members: (auth) => t.gql('query($id: ID!) { members(groupId: $id) { totalCount } }', { id: group.id }, auth),
  member: (auth) => t.gql('query($id: ID!) { member(id: $id) { id } }', { id: plainMemberId }, auth),
  createGroup: (auth) => t.gql('mutation { createGroup(input: { name: "New", kind: OTHER, currency: "EUR", memberNumberPrefix: "NW" }) { id } }', {}, auth),
  updateGroup: (auth) => t.gql('mutation($id: ID!) { updateGroup(id: $id, input: { service: "Updated" }) { id } }', { id: group.id }, auth),
  addMember: (auth) => t.gql(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail('matrix'), name: 'Matrix' } }, auth),
  addOperator: (auth) => t.gql(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail('op'), name: 'New Operator', role: 'OPERATOR' } }, auth),
  updateMember: async (auth) => t.gql('mutation($id: ID!) { updateMember(id: $id, input: { nickname: "Nick" }) { pendingApproval } }', { id: await newPlainMember() }, auth),
  removeMember: async (auth) => t.gql('mutation($id: ID!) { removeMember(id: $id) { pendingApproval } }', { id: await newPlainMember() }, auth),
  addSubMember: async (auth) => t.gql('mutation($id: ID!) { addSubMember(input: { primaryMemberId: $id, name: "Kid" }) { pendingApproval } }', { id: await newPlainMember() }, auth),
  apiKeys: (auth) => t.gql('query($id: ID!) { apiKeys(groupId: $id) { id } }', { id: group.id }, auth),
  createApiKey: (auth) => t.gql('mutation($id: ID!) { createApiKey(groupId: $id, name: "k", role: MEMBER) { secret } }', { id: group.id }, auth),
  changePassword: (auth) => t.gql('mutation { changePassword(currentPassword: "wrong-password", newPassword: "another-long-password") { id } }', {}, auth),
  notify: (auth) => t.gql('mutation($id: ID!) { notify(groupId: $id, type: OTHER, message: "Hi", channels: [IN_APP]) { enqueued } }', { id: group.id }, auth),
  notificationTasks: (auth) => t.gql('query($id: ID!) { notificationTasks(groupId: $id) { totalCount } }', { id: group.id }, auth),
  outboxMessages: (auth) => t.gql('query($id: ID!) { outboxMessages(groupId: $id) { totalCount } }', { id: group.id }, auth),
  reminderSchedules: (auth) => t.gql('query($id: ID!) { reminderSchedules(groupId: $id) { id } }', { id: group.id }, auth),
  // A fresh offset each time, so two allowed callers do not collide on the unique schedule.
  createReminderSchedule: (auth) =>
    t.gql('mutation($id: ID!, $days: Int!) { createReminderSchedule(groupId: $id, reminderType: DUE_DATE, direction: BEFORE, offsetDays: $days, channels: [EMAIL]) { id } }', { id: group.id, days: (scheduleOffset += 1) }, auth),
  myNotifications: (auth) => t.gql('{ myNotifications { totalCount } unreadNotificationCount }', {}, auth),
};
let scheduleOffset = 0;

const ALL_OK: Record<Actor, Outcome> = { admin: 'ok', operator: 'ok', member: 'ok', outsider: 'ok', adminKey: 'ok', operatorKey: 'ok', memberKey: 'ok', otherGroupKey: 'ok', anonymous: 'UNAUTHENTICATED' };
const GROUP_READ: Record<Actor, Outcome> = { ...ALL_OK, outsider: 'NOT_FOUND', otherGroupKey: 'NOT_FOUND' };
const ADMIN_WRITE: Record<Actor, Outcome> = { ...GROUP_READ, operator: 'FORBIDDEN', member: 'FORBIDDEN', operatorKey: 'FORBIDDEN', memberKey: 'FORBIDDEN' };
const STAFF_WRITE: Record<Actor, Outcome> = { ...GROUP_READ, member: 'FORBIDDEN', memberKey: 'FORBIDDEN' };
const PEOPLE_ONLY: Record<Actor, Outcome> = { ...ALL_OK, adminKey: 'FORBIDDEN', operatorKey: 'FORBIDDEN', memberKey: 'FORBIDDEN', otherGroupKey: 'FORBIDDEN' };
const ADMIN_PERSON: Record<Actor, Outcome> = { ...ADMIN_WRITE, adminKey: 'FORBIDDEN', otherGroupKey: 'FORBIDDEN' };

const expected: Record<keyof typeof operations, Record<Actor, Outcome>> = {
  me: ALL_OK,
  groups: ALL_OK,
  group: GROUP_READ,
  members: GROUP_READ,
  member: GROUP_READ,
  createGroup: PEOPLE_ONLY,
  updateGroup: ADMIN_WRITE,
  addMember: STAFF_WRITE,
  addOperator: ADMIN_WRITE,
  updateMember: STAFF_WRITE,
  removeMember: STAFF_WRITE,
  addSubMember: STAFF_WRITE,
  apiKeys: ADMIN_PERSON,
  createApiKey: ADMIN_PERSON,
  // Wrong current password on purpose: reaching BAD_USER_INPUT proves the viewer was let in.
  changePassword: { ...PEOPLE_ONLY, admin: 'ok', operator: 'ok', member: 'ok', outsider: 'ok' },
  notify: ADMIN_WRITE,
  notificationTasks: ADMIN_WRITE,
  outboxMessages: ADMIN_WRITE,
  reminderSchedules: ADMIN_WRITE,
  createReminderSchedule: ADMIN_WRITE,
  myNotifications: PEOPLE_ONLY,
};

const cases = Object.entries(expected).flatMap(([operation, byActor]) =>
  Object.entries(byActor).map(([actor, outcome]) => [operation, actor as Actor, outcome] as const),
);

it.each(cases)('%s as %s → %s', async (operation, actor, outcome) => {
  const response = await operations[operation](credentials[actor]);
  let code = codeOf(response) ?? 'ok';
  if (operation === 'changePassword' && code === 'BAD_USER_INPUT') code = 'ok';
  expect(code).toBe(outcome);
});

it('lets an operator edit plain members but not the admin', async () => {
  const adminMember = await t.gql<{ members: { edges: { node: { id: string; role: string } }[] } }>(
    'query($id: ID!) { members(groupId: $id, first: 100) { edges { node { id role } } } }',
    { id: group.id },
    group.admin.token,
  );
  const adminId = adminMember.data!.members.edges.find((edge) => edge.node.role === 'ADMIN')!.node.id;
  const response = await t.gql('mutation($id: ID!) { updateMember(id: $id, input: { nickname: "Boss" }) { pendingApproval } }', { id: adminId }, credentials.operator);
  expect(codeOf(response)).toBe('FORBIDDEN');
  const viewerCan = await t.gql<{ member: { viewerCanEdit: boolean } }>('query($id: ID!) { member(id: $id) { viewerCanEdit } }', { id: adminId }, credentials.operator);
  expect(viewerCan.data?.member.viewerCanEdit).toBe(false);
  const ownView = await t.gql<{ member: { viewerCanEdit: boolean } }>('query($id: ID!) { member(id: $id) { viewerCanEdit } }', { id: plainMemberId }, credentials.operator);
  expect(ownView.data?.member.viewerCanEdit).toBe(true);
});

it('deactivateGroup: only an admin (person or admin key), and the group stays readable', async () => {
  for (const actor of ['operator', 'member', 'operatorKey', 'memberKey'] as const) {
    expect(codeOf(await t.gql('mutation($id: ID!) { deactivateGroup(id: $id) { id } }', { id: group.id }, credentials[actor]))).toBe('FORBIDDEN');
  }
  expect(codeOf(await t.gql('mutation($id: ID!) { deactivateGroup(id: $id) { id } }', { id: group.id }, credentials.outsider))).toBe('NOT_FOUND');
  expect(codeOf(await t.gql('mutation($id: ID!) { deactivateGroup(id: $id) { id } }', { id: group.id }, credentials.anonymous))).toBe('UNAUTHENTICATED');
  expect(codeOf(await t.gql('mutation($id: ID!) { deactivateGroup(id: $id) { status } }', { id: group.id }, credentials.admin))).toBeUndefined();
  expect(codeOf(await operations.group(credentials.member))).toBeUndefined();
});
