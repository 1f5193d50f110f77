import { decryptSecret } from '../../shared/crypto';
import { ADD_MEMBER, addUserToGroup, codeOf, createGroup, createUser, TestGroup, uniqueEmail } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';

interface MemberRow {
  id: string;
  name: string;
  email: string | null;
  memberNumber: string;
  role: string;
  status: string;
}

const ADD_SUB = `mutation($input: AddSubMemberInput!) { addSubMember(input: $input) { member { id name memberNumber primaryMember { id } } } }`;
const MEMBERS = `query($groupId: ID!, $search: String, $status: MemberStatus, $first: Int, $after: String) {
  members(groupId: $groupId, search: $search, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id name email memberNumber status subMembers { name } } }
  }
}`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

/** Adds as the admin (applied at once) and returns the member as data.addMember. */
async function addMember(group: TestGroup, input: Record<string, unknown>, token = group.admin.token) {
  const response = await t.gql<{ addMember: { member: MemberRow } }>(ADD_MEMBER, { input: { groupId: group.id, ...input } }, token);
  return { ...response, data: response.data ? { addMember: response.data.addMember.member } : response.data };
}

describe('addMember', () => {
  it('numbers members PREFIX-YYYY-NNNN-00 in order and creates their account', async () => {
    const group = await createGroup(t, undefined, { memberNumberPrefix: 'RUN' });
    const year = new Date().getUTCFullYear();
    const first = await addMember(group, { email: 'Priya.Shah@Example.com', name: 'Priya Shah', phone: '+91 98765 43210' });
    expect(first.errors).toBeUndefined();
    expect(first.data?.addMember).toMatchObject({ name: 'Priya Shah', email: 'priya.shah@example.com', role: 'MEMBER', status: 'ACTIVE', memberNumber: `RUN-${year}-0002-00` });
    // 0001 is the admin who created the group.
    const second = await addMember(group, { email: uniqueEmail(), name: 'Second' });
    expect(second.data?.addMember.memberNumber).toBe(`RUN-${year}-0003-00`);
  });

  it('gives a new person a temporary password, queued (encrypted) as a welcome notification', async () => {
    const group = await createGroup(t);
    const email = uniqueEmail('newbie');
    await addMember(group, { email, name: 'New Person' });
    const user = await t.query('select must_change_password, password_hash from users where email = $1', [email]);
    expect(user.rows[0].must_change_password).toBe(true);
    const task = await t.query(`select channel, template, status, payload from notification_tasks where recipient = $1`, [email]);
    expect(task.rows).toHaveLength(1);
    expect(task.rows[0]).toMatchObject({ channel: 'EMAIL', template: 'member.welcome', status: 'PENDING' });
    const encrypted = task.rows[0].payload.temporaryPasswordEncrypted as string;
    expect(JSON.stringify(task.rows[0].payload)).not.toMatch(/"temporaryPassword"/);
    const password = decryptSecret(encrypted, t.config.encryptionKey);
    // The decrypted password is the one that signs in.
    const signIn = await t.gql<{ signIn: { user: { mustChangePassword: boolean } } }>(
      'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { user { mustChangePassword } } }',
      { e: email, p: password },
    );
    expect(signIn.data?.signIn.user.mustChangePassword).toBe(true);
  });

  it('reuses the account of a person who already has one, without a new password', async () => {
    const existing = await createUser(t);
    const group = await createGroup(t);
    await addMember(group, { email: existing.email, name: 'Existing' });
    const tasks = await t.query('select 1 from notification_tasks where recipient = $1', [existing.email]);
    expect(tasks.rowCount).toBe(0);
    const me = await t.gql<{ me: { memberships: { role: string }[] } }>('{ me { memberships { role } } }', {}, existing.token);
    expect(me.data?.me.memberships).toEqual([{ role: 'MEMBER' }]);
  });

  it('refuses an e-mail that is already an active member with CONFLICT', async () => {
    const group = await createGroup(t);
    const email = uniqueEmail('dup');
    await addMember(group, { email, name: 'Once' });
    const again = await addMember(group, { email: email.toUpperCase(), name: 'Twice' });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors?.[0].extensions?.reason).toBe('MEMBER_EXISTS');
  });

  it('reports every invalid field at once and writes nothing', async () => {
    const group = await createGroup(t);
    const before = await t.query('select count(*)::int as n from members');
    const response = await addMember(group, { email: 'not-an-email', name: '  ', phone: 'call me', customAmount: { amount: '10.001', currency: 'USD' } });
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions?.fields).toEqual({
      email: 'Enter a valid e-mail address',
      name: 'Enter a name (at most 200 characters)',
      phone: 'Enter a phone number like +91 98765 43210',
      'customAmount.currency': "Use the group's currency (INR)",
      'customAmount.amount': 'INR allows at most 2 decimal places',
    });
    const after = await t.query('select count(*)::int as n from members');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('stores huge custom amounts exactly', async () => {
    const group = await createGroup(t);
    const response = await t.gql<{ addMember: { member: { customAmount: { amount: string; amountMinor: string; currency: string } } } }>(
      `mutation($input: AddMemberInput!) { addMember(input: $input) { member { customAmount { amount amountMinor currency } } } }`,
      { input: { groupId: group.id, email: uniqueEmail(), name: 'Rich', customAmount: { amount: '25000000000.99', currency: 'INR' } } },
      group.admin.token,
    );
    expect(response.data?.addMember.member.customAmount).toEqual({ amount: '25000000000.99', amountMinor: '2500000000099', currency: 'INR' });
    const tooBig = await addMember(group, { email: uniqueEmail(), name: 'Too rich', customAmount: { amount: '99999999999999999999', currency: 'INR' } });
    expect(tooBig.errors?.[0].extensions?.fields).toEqual({ 'customAmount.amount': 'Amount is too large' });
  });

  it('hands out distinct numbers to 20 concurrent adds', async () => {
    const group = await createGroup(t);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => addMember(group, { email: uniqueEmail(`c${i}`), name: `Concurrent ${i}` })));
    expect(results.map(codeOf).filter(Boolean)).toEqual([]);
    const numbers = results.map((r) => r.data!.addMember.memberNumber);
    expect(new Set(numbers).size).toBe(20);
    const sequences = numbers.map((n) => Number(n.split('-')[2])).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });

  it('lets the same e-mail race in only once', async () => {
    const group = await createGroup(t);
    const email = uniqueEmail('race');
    const results = await Promise.all(Array.from({ length: 5 }, () => addMember(group, { email, name: 'Racer' })));
    expect(results.filter((r) => r.data?.addMember)).toHaveLength(1);
    expect(results.map(codeOf).filter((c) => c === 'CONFLICT')).toHaveLength(4);
  });

  it('records who added whom in the activity log', async () => {
    const group = await createGroup(t);
    const added = await addMember(group, { email: uniqueEmail(), name: 'Logged' });
    const log = await t.query('select action, actor_id, after from activity_logs where entity_id = $1', [added.data!.addMember.id]);
    expect(log.rows).toHaveLength(1);
    expect(log.rows[0]).toMatchObject({ action: 'member.add', actor_id: group.admin.id });
    expect(log.rows[0].after).toMatchObject({ name: 'Logged', status: 'ACTIVE' });
  });
});

describe('sub-members', () => {
  it('numbers sub-members 01..03 after the primary and refuses a fourth with CONFLICT', async () => {
    const group = await createGroup(t, undefined, { memberNumberPrefix: 'FAM' });
    const primary = (await addMember(group, { email: uniqueEmail(), name: 'Parent' })).data!.addMember;
    const base = primary.memberNumber.slice(0, -3);
    for (const [index, name] of ['Kid A', 'Kid B', 'Kid C'].entries()) {
      const sub = await t.gql<{ addSubMember: { member: { memberNumber: string; primaryMember: { id: string } } } }>(ADD_SUB, { input: { primaryMemberId: primary.id, name } }, group.admin.token);
      expect(sub.data?.addSubMember.member).toEqual({ id: expect.any(String), name, memberNumber: `${base}-0${index + 1}`, primaryMember: { id: primary.id } });
    }
    const fourth = await t.gql(ADD_SUB, { input: { primaryMemberId: primary.id, name: 'Kid D' } }, group.admin.token);
    expect(codeOf(fourth)).toBe('CONFLICT');
    expect(fourth.errors?.[0].extensions?.reason).toBe('SUB_MEMBER_LIMIT');
  });

  it('keeps the limit under concurrent adds', async () => {
    const group = await createGroup(t);
    const primary = (await addMember(group, { email: uniqueEmail(), name: 'Parent' })).data!.addMember;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => t.gql(ADD_SUB, { input: { primaryMemberId: primary.id, name: `Kid ${i}` } }, group.admin.token)));
    expect(results.filter((r) => r.data)).toHaveLength(3);
    expect(results.map(codeOf).filter((c) => c === 'CONFLICT')).toHaveLength(3);
  });

  it('is enforced by the database too', async () => {
    const group = await createGroup(t);
    const primary = (await addMember(group, { email: uniqueEmail(), name: 'Parent' })).data!.addMember;
    const insert = (slot: number) =>
      t.query(
        `insert into members (id, created_at, updated_at, group_id, name, role, member_number, primary_member_id, sub_index)
         values (gen_random_uuid(), now(), now(), $1, 'Direct', 'MEMBER', $2, $3, $4)`,
        [group.id, `X-${slot}-${Math.random()}`, primary.id, slot],
      );
    await insert(1);
    await insert(2);
    await insert(3);
    await expect(insert(4)).rejects.toThrow(/members_sub_index_range/);
    await expect(insert(3)).rejects.toThrow(/members_active_sub_slot_unique/);
  });

  it('frees a slot when a sub-member is removed, and removing a primary removes its sub-members', async () => {
    const group = await createGroup(t);
    const primary = (await addMember(group, { email: uniqueEmail(), name: 'Parent' })).data!.addMember;
    const subs = [];
    for (const name of ['A', 'B', 'C']) subs.push((await t.gql<{ addSubMember: { member: { id: string } } }>(ADD_SUB, { input: { primaryMemberId: primary.id, name } }, group.admin.token)).data!.addSubMember.member);
    await t.gql('mutation($id: ID!) { removeMember(id: $id) { member { status } } }', { id: subs[1].id }, group.admin.token);
    const again = await t.gql<{ addSubMember: { member: { memberNumber: string } } }>(ADD_SUB, { input: { primaryMemberId: primary.id, name: 'B2' } }, group.admin.token);
    expect(again.data?.addSubMember.member.memberNumber.endsWith('-02')).toBe(true);
    const removed = await t.gql<{ removeMember: { member: { status: string; subMembers: unknown[] } } }>('mutation($id: ID!) { removeMember(id: $id) { member { status subMembers { id } } } }', { id: primary.id }, group.admin.token);
    expect(removed.data?.removeMember.member).toEqual({ status: 'REMOVED', subMembers: [] });
    const statuses = await t.query(`select status from members where primary_member_id = $1`, [primary.id]);
    expect(statuses.rows.every((row) => row.status === 'REMOVED')).toBe(true);
  });
});

describe('updateMember and removeMember', () => {
  it('updates fields and logs before/after', async () => {
    const group = await createGroup(t);
    const member = (await addMember(group, { email: uniqueEmail(), name: 'Old Name' })).data!.addMember;
    const updated = await t.gql<{ updateMember: { member: { name: string; nickname: string; customAmount: { amount: string } } } }>(
      'mutation($id: ID!, $input: UpdateMemberInput!) { updateMember(id: $id, input: $input) { member { name nickname customAmount { amount } } } }',
      { id: member.id, input: { name: 'New Name', nickname: 'Newbie', customAmount: { amount: '250', currency: 'INR' } } },
      group.admin.token,
    );
    expect(updated.data?.updateMember.member).toEqual({ name: 'New Name', nickname: 'Newbie', customAmount: { amount: '250.00' } });
    const log = await t.query(`select before, after from activity_logs where entity_id = $1 and action = 'member.update'`, [member.id]);
    expect(log.rows[0].before.name).toBe('Old Name');
    expect(log.rows[0].after.name).toBe('New Name');
  });

  it('keeps at least one admin', async () => {
    const group = await createGroup(t);
    const adminMember = await t.gql<{ members: { edges: { node: { id: string } }[] } }>(MEMBERS, { groupId: group.id }, group.admin.token);
    const adminId = adminMember.data!.members.edges[0].node.id;
    const demote = await t.gql('mutation($id: ID!) { updateMember(id: $id, input: { role: MEMBER }) { pendingApproval } }', { id: adminId }, group.admin.token);
    expect(demote.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_ADMIN' });
    const remove = await t.gql('mutation($id: ID!) { removeMember(id: $id) { pendingApproval } }', { id: adminId }, group.admin.token);
    expect(remove.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_ADMIN' });
  });

  it('soft-removes: the row stays, the e-mail can join again', async () => {
    const group = await createGroup(t);
    const email = uniqueEmail();
    const member = (await addMember(group, { email, name: 'Leaver' })).data!.addMember;
    await t.gql('mutation($id: ID!) { removeMember(id: $id) { pendingApproval } }', { id: member.id }, group.admin.token);
    const row = await t.query('select status, removed_at from members where id = $1', [member.id]);
    expect(row.rows[0].status).toBe('REMOVED');
    expect(row.rows[0].removed_at).not.toBeNull();
    const again = await t.gql(`mutation($id: ID!) { updateMember(id: $id, input: { name: "x" }) { pendingApproval } }`, { id: member.id }, group.admin.token);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MEMBER_REMOVED' });
    expect(codeOf(await addMember(group, { email, name: 'Returner' }))).toBeUndefined();
  });
});

describe('the last admin under concurrency', () => {
  const DEMOTE = 'mutation($id: ID!) { updateMember(id: $id, input: { role: MEMBER }) { member { id role } } }';
  const REMOVE = 'mutation($id: ID!) { removeMember(id: $id) { member { id status } } }';
  const UPDATE_GROUP = 'mutation($id: ID!) { updateGroup(id: $id, input: { name: "Still managed" }) { name } }';

  interface Admin {
    token: string;
    email: string;
    memberId: string;
  }

  /** A group run by two admins, A (who created it) and B. */
  async function twoAdmins(): Promise<{ group: TestGroup; a: Admin; b: Admin }> {
    const group = await createGroup(t);
    const second = await createUser(t);
    const bMemberId = await addUserToGroup(t, group, second, 'ADMIN');
    const aMember = await t.query<{ id: string }>('select id from members where group_id = $1 and user_id = $2', [group.id, group.admin.id]);
    return { group, a: { token: group.admin.token, email: group.admin.email, memberId: aMember.rows[0].id }, b: { token: second.token, email: second.email, memberId: bMemberId } };
  }

  async function activeAdmins(groupId: string): Promise<string[]> {
    const rows = await t.query<{ id: string }>(`select id from members where group_id = $1 and role = 'ADMIN' and status = 'ACTIVE'`, [groupId]);
    return rows.rows.map((row) => row.id);
  }

  /**
   * Each admin acts on the other at the same moment, in several groups at once
   * (one pair rarely loses the race). In every group exactly one of the two
   * changes goes through, the other is CONFLICT LAST_ADMIN, and the admin left
   * can still run the group.
   */
  async function raceEachOther(aAgainstB: string, bAgainstA: string): Promise<void> {
    const groups = await Promise.all(Array.from({ length: 6 }, () => twoAdmins()));
    const results = await Promise.all(
      groups.map(({ a, b }) => Promise.all([t.gql(aAgainstB, { id: b.memberId }, a.token), t.gql(bAgainstA, { id: a.memberId }, b.token)])),
    );
    for (const [index, { group, a, b }] of groups.entries()) {
      const [byA, byB] = results[index];
      const failures = [byA, byB].filter((response) => response.errors);
      expect(failures.map((response) => response.errors![0].extensions)).toEqual([expect.objectContaining({ code: 'CONFLICT', reason: 'LAST_ADMIN' })]);
      const admins = await activeAdmins(group.id);
      expect(admins).toHaveLength(1);
      const survivor = admins[0] === a.memberId ? a : b;
      expect((await t.gql(UPDATE_GROUP, { id: group.id }, survivor.token)).errors).toBeUndefined();
    }
  }

  it('two admins demoting each other at once leave exactly one admin', async () => {
    await raceEachOther(DEMOTE, DEMOTE);
  });

  it('two admins removing each other at once leave exactly one admin', async () => {
    await raceEachOther(REMOVE, REMOVE);
  });

  it('one demoting while the other removes leaves exactly one admin', async () => {
    await raceEachOther(DEMOTE, REMOVE);
  });

  it('one admin closing their account while the other steps down leaves exactly one admin', async () => {
    const groups = await Promise.all(Array.from({ length: 6 }, () => twoAdmins()));
    const DELETE_ACCOUNT = 'mutation($c: String!) { deleteMyAccount(confirmation: $c) { erasureRequestId } }';
    const results = await Promise.all(groups.map(({ a, b }) => Promise.all([t.gql(DELETE_ACCOUNT, { c: a.email }, a.token), t.gql(DEMOTE, { id: b.memberId }, b.token)])));
    for (const [index, { group }] of groups.entries()) {
      const failures = results[index].filter((response) => response.errors);
      expect(failures.map((response) => response.errors![0].extensions)).toEqual([expect.objectContaining({ code: 'CONFLICT', reason: 'LAST_ADMIN' })]);
      expect(await activeAdmins(group.id)).toHaveLength(1);
    }
  });

  it('does not refuse what leaves an admin: a third admin demotes the other two at once', async () => {
    const { group, a, b } = await twoAdmins();
    const third = await createUser(t);
    const cMemberId = await addUserToGroup(t, group, third, 'ADMIN');
    const results = await Promise.all([t.gql(DEMOTE, { id: a.memberId }, third.token), t.gql(REMOVE, { id: b.memberId }, third.token)]);
    expect(results.map(codeOf)).toEqual([undefined, undefined]);
    expect(await activeAdmins(group.id)).toEqual([cMemberId]);
  });
});

describe('members list', () => {
  it('pages with cursors, counts, filters and searches', async () => {
    const group = await createGroup(t);
    for (const name of ['Anita Desai', 'Bram Stoker', 'Chinua Achebe', 'Doris Lessing', 'Elif Shafak']) {
      await addMember(group, { email: uniqueEmail(name.split(' ')[0].toLowerCase()), name });
    }
    type Page = { members: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string }; edges: { node: MemberRow }[] } };
    const first = await t.gql<Page>(MEMBERS, { groupId: group.id, first: 4 }, group.admin.token);
    expect(first.data?.members.totalCount).toBe(6);
    expect(first.data?.members.edges.map((e) => e.node.name)).toEqual(['Group Admin', 'Anita Desai', 'Bram Stoker', 'Chinua Achebe']);
    expect(first.data?.members.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await t.gql<Page>(MEMBERS, { groupId: group.id, first: 4, after: first.data!.members.pageInfo.endCursor }, group.admin.token);
    expect(second.data?.members.edges.map((e) => e.node.name)).toEqual(['Doris Lessing', 'Elif Shafak']);
    expect(second.data?.members.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const search = await t.gql<Page>(MEMBERS, { groupId: group.id, search: 'les' }, group.admin.token);
    expect(search.data?.members.edges.map((e) => e.node.name)).toEqual(['Doris Lessing']);
    expect(search.data?.members.totalCount).toBe(1);
    const wildcard = await t.gql<Page>(MEMBERS, { groupId: group.id, search: '%' }, group.admin.token);
    expect(wildcard.data?.members.totalCount).toBe(0);
  });

  it('caps and validates first and after', async () => {
    const group = await createGroup(t);
    const tooMany = await t.gql(MEMBERS, { groupId: group.id, first: 101 }, group.admin.token);
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { first: 'first must be between 1 and 100' } });
    const badCursor = await t.gql(MEMBERS, { groupId: group.id, after: 'not-a-cursor' }, group.admin.token);
    expect(badCursor.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { after: 'Not a cursor returned by this list' } });
  });

  it('hides contact details of others from plain members', async () => {
    const group = await createGroup(t);
    const plain = await createUser(t);
    await addMember(group, { email: plain.email, name: 'Plain Member' });
    await addMember(group, { email: uniqueEmail('other'), name: 'Other Member', phone: '+44 20 7946 0958' });
    const seen = await t.gql<{ members: { edges: { node: { name: string; email: string | null } }[] } }>(MEMBERS, { groupId: group.id }, plain.token);
    const byName = Object.fromEntries(seen.data!.members.edges.map((e) => [e.node.name, e.node.email]));
    expect(byName['Plain Member']).toBe(plain.email);
    expect(byName['Other Member']).toBeNull();
  });
});
