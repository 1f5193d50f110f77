import { addUserToGroup, codeOf, createGroup, createUser } from '../../../test/support/factories';
import { createBilledGroup, CREATE_PERIOD, openPeriod } from '../../../test/support/dues-factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { oneConnectionContext } from '../../../test/support/one-connection';
import { BURST_BOUND_MS, clickInParallel, outcomeOf } from '../../../test/support/parallel-clicks';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { approve } from '../approvals/approval.service';
import { confirmPayment, createBillingPeriod, updateBillingPeriod, waiveDue } from './due.service';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const DUES = `query($groupId: ID!, $periodId: ID, $status: DueStatus) {
  dues(groupId: $groupId, periodId: $periodId, status: $status, first: 50) {
    totalCount
    edges { node { id status amount { amount amountMinor currency } member { id } period { id label } paidTransaction { id type category receiptNumber approvalStatus approvalSource } viewerCanDecide iHavePaidLink } }
  }
}`;

const CONFIRM = `mutation($dueId: ID!, $action: PaymentDecision!, $notes: String) {
  confirmPayment(dueId: $dueId, action: $action, notes: $notes) { due { id status decisionNotes } transaction { id type category receiptNumber approvalSource amount { amountMinor } } }
}`;

const WAIVE = 'mutation($dueId: ID!, $reason: String!) { waiveDue(dueId: $dueId, reason: $reason) { id status waivedReason } }';

interface DueNode {
  id: string;
  status: string;
  amount: { amount: string; amountMinor: string; currency: string };
  member: { id: string };
  paidTransaction: { id: string; receiptNumber: string; approvalSource: string; category: string } | null;
  viewerCanDecide: boolean;
  iHavePaidLink: string | null;
}

async function duesOf(groupId: string, token: string, variables: Record<string, unknown> = {}) {
  const response = await t.gql<{ dues: { totalCount: number; edges: { node: DueNode }[] } }>(DUES, { groupId, ...variables }, token);
  return response;
}

describe('billing periods and the split', () => {
  it('splits a variable total so the shares add up exactly, the remainder going to the lowest member number', async () => {
    const group = await createBilledGroup(t, { memberCount: 2 });
    const response = await t.gql<{ createBillingPeriod: { dueCount: number; period: { dueDate: string; total: { amountMinor: string }; remainderMember: { id: string } } } }>(
      CREATE_PERIOD,
      { input: { groupId: group.id, label: 'December 2026', totalPrice: { amount: '100.00', currency: 'INR' }, periodStart: '2026-12-01', periodEnd: '2026-12-31' } },
      group.admin.token,
    );
    expect(response.errors).toBeUndefined();
    const created = response.data!.createBillingPeriod;
    expect(created.dueCount).toBe(3);
    expect(created.period.total.amountMinor).toBe('10000');
    expect(created.period.dueDate).toBe('2026-12-05'); // the group's due day in the first month
    expect(created.period.remainderMember.id).toBe(group.adminMemberId);
    const dues = (await duesOf(group.id, group.admin.token)).data!.dues.edges.map((e) => e.node);
    const byMember = new Map(dues.map((d) => [d.member.id, d.amount.amountMinor]));
    expect(byMember.get(group.adminMemberId)).toBe('3334');
    expect(byMember.get(group.members[0].id)).toBe('3333');
    expect(byMember.get(group.members[1].id)).toBe('3333');
    expect(dues.reduce((sum, d) => sum + BigInt(d.amount.amountMinor), 0n)).toBe(10000n);
  });

  it('gives the remainder to the stated member when one is named', async () => {
    const group = await createBilledGroup(t, { memberCount: 2 });
    const { dueByMember } = await openPeriod(t, group, '0.05', { remainderMemberId: group.members[1].id });
    const rows = await t.query<{ member_id: string; amount_minor: string }>('select member_id, amount_minor from dues where id = any($1)', [[...dueByMember.values()]]);
    const byMember = new Map(rows.rows.map((r) => [r.member_id, r.amount_minor]));
    expect(byMember.get(group.members[1].id)).toBe('3');
    expect(byMember.get(group.members[0].id)).toBe('1');
    expect(byMember.get(group.adminMemberId)).toBe('1');
  });

  it('bills each member their custom amount (else the group price) in CUSTOM_AMOUNTS mode', async () => {
    const group = await createBilledGroup(t, { memberCount: 1, billingSettings: { mode: 'CUSTOM_AMOUNTS', cycle: 'MONTHLY', price: { amount: '250.00', currency: 'INR' } } });
    const update = await t.gql(
      'mutation($id: ID!, $input: UpdateMemberInput!) { updateMember(id: $id, input: $input) { member { id } } }',
      { id: group.members[0].id, input: { customAmount: { amount: '99.50', currency: 'INR' } } },
      group.admin.token,
    );
    expect(update.errors).toBeUndefined();
    const response = await t.gql(CREATE_PERIOD, { input: { groupId: group.id, label: 'Jan', periodStart: '2027-01-01', periodEnd: '2027-01-31' } }, group.admin.token);
    expect(response.errors).toBeUndefined();
    const dues = (await duesOf(group.id, group.admin.token)).data!.dues.edges.map((e) => e.node);
    expect(new Map(dues.map((d) => [d.member.id, d.amount.amount]))).toEqual(new Map([[group.adminMemberId, '250.00'], [group.members[0].id, '99.50']]));
  });

  it('reports every bad field at once and writes nothing', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const response = await t.gql(
      CREATE_PERIOD,
      { input: { groupId: group.id, label: ' ', totalPrice: { amount: '10.001', currency: 'USD' }, periodStart: '2026-02-30', periodEnd: 'soon', dueDate: '2026-13-01' } },
      group.admin.token,
    );
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(Object.keys(response.errors![0].extensions!.fields!).sort()).toEqual(['dueDate', 'label', 'periodEnd', 'periodStart', 'totalPrice.amount', 'totalPrice.currency']);
    expect((await t.query('select 1 from billing_periods where group_id = $1', [group.id])).rowCount).toBe(0);
  });

  it('needs a total in variable mode, refuses huge amounts and an end before the start', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const base = { groupId: group.id, label: 'X', periodStart: '2026-12-01', periodEnd: '2026-12-31' };
    const missing = await t.gql(CREATE_PERIOD, { input: base }, group.admin.token);
    expect(missing.errors![0].extensions!.fields).toHaveProperty('totalPrice');
    const huge = await t.gql(CREATE_PERIOD, { input: { ...base, totalPrice: { amount: '99999999999999999999999', currency: 'INR' } } }, group.admin.token);
    expect(huge.errors![0].extensions!.fields).toHaveProperty(['totalPrice.amount']);
    const backwards = await t.gql(CREATE_PERIOD, { input: { ...base, periodEnd: '2026-11-30', totalPrice: { amount: '1', currency: 'INR' } } }, group.admin.token);
    expect(backwards.errors![0].extensions!.fields).toEqual({ periodEnd: 'Must not be before the start' });
  });

  it('keeps a period to at most a year and its due date not before it starts', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const base = { groupId: group.id, label: 'Year', totalPrice: { amount: '12', currency: 'INR' } };
    const refused = {
      'a leap year and a day': [{ periodStart: '2032-01-01', periodEnd: '2033-01-01' }, { periodEnd: 'A period lasts at most a year: end it by 2032-12-31' }],
      'a year and a day': [{ periodStart: '2026-03-15', periodEnd: '2027-03-15' }, { periodEnd: 'A period lasts at most a year: end it by 2027-03-14' }],
      'due before the start': [{ periodStart: '2030-02-01', periodEnd: '2030-02-28', dueDate: '2030-01-31' }, { dueDate: 'Must not be before the period starts (2030-02-01)' }],
      'year 0': [{ periodStart: '0000-01-01', periodEnd: '0000-01-31' }, { periodStart: 'Use a date like 2026-12-01', periodEnd: 'Use a date like 2026-12-31' }],
    } as const;
    const outcomes: Record<string, unknown> = {};
    for (const [label, [dates]] of Object.entries(refused)) {
      const response = await t.gql(CREATE_PERIOD, { input: { ...base, ...dates } }, group.admin.token);
      outcomes[label] = { code: codeOf(response), fields: response.errors?.[0].extensions?.fields };
    }
    expect(outcomes).toEqual(Object.fromEntries(Object.entries(refused).map(([label, [, fields]]) => [label, { code: 'BAD_USER_INPUT', fields }])));
    expect((await t.query('select 1 from billing_periods where group_id = $1', [group.id])).rowCount).toBe(0);
    for (const dates of [
      { periodStart: '2032-01-01', periodEnd: '2032-12-31' },
      { periodStart: '2026-03-15', periodEnd: '2027-03-14', dueDate: '2026-03-15' },
    ]) {
      const response = await t.gql(CREATE_PERIOD, { input: { ...base, ...dates } }, group.admin.token);
      expect(response.errors).toBeUndefined();
    }
  });

  it('opens one period per start day: a second is CONFLICT, concurrent ones create it once', async () => {
    const group = await createBilledGroup(t, { memberCount: 2 });
    const input = { groupId: group.id, label: 'Dec', totalPrice: { amount: '30.00', currency: 'INR' }, periodStart: '2026-12-01', periodEnd: '2026-12-31' };
    const results = await Promise.all(Array.from({ length: 4 }, () => t.gql(CREATE_PERIOD, { input }, group.admin.token)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => r.errors![0].extensions!.reason)).toEqual(['PERIOD_EXISTS', 'PERIOD_EXISTS', 'PERIOD_EXISTS']);
    expect((await t.query('select 1 from dues where group_id = $1', [group.id])).rowCount).toBe(3);
  });

  it('lets only admins open periods; other groups see nothing', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const operator = await createUser(t);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    const outsider = await createGroup(t);
    const input = { groupId: group.id, label: 'Dec', totalPrice: { amount: '30.00', currency: 'INR' }, periodStart: '2026-12-01', periodEnd: '2026-12-31' };
    expect(codeOf(await t.gql(CREATE_PERIOD, { input }, operator.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CREATE_PERIOD, { input }, group.members[0].user.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CREATE_PERIOD, { input }, outsider.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await duesOf(group.id, outsider.admin.token))).toBe('NOT_FOUND');
  });

  it('closes a period with notes; a closed period stays closed', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const { periodId } = await openPeriod(t, group);
    const UPDATE = 'mutation($id: ID!, $input: UpdateBillingPeriodInput!) { updateBillingPeriod(id: $id, input: $input) { id status notes closedAt } }';
    const closed = await t.gql<{ updateBillingPeriod: { status: string; notes: string; closedAt: string } }>(UPDATE, { id: periodId, input: { notes: 'Settled', close: true } }, group.admin.token);
    expect(closed.data!.updateBillingPeriod).toMatchObject({ status: 'CLOSED', notes: 'Settled' });
    expect(closed.data!.updateBillingPeriod.closedAt).not.toBeNull();
    expect((await t.gql(UPDATE, { id: periodId, input: { close: false } }, group.admin.token)).errors![0].extensions!.reason).toBe('PERIOD_CLOSED');
    const listed = await t.gql<{ billingPeriods: { edges: { node: { id: string; status: string } }[] } }>(
      'query($g: ID!) { billingPeriods(groupId: $g, status: CLOSED) { edges { node { id status } } } }',
      { g: group.id },
      group.members[0].user.token,
    );
    expect(listed.data!.billingPeriods.edges.map((e) => e.node.id)).toEqual([periodId]);
  });
});

describe('billing periods never share a day', () => {
  const UPDATE = 'mutation($id: ID!, $input: UpdateBillingPeriodInput!) { updateBillingPeriod(id: $id, input: $input) { id periodStart periodEnd status } }';
  const input = (groupId: string, label: string, periodStart: string, periodEnd: string) => ({ groupId, label, totalPrice: { amount: '30.00', currency: 'INR' }, periodStart, periodEnd });
  const periodsOf = async (groupId: string) =>
    (await t.query<{ label: string; period_start: string; period_end: string }>('select label, period_start::text, period_end::text from billing_periods where group_id = $1 order by period_start', [groupId])).rows;
  const dueCountOf = async (groupId: string) => (await t.query('select 1 from dues where group_id = $1', [groupId])).rowCount;

  it('refuses a period that overlaps another with CONFLICT naming it; adjacent periods (ends included) open', async () => {
    const group = await createBilledGroup(t, { memberCount: 2 });
    const november = await openPeriod(t, group, '30.00', { label: 'November 2026', periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const named = { id: november.periodId, label: 'November 2026', periodStart: '2026-11-01', periodEnd: '2026-11-30' };
    const refused = {
      'the second half of November and more': ['2026-11-15', '2026-12-15', 'PERIOD_OVERLAP'],
      'around November': ['2026-10-01', '2026-12-31', 'PERIOD_OVERLAP'],
      'its last day alone': ['2026-11-30', '2026-11-30', 'PERIOD_OVERLAP'],
      'ending on its first day': ['2026-10-15', '2026-11-01', 'PERIOD_OVERLAP'],
      'the same start day': ['2026-11-01', '2026-11-10', 'PERIOD_EXISTS'],
    } as const;
    const outcomes: Record<string, unknown> = {};
    for (const [label, [start, end]] of Object.entries(refused)) {
      const response = await t.gql(CREATE_PERIOD, { input: input(group.id, label, start, end) }, group.admin.token);
      const extensions = response.errors?.[0].extensions;
      outcomes[label] = [extensions?.code, extensions?.reason, extensions?.period];
    }
    expect(outcomes).toEqual(Object.fromEntries(Object.entries(refused).map(([label, [, , reason]]) => [label, ['CONFLICT', reason, named]])));
    expect(await periodsOf(group.id)).toEqual([{ label: 'November 2026', period_start: '2026-11-01', period_end: '2026-11-30' }]);
    expect(await dueCountOf(group.id)).toBe(3);

    for (const [label, start, end] of [
      ['December 2026', '2026-12-01', '2026-12-31'],
      ['October 2026', '2026-10-01', '2026-10-31'],
    ]) {
      const response = await t.gql(CREATE_PERIOD, { input: input(group.id, label, start, end) }, group.admin.token);
      expect(response.errors).toBeUndefined();
    }
    expect((await periodsOf(group.id)).map((period) => period.label)).toEqual(['October 2026', 'November 2026', 'December 2026']);
    expect(await dueCountOf(group.id)).toBe(9);
  });

  it('moves an open period\'s dates, but never onto another period: refused with the period named and nothing changed', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const november = await openPeriod(t, group, '30.00', { label: 'November 2026', periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const december = await openPeriod(t, group, '30.00', { label: 'December 2026', periodStart: '2026-12-01', periodEnd: '2026-12-31' });
    const stored = async (id: string) =>
      (await t.query<{ period_start: string; period_end: string; version: number }>('select period_start::text, period_end::text, version from billing_periods where id = $1', [id])).rows[0];
    const before = await stored(december.periodId);

    const overlapping = await t.gql(UPDATE, { id: december.periodId, input: { periodStart: '2026-11-30' } }, group.admin.token);
    expect(overlapping.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'PERIOD_OVERLAP',
      period: { id: november.periodId, label: 'November 2026', periodStart: '2026-11-01', periodEnd: '2026-11-30' },
    });
    const onto = await t.gql(UPDATE, { id: november.periodId, input: { periodStart: '2026-11-05', periodEnd: '2026-12-01' } }, group.admin.token);
    expect(onto.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PERIOD_OVERLAP', period: { id: december.periodId } });
    expect(await stored(december.periodId)).toEqual(before);
    expect(await stored(november.periodId)).toMatchObject({ period_start: '2026-11-01', period_end: '2026-11-30' });

    // Dates that keep clear of November are fine; the dues stay as they were.
    const dues = (await t.query('select id, amount_minor, due_date::text, version from dues where period_id = $1 order by id', [december.periodId])).rows;
    const moved = await t.gql<{ updateBillingPeriod: { periodStart: string; periodEnd: string } }>(UPDATE, { id: december.periodId, input: { periodEnd: '2027-01-05' } }, group.admin.token);
    expect(moved.data?.updateBillingPeriod).toMatchObject({ periodStart: '2026-12-01', periodEnd: '2027-01-05' });
    expect((await t.query('select id, amount_minor, due_date::text, version from dues where period_id = $1 order by id', [december.periodId])).rows).toEqual(dues);
    // Its own dates never count against it; a start after its due date, a closed period's dates are refused.
    expect((await t.gql(UPDATE, { id: november.periodId, input: { periodStart: '2026-11-02' } }, group.admin.token)).errors).toBeUndefined();
    const late = await t.gql(UPDATE, { id: december.periodId, input: { periodStart: '2026-12-20' } }, group.admin.token);
    expect(late.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { periodStart: "Must not be after the period's due date (2026-12-05)" } });
    await t.gql(UPDATE, { id: november.periodId, input: { close: true } }, group.admin.token);
    expect((await t.gql(UPDATE, { id: november.periodId, input: { periodEnd: '2026-11-20' } }, group.admin.token)).errors?.[0].extensions?.reason).toBe('PERIOD_CLOSED');
    expect(await stored(november.periodId)).toMatchObject({ period_start: '2026-11-02', period_end: '2026-11-30' });
  });

  it('opens and moves periods on their transaction\'s connection alone (the group\'s lock never waits for a second one)', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const { ctx, close } = await oneConnectionContext(t, { userId: group.admin.id });
    try {
      const opened = await createBillingPeriod(ctx, input(group.id, 'November 2026', '2026-11-01', '2026-11-30'));
      expect(opened.dueCount).toBe(2);
      await expect(createBillingPeriod(ctx, input(group.id, 'Late November', '2026-11-20', '2026-12-10'))).rejects.toMatchObject({ details: { reason: 'PERIOD_OVERLAP' } });
      expect((await updateBillingPeriod(ctx, opened.period.id, { periodEnd: '2026-12-04' })).periodEnd).toBe('2026-12-04');
    } finally {
      await close();
    }
  });

  it('opens exactly one of many overlapping periods created at once; the rest are CONFLICT and the server stays responsive', async () => {
    const group = await createBilledGroup(t, { memberCount: 2 });
    // Twelve 30-day periods starting a day apart: every two of them share days.
    const starts = Array.from({ length: 12 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
    const started = performance.now();
    const clicks = starts.map((start, i) => t.gql(CREATE_PERIOD, { input: input(group.id, `Try ${i + 1}`, start, new Date(Date.parse(`${start}T00:00:00Z`) + 29 * 86_400_000).toISOString().slice(0, 10)) }, group.admin.token));
    // Sent after the clicks, so it queues for a connection behind them.
    const health = fetch(`${t.url}/api/health`).then((response) => response.status);
    const results = await Promise.all(clicks);
    expect(await health).toBe(200);
    expect(performance.now() - started).toBeLessThan(BURST_BOUND_MS);
    const outcomes = results.map((response) => (response.errors ? `${codeOf(response)} ${response.errors[0].extensions?.reason}` : 'OPENED')).sort();
    expect(outcomes).toEqual([...Array.from({ length: 11 }, () => 'CONFLICT PERIOD_OVERLAP'), 'OPENED']);
    const periods = await t.query<{ id: string }>('select id from billing_periods where group_id = $1', [group.id]);
    expect(periods.rowCount).toBe(1);
    const winner = results.find((response) => !response.errors)!.data as { createBillingPeriod: { period: { id: string } } };
    expect(periods.rows[0].id).toBe(winner.createBillingPeriod.period.id);
    // One set of dues, adding up to the period's total.
    const dues = await t.query<{ period_id: string; amount_minor: string }>('select period_id, amount_minor from dues where group_id = $1', [group.id]);
    expect(dues.rows.map((row) => row.period_id)).toEqual([winner.createBillingPeriod.period.id, winner.createBillingPeriod.period.id, winner.createBillingPeriod.period.id]);
    expect(dues.rows.reduce((sum, row) => sum + BigInt(row.amount_minor), 0n)).toBe(3000n);
    // Every refusal names the period that won.
    expect(new Set(results.filter((response) => response.errors).map((response) => (response.errors![0].extensions!.period as { id: string }).id))).toEqual(new Set([winner.createBillingPeriod.period.id]));
  });
});

describe('every billing mode bills what a treasurer expects, or refuses', () => {
  const base = (groupId: string) => ({ groupId, label: 'March 2027', periodStart: '2027-03-01', periodEnd: '2027-03-31' });
  const written = async (groupId: string) => ({
    periods: (await t.query('select 1 from billing_periods where group_id = $1', [groupId])).rowCount,
    dues: (await t.query('select 1 from dues where group_id = $1', [groupId])).rowCount,
    activity: (await t.query("select 1 from activity_logs where group_id = $1 and entity_type = 'BillingPeriod'", [groupId])).rowCount,
  });

  it('membership fee without a price: BAD_USER_INPUT telling the admin to set it, a total given or not, and nothing written', async () => {
    const group = await createBilledGroup(t, { memberCount: 2, billingSettings: { mode: 'MEMBERSHIP_FEE', cycle: 'ANNUAL' } });
    for (const totalPrice of [undefined, { amount: '500.00', currency: 'INR' }]) {
      const response = await t.gql(CREATE_PERIOD, { input: { ...base(group.id), totalPrice } }, group.admin.token);
      expect(response.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'NO_MEMBERSHIP_FEE',
        fields: { 'billingSettings.price': expect.stringMatching(/set the price .* in the group's billing settings/) },
      });
    }
    expect(await written(group.id)).toEqual({ periods: 0, dues: 0, activity: 0 });

    // With the fee set, each primary member owes it.
    const update = await t.gql(
      'mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }',
      { id: group.id, input: { billingSettings: { mode: 'MEMBERSHIP_FEE', cycle: 'ANNUAL', price: { amount: '1200.00', currency: 'INR' } } } },
      group.admin.token,
    );
    expect(update.errors).toBeUndefined();
    const opened = await t.gql<{ createBillingPeriod: { dueCount: number } }>(CREATE_PERIOD, { input: base(group.id) }, group.admin.token);
    expect(opened.data?.createBillingPeriod.dueCount).toBe(3);
    expect((await t.query<{ amount_minor: string }>('select amount_minor from dues where group_id = $1', [group.id])).rows.map((row) => row.amount_minor)).toEqual(['120000', '120000', '120000']);
  });

  it('refuses the other modes when they would bill nobody or leave members out; bills custom amounts alone when every member has one', async () => {
    const setCustom = async (memberId: string, amount: string, token: string) => {
      const response = await t.gql('mutation($id: ID!, $input: UpdateMemberInput!) { updateMember(id: $id, input: $input) { member { id } } }', { id: memberId, input: { customAmount: { amount, currency: 'INR' } } }, token);
      expect(response.errors).toBeUndefined();
    };
    // Custom amounts without a price: a member without their own amount would silently owe nothing.
    const custom = await createBilledGroup(t, { memberCount: 2, billingSettings: { mode: 'CUSTOM_AMOUNTS', cycle: 'MONTHLY' } });
    await setCustom(custom.members[0].id, '99.50', custom.admin.token);
    const unpriced = await t.gql(CREATE_PERIOD, { input: { ...base(custom.id), totalPrice: { amount: '300', currency: 'INR' } } }, custom.admin.token);
    expect(unpriced.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NO_PRICE', fields: { 'billingSettings.price': expect.stringMatching(/^2 members have no amount of their own/) } });
    expect(await written(custom.id)).toEqual({ periods: 0, dues: 0, activity: 0 });
    await setCustom(custom.adminMemberId, '10.00', custom.admin.token);
    await setCustom(custom.members[1].id, '20.00', custom.admin.token);
    const allOwn = await t.gql<{ createBillingPeriod: { dueCount: number } }>(CREATE_PERIOD, { input: base(custom.id) }, custom.admin.token);
    expect(allOwn.data?.createBillingPeriod.dueCount).toBe(3);

    // Zero everywhere: members, but nobody would owe anything.
    const zero = await createBilledGroup(t, { memberCount: 1, billingSettings: { mode: 'CUSTOM_AMOUNTS', cycle: 'MONTHLY', price: { amount: '0', currency: 'INR' } } });
    const nothing = await t.gql(CREATE_PERIOD, { input: base(zero.id) }, zero.admin.token);
    expect(nothing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOTHING_TO_BILL', fields: { 'billingSettings.price': expect.any(String) } });
    const freeFee = await createBilledGroup(t, { memberCount: 1, billingSettings: { mode: 'MEMBERSHIP_FEE', cycle: 'MONTHLY', price: { amount: '0', currency: 'INR' } } });
    expect((await t.gql(CREATE_PERIOD, { input: base(freeFee.id) }, freeFee.admin.token)).errors?.[0].extensions?.reason).toBe('NO_MEMBERSHIP_FEE');
    // An equal split of a zero price asks for the period's total.
    const split = await createBilledGroup(t, { memberCount: 1, billingSettings: { mode: 'EQUAL_SPLIT', cycle: 'MONTHLY', price: { amount: '0', currency: 'INR' } } });
    const noTotal = await t.gql(CREATE_PERIOD, { input: base(split.id) }, split.admin.token);
    expect(noTotal.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { totalPrice: "The group's price is zero: give this period's total" } });
    expect([await written(zero.id), await written(freeFee.id), await written(split.id)]).toEqual(Array.from({ length: 3 }, () => ({ periods: 0, dues: 0, activity: 0 })));
    const withTotal = await t.gql<{ createBillingPeriod: { dueCount: number } }>(CREATE_PERIOD, { input: { ...base(split.id), totalPrice: { amount: '100', currency: 'INR' } } }, split.admin.token);
    expect(withTotal.data?.createBillingPeriod.dueCount).toBe(2);
  });
});

describe('dues: who sees what, confirm, reject, waive', () => {
  it('shows a member only their own dues, with their "I\'ve paid" link and no decision buttons', async () => {
    const group = await createBilledGroup(t, { memberCount: 2 });
    await openPeriod(t, group);
    const mine = (await duesOf(group.id, group.members[0].user.token)).data!.dues;
    expect(mine.totalCount).toBe(1);
    expect(mine.edges[0].node.member.id).toBe(group.members[0].id);
    expect(mine.edges[0].node.viewerCanDecide).toBe(false);
    expect(mine.edges[0].node.iHavePaidLink).toMatch(/\/api\/confirm\/[\w-]+\.[\w-]+$/);
    const all = (await duesOf(group.id, group.admin.token)).data!.dues;
    expect(all.totalCount).toBe(3);
    expect(all.edges.every((e) => e.node.viewerCanDecide)).toBe(true);
    const other = all.edges.find((e) => e.node.member.id === group.members[1].id)!.node.id;
    expect(codeOf(await t.gql('query($id: ID!) { due(id: $id) { id } }', { id: other }, group.members[0].user.token))).toBe('NOT_FOUND');
  });

  it('confirming records an approved CASH_IN with a receipt and marks the due PAID, once', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const { dueByMember } = await openPeriod(t, group, '50.00');
    const dueId = dueByMember.get(group.members[0].id)!;
    const confirmed = await t.gql<{ confirmPayment: { due: { status: string }; transaction: { type: string; category: string; receiptNumber: string; approvalSource: string; amount: { amountMinor: string } } } }>(
      CONFIRM,
      { dueId, action: 'CONFIRM', notes: 'Seen in the bank' },
      group.admin.token,
    );
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data!.confirmPayment.due.status).toBe('PAID');
    expect(confirmed.data!.confirmPayment.transaction).toMatchObject({ type: 'CASH_IN', category: 'SUBSCRIPTION_SHARE', approvalSource: 'ADMIN_DIRECT', amount: { amountMinor: '2500' } });
    expect(confirmed.data!.confirmPayment.transaction.receiptNumber).toMatch(/^R-\d{4}-\d{6}$/);
    const again = await t.gql(CONFIRM, { dueId, action: 'CONFIRM' }, group.admin.token);
    expect(again.errors![0].extensions!.reason).toBe('DUE_PAID');
    const balance = await t.query<{ sum: string }>(
      "select sum(e.amount_minor)::text as sum from ledger_entries e join ledger_accounts a on a.id = e.account_id where a.group_id = $1 and a.code like 'INCOME_%'",
      [group.id],
    );
    expect(balance.rows[0].sum).toBe('-2500');
  });

  it('records one payment when two admins confirm the same due at once', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const second = await createUser(t);
    await addUserToGroup(t, group, second, 'ADMIN');
    const { dueByMember } = await openPeriod(t, group);
    const dueId = dueByMember.get(group.members[0].id)!;
    const results = await Promise.all([group.admin.token, second.token, group.admin.token].map((token) => t.gql(CONFIRM, { dueId, action: 'CONFIRM' }, token)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect((await t.query('select 1 from transactions where group_id = $1', [group.id])).rowCount).toBe(1);
  });

  it('rejects only member-confirmed dues, and refuses plain members and operators', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const operator = await createUser(t);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    const { dueByMember } = await openPeriod(t, group);
    const dueId = dueByMember.get(group.members[0].id)!;
    expect((await t.gql(CONFIRM, { dueId, action: 'REJECT' }, group.admin.token)).errors![0].extensions!.reason).toBe('NOT_MEMBER_CONFIRMED');
    expect(codeOf(await t.gql(CONFIRM, { dueId, action: 'CONFIRM' }, operator.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CONFIRM, { dueId, action: 'CONFIRM' }, group.members[0].user.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CONFIRM, { dueId: 'not-an-id', action: 'CONFIRM' }, group.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(CONFIRM, { dueId, action: 'MAYBE' }, group.admin.token))).toBe('BAD_USER_INPUT');
  });

  it('waives with a reason; a waived due cannot be confirmed', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const { dueByMember } = await openPeriod(t, group);
    const dueId = dueByMember.get(group.members[0].id)!;
    expect((await t.gql(WAIVE, { dueId, reason: '  ' }, group.admin.token)).errors![0].extensions!.fields).toHaveProperty('reason');
    const waived = await t.gql<{ waiveDue: { status: string; waivedReason: string } }>(WAIVE, { dueId, reason: 'Hardship' }, group.admin.token);
    expect(waived.data!.waiveDue).toMatchObject({ status: 'WAIVED', waivedReason: 'Hardship' });
    expect((await t.gql(CONFIRM, { dueId, action: 'CONFIRM' }, group.admin.token)).errors![0].extensions!.reason).toBe('DUE_WAIVED');
    expect((await t.query('select 1 from transactions where group_id = $1', [group.id])).rowCount).toBe(0);
    const audit = await t.query<{ action: string }>("select action from audit_logs where entity_type = 'Due' and entity_id = $1", [dueId]);
    expect(audit.rows.map((r) => r.action)).toEqual(['due.waive']);
  });

  it('tells the member how to pay the group directly: UPI deep link and QR for the amount, bank account masked; nothing once paid', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    await t.gql(
      'mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }',
      { id: group.id, input: { paymentSettings: { upiId: 'club@okaxis', bankAccountNumber: '50100123456789', bankIfsc: 'HDFC0001234' } } },
      group.admin.token,
    );
    const { dueByMember } = await openPeriod(t, group, '100.01');
    const dueId = dueByMember.get(group.members[0].id)!;
    const HOW = 'query($id: ID!) { due(id: $id) { amount { amount } howToPay { upiId upiDeepLink upiQrCode bankAccountMasked bankIfsc } } }';
    const seen = await t.gql<{ due: { amount: { amount: string }; howToPay: { upiId: string; upiDeepLink: string; upiQrCode: string; bankAccountMasked: string; bankIfsc: string } } }>(HOW, { id: dueId }, group.members[0].user.token);
    const how = seen.data!.due.howToPay;
    expect(how).toMatchObject({ upiId: 'club@okaxis', bankAccountMasked: 'XXXXXXXX6789', bankIfsc: 'HDFC0001234' });
    expect(how.upiDeepLink).toMatch(new RegExp(`^upi://pay\\?pa=club@okaxis&pn=Test%20Club&am=${seen.data!.due.amount.amount.replace('.', '\\.')}&cu=INR&tn=December%202026$`));
    expect(how.upiQrCode).toMatch(/^data:image\/svg\+xml/);
    expect(JSON.stringify(seen)).not.toContain('50100123456789');
    await t.gql('mutation($id: ID!) { confirmPayment(dueId: $id, action: CONFIRM) { due { status } } }', { id: dueId }, group.admin.token);
    expect((await t.gql<{ due: { howToPay: unknown } }>(HOW, { id: dueId }, group.members[0].user.token)).data!.due.howToPay).toBeNull();
  });

  it('counts unpaid dues on the group', async () => {
    const group = await createBilledGroup(t, { memberCount: 2 });
    const { dueByMember } = await openPeriod(t, group);
    await t.gql(CONFIRM, { dueId: dueByMember.get(group.members[0].id), action: 'CONFIRM' }, group.admin.token);
    const response = await t.gql<{ group: { unpaidCount: number } }>('query($id: ID!) { group(id: $id) { unpaidCount } }', { id: group.id }, group.admin.token);
    expect(response.data!.group.unpaidCount).toBe(2);
  });
});

describe('many clicks on confirm at once', () => {
  async function paymentsOf(groupId: string, dueId: string) {
    const due = await t.query<{ status: string; paid_transaction_id: string | null }>('select status, paid_transaction_id from dues where id = $1', [dueId]);
    const transactions = await t.query<{ id: string; entries: number }>(
      'select t.id, (select count(*)::int from ledger_entries e where e.transaction_id = t.id) as entries from transactions t where t.group_id = $1',
      [groupId],
    );
    return { due: due.rows[0], transactions: transactions.rows };
  }

  /** The member follows their "I've paid" link; returns the approval request it queued. */
  async function memberSaysPaid(dueId: string, memberToken: string): Promise<string> {
    const link = await t.gql<{ due: { iHavePaidLink: string } }>('query($id: ID!) { due(id: $id) { iHavePaidLink } }', { id: dueId }, memberToken);
    expect((await fetch(link.data!.due.iHavePaidLink.replace(/^https?:\/\/[^/]+/, t.url), { redirect: 'manual' })).status).toBe(303);
    return (await t.query<{ id: string }>("select id from approval_requests where entity_type = 'DUE' and target_id = $1", [dueId])).rows[0].id;
  }

  /**
   * One click of the burst did it (`success`), every other got `conflict`, all answered well inside the pool's
   * acquire timeout with the server healthy throughout, and the due was paid exactly once.
   */
  async function expectPaidOnceByOneClick(
    burst: Awaited<ReturnType<typeof clickInParallel>>,
    outcomes: string[],
    [success, conflict]: [string, string],
    group: { id: string; admin: { token: string } },
    dueId: string,
  ): Promise<void> {
    expect(outcomes).toEqual([success, ...Array.from({ length: burst.clicks.length - 1 }, () => conflict)].sort());
    expect(burst.totalMs).toBeLessThan(BURST_BOUND_MS);
    expect(burst.healthStatus).toBe(200);
    const { due, transactions } = await paymentsOf(group.id, dueId);
    expect(transactions).toEqual([{ id: due.paid_transaction_id, entries: 2 }]);
    expect(due.status).toBe('PAID');
    await assertLedgerReconciles(t, [{ groupId: group.id, token: group.admin.token }]);
  }

  it('records the payment once; every other click is CONFLICT DUE_PAID at once, and the server stays responsive', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const { dueByMember } = await openPeriod(t, group);
    const dueId = dueByMember.get(group.members[0].id)!;

    // More clicks than the database pool has connections (10).
    const burst = await clickInParallel(t, 15, 'mutation($id: ID!) { confirmPayment(dueId: $id, action: CONFIRM) { due { status } } }', { id: dueId }, group.admin.token);
    const outcomes = burst.clicks.map((click) => outcomeOf(click, (data) => (data.confirmPayment as { due: { status: string } }).due.status)).sort();
    await expectPaidOnceByOneClick(burst, outcomes, ['PAID', 'CONFLICT DUE_PAID'], group, dueId);
  });

  it('approves a member\'s "I\'ve paid" once from the inbox, however many clicks', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const { dueByMember } = await openPeriod(t, group);
    const dueId = dueByMember.get(group.members[0].id)!;
    const requestId = await memberSaysPaid(dueId, group.members[0].user.token);

    const burst = await clickInParallel(t, 15, 'mutation($id: ID!) { approve(id: $id) { status } }', { id: requestId }, group.admin.token);
    const outcomes = burst.clicks.map((click) => outcomeOf(click, (data) => (data.approve as { status: string }).status)).sort();
    await expectPaidOnceByOneClick(burst, outcomes, ['APPROVED', 'CONFLICT ALREADY_DECIDED'], group, dueId);
  });

  it("pays the due once when admins click confirm and the inbox's approve for it at the same time", async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const { dueByMember } = await openPeriod(t, group);
    const dueId = dueByMember.get(group.members[0].id)!;
    const requestId = await memberSaysPaid(dueId, group.members[0].user.token);

    // The two lock the due and its request in opposite orders: neither may deadlock nor wait for the other.
    const [confirms, approves] = await Promise.all([
      clickInParallel(t, 7, 'mutation($id: ID!) { confirmPayment(dueId: $id, action: CONFIRM) { due { status } } }', { id: dueId }, group.admin.token),
      clickInParallel(t, 7, 'mutation($id: ID!) { approve(id: $id) { status } }', { id: requestId }, group.admin.token),
    ]);
    const outcomes = [
      ...confirms.clicks.map((click) => outcomeOf(click, (data) => (data.confirmPayment as { due: { status: string } }).due.status)),
      ...approves.clicks.map((click) => outcomeOf(click, (data) => (data.approve as { status: string }).status)),
    ];
    expect(outcomes.filter((outcome) => outcome === 'PAID' || outcome === 'APPROVED')).toHaveLength(1);
    expect(new Set(outcomes.filter((outcome) => outcome !== 'PAID' && outcome !== 'APPROVED'))).toEqual(new Set(['CONFLICT DUE_PAID', 'CONFLICT ALREADY_DECIDED']));
    expect(Math.max(confirms.totalMs, approves.totalMs)).toBeLessThan(BURST_BOUND_MS);

    const { due, transactions } = await paymentsOf(group.id, dueId);
    expect(transactions).toEqual([{ id: due.paid_transaction_id, entries: 2 }]);
    expect((await t.query('select status from approval_requests where id = $1', [requestId])).rows[0].status).toBe('APPROVED');
    await assertLedgerReconciles(t, [{ groupId: group.id, token: group.admin.token }]);
  });

  it("decide on their transaction's connection alone: confirm, reject, waive, the inbox's approve and closing the period never wait for a second one", async () => {
    const group = await createBilledGroup(t, { memberCount: 3 });
    const { periodId, dueByMember } = await openPeriod(t, group);
    const [confirmed, waived, rejected, approvedInInbox] = [group.adminMemberId, ...group.members.map((m) => m.id)].map((id) => dueByMember.get(id)!);
    await memberSaysPaid(rejected, group.members[1].user.token);
    const requestId = await memberSaysPaid(approvedInInbox, group.members[2].user.token);
    // A pool of one: whatever runs under the lock on another connection fails with knex's acquire timeout.
    const { ctx, close } = await oneConnectionContext(t, { userId: group.admin.id });
    try {
      expect((await confirmPayment(ctx, confirmed, { action: 'CONFIRM' })).due.status).toBe('PAID');
      expect((await waiveDue(ctx, waived, 'Hardship')).status).toBe('WAIVED');
      expect((await confirmPayment(ctx, rejected, { action: 'REJECT' })).due.status).toBe('UNPAID');
      expect((await approve(ctx, requestId)).status).toBe('APPROVED');
      expect((await updateBillingPeriod(ctx, periodId, { close: true })).status).toBe('CLOSED');
    } finally {
      await close();
    }
    const statuses = await t.query<{ id: string; status: string }>('select id, status from dues where id = any($1)', [[confirmed, waived, rejected, approvedInInbox]]);
    expect(Object.fromEntries(statuses.rows.map((r) => [r.id, r.status]))).toEqual({ [confirmed]: 'PAID', [waived]: 'WAIVED', [rejected]: 'UNPAID', [approvedInInbox]: 'PAID' });
  });
});
