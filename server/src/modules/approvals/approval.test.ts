import { ADD_MEMBER, addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup, TestUser, uniqueEmail } from '../../../test/support/factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { oneConnectionContext } from '../../../test/support/one-connection';
import { BURST_BOUND_MS, clickInParallel, outcomeOf } from '../../../test/support/parallel-clicks';
import { collect, startTestServer, TestServer } from '../../../test/support/test-server';
import { waitForSubscribers } from '../../../test/support/ws-helpers';
import { approve, reject } from './approval.service';

const APPROVE = 'mutation($id: ID!, $notes: String) { approve(id: $id, notes: $notes) { id status decisionNotes decidedBy { name } } }';
const REJECT = 'mutation($id: ID!, $notes: String) { reject(id: $id, notes: $notes) { id status } }';
const CANCEL = 'mutation($id: ID!) { cancelApproval(id: $id) { id status } }';
const RECORD = `mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { pendingApproval approval { id } transaction { id approvalStatus receiptNumber } } }`;
const MEMBERS = 'query($g: ID!) { members(groupId: $g, first: 100) { edges { node { id name email nickname } } } }';

interface Setup {
  group: TestGroup;
  operator: TestUser;
  secondAdmin: TestUser;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

async function setup(groupOverrides: Record<string, unknown> = {}): Promise<Setup> {
  const group = await createGroup(t, undefined, groupOverrides);
  const operator = await createUser(t, { name: 'Omar Operator' });
  const secondAdmin = await createUser(t, { name: 'Second Admin' });
  await addUserToGroup(t, group, operator, 'OPERATOR');
  await addUserToGroup(t, group, secondAdmin, 'ADMIN');
  return { group, operator, secondAdmin };
}

async function operatorAdds(s: Setup, name: string, email = uniqueEmail()): Promise<string> {
  const response = await t.gql<{ addMember: { pendingApproval: boolean; member: null; approval: { id: string } } }>(ADD_MEMBER, { input: { groupId: s.group.id, email, name } }, s.operator.token);
  expect(response.data?.addMember).toMatchObject({ pendingApproval: true, member: null });
  return response.data!.addMember.approval.id;
}

async function memberNames(s: Setup): Promise<string[]> {
  const response = await t.gql<{ members: { edges: { node: { name: string } }[] } }>(MEMBERS, { g: s.group.id }, s.group.admin.token);
  return response.data!.members.edges.map((e) => e.node.name);
}

describe("an operator's member changes", () => {
  it('wait for an admin; approving applies them in the same transaction as the decision', async () => {
    const s = await setup();
    const approvalId = await operatorAdds(s, 'Pending Person');
    expect(await memberNames(s)).not.toContain('Pending Person');
    const approved = await t.gql<{ approve: { status: string; decisionNotes: string; decidedBy: { name: string } } }>(APPROVE, { id: approvalId, notes: 'Checked the form' }, s.group.admin.token);
    expect(approved.data?.approve).toMatchObject({ status: 'APPROVED', decisionNotes: 'Checked the form', decidedBy: { name: 'Group Admin' } });
    expect(await memberNames(s)).toContain('Pending Person');
    const audit = await t.query(`select action from audit_logs where entity_id = $1 order by created_at`, [approvalId]);
    expect(audit.rows.map((r) => r.action)).toEqual(['approval.request', 'approval.approved']);
  });

  it('updates and removals wait too, keeping the data they would replace', async () => {
    const s = await setup();
    const added = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: s.group.id, email: uniqueEmail(), name: 'Target Person' } }, s.group.admin.token);
    const memberId = added.data!.addMember.member.id;
    const update = await t.gql<{ updateMember: { pendingApproval: boolean; approval: { id: string; previousData: { name: string }; proposedData: { input: { nickname: string } } } } }>(
      'mutation($id: ID!) { updateMember(id: $id, input: { nickname: "Nick" }) { pendingApproval approval { id previousData proposedData } } }',
      { id: memberId },
      s.operator.token,
    );
    expect(update.data?.updateMember).toMatchObject({ pendingApproval: true, approval: { previousData: { name: 'Target Person' }, proposedData: { input: { nickname: 'Nick' } } } });
    await t.gql(APPROVE, { id: update.data!.updateMember.approval.id }, s.group.admin.token);
    const row = await t.query('select nickname from members where id = $1', [memberId]);
    expect(row.rows[0].nickname).toBe('Nick');
    const removal = await t.gql<{ removeMember: { approval: { id: string } } }>('mutation($id: ID!) { removeMember(id: $id) { approval { id } } }', { id: memberId }, s.operator.token);
    expect((await t.query('select status from members where id = $1', [memberId])).rows[0].status).toBe('ACTIVE');
    await t.gql(APPROVE, { id: removal.data!.removeMember.approval.id }, s.secondAdmin.token);
    expect((await t.query('select status from members where id = $1', [memberId])).rows[0].status).toBe('REMOVED');
  });
});

describe('the rules', () => {
  it('never lets a requester approve or reject their own request', async () => {
    const s = await setup({ approvalThreshold: { amount: '100', currency: 'INR' } });
    // An admin's transaction over the threshold needs another admin.
    const recorded = await t.gql<{ recordTransaction: { pendingApproval: boolean; approval: { id: string } } }>(
      RECORD,
      { input: { groupId: s.group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '500', currency: 'INR' }, paymentMode: 'CASH' } },
      s.group.admin.token,
    );
    expect(recorded.data?.recordTransaction.pendingApproval).toBe(true);
    const id = recorded.data!.recordTransaction.approval.id;
    expect(codeOf(await t.gql(APPROVE, { id }, s.group.admin.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(REJECT, { id }, s.group.admin.token))).toBe('FORBIDDEN');
    const view = await t.gql<{ approval: { viewerCanApprove: boolean; viewerCanCancel: boolean } }>('query($id: ID!) { approval(id: $id) { viewerCanApprove viewerCanCancel } }', { id }, s.group.admin.token);
    expect(view.data?.approval).toEqual({ viewerCanApprove: false, viewerCanCancel: true });
    const other = await t.gql<{ approval: { viewerCanApprove: boolean; viewerCanReject: boolean } }>('query($id: ID!) { approval(id: $id) { viewerCanApprove viewerCanReject } }', { id }, s.secondAdmin.token);
    expect(other.data?.approval).toEqual({ viewerCanApprove: true, viewerCanReject: true });
    expect(codeOf(await t.gql(APPROVE, { id }, s.secondAdmin.token))).toBeUndefined();
  });

  it('lets exactly one of two admins approving at once apply the change; the other gets CONFLICT', async () => {
    const s = await setup();
    const id = await operatorAdds(s, 'Raced Person');
    const results = await Promise.all([t.gql(APPROVE, { id }, s.group.admin.token), t.gql(APPROVE, { id }, s.secondAdmin.token)]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.map(codeOf).filter(Boolean)).toEqual(['CONFLICT']);
    expect((await memberNames(s)).filter((name) => name === 'Raced Person')).toHaveLength(1);
  });

  it('refuses a stale request: the target changed since; nothing is overwritten', async () => {
    const s = await setup();
    const added = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: s.group.id, email: uniqueEmail(), name: 'Original' } }, s.group.admin.token);
    const memberId = added.data!.addMember.member.id;
    const request = await t.gql<{ updateMember: { approval: { id: string } } }>('mutation($id: ID!) { updateMember(id: $id, input: { name: "Operator Version" }) { approval { id } } }', { id: memberId }, s.operator.token);
    await t.gql('mutation($id: ID!) { updateMember(id: $id, input: { name: "Admin Version" }) { pendingApproval } }', { id: memberId }, s.group.admin.token);
    const stale = await t.gql(APPROVE, { id: request.data!.updateMember.approval.id }, s.secondAdmin.token);
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_REQUEST' });
    expect((await t.query('select name from members where id = $1', [memberId])).rows[0].name).toBe('Admin Version');
    const status = await t.query('select status from approval_requests where id = $1', [request.data!.updateMember.approval.id]);
    expect(status.rows[0].status).toBe('PENDING');
  });

  it('applies nothing for a rejected or cancelled request, and neither can be approved after', async () => {
    const s = await setup();
    const rejected = await operatorAdds(s, 'Rejected Person');
    const cancelled = await operatorAdds(s, 'Cancelled Person');
    expect(codeOf(await t.gql(REJECT, { id: rejected, notes: 'Unknown person' }, s.group.admin.token))).toBeUndefined();
    expect(codeOf(await t.gql(CANCEL, { id: cancelled }, s.group.admin.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CANCEL, { id: cancelled }, s.operator.token))).toBeUndefined();
    for (const id of [rejected, cancelled]) {
      const again = await t.gql(APPROVE, { id }, s.secondAdmin.token);
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_DECIDED' });
    }
    const names = await memberNames(s);
    expect(names).not.toContain('Rejected Person');
    expect(names).not.toContain('Cancelled Person');
  });

  it('keeps requests of a group from anyone who is not its admin', async () => {
    const s = await setup();
    const id = await operatorAdds(s, 'Private');
    const outsider = await createUser(t);
    const otherAdmin = (await createGroup(t)).admin;
    expect(codeOf(await t.gql(APPROVE, { id }, outsider.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(APPROVE, { id }, otherAdmin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(APPROVE, { id }, s.operator.token))).toBe('FORBIDDEN');
    const otherGroupKey = await createApiKey(t, await createGroup(t), 'ADMIN');
    expect(codeOf(await t.gql(APPROVE, { id }, otherGroupKey))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('query($id: ID!) { approval(id: $id) { id } }', { id }, outsider.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('query($g: ID!) { pendingApprovalCount(groupId: $g) }', { g: s.group.id }, s.operator.token))).toBe('FORBIDDEN');
  });
});

describe('many clicks on approve at once', () => {
  it('apply the request once; every other click is CONFLICT ALREADY_DECIDED at once, and the server stays responsive', async () => {
    const s = await setup({ approvalThreshold: { amount: '100', currency: 'INR' } });
    const recorded = await t.gql<{ recordTransaction: { pendingApproval: boolean; approval: { id: string }; transaction: { id: string } } }>(
      RECORD,
      { input: { groupId: s.group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '500', currency: 'INR' }, paymentMode: 'CASH' } },
      s.operator.token,
    );
    expect(recorded.data?.recordTransaction.pendingApproval).toBe(true);
    const { approval, transaction } = recorded.data!.recordTransaction;

    // More clicks than the database pool has connections (10).
    const burst = await clickInParallel(t, 15, 'mutation($id: ID!) { approve(id: $id) { status } }', { id: approval.id }, s.group.admin.token);
    const outcomes = burst.clicks.map((click) => outcomeOf(click, (data) => (data.approve as { status: string }).status)).sort();
    expect(outcomes).toEqual(['APPROVED', ...Array.from({ length: 14 }, () => 'CONFLICT ALREADY_DECIDED')]);
    expect(burst.totalMs).toBeLessThan(BURST_BOUND_MS);
    expect(burst.healthStatus).toBe(200);

    const txn = await t.query(
      `select t.approval_status, t.receipt_number, (select count(*)::int from ledger_entries e where e.transaction_id = t.id) as entries from transactions t where t.id = $1`,
      [transaction.id],
    );
    expect(txn.rows[0]).toMatchObject({ approval_status: 'APPROVED', entries: 2 });
    expect(txn.rows[0].receipt_number).not.toBeNull();
    const audit = await t.query(`select action, count(*)::int as n from audit_logs where entity_id = any($1) group by action`, [[approval.id, transaction.id]]);
    expect(Object.fromEntries(audit.rows.map((r) => [r.action, r.n]))).toEqual({ 'transaction.record': 1, 'approval.request': 1, 'approval.approved': 1, 'transaction.approve': 1 });
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it("decide on their transaction's connection alone: the checks and the applied change never wait for a second one", async () => {
    const s = await setup();
    const memberRequest = await operatorAdds(s, 'One Connection');
    const record = async (amount: string) =>
      (await t.gql<{ recordTransaction: { approval: { id: string } } }>(
        RECORD,
        { input: { groupId: s.group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount, currency: 'INR' }, paymentMode: 'CASH' } },
        s.operator.token,
      )).data!.recordTransaction.approval.id;
    const [approved, rejected] = [await record('10'), await record('20')];
    // A pool of one: whatever runs under the lock on another connection fails with knex's acquire timeout.
    const { ctx, close } = await oneConnectionContext(t, { userId: s.group.admin.id });
    try {
      expect((await approve(ctx, memberRequest)).status).toBe('APPROVED');
      expect((await approve(ctx, approved)).status).toBe('APPROVED');
      expect((await reject(ctx, rejected)).status).toBe('REJECTED');
    } finally {
      await close();
    }
    expect(await memberNames(s)).toContain('One Connection');
  });
});

describe('four eyes with API keys', () => {
  it("a request made with an admin's API key cannot be approved by that admin in person; another admin can", async () => {
    const group = await createGroup(t);
    const second = await createUser(t);
    await addUserToGroup(t, group, second, 'ADMIN');
    const key = await createApiKey(t, group, 'OPERATOR'); // created by group.admin
    const recorded = await t.gql<{ recordTransaction: { pendingApproval: boolean; approval: { id: string } } }>(
      RECORD,
      { input: { groupId: group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '75.00', currency: 'INR' }, paymentMode: 'CASH' } },
      key,
    );
    expect(recorded.data!.recordTransaction.pendingApproval).toBe(true);
    const approvalId = recorded.data!.recordTransaction.approval.id;
    const viewerCan = await t.gql<{ approval: { viewerCanApprove: boolean } }>('query($id: ID!) { approval(id: $id) { viewerCanApprove } }', { id: approvalId }, group.admin.token);
    expect(viewerCan.data!.approval.viewerCanApprove).toBe(false);
    expect(codeOf(await t.gql('mutation($id: ID!) { approve(id: $id) { status } }', { id: approvalId }, group.admin.token))).toBe('FORBIDDEN');
    const approved = await t.gql<{ approve: { status: string } }>('mutation($id: ID!) { approve(id: $id) { status } }', { id: approvalId }, second.token);
    expect(approved.data!.approve.status).toBe('APPROVED');
  });
});

describe('counts', () => {
  it("shows admins the group's pending requests and operators their own, on the dashboard and the badge", async () => {
    const s = await setup();
    const otherOperator = await createUser(t);
    await addUserToGroup(t, s.group, otherOperator, 'OPERATOR');
    await operatorAdds(s, 'One');
    await operatorAdds(s, 'Two');
    await t.gql(ADD_MEMBER, { input: { groupId: s.group.id, email: uniqueEmail(), name: 'Three' } }, otherOperator.token);
    const DASHBOARD = 'query($g: ID!) { dashboard(groupId: $g) { pendingApprovals } }';
    const count = async (token: string) => (await t.gql<{ dashboard: { pendingApprovals: number } }>(DASHBOARD, { g: s.group.id }, token)).data?.dashboard.pendingApprovals;
    expect(await count(s.group.admin.token)).toBe(3);
    expect(await count(s.operator.token)).toBe(2);
    expect(await count(otherOperator.token)).toBe(1);
    const badge = await t.gql<{ pendingApprovalCount: number }>('query($g: ID!) { pendingApprovalCount(groupId: $g) }', { g: s.group.id }, s.group.admin.token);
    expect(badge.data?.pendingApprovalCount).toBe(3);
  });
});

describe('transactions through approvals', () => {
  const input = (s: Setup, amount: string) => ({ groupId: s.group.id, type: 'CASH_IN', category: 'MEMBERSHIP_FEE', amount: { amount, currency: 'INR' }, paymentMode: 'UPI' });

  it("posts an operator's transaction only when approved, with a receipt number; rejecting leaves it REJECTED without entries", async () => {
    const s = await setup();
    const first = await t.gql<{ recordTransaction: { approval: { id: string }; transaction: { id: string } } }>(RECORD, { input: input(s, '1200') }, s.operator.token);
    const second = await t.gql<{ recordTransaction: { approval: { id: string }; transaction: { id: string } } }>(RECORD, { input: input(s, '600') }, s.operator.token);
    await t.gql(APPROVE, { id: first.data!.recordTransaction.approval.id }, s.group.admin.token);
    await t.gql(REJECT, { id: second.data!.recordTransaction.approval.id }, s.group.admin.token);
    const rows = await t.query(
      `select t.id, t.approval_status, t.approval_source, t.receipt_number, (select count(*)::int from ledger_entries e where e.transaction_id = t.id) as entries from transactions t where t.group_id = $1 order by t.amount_minor desc`,
      [s.group.id],
    );
    expect(rows.rows.map((r) => [r.approval_status, r.approval_source, r.receipt_number !== null, r.entries])).toEqual([
      ['APPROVED', 'MANUAL', true, 2],
      ['REJECTED', 'MANUAL', false, 0],
    ]);
  });

  it("applies an operator's approved correction as a reversal plus a new transaction", async () => {
    const s = await setup();
    const recorded = await t.gql<{ recordTransaction: { transaction: { id: string } } }>(RECORD, { input: input(s, '300') }, s.group.admin.token);
    const id = recorded.data!.recordTransaction.transaction.id;
    const request = await t.gql<{ updateTransaction: { approval: { id: string } } }>(
      'mutation($id: ID!) { updateTransaction(id: $id, input: { amount: { amount: "350", currency: "INR" } }) { approval { id } } }',
      { id },
      s.operator.token,
    );
    await t.gql(APPROVE, { id: request.data!.updateTransaction.approval.id }, s.group.admin.token);
    const sums = await t.query(
      `select coalesce(sum(e.amount_minor), 0)::text as bank from ledger_entries e join ledger_accounts a on a.id = e.account_id where a.group_id = $1 and a.code = 'BANK'`,
      [s.group.id],
    );
    expect(sums.rows[0].bank).toBe('35000');
  });
});

describe('live approval events', () => {
  it("push an operator's request to the group's admins with the pending count, and stop for a demoted admin", async () => {
    const s = await setup();
    const SUB = 'subscription($g: ID!) { approvalEvents(groupId: $g) { type pendingCount approval { id status requestedBy { name } } } }';
    type Event = { approvalEvents: { type: string; pendingCount: number; approval: { id: string; status: string; requestedBy: { name: string } } } };
    const admin = collect<Event>(t.ws(s.group.admin.token), SUB, { g: s.group.id });
    const second = collect<Event>(t.ws(s.secondAdmin.token), SUB, { g: s.group.id });
    const operatorStream = collect(t.ws(s.operator.token), SUB, { g: s.group.id });
    await waitForSubscribers(t.server, 'approvalEvents', { g: s.group.id }, 2);

    const id = await operatorAdds(s, 'Live Person');
    // The event may arrive before the mutation's response: wait for the first result, not "one more".
    await admin.next(1);
    expect(admin.results[0].data?.approvalEvents).toEqual({ type: 'QUEUED', pendingCount: 1, approval: { id, status: 'PENDING', requestedBy: { name: 'Omar Operator' } } });
    await operatorStream.next();
    expect(JSON.stringify(operatorStream.results[0] ?? operatorStream.error)).toContain('FORBIDDEN');

    // Demote the second admin; their stream ends, the first admin's goes on.
    const secondMemberId = (await t.query('select id from members where group_id = $1 and user_id = $2', [s.group.id, s.secondAdmin.id])).rows[0].id;
    await t.gql('mutation($id: ID!) { updateMember(id: $id, input: { role: MEMBER }) { pendingApproval } }', { id: secondMemberId }, s.group.admin.token);
    await t.gql(APPROVE, { id }, s.group.admin.token);
    await admin.next(2);
    expect(admin.results[1].data?.approvalEvents).toMatchObject({ type: 'APPROVED', pendingCount: 0 });
    await second.next(2); // returns as soon as the stream completes (or, wrongly, on a second event)
    expect(second.results.map((r) => r.data?.approvalEvents.type)).toEqual(['QUEUED']);
    expect(second.completed).toBe(true);
  });

  it("show each admin their own buttons: the requester may cancel but not approve, the other admins (people and keys) may approve", async () => {
    const s = await setup({ approvalThreshold: { amount: '100', currency: 'INR' } });
    const thirdAdmin = await createUser(t, { name: 'Third Admin' });
    await addUserToGroup(t, s.group, thirdAdmin, 'ADMIN');
    const adminKey = await createApiKey(t, s.group, 'ADMIN');
    const SUB = 'subscription($g: ID!) { approvalEvents(groupId: $g) { type approval { id viewerCanApprove viewerCanReject viewerCanCancel requestedBy { name } } } }';
    type Event = { approvalEvents: { type: string; approval: { id: string; viewerCanApprove: boolean; viewerCanReject: boolean; viewerCanCancel: boolean; requestedBy: { name: string } } } };
    // The same document on every socket of one instance: the requester's result is its own, the others share one.
    const requester = collect<Event>(t.ws(s.group.admin.token), SUB, { g: s.group.id });
    const second = collect<Event>(t.ws(s.secondAdmin.token), SUB, { g: s.group.id });
    const third = collect<Event>(t.ws(thirdAdmin.token), SUB, { g: s.group.id });
    const key = collect<Event>(t.ws(adminKey), SUB, { g: s.group.id });
    await waitForSubscribers(t.server, 'approvalEvents', { g: s.group.id }, 4);

    const recorded = await t.gql<{ recordTransaction: { pendingApproval: boolean; approval: { id: string } } }>(
      RECORD,
      { input: { groupId: s.group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '500', currency: 'INR' }, paymentMode: 'CASH' } },
      s.group.admin.token,
    );
    expect(recorded.data?.recordTransaction.pendingApproval).toBe(true);
    const id = recorded.data!.recordTransaction.approval.id;
    await Promise.all([requester.next(1), second.next(1), third.next(1), key.next(1)]);
    const requestedBy = { name: 'Group Admin' };
    expect(requester.results.map((r) => r.data?.approvalEvents)).toEqual([
      { type: 'QUEUED', approval: { id, viewerCanApprove: false, viewerCanReject: false, viewerCanCancel: true, requestedBy } },
    ]);
    for (const other of [second, third, key]) {
      expect(other.results.map((r) => r.data?.approvalEvents)).toEqual([
        { type: 'QUEUED', approval: { id, viewerCanApprove: true, viewerCanReject: true, viewerCanCancel: false, requestedBy } },
      ]);
    }

    // Approved by the second admin: nobody can decide it any more, whoever asked.
    await t.gql(APPROVE, { id }, s.secondAdmin.token);
    await Promise.all([requester.next(2), second.next(2), third.next(2), key.next(2)]);
    for (const each of [requester, second, third, key]) {
      expect(each.results[1].data?.approvalEvents).toEqual({
        type: 'APPROVED',
        approval: { id, viewerCanApprove: false, viewerCanReject: false, viewerCanCancel: false, requestedBy },
      });
      expect(each.completed).toBe(false);
    }

    // A request made through an operator key: the admin who created the key asked in person, the others did not.
    const operatorKey = await createApiKey(t, s.group, 'OPERATOR');
    const viaKey = await t.gql<{ recordTransaction: { pendingApproval: boolean; approval: { id: string } } }>(
      RECORD,
      { input: { groupId: s.group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '5', currency: 'INR' }, paymentMode: 'CASH' } },
      operatorKey,
    );
    expect(viaKey.data?.recordTransaction.pendingApproval).toBe(true);
    const keyRequestId = viaKey.data!.recordTransaction.approval.id;
    await Promise.all([requester.next(3), second.next(3), third.next(3), key.next(3)]);
    const canApprove = (each: typeof requester) => {
      const event = each.results[2].data?.approvalEvents;
      expect(event).toMatchObject({ type: 'QUEUED', approval: { id: keyRequestId, viewerCanCancel: false, requestedBy: { name: 'test key' } } });
      return event?.approval.viewerCanApprove;
    };
    expect([requester, second, third, key].map(canApprove)).toEqual([false, true, true, true]);
  });

  it("name who asked and who decided in every event, as the request says, whatever the event itself names", async () => {
    const s = await setup();
    const SUB = 'subscription($g: ID!) { approvalEvents(groupId: $g) { type approval { id requestedBy { name } decidedBy { name } } } }';
    type Event = { approvalEvents: { type: string; approval: { id: string; requestedBy: { name: string }; decidedBy: { name: string } | null } } };
    const admin = collect<Event>(t.ws(s.group.admin.token), SUB, { g: s.group.id });
    await waitForSubscribers(t.server, 'approvalEvents', { g: s.group.id });

    const approved = await operatorAdds(s, 'Approved Person');
    await admin.next(1);
    await t.gql(APPROVE, { id: approved }, s.secondAdmin.token);
    const rejected = await operatorAdds(s, 'Rejected Person');
    await admin.next(3);
    await t.gql(REJECT, { id: rejected }, s.group.admin.token);
    const cancelled = await operatorAdds(s, 'Cancelled Person');
    await admin.next(5);
    await t.gql(CANCEL, { id: cancelled }, s.operator.token);
    await admin.next(6);
    const operator = { name: 'Omar Operator' };
    expect(admin.results.map((r) => r.data?.approvalEvents)).toEqual([
      { type: 'QUEUED', approval: { id: approved, requestedBy: operator, decidedBy: null } },
      { type: 'APPROVED', approval: { id: approved, requestedBy: operator, decidedBy: { name: 'Second Admin' } } },
      { type: 'QUEUED', approval: { id: rejected, requestedBy: operator, decidedBy: null } },
      { type: 'REJECTED', approval: { id: rejected, requestedBy: operator, decidedBy: { name: 'Group Admin' } } },
      { type: 'QUEUED', approval: { id: cancelled, requestedBy: operator, decidedBy: null } },
      { type: 'CANCELLED', approval: { id: cancelled, requestedBy: operator, decidedBy: operator } },
    ]);

    // An event that names nobody (say, from an instance of an older release), or the wrong people: the names
    // shown are still the request's own.
    const bus = t.server.events;
    await bus.publish({ topic: 'approvalEvents', key: s.group.id, data: { approvalId: approved, type: 'APPROVED' } });
    await bus.publish({
      topic: 'approvalEvents',
      key: s.group.id,
      data: { approvalId: approved, type: 'APPROVED', requestedByKind: 'USER', requestedById: s.group.admin.id, decidedByKind: 'USER', decidedById: s.operator.id },
    });
    await admin.next(8);
    const asStored = { type: 'APPROVED', approval: { id: approved, requestedBy: operator, decidedBy: { name: 'Second Admin' } } };
    expect(admin.results.slice(6).map((r) => r.data?.approvalEvents)).toEqual([asStored, asStored]);
  });

  it('never announces a change that was rolled back', async () => {
    const s = await setup();
    const SUB = 'subscription($g: ID!) { approvalEvents(groupId: $g) { type } }';
    const admin = collect<{ approvalEvents: { type: string } }>(t.ws(s.group.admin.token), SUB, { g: s.group.id });
    await waitForSubscribers(t.server, 'approvalEvents', { g: s.group.id });
    const email = uniqueEmail();
    const id = await operatorAdds(s, 'Duplicate', email);
    await admin.next(1);
    // The e-mail becomes a member before the request is approved: applying it fails and rolls back.
    await t.gql(ADD_MEMBER, { input: { groupId: s.group.id, email, name: 'Direct' } }, s.group.admin.token);
    const failed = await t.gql(APPROVE, { id }, s.secondAdmin.token);
    expect(codeOf(failed)).toBe('CONFLICT');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(admin.results.map((r) => r.data?.approvalEvents.type)).toEqual(['QUEUED']);
    expect((await t.query('select status from approval_requests where id = $1', [id])).rows[0].status).toBe('PENDING');
  });
});
