import { ADD_MEMBER, codeOf, createGroup, createUser, uniqueEmail } from '../../../test/support/factories';
import { statementsDuring } from '../../../test/support/statements';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { BillingCycle, BillingMode } from './group.entity';
import { nextBillingDate } from './group.service';

const CREATE = 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id name currency status viewerRole memberCount billingSettings { mode cycle price { amount currency } dueDay graceDays } paymentSettings { upiId bankAccountMasked bankIfsc razorpayEnabled } } }';
const GROUP = 'query($id: ID!) { group(id: $id) { id name viewerRole memberCount billingSettings { mode } paymentSettings { upiId bankAccountMasked } } }';
const GROUPS = 'query($first: Int, $after: String) { groups(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name viewerRole memberCount unpaidCount } } } }';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

describe('createGroup', () => {
  it('creates the group with its settings and makes the creator its admin', async () => {
    const user = await createUser(t, { name: 'Founder' });
    const response = await t.gql<{ createGroup: Record<string, unknown> }>(
      CREATE,
      {
        input: {
          name: 'Family Streaming',
          kind: 'SUBSCRIPTION_SHARE',
          service: 'Streaming Premium',
          currency: 'INR',
          memberNumberPrefix: 'FS',
          billingSettings: { mode: 'EQUAL_SPLIT', cycle: 'MONTHLY', price: { amount: '649', currency: 'INR' }, dueDay: 5 },
          paymentSettings: { upiId: 'family@okaxis', bankAccountNumber: '1234 5678 9012', bankIfsc: 'HDFC0001234', razorpayEnabled: true },
        },
      },
      user.token,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.createGroup).toMatchObject({
      name: 'Family Streaming',
      currency: 'INR',
      status: 'ACTIVE',
      viewerRole: 'ADMIN',
      memberCount: 1,
      billingSettings: { mode: 'EQUAL_SPLIT', cycle: 'MONTHLY', price: { amount: '649.00', currency: 'INR' }, dueDay: 5, graceDays: 7 },
      paymentSettings: { upiId: 'family@okaxis', bankAccountMasked: 'XXXXXXXX9012', bankIfsc: 'HDFC0001234', razorpayEnabled: true },
    });
    // The account number is encrypted at rest: not in the row in clear.
    const row = await t.query('select payment_settings::text as settings from groups where id = $1', [(response.data!.createGroup as { id: string }).id]);
    expect(row.rows[0].settings).not.toContain('123456789012');
  });

  it('rejects bad input field by field', async () => {
    const user = await createUser(t);
    const response = await t.gql(
      CREATE,
      { input: { name: '', kind: 'CLUB', currency: 'RUPEES', memberNumberPrefix: 'x', billingSettings: { mode: 'EQUAL_SPLIT', cycle: 'MONTHLY', dueDay: 31 } } },
      user.token,
    );
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions?.fields).toEqual({
      name: 'Give the group a name (at most 200 characters)',
      currency: 'Use an ISO 4217 code such as INR, USD, EUR',
      memberNumberPrefix: 'Use 2 to 8 capital letters or digits, starting with a letter (e.g. SRC)',
      'billingSettings.dueDay': 'Due day must be between 1 and 28',
    });
  });

  it('keeps the time zone the group counts its days in, and refuses one that does not exist', async () => {
    const user = await createUser(t);
    const input = (timeZone: string) => ({ name: 'Oslo Club', kind: 'CLUB', currency: 'NOK', memberNumberPrefix: 'OC', billingSettings: { mode: 'MEMBERSHIP_FEE', cycle: 'ANNUAL', timeZone } });
    const bad = await t.gql(CREATE, { input: input('Mars/Olympus_Mons') }, user.token);
    expect(bad.errors?.[0].extensions?.fields).toEqual({ 'billingSettings.timeZone': 'Use an IANA time zone such as Asia/Kolkata or Europe/Oslo' });
    const good = await t.gql<{ createGroup: { id: string } }>('mutation($input: CreateGroupInput!) { createGroup(input: $input) { id billingSettings { timeZone } } }', { input: input('Europe/Oslo') }, user.token);
    expect(good.data?.createGroup).toMatchObject({ billingSettings: { timeZone: 'Europe/Oslo' } });
  });

  it('refuses a price in another currency', async () => {
    const user = await createUser(t);
    const response = await t.gql(
      CREATE,
      { input: { name: 'Club', kind: 'CLUB', currency: 'INR', memberNumberPrefix: 'CL', billingSettings: { mode: 'MEMBERSHIP_FEE', cycle: 'ANNUAL', price: { amount: '10', currency: 'USD' } } } },
      user.token,
    );
    expect(response.errors?.[0].extensions?.fields).toEqual({ 'billingSettings.price.currency': "Use the group's currency (INR)" });
  });

  it('rejects an unknown enum value before reaching the service', async () => {
    const user = await createUser(t);
    const response = await t.gql(CREATE, { input: { name: 'Club', kind: 'CASINO', currency: 'INR', memberNumberPrefix: 'CL' } }, user.token);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
  });
});

describe('groups and group', () => {
  it('lists only my groups with my role and member counts, in pages', async () => {
    const user = await createUser(t);
    const stranger = await createUser(t);
    await createGroup(t, stranger, { name: 'Not Mine' });
    for (const name of ['One', 'Two', 'Three']) await createGroup(t, user, { name });
    const other = await createGroup(t, undefined, { name: 'Joined' });
    await t.gql(ADD_MEMBER, { input: { groupId: other.id, email: user.email, name: 'Me', role: 'OPERATOR' } }, other.admin.token);
    type Groups = { groups: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { name: string; viewerRole: string; memberCount: number; unpaidCount: number } }[] } };
    const page1 = await t.gql<Groups>(GROUPS, { first: 3 }, user.token);
    expect(page1.data?.groups.totalCount).toBe(4);
    expect(page1.data?.groups.pageInfo.hasNextPage).toBe(true);
    const page2 = await t.gql<Groups>(GROUPS, { first: 3, after: page1.data!.groups.pageInfo.endCursor }, user.token);
    const all = [...page1.data!.groups.edges, ...page2.data!.groups.edges].map((e) => e.node);
    expect(all).toEqual([
      { name: 'One', viewerRole: 'ADMIN', memberCount: 1, unpaidCount: 0 },
      { name: 'Two', viewerRole: 'ADMIN', memberCount: 1, unpaidCount: 0 },
      { name: 'Three', viewerRole: 'ADMIN', memberCount: 1, unpaidCount: 0 },
      { name: 'Joined', viewerRole: 'OPERATOR', memberCount: 2, unpaidCount: 0 },
    ]);
  });

  it('answers a user with no group, and a page past the end, with the right total', async () => {
    const lonely = await createUser(t);
    type Groups = { groups: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: unknown[] } };
    const none = await t.gql<Groups>(GROUPS, { first: 5 }, lonely.token);
    expect(none.errors).toBeUndefined();
    expect(none.data!.groups).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    const user = await createUser(t);
    await createGroup(t, user, { name: 'Only' });
    const first = await t.gql<Groups>(GROUPS, { first: 1 }, user.token);
    const past = await t.gql<Groups>(GROUPS, { first: 1, after: first.data!.groups.pageInfo.endCursor }, user.token);
    expect(past.data!.groups).toEqual({ totalCount: 1, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('costs one SQL statement, viewer check included, for 1 group or 3', async () => {
    const few = await createUser(t);
    await createGroup(t, few, { name: 'A' });
    const many = await createUser(t);
    for (const name of ['A', 'B', 'C']) await createGroup(t, many, { name });
    const knex = t.server.orm.em.getKnex();
    const statementsFor = async (token: string, total: number): Promise<string[]> => {
      const { statements, result: response } = await statementsDuring(knex, () =>
        t.gql<{ groups: { totalCount: number } }>('{ groups(first: 20) { totalCount edges { node { id name viewerRole memberCount } } } }', {}, token),
      );
      expect(response.data?.groups.totalCount).toBe(total);
      // Named (prepared) statements: PostgreSQL parses them once per connection (db/prepared-statements.ts).
      for (const statement of statements) expect(statement.name).toMatch(/^coffer_[0-9a-f]{32}$/);
      return statements.map((statement) => statement.sql);
    };
    expect(await statementsFor(few.token, 1)).toHaveLength(1);
    const statements = await statementsFor(many.token, 3);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/from users u/);
  });

  it('shows admins the configuration and members a limited view', async () => {
    const group = await createGroup(t, undefined, { paymentSettings: { upiId: 'club@okicici' } });
    const member = await createUser(t);
    await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: member.email, name: 'M' } }, group.admin.token);
    const asAdmin = await t.gql<{ group: { billingSettings: unknown; paymentSettings: unknown } }>(GROUP, { id: group.id }, group.admin.token);
    expect(asAdmin.data?.group.billingSettings).toEqual({ mode: 'EQUAL_SPLIT' });
    expect(asAdmin.data?.group.paymentSettings).toMatchObject({ upiId: 'club@okicici' });
    const asMember = await t.gql<{ group: { viewerRole: string; billingSettings: unknown; paymentSettings: unknown } }>(GROUP, { id: group.id }, member.token);
    expect(asMember.data?.group).toMatchObject({ viewerRole: 'MEMBER', billingSettings: null, paymentSettings: null });
  });

  it('answers NOT_FOUND for a group that is not mine and for a made-up id', async () => {
    const group = await createGroup(t);
    const outsider = await createUser(t);
    expect(codeOf(await t.gql(GROUP, { id: group.id }, outsider.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(GROUP, { id: '00000000-0000-4000-8000-000000000000' }, outsider.token))).toBe('NOT_FOUND');
  });

  it('answers NOT_FOUND, not an internal error, for ids that are not ids at all', async () => {
    const group = await createGroup(t);
    const token = group.admin.token;
    expect(codeOf(await t.gql(GROUP, { id: 'x' }, token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('query { member(id: "1; drop table users") { id } }', {}, token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('query { members(groupId: "nope") { totalCount } }', {}, token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('mutation { removeMember(id: "nope") { pendingApproval } }', {}, token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('mutation { addSubMember(input: { primaryMemberId: "nope", name: "x" }) { pendingApproval } }', {}, token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('mutation { revokeApiKey(id: "nope") { id } }', {}, token))).toBe('NOT_FOUND');
  });
});

describe('updateGroup and deactivateGroup', () => {
  it('updates settings and records before and after', async () => {
    const group = await createGroup(t);
    const response = await t.gql<{ updateGroup: { name: string; billingSettings: { mode: string; price: { amount: string } } } }>(
      'mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { name billingSettings { mode price { amount } } } }',
      { id: group.id, input: { name: 'Renamed Club', billingSettings: { mode: 'CUSTOM_AMOUNTS', cycle: 'QUARTERLY', price: { amount: '1000.50', currency: 'INR' } } } },
      group.admin.token,
    );
    expect(response.data?.updateGroup).toEqual({ name: 'Renamed Club', billingSettings: { mode: 'CUSTOM_AMOUNTS', price: { amount: '1000.50' } } });
    const log = await t.query(`select before->>'name' as before, after->>'name' as after from activity_logs where entity_id = $1 and action = 'group.update'`, [group.id]);
    expect(log.rows).toEqual([{ before: 'Test Club', after: 'Renamed Club' }]);
  });

  it('makes a deactivated group read-only with a clear code, and keeps it', async () => {
    const group = await createGroup(t);
    const deactivated = await t.gql<{ deactivateGroup: { status: string } }>('mutation($id: ID!) { deactivateGroup(id: $id) { status } }', { id: group.id }, group.admin.token);
    expect(deactivated.data?.deactivateGroup.status).toBe('DEACTIVATED');
    const add = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(), name: 'Late' } }, group.admin.token);
    expect(add.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'GROUP_DEACTIVATED' });
    const rename = await t.gql('mutation($id: ID!) { updateGroup(id: $id, input: { name: "x" }) { id } }', { id: group.id }, group.admin.token);
    expect(rename.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'GROUP_DEACTIVATED' });
    const still = await t.gql<{ group: { name: string } }>(GROUP, { id: group.id }, group.admin.token);
    expect(still.data?.group.name).toBe('Test Club');
  });
});

describe('nextBillingDate', () => {
  const settings = { mode: BillingMode.EQUAL_SPLIT, priceMinor: null, graceDays: 0 };
  it('is the next due day of the cycle', () => {
    const today = new Date(Date.UTC(2026, 10, 21));
    expect(nextBillingDate({ ...settings, cycle: BillingCycle.MONTHLY, dueDay: 25 }, today)?.toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(nextBillingDate({ ...settings, cycle: BillingCycle.MONTHLY, dueDay: 5 }, today)?.toISOString()).toBe('2026-12-05T00:00:00.000Z');
    expect(nextBillingDate({ ...settings, cycle: BillingCycle.QUARTERLY, dueDay: 1 }, today)?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(nextBillingDate({ ...settings, cycle: BillingCycle.ANNUAL, dueDay: 1 }, today)?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(nextBillingDate({ ...settings, cycle: BillingCycle.MONTHLY, dueDay: 21 }, today)?.toISOString()).toBe('2026-11-21T00:00:00.000Z');
    expect(nextBillingDate({ ...settings, cycle: BillingCycle.MONTHLY, dueDay: null }, today)).toBeNull();
  });
});
