import { statementsDuring } from '../../../test/support/statements';
import { randomUUID } from 'node:crypto';
import { addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup, TestUser } from '../../../test/support/factories';
import { serviceContextFor } from '../../../test/support/service-context';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { recordAudit } from '../audit/audit.service';

const DASHBOARD = `query($g: ID!, $from: DateTime, $to: DateTime) {
  dashboard(groupId: $g, from: $from, to: $to) {
    groupId currency from to
    members { total active }
    income { amount currency }
    expenses { amount currency }
    balance { amount currency }
    monthly { month income { amount currency } expenses { amount } }
    recentActivity { id action actor { kind name } }
    recentAudit { id action actor { kind name } }
  }
}`;

interface Dashboard {
  groupId: string;
  currency: string;
  from: string;
  to: string;
  members: { total: number; active: number };
  income: { amount: string; currency: string };
  expenses: { amount: string; currency: string };
  balance: { amount: string; currency: string };
  monthly: { month: string; income: { amount: string; currency: string }; expenses: { amount: string } }[];
  recentActivity: { id: string; action: string; actor: { kind: string; name: string | null } }[];
  recentAudit: { id: string; action: string; actor: { kind: string; name: string | null } }[];
}

const RECORD = `mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id approvalStatus } } }`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const monthStart = (offset: number, now = new Date()): Date => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
const monthKey = (date: Date): string => date.toISOString().slice(0, 7);
const days = (n: number): number => n * 24 * 3600_000;

async function dashboard(group: TestGroup, variables: Record<string, unknown> = {}, token = group.admin.token) {
  return t.gql<{ dashboard: Dashboard }>(DASHBOARD, { g: group.id, ...variables }, token);
}

async function record(group: TestGroup, input: Record<string, unknown>, token = group.admin.token): Promise<string> {
  const response = await t.gql<{ recordTransaction: { transaction: { id: string } } }>(
    RECORD,
    { input: { groupId: group.id, type: 'CASH_IN', category: 'DONATION', paymentMode: 'CASH', ...input, amount: { currency: 'INR', ...(input.amount as object) } } },
    token,
  );
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.recordTransaction.transaction.id;
}

async function reverse(group: TestGroup, id: string): Promise<void> {
  const response = await t.gql('mutation($id: ID!) { deleteTransaction(id: $id) { __typename } }', { id }, group.admin.token);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
}

describe('dashboard figures', () => {
  let group: TestGroup;
  let operator: TestUser;
  const now = new Date();
  // Within the current month and not in the future, even in a month's first minute.
  const thisMonth = new Date(Math.max(monthStart(0, now).getTime(), now.getTime() - 60_000));
  const lastMonth = new Date(monthStart(-1, now).getTime() + days(10));
  const threeMonthsAgo = new Date(monthStart(-3, now).getTime() + days(4));
  const thirteenMonthsAgo = new Date(monthStart(-13, now).getTime() + days(1));

  beforeAll(async () => {
    group = await createGroup(t, await createUser(t, { name: 'Asha Treasurer' }));
    operator = await createUser(t, { name: 'Ravi Operator' });
    await addUserToGroup(t, group, operator, 'OPERATOR');
    const member = await createUser(t);
    await addUserToGroup(t, group, member, 'MEMBER');
    const leaver = await createUser(t);
    const leaverId = await addUserToGroup(t, group, leaver, 'MEMBER');
    await t.gql('mutation($id: ID!) { removeMember(id: $id) { __typename } }', { id: leaverId }, group.admin.token);

    // This month: 1000 + 500.25 (UPI, so the bank) + 10 USD at 83 in, 200 out; 300 in and reversed.
    await record(group, { amount: { amount: '1000' }, occurredAt: thisMonth });
    await record(group, { amount: { amount: '500.25' }, paymentMode: 'UPI', occurredAt: thisMonth });
    await record(group, { amount: { amount: '10', currency: 'USD' }, fxRate: '83', category: 'SPONSORSHIP', occurredAt: thisMonth });
    await record(group, { type: 'CASH_OUT', category: 'EXPENSE', amount: { amount: '200' }, occurredAt: thisMonth });
    await reverse(group, await record(group, { amount: { amount: '300' }, occurredAt: thisMonth }));
    // Last month: 2000 + 400 in, 750.50 out. The 400 is deleted now: its reversal is dated as it was, so last month
    // shows the truth (2000) and this month is untouched.
    await record(group, { amount: { amount: '2000' }, occurredAt: lastMonth });
    await record(group, { type: 'CASH_OUT', category: 'EXPENSE', amount: { amount: '750.50' }, occurredAt: lastMonth });
    await reverse(group, await record(group, { amount: { amount: '400' }, occurredAt: lastMonth }));
    await record(group, { amount: { amount: '100' }, occurredAt: threeMonthsAgo });
    // Outside the 12 months, still in the balance.
    await record(group, { amount: { amount: '5000' }, occurredAt: thirteenMonthsAgo });
    // Pending: counts nowhere.
    await record(group, { amount: { amount: '999' }, occurredAt: thisMonth }, operator.token);
  });

  it('sums approved money for the current month by default, reversals subtracted; the balance comes from the ledger', async () => {
    const response = await dashboard(group);
    expect(response.errors).toBeUndefined();
    const board = response.data!.dashboard;
    expect(board).toMatchObject({
      groupId: group.id,
      currency: 'INR',
      from: monthStart(0, now).toISOString(),
      to: monthStart(1, now).toISOString(),
      members: { total: 4, active: 3 },
      // 1000 + 500.25 + 830 + (300 − 300)
      income: { amount: '2330.25', currency: 'INR' },
      expenses: { amount: '200.00', currency: 'INR' },
      // 1000 + 500.25 + 830 + 2000 + 100 + 5000 − 200 − 750.50
      balance: { amount: '8479.75', currency: 'INR' },
    });
    const balance = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>('query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: group.id }, group.admin.token);
    expect(balance.data?.groupBalance.cashPosition.amount).toBe(board.balance.amount);
  });

  it('covers any period asked for', async () => {
    const lastMonthOnly = await dashboard(group, { from: monthStart(-1, now), to: monthStart(0, now) });
    expect(lastMonthOnly.data?.dashboard).toMatchObject({ income: { amount: '2000.00' }, expenses: { amount: '750.50' } });
    const sinceLastMonth = await dashboard(group, { from: monthStart(-1, now) });
    expect(sinceLastMonth.data?.dashboard).toMatchObject({ to: monthStart(1, now).toISOString(), income: { amount: '4330.25' }, expenses: { amount: '950.50' } });
    const empty = await dashboard(group, { from: monthStart(-2, now), to: monthStart(-1, now) });
    expect(empty.data?.dashboard).toMatchObject({ income: { amount: '0.00' }, expenses: { amount: '0.00' } });
    const backwards = await dashboard(group, { from: monthStart(0, now), to: monthStart(-1, now) });
    expect(codeOf(backwards)).toBe('BAD_USER_INPUT');
    expect(backwards.errors?.[0].extensions?.fields).toHaveProperty('to');
  });

  it('lists the last 12 calendar months, oldest first, with zeros where nothing happened', async () => {
    const { monthly } = (await dashboard(group)).data!.dashboard;
    expect(monthly.map((m) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => monthKey(monthStart(i - 11, now))));
    const byMonth = Object.fromEntries(monthly.map((m) => [m.month, [m.income.amount, m.expenses.amount]]));
    const expected: Record<string, [string, string]> = {
      [monthKey(monthStart(0, now))]: ['2330.25', '200.00'],
      [monthKey(monthStart(-1, now))]: ['2000.00', '750.50'],
      [monthKey(monthStart(-3, now))]: ['100.00', '0.00'],
    };
    for (const [month, amounts] of Object.entries(byMonth)) expect([month, ...amounts]).toEqual([month, ...(expected[month] ?? ['0.00', '0.00'])]);
    expect(monthly.every((m) => m.income.currency === 'INR')).toBe(true);
  });

  it('shows the 10 newest activity and audit entries, as the logs do', async () => {
    const ctx = await serviceContextFor(t, { userId: operator.id });
    for (let i = 0; i < 12; i += 1) {
      const entry = recordAudit(ctx, { groupId: group.id, entityType: 'Transaction', entityId: randomUUID(), action: `test.audit.${i}` });
      // Pinned after everything else, so these are the newest whatever the ledger writes.
      entry.createdAt = new Date(Date.now() + 60_000 + i * 1000);
    }
    await ctx.em.flush();
    const board = (await dashboard(group)).data!.dashboard;
    expect(board.recentAudit.map((e) => e.action)).toEqual(Array.from({ length: 10 }, (_, i) => `test.audit.${11 - i}`));
    expect(board.recentAudit[0].actor).toEqual({ kind: 'USER', name: 'Ravi Operator' });

    const logs = await t.gql<{ activityLog: { edges: { node: { id: string } }[] }; auditLog: { edges: { node: { id: string } }[] } }>(
      'query($g: ID!) { activityLog(groupId: $g, first: 10) { edges { node { id } } } auditLog(groupId: $g, first: 10) { edges { node { id } } } }',
      { g: group.id },
      group.admin.token,
    );
    expect(board.recentActivity).toHaveLength(10);
    expect(board.recentActivity.map((e) => e.id)).toEqual(logs.data!.activityLog.edges.map((e) => e.node.id));
    expect(board.recentAudit.map((e) => e.id)).toEqual(logs.data!.auditLog.edges.map((e) => e.node.id));
    expect(board.recentActivity.some((e) => e.action === 'transaction.delete' && e.actor.name === 'Asha Treasurer')).toBe(true);
  });

  it('shows a back-dated transaction corrected twice once, as corrected, in its own month; the current month is untouched', async () => {
    const own = await createGroup(t);
    const when = new Date(monthStart(-2, now).getTime() + days(9));
    const window = { from: monthStart(-2, now), to: monthStart(-1, now) };
    const id = await record(own, { amount: { amount: '1000' }, occurredAt: when });
    expect((await dashboard(own, window)).data!.dashboard.income.amount).toBe('1000.00');
    const correct = async (txnId: string, amount: string): Promise<string> => {
      const response = await t.gql<{ updateTransaction: { transaction: { id: string } } }>(
        'mutation($id: ID!, $a: String!) { updateTransaction(id: $id, input: { amount: { amount: $a, currency: "INR" } }) { transaction { id } } }',
        { id: txnId, a: amount },
        own.admin.token,
      );
      if (!response.data) throw new Error(JSON.stringify(response.errors));
      return response.data.updateTransaction.transaction.id;
    };
    const first = await correct(id, '900');
    expect((await dashboard(own, window)).data!.dashboard.income.amount).toBe('900.00');
    const second = await correct(first, '850');
    const board = (await dashboard(own, window)).data!.dashboard;
    expect(board.income.amount).toBe('850.00');
    expect(board.balance.amount).toBe('850.00');
    // Nothing spills into the month the corrections were made in.
    expect((await dashboard(own)).data!.dashboard.income.amount).toBe('0.00');
    const byMonth = Object.fromEntries(board.monthly.map((m) => [m.month, m.income.amount]));
    expect(byMonth[monthKey(monthStart(-2, now))]).toBe('850.00');
    expect(byMonth[monthKey(monthStart(0, now))]).toBe('0.00');
    // Deleted: gone from its month too.
    await reverse(own, second);
    expect((await dashboard(own, window)).data!.dashboard.income.amount).toBe('0.00');
    expect((await dashboard(own)).data!.dashboard.income.amount).toBe('0.00');
  });

  it('costs the same number of SQL statements for a quiet group and a busy one', async () => {
    const quiet = await createGroup(t);
    const knex = t.server.orm.em.getKnex();
    const statementsFor = async (target: TestGroup): Promise<string[]> => {
      const { statements, result: response } = await statementsDuring(knex, () => dashboard(target));
      expect(response.errors).toBeUndefined();
      return statements.map((statement) => statement.sql);
    };
    const busy = await statementsFor(group);
    const idle = await statementsFor(quiet);
    // Actor names are batched per tick: the two log lists may land in one batch or two,
    // so name lookups are bounded rather than exact. Everything else is the same for both groups.
    const isNameLookup = (sql: string) => /^select "id", "name" from "(users|api_keys)"/.test(sql);
    expect(busy.filter((sql) => !isNameLookup(sql))).toHaveLength(idle.filter((sql) => !isNameLookup(sql)).length);
    expect(busy.filter(isNameLookup).length).toBeLessThanOrEqual(4);
    // Viewer, role, group, members, period totals, the 12 months, balance, activity, audit, and names.
    expect(busy.length).toBeLessThanOrEqual(13);
    expect(busy.filter((sql) => /from "transactions"/.test(sql))).toHaveLength(2);
  });
});

describe('who may see the dashboard', () => {
  type Who = 'admin' | 'operator' | 'member' | 'outsider' | 'anonymous' | 'adminKey' | 'operatorKey' | 'memberKey' | 'otherGroupKey';
  const expected: Record<Who, string> = {
    admin: 'ok',
    operator: 'ok',
    adminKey: 'ok',
    operatorKey: 'ok',
    member: 'FORBIDDEN',
    memberKey: 'FORBIDDEN',
    outsider: 'NOT_FOUND',
    otherGroupKey: 'NOT_FOUND',
    anonymous: 'UNAUTHENTICATED',
  };
  const credentials = {} as Record<Who, string | undefined>;
  let group: TestGroup;

  beforeAll(async () => {
    group = await createGroup(t);
    const [operator, member, outsider] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    await addUserToGroup(t, group, member, 'MEMBER');
    Object.assign(credentials, {
      admin: group.admin.token,
      operator: operator.token,
      member: member.token,
      outsider: outsider.token,
      anonymous: undefined,
      adminKey: await createApiKey(t, group, 'ADMIN'),
      operatorKey: await createApiKey(t, group, 'OPERATOR'),
      memberKey: await createApiKey(t, group, 'MEMBER'),
      otherGroupKey: await createApiKey(t, await createGroup(t), 'ADMIN'),
    });
  });

  it.each(Object.keys(expected) as Who[])('%s', async (who) => {
    // Not through dashboard(): its default token would stand in for the anonymous caller.
    const response = await t.gql<{ dashboard: Dashboard }>(DASHBOARD, { g: group.id }, credentials[who]);
    if (expected[who] === 'ok') {
      expect(response.errors).toBeUndefined();
      expect(response.data?.dashboard.members).toEqual({ total: 3, active: 3 });
    } else {
      expect(codeOf(response)).toBe(expected[who]);
      expect(response.data?.dashboard ?? null).toBeNull();
    }
  });

  it('is NOT_FOUND for a group id that does not exist or is not an id', async () => {
    for (const g of [randomUUID(), 'not-a-uuid']) {
      expect(codeOf(await t.gql(DASHBOARD, { g }, group.admin.token))).toBe('NOT_FOUND');
    }
  });
});
