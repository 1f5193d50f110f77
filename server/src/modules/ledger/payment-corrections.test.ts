import { addUserToGroup, codeOf, createUser, TestUser } from '../../../test/support/factories';
import { BilledGroup, createBilledGroup, openPeriod } from '../../../test/support/dues-factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { serviceContextFor } from '../../../test/support/service-context';
import { collect, startTestServer, TestServer } from '../../../test/support/test-server';
import { waitForSubscribers } from '../../../test/support/ws-helpers';
import { ApprovalAction, ApprovalEntityType } from '../approvals/approval-request.entity';
import { requestApproval } from '../approvals/approval.service';
import { serializeChanges } from './ledger.service';

/*
 * What a treasurer sees after deleting or correcting a payment that paid
 * something: the due (or membership term) opens again, in the same database
 * transaction as the reversal, and can be paid again; a correction, which
 * would leave the due paid by a reversed transaction, is refused and writes nothing.
 */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const CONFIRM = `mutation($dueId: ID!, $mode: PaymentMode) {
  confirmPayment(dueId: $dueId, action: CONFIRM, paymentMode: $mode) { due { id status } transaction { id receiptNumber } }
}`;
const DELETE = 'mutation($id: ID!) { deleteTransaction(id: $id) { pendingApproval approval { id } transaction { id reversedBy { id occurredAt } } } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateTransactionInput!) { updateTransaction(id: $id, input: $input) { pendingApproval approval { id } transaction { id } } }';
const APPROVE = 'mutation($id: ID!) { approve(id: $id) { id status } }';
const DUE = 'query($id: ID!) { due(id: $id) { id status viewerCanDecide paidTransaction { id } } }';
const TXN = 'query($id: ID!) { transaction(id: $id) { id viewerCanChange reversedBy { id } } }';
const BALANCE = 'query($g: ID!) { groupBalance(groupId: $g) { accounts { code balance { amount } } } }';

interface Fixture {
  group: BilledGroup;
  dueId: string;
}

/** A group of its admin and one member, whose due of 150.00 is open (December 2026 unless told). */
async function fixture(period: Record<string, unknown> = {}): Promise<Fixture> {
  const group = await createBilledGroup(t, { memberCount: 1 });
  const { dueByMember } = await openPeriod(t, group, '300.00', period);
  return { group, dueId: dueByMember.get(group.members[0].id)! };
}

async function confirmCash(f: Fixture): Promise<string> {
  const response = await t.gql<{ confirmPayment: { due: { status: string }; transaction: { id: string } } }>(CONFIRM, { dueId: f.dueId, mode: 'CASH' }, f.group.admin.token);
  expect(response.errors).toBeUndefined();
  expect(response.data!.confirmPayment.due.status).toBe('PAID');
  return response.data!.confirmPayment.transaction.id;
}

async function due(f: Fixture) {
  return (await t.gql<{ due: { status: string; viewerCanDecide: boolean; paidTransaction: { id: string } | null } }>(DUE, { id: f.dueId }, f.group.admin.token)).data!.due;
}

async function balances(f: Fixture): Promise<Record<string, string>> {
  const response = await t.gql<{ groupBalance: { accounts: { code: string; balance: { amount: string } }[] } }>(BALANCE, { g: f.group.id }, f.group.admin.token);
  return Object.fromEntries(response.data!.groupBalance.accounts.map((a) => [a.code, a.balance.amount]));
}

/** Every row a change could write for the group. */
async function footprint(groupId: string): Promise<Record<string, number>> {
  const rows = await t.query<{ transactions: number; entries: number; audit: number; approvals: number; dues: number }>(
    `select (select count(*)::int from transactions where group_id = $1) as transactions,
            (select count(*)::int from ledger_entries e join transactions x on x.id = e.transaction_id where x.group_id = $1) as entries,
            (select count(*)::int from audit_logs where group_id = $1) as audit,
            (select count(*)::int from approval_requests where group_id = $1) as approvals,
            (select coalesce(sum(version), 0)::int from dues where group_id = $1) as dues`,
    [groupId],
  );
  return rows.rows[0];
}

async function withOperator(f: Fixture): Promise<TestUser> {
  const operator = await createUser(t);
  await addUserToGroup(t, f.group, operator, 'OPERATOR');
  return operator;
}

describe('deleting the payment of a due', () => {
  it('reverses it and reopens the due in the same transaction; the due can be confirmed again and the books reconcile', async () => {
    const f = await fixture();
    const dueFeed = collect<{ dueEvents: { change: string; due: { id: string; status: string } } }>(
      t.ws(f.group.admin.token),
      'subscription($g: ID!) { dueEvents(groupId: $g) { change due { id status } } }',
      { g: f.group.id },
    );
    await waitForSubscribers(t.server, 'dueEvents', { g: f.group.id });
    const paid = await confirmCash(f);
    expect((await t.gql<{ transaction: { viewerCanChange: boolean } }>(TXN, { id: paid }, f.group.admin.token)).data!.transaction.viewerCanChange).toBe(true);

    const deleted = await t.gql<{ deleteTransaction: { pendingApproval: boolean; transaction: { reversedBy: { id: string } | null } } }>(DELETE, { id: paid }, f.group.admin.token);
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data!.deleteTransaction.pendingApproval).toBe(false);
    expect(deleted.data!.deleteTransaction.transaction.reversedBy).not.toBeNull();
    expect(await due(f)).toMatchObject({ status: 'UNPAID', viewerCanDecide: true, paidTransaction: null });
    expect(await balances(f)).toEqual({ CASH: '0.00', INCOME_SUBSCRIPTION_SHARE: '0.00' });
    const audit = await t.query<{ action: string }>("select action from audit_logs where entity_type = 'Due' and entity_id = $1 order by created_at", [f.dueId]);
    expect(audit.rows.map((r) => r.action)).toEqual(['due.confirm', 'due.refunded']);
    await dueFeed.next(2);
    expect(dueFeed.results.map((r) => r.data!.dueEvents.change)).toEqual(['PAID', 'REOPENED']);

    // Paid again, by UPI this time: one payment stands, and the books say so.
    const again = await t.gql<{ confirmPayment: { due: { status: string }; transaction: { id: string } } }>(CONFIRM, { dueId: f.dueId, mode: 'UPI' }, f.group.admin.token);
    expect(again.errors).toBeUndefined();
    expect(await due(f)).toMatchObject({ status: 'PAID', viewerCanDecide: false, paidTransaction: { id: again.data!.confirmPayment.transaction.id } });
    expect(await balances(f)).toEqual({ BANK: '150.00', CASH: '0.00', INCOME_SUBSCRIPTION_SHARE: '-150.00' });
    await assertLedgerReconciles(t, [{ groupId: f.group.id, token: f.group.admin.token }]);
  });

  it('reopens a due already past its date and grace as OVERDUE, which can still be waived', async () => {
    const f = await fixture({ label: 'September 2026', periodStart: '2026-09-01', periodEnd: '2026-09-30', dueDate: '2026-09-05' });
    const paid = await confirmCash(f);
    expect((await t.gql(DELETE, { id: paid }, f.group.admin.token)).errors).toBeUndefined();
    expect((await due(f)).status).toBe('OVERDUE');
    const audit = await t.query<{ status: string }>("select new_data->>'status' as status from audit_logs where entity_type = 'Due' and entity_id = $1 and action = 'due.refunded'", [f.dueId]);
    expect(audit.rows).toEqual([{ status: 'OVERDUE' }]);
    const waived = await t.gql<{ waiveDue: { status: string } }>('mutation($id: ID!) { waiveDue(dueId: $id, reason: "Hardship") { status } }', { id: f.dueId }, f.group.admin.token);
    expect(waived.data?.waiveDue.status).toBe('WAIVED');
  });

  it("through approvals: an operator's deletion waits, and approving it reopens the due", async () => {
    const f = await fixture();
    const operator = await withOperator(f);
    const paid = await confirmCash(f);
    const asked = await t.gql<{ deleteTransaction: { pendingApproval: boolean; approval: { id: string } } }>(DELETE, { id: paid }, operator.token);
    expect(asked.data!.deleteTransaction.pendingApproval).toBe(true);
    expect((await due(f)).status).toBe('PAID');
    expect((await t.gql(APPROVE, { id: asked.data!.deleteTransaction.approval.id }, f.group.admin.token)).errors).toBeUndefined();
    expect(await due(f)).toMatchObject({ status: 'UNPAID', paidTransaction: null });
    expect((await t.gql(CONFIRM, { dueId: f.dueId, mode: 'CASH' }, f.group.admin.token)).errors).toBeUndefined();
    await assertLedgerReconciles(t, [{ groupId: f.group.id, token: f.group.admin.token }]);
  });
});

describe('correcting the payment of a due', () => {
  it('is refused with CONFLICT PAYS_TARGET saying how, and writes nothing: the due stays paid by it', async () => {
    const f = await fixture();
    const paid = await confirmCash(f);
    const before = await footprint(f.group.id);
    for (const input of [{ amount: { amount: '100.00', currency: 'INR' } }, { description: 'Paid in the hall' }, { paymentMode: 'UPI' }]) {
      const response = await t.gql(UPDATE, { id: paid, input }, f.group.admin.token);
      expect(codeOf(response)).toBe('CONFLICT');
      expect(response.errors![0].extensions).toMatchObject({ reason: 'PAYS_TARGET', targetKind: 'DUE', targetId: f.dueId });
      expect(response.errors![0].message).toBe('This transaction paid a due, so it cannot be corrected: delete it to reopen the due, then confirm the payment again');
    }
    expect(await footprint(f.group.id)).toEqual(before);
    expect(await due(f)).toMatchObject({ status: 'PAID', paidTransaction: { id: paid } });
    expect(await balances(f)).toEqual({ CASH: '150.00', INCOME_SUBSCRIPTION_SHARE: '-150.00' });
  });

  it("is refused to an operator at once, without a request; a request queued before is refused when approved, and the due stays paid", async () => {
    const f = await fixture();
    const operator = await withOperator(f);
    const paid = await confirmCash(f);
    const before = await footprint(f.group.id);
    const asked = await t.gql(UPDATE, { id: paid, input: { amount: { amount: '100.00', currency: 'INR' } } }, operator.token);
    expect(asked.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PAYS_TARGET' });
    expect(await footprint(f.group.id)).toEqual(before);

    // A request stored as the operator would have queued it (e.g. before this rule), then approved.
    const ctx = await serviceContextFor(t, { userId: operator.id });
    const request = requestApproval(ctx, ctx.em, {
      groupId: f.group.id,
      entityType: ApprovalEntityType.TRANSACTION,
      action: ApprovalAction.UPDATE,
      targetId: paid,
      targetVersion: (await t.query<{ version: number }>('select version from transactions where id = $1', [paid])).rows[0].version,
      proposedData: { operation: 'updateTransaction', input: serializeChanges({ amount: { amount: '100.00', currency: 'INR' } }) },
    });
    await ctx.em.flush();
    const approved = await t.gql(APPROVE, { id: request.id }, f.group.admin.token);
    expect(approved.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PAYS_TARGET' });
    expect((await t.query<{ status: string }>('select status from approval_requests where id = $1', [request.id])).rows[0].status).toBe('PENDING');
    expect((await t.query('select 1 from transactions where group_id = $1', [f.group.id])).rowCount).toBe(1);
    expect(await due(f)).toMatchObject({ status: 'PAID', paidTransaction: { id: paid } });
    await assertLedgerReconciles(t, [{ groupId: f.group.id, token: f.group.admin.token }]);
  });
});

describe('the payment of a membership term', () => {
  const CLUB_SETTINGS = { mode: 'MEMBERSHIP_FEE', cycle: 'ANNUAL', graceDays: 15, membershipFees: { annual: { amount: '1200.00', currency: 'INR' } } };
  const CREATE_TERM = `mutation($input: CreateMembershipTermInput!) { createMembershipTerm(input: $input) { term { id status } transaction { id } } }`;

  it('deleted: the term is cancelled with it, the member can take a new one; corrected: refused', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const memberId = club.members[0].id;
    const created = await t.gql<{ createMembershipTerm: { term: { id: string; status: string }; transaction: { id: string } } }>(
      CREATE_TERM,
      { input: { memberId, type: 'ANNUAL', paymentMode: 'CASH' } },
      club.admin.token,
    );
    const { term, transaction } = created.data!.createMembershipTerm;
    expect(term.status).toBe('ACTIVE');
    const corrected = await t.gql(UPDATE, { id: transaction.id, input: { description: 'Annual fee, cash' } }, club.admin.token);
    expect(corrected.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PAYS_TARGET', targetKind: 'MEMBERSHIP_TERM', targetId: term.id });
    expect((await t.gql(DELETE, { id: transaction.id }, club.admin.token)).errors).toBeUndefined();
    expect((await t.query<{ status: string }>('select status from membership_terms where id = $1', [term.id])).rows[0].status).toBe('CANCELLED');
    const renewed = await t.gql<{ createMembershipTerm: { term: { status: string } } }>(CREATE_TERM, { input: { memberId, type: 'ANNUAL', paymentMode: 'UPI' } }, club.admin.token);
    expect(renewed.errors).toBeUndefined();
    expect(renewed.data!.createMembershipTerm.term.status).toBe('ACTIVE');
    await assertLedgerReconciles(t, [{ groupId: club.id, token: club.admin.token }]);
  });
});
