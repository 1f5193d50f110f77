import { callCron } from '../../../test/support/cron';
import { createBilledGroup, CREATE_PERIOD } from '../../../test/support/dues-factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { addDays, addMonths } from './dates';

/*
 * The billing job beside periods an admin opened by hand, through the cron
 * route on the real server: it never opens a period over one of theirs (it
 * reports the group as skipped, run after run, and carries on with the
 * others), and never opens a period that bills nobody or leaves members out.
 */

const SECRET = 'billing-cron-secret';

interface BillingReport {
  periodsCreated: number;
  failedGroups: number;
  periods: { groupId: string; periodId: string; label: string; dueCount: number }[];
  skipped: { groupId: string; periodStart: string; periodEnd: string; reason: string; overlappingPeriodId?: string }[];
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { CRON_SECRET: SECRET } });
});
afterAll(async () => t.close());

const today = (): string => new Date().toISOString().slice(0, 10);
/** The job's current monthly period for a group on UTC (no time zone in its settings). */
const thisMonth = () => {
  const start = `${today().slice(0, 7)}-01`;
  return { start, end: addDays(addMonths(start, 1), -1) };
};

const MONTHLY = { mode: 'EQUAL_SPLIT', cycle: 'MONTHLY', price: { amount: '300.00', currency: 'INR' }, dueDay: 5, graceDays: 3 };

/** A group that has been around long enough for the job to bill its current month. */
async function billedGroup(billingSettings: Record<string, unknown> = MONTHLY, memberCount = 2) {
  const group = await createBilledGroup(t, { memberCount, billingSettings });
  await t.query(`update groups set created_at = now() - interval '400 days' where id = $1`, [group.id]);
  return group;
}

async function openByHand(group: { id: string; admin: { token: string } }, label: string, periodStart: string, periodEnd: string): Promise<string> {
  const response = await t.gql<{ createBillingPeriod: { period: { id: string } } }>(CREATE_PERIOD, { input: { groupId: group.id, label, periodStart, periodEnd } }, group.admin.token);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.createBillingPeriod.period.id;
}

const periodsOf = async (groupId: string) =>
  (await t.query<{ id: string; period_start: string; period_end: string; dues: number }>(
    'select p.id, p.period_start::text, p.period_end::text, (select count(*)::int from dues d where d.period_id = p.id) as dues from billing_periods p where p.group_id = $1 order by p.period_start',
    [groupId],
  )).rows;

async function runBilling(): Promise<BillingReport> {
  const run = await callCron<BillingReport>(t, 'billing', SECRET);
  expect(run.status).toBe(200);
  return run.data!;
}

describe('the billing job beside periods opened by hand', () => {
  it('skips and reports a group whose hand-made period overlaps the one due, run after run, and bills the others', async () => {
    const { start, end } = thisMonth();
    const overlapped = await billedGroup();
    // From mid last month to mid this month: the job's month would bill those days twice.
    const manualId = await openByHand(overlapped, 'Mid-month', addDays(start, -16), addDays(start, 13));
    const adjacent = await billedGroup();
    await openByHand(adjacent, 'Last month', addMonths(start, -1), addDays(start, -1));
    const same = await billedGroup();
    const sameId = await openByHand(same, 'This month, by hand', start, end);

    for (let run = 0; run < 2; run += 1) {
      const report = await runBilling();
      expect(report.failedGroups).toBe(0);
      expect(report.skipped.filter((skip) => skip.groupId === overlapped.id)).toEqual([
        { groupId: overlapped.id, periodStart: start, periodEnd: end, reason: 'PERIOD_OVERLAP', overlappingPeriodId: manualId },
      ]);
      expect(report.skipped.filter((skip) => [adjacent.id, same.id].includes(skip.groupId))).toEqual([]);
      expect(report.periods.filter((period) => period.groupId === same.id || period.groupId === overlapped.id)).toEqual([]);
      // The adjacent group's month is opened once, on the first run.
      expect(report.periods.filter((period) => period.groupId === adjacent.id)).toHaveLength(run === 0 ? 1 : 0);
    }
    expect(await periodsOf(overlapped.id)).toEqual([{ id: manualId, period_start: addDays(start, -16), period_end: addDays(start, 13), dues: 3 }]);
    expect(await periodsOf(same.id)).toEqual([{ id: sameId, period_start: start, period_end: end, dues: 3 }]);
    expect((await periodsOf(adjacent.id)).map(({ period_start, period_end, dues }) => [period_start, period_end, dues])).toEqual([
      [addMonths(start, -1), addDays(start, -1), 3],
      [start, end, 3],
    ]);
  });

  it('opens no period that bills nobody or leaves members out', async () => {
    const { start, end } = thisMonth();
    // Custom amounts and no price: members without their own amount would owe nothing.
    const custom = await billedGroup({ mode: 'CUSTOM_AMOUNTS', cycle: 'MONTHLY' });
    const own = await t.gql(
      'mutation($id: ID!, $input: UpdateMemberInput!) { updateMember(id: $id, input: $input) { member { id } } }',
      { id: custom.members[0].id, input: { customAmount: { amount: '99.50', currency: 'INR' } } },
      custom.admin.token,
    );
    expect(own.errors).toBeUndefined();
    // A price of zero bills nobody: such a group is not billed at all.
    const free = await billedGroup({ mode: 'MEMBERSHIP_FEE', cycle: 'MONTHLY', price: { amount: '0', currency: 'INR' } });
    const report = await runBilling();
    expect(report.failedGroups).toBe(0);
    expect(report.skipped.filter((skip) => [custom.id, free.id].includes(skip.groupId))).toEqual([{ groupId: custom.id, periodStart: start, periodEnd: end, reason: 'NO_PRICE' }]);
    expect(report.periods.filter((period) => [custom.id, free.id].includes(period.groupId))).toEqual([]);
    expect([await periodsOf(custom.id), await periodsOf(free.id)]).toEqual([[], []]);
  });

  it('an admin opening an overlapping period while the job runs: one of the two periods, never both', async () => {
    const { start } = thisMonth();
    const groups = await Promise.all(Array.from({ length: 4 }, () => billedGroup()));
    const [report, ...manual] = await Promise.all([
      runBilling(),
      ...groups.map((group) =>
        t.gql(CREATE_PERIOD, { input: { groupId: group.id, label: 'By hand', periodStart: addDays(start, 3), periodEnd: addDays(start, 20) } }, group.admin.token),
      ),
    ]);
    expect(report.failedGroups).toBe(0);
    for (const [i, group] of groups.entries()) {
      const periods = await periodsOf(group.id);
      expect(periods).toHaveLength(1);
      expect(periods[0].dues).toBe(3);
      const byHand = manual[i];
      if (byHand.errors) {
        expect(byHand.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PERIOD_OVERLAP', period: { id: periods[0].id, periodStart: start } });
      } else {
        expect(report.skipped.filter((skip) => skip.groupId === group.id)).toEqual([expect.objectContaining({ reason: 'PERIOD_OVERLAP', overlappingPeriodId: periods[0].id })]);
      }
    }
  });
});
