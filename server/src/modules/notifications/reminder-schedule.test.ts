import { addUserToGroup, codeOf, createGroup, createUser } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';

const FIELDS = 'id groupId reminderType direction offsetDays channels status';
const CREATE = `mutation($groupId: ID!, $reminderType: ReminderType!, $direction: ReminderDirection!, $offsetDays: Int!, $channels: [NotificationChannel!]!, $status: ReminderScheduleStatus) {
  createReminderSchedule(groupId: $groupId, reminderType: $reminderType, direction: $direction, offsetDays: $offsetDays, channels: $channels, status: $status) { ${FIELDS} }
}`;
const UPDATE = `mutation($id: ID!, $input: UpdateReminderScheduleInput!) { updateReminderSchedule(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteReminderSchedule(id: $id) }`;
const LIST = `query($groupId: ID!) { reminderSchedules(groupId: $groupId) { ${FIELDS} } }`;

interface Schedule {
  id: string;
  reminderType: string;
  direction: string;
  offsetDays: number;
  channels: string[];
  status: string;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const base = { reminderType: 'DUE_DATE', direction: 'BEFORE', offsetDays: 3, channels: ['EMAIL', 'IN_APP'] };

it('creates, lists, updates any subset and deletes schedules, recording activity', async () => {
  const group = await createGroup(t);
  const created = await t.gql<{ createReminderSchedule: Schedule }>(CREATE, { groupId: group.id, ...base }, group.admin.token);
  expect(created.errors).toBeUndefined();
  expect(created.data?.createReminderSchedule).toMatchObject({ ...base, status: 'ACTIVE', groupId: group.id });
  const id = created.data!.createReminderSchedule.id;
  const after = await t.gql<{ createReminderSchedule: Schedule }>(CREATE, { groupId: group.id, ...base, direction: 'AFTER', offsetDays: 0, channels: ['WHATSAPP'], status: 'PAUSED' }, group.admin.token);
  expect(after.data?.createReminderSchedule).toMatchObject({ direction: 'AFTER', offsetDays: 0, status: 'PAUSED' });

  const paused = await t.gql<{ updateReminderSchedule: Schedule }>(UPDATE, { id, input: { status: 'PAUSED' } }, group.admin.token);
  expect(paused.data?.updateReminderSchedule).toMatchObject({ ...base, status: 'PAUSED' });
  const moved = await t.gql<{ updateReminderSchedule: Schedule }>(UPDATE, { id, input: { offsetDays: 365, channels: ['WHATSAPP'], reminderType: 'MEMBERSHIP_EXPIRY' } }, group.admin.token);
  expect(moved.data?.updateReminderSchedule).toMatchObject({ reminderType: 'MEMBERSHIP_EXPIRY', direction: 'BEFORE', offsetDays: 365, channels: ['WHATSAPP'], status: 'PAUSED' });

  const list = await t.gql<{ reminderSchedules: Schedule[] }>(LIST, { groupId: group.id }, group.admin.token);
  expect(list.data?.reminderSchedules.map((s) => s.id).sort()).toEqual([id, after.data!.createReminderSchedule.id].sort());

  const deleted = await t.gql<{ deleteReminderSchedule: string }>(DELETE, { id }, group.admin.token);
  expect(deleted.data?.deleteReminderSchedule).toBe(id);
  expect(codeOf(await t.gql(DELETE, { id }, group.admin.token))).toBe('NOT_FOUND');
  expect(codeOf(await t.gql(UPDATE, { id, input: { status: 'ACTIVE' } }, group.admin.token))).toBe('NOT_FOUND');
  const actions = await t.query(`select action from activity_logs where entity_id = $1 order by created_at`, [id]);
  expect(actions.rows.map((row) => row.action)).toEqual(['reminderSchedule.create', 'reminderSchedule.update', 'reminderSchedule.update', 'reminderSchedule.delete']);
});

it('validates offsets and channels, naming each bad field', async () => {
  const group = await createGroup(t);
  for (const offsetDays of [-1, 366, 100000]) {
    const response = await t.gql(CREATE, { groupId: group.id, ...base, offsetDays }, group.admin.token);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].extensions!.fields).toEqual({ offsetDays: 'Between 0 and 365 days' });
  }
  const both = await t.gql(CREATE, { groupId: group.id, ...base, offsetDays: 400, channels: [] }, group.admin.token);
  expect(Object.keys(both.errors![0].extensions!.fields!).sort()).toEqual(['channels', 'offsetDays']);
  const webhook = await t.gql(CREATE, { groupId: group.id, ...base, channels: ['WEBHOOK'] }, group.admin.token);
  expect(webhook.errors![0].extensions!.fields).toHaveProperty('channels');
  const twice = await t.gql(CREATE, { groupId: group.id, ...base, channels: ['EMAIL', 'EMAIL'] }, group.admin.token);
  expect(twice.errors![0].extensions!.fields).toHaveProperty('channels');
  // Types GraphQL itself refuses: an unknown enum, a float, a number beyond 32 bits.
  expect(codeOf(await t.gql(CREATE, { groupId: group.id, ...base, direction: 'SIDEWAYS' }, group.admin.token))).toBe('BAD_USER_INPUT');
  expect(codeOf(await t.gql(CREATE, { groupId: group.id, ...base, offsetDays: 1.5 }, group.admin.token))).toBe('BAD_USER_INPUT');
  expect(codeOf(await t.gql(CREATE, { groupId: group.id, ...base, offsetDays: 2 ** 40 }, group.admin.token))).toBe('BAD_USER_INPUT');
  const created = await t.gql<{ createReminderSchedule: Schedule }>(CREATE, { groupId: group.id, ...base }, group.admin.token);
  const update = await t.gql(UPDATE, { id: created.data!.createReminderSchedule.id, input: { offsetDays: 366 } }, group.admin.token);
  expect(update.errors![0].extensions!.fields).toEqual({ offsetDays: 'Between 0 and 365 days' });
  const rows = await t.query('select count(*)::int as n from reminder_schedules where group_id = $1', [group.id]);
  expect(rows.rows[0].n).toBe(1);
});

it('is unique per group, type, offset and direction: CONFLICT, also when an update collides and when two create at once', async () => {
  const group = await createGroup(t);
  const first = await t.gql<{ createReminderSchedule: Schedule }>(CREATE, { groupId: group.id, ...base }, group.admin.token);
  expect(first.errors).toBeUndefined();
  const again = await t.gql(CREATE, { groupId: group.id, ...base, channels: ['WHATSAPP'] }, group.admin.token);
  expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SCHEDULE_EXISTS' });
  // Same offset, other direction or type: fine.
  expect((await t.gql(CREATE, { groupId: group.id, ...base, direction: 'AFTER' }, group.admin.token)).errors).toBeUndefined();
  const other = await t.gql<{ createReminderSchedule: Schedule }>(CREATE, { groupId: group.id, ...base, reminderType: 'MEMBERSHIP_EXPIRY' }, group.admin.token);
  expect(other.errors).toBeUndefined();
  const collide = await t.gql(UPDATE, { id: other.data!.createReminderSchedule.id, input: { reminderType: 'DUE_DATE' } }, group.admin.token);
  expect(collide.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SCHEDULE_EXISTS' });
  // Another group may have the same schedule.
  const otherGroup = await createGroup(t);
  expect((await t.gql(CREATE, { groupId: otherGroup.id, ...base }, otherGroup.admin.token)).errors).toBeUndefined();
  const racing = await Promise.all([1, 2, 3].map(() => t.gql(CREATE, { groupId: group.id, ...base, offsetDays: 10 }, group.admin.token)));
  expect(racing.filter((response) => !response.errors)).toHaveLength(1);
  expect(racing.filter((response) => codeOf(response) === 'CONFLICT')).toHaveLength(2);
});

it('is for admins of the group only: NOT_FOUND for other groups and unknown ids, FORBIDDEN for other roles', async () => {
  const group = await createGroup(t);
  const other = await createGroup(t);
  const created = await t.gql<{ createReminderSchedule: Schedule }>(CREATE, { groupId: group.id, ...base }, group.admin.token);
  const id = created.data!.createReminderSchedule.id;
  expect(codeOf(await t.gql(LIST, { groupId: group.id }, other.admin.token))).toBe('NOT_FOUND');
  expect(codeOf(await t.gql(CREATE, { groupId: group.id, ...base, offsetDays: 7 }, other.admin.token))).toBe('NOT_FOUND');
  expect(codeOf(await t.gql(UPDATE, { id, input: { offsetDays: 7 } }, other.admin.token))).toBe('NOT_FOUND');
  expect(codeOf(await t.gql(DELETE, { id }, other.admin.token))).toBe('NOT_FOUND');
  for (const unknown of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
    expect(codeOf(await t.gql(UPDATE, { id: unknown, input: { offsetDays: 7 } }, group.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(DELETE, { id: unknown }, group.admin.token))).toBe('NOT_FOUND');
  }
  const operator = await createUser(t);
  await addUserToGroup(t, group, operator, 'OPERATOR');
  expect(codeOf(await t.gql(LIST, { groupId: group.id }, operator.token))).toBe('FORBIDDEN');
  expect(codeOf(await t.gql(DELETE, { id }, operator.token))).toBe('FORBIDDEN');
  expect(codeOf(await t.gql(LIST, { groupId: group.id }))).toBe('UNAUTHENTICATED');
  const still = await t.gql<{ reminderSchedules: Schedule[] }>(LIST, { groupId: group.id }, group.admin.token);
  expect(still.data?.reminderSchedules).toHaveLength(1);
  expect(still.data?.reminderSchedules[0].offsetDays).toBe(3);
});
