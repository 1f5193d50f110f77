import { randomBytes } from 'node:crypto';
import { ADD_MEMBER, createGroup, createUser, TestGroup, TestUser } from './factories';
import type { TestServer } from './test-server';

/*
 * Dues fixtures through the public API: a group with billing settings and
 * members, a billing period, and the dues it created.
 */

export interface BilledGroup extends TestGroup {
  /** The admin's own membership (the group's first member: lowest member number). */
  adminMemberId: string;
  /** Plain members, in the order they were added (member numbers ascending). */
  members: { id: string; user: TestUser }[];
}

export async function createBilledGroup(
  t: TestServer,
  options: { memberCount?: number; billingSettings?: Record<string, unknown>; kind?: string; currency?: string } = {},
): Promise<BilledGroup> {
  const currency = options.currency ?? 'INR';
  const group = await createGroup(t, undefined, {
    kind: options.kind ?? 'SUBSCRIPTION_SHARE',
    currency,
    memberNumberPrefix: `B${randomBytes(2).toString('hex').toUpperCase()}`,
    billingSettings: options.billingSettings ?? { mode: 'VARIABLE_TOTAL', cycle: 'MONTHLY', dueDay: 5, graceDays: 3 },
  });
  const adminMembers = await t.query<{ id: string }>('select id from members where group_id = $1', [group.id]);
  const members: BilledGroup['members'] = [];
  for (let i = 0; i < (options.memberCount ?? 2); i += 1) {
    const user = await createUser(t, { name: `Member ${i + 1}` });
    const response = await t.gql<{ addMember: { member: { id: string } } }>(
      ADD_MEMBER,
      { input: { groupId: group.id, email: user.email, name: `Member ${i + 1}`, role: 'MEMBER' } },
      group.admin.token,
    );
    if (!response.data?.addMember.member) throw new Error(`addMember failed: ${JSON.stringify(response.errors)}`);
    members.push({ id: response.data.addMember.member.id, user });
  }
  return { ...group, adminMemberId: adminMembers.rows[0].id, members };
}

export const CREATE_PERIOD = `mutation($input: CreateBillingPeriodInput!) {
  createBillingPeriod(input: $input) { dueCount period { id label periodStart periodEnd dueDate status total { amount amountMinor currency } remainderMember { id } } }
}`;

export interface OpenedPeriod {
  periodId: string;
  /** memberId → dueId */
  dueByMember: Map<string, string>;
}

/** Opens a period of `total` (a decimal string) and returns its dues by member. */
export async function openPeriod(t: TestServer, group: TestGroup, total = '300.00', overrides: Record<string, unknown> = {}): Promise<OpenedPeriod> {
  const response = await t.gql<{ createBillingPeriod: { period: { id: string } } }>(
    CREATE_PERIOD,
    { input: { groupId: group.id, label: 'December 2026', totalPrice: { amount: total, currency: 'INR' }, periodStart: '2026-12-01', periodEnd: '2026-12-31', ...overrides } },
    group.admin.token,
  );
  if (!response.data?.createBillingPeriod) throw new Error(`createBillingPeriod failed: ${JSON.stringify(response.errors)}`);
  const periodId = response.data.createBillingPeriod.period.id;
  const dues = await t.query<{ id: string; member_id: string }>('select id, member_id from dues where period_id = $1', [periodId]);
  return { periodId, dueByMember: new Map(dues.rows.map((row) => [row.member_id, row.id])) };
}
