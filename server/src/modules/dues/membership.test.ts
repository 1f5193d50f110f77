import { addUserToGroup, codeOf, createUser } from '../../../test/support/factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { createBilledGroup } from '../../../test/support/dues-factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { addDays, addMonths, toIsoDate } from './dates';
import { MembershipTerm, MembershipTermStatus, MembershipTermType } from './dues.entities';
import { effectiveTermStatus, termDates } from './membership.service';
import { Group, MembershipTermRule } from '../groups/group.entity';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const CLUB_SETTINGS = {
  mode: 'MEMBERSHIP_FEE',
  cycle: 'ANNUAL',
  graceDays: 15,
  membershipFees: { annual: { amount: '1200.00', currency: 'INR' }, monthly: { amount: '150.00', currency: 'INR' }, lifetime: { amount: '15000.00', currency: 'INR' } },
};

const CREATE_TERM = `mutation($input: CreateMembershipTermInput!) {
  createMembershipTerm(input: $input) { pendingApproval term { id type status startsOn endsOn amount { amount currency } paidTransaction { id category approvalSource receiptNumber } } transaction { id } }
}`;

interface TermResult {
  pendingApproval: boolean;
  term: { id: string; type: string; status: string; startsOn: string; endsOn: string | null; amount: { amount: string }; paidTransaction: { category: string; approvalSource: string; receiptNumber: string } | null };
}

const today = toIsoDate(new Date());

describe('membership terms through the API', () => {
  it('an admin records a collected annual fee: ACTIVE for a year from today, with its CASH_IN', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const response = await t.gql<{ createMembershipTerm: TermResult }>(CREATE_TERM, { input: { memberId: club.members[0].id, type: 'ANNUAL', paymentMode: 'CASH' } }, club.admin.token);
    expect(response.errors).toBeUndefined();
    const { term, pendingApproval } = response.data!.createMembershipTerm;
    expect(pendingApproval).toBe(false);
    expect(term).toMatchObject({ type: 'ANNUAL', status: 'ACTIVE', startsOn: today, endsOn: addDays(addMonths(today, 12), -1), amount: { amount: '1200.00' } });
    expect(term.paidTransaction).toMatchObject({ category: 'MEMBERSHIP_FEE', approvalSource: 'ADMIN_DIRECT' });
    // Renewing early starts the day after the current term ends.
    const renewal = await t.gql<{ createMembershipTerm: TermResult }>(CREATE_TERM, { input: { memberId: club.members[0].id, type: 'MONTHLY', paymentMode: 'UPI' } }, club.admin.token);
    expect(renewal.data!.createMembershipTerm.term.startsOn).toBe(addMonths(today, 12));
  });

  it("an operator's collected fee waits for approval; approving activates it and records the payment", async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const operator = await createUser(t);
    await addUserToGroup(t, club, operator, 'OPERATOR');
    const response = await t.gql<{ createMembershipTerm: TermResult }>(CREATE_TERM, { input: { memberId: club.members[0].id, type: 'MONTHLY', paymentMode: 'CASH' } }, operator.token);
    expect(response.data!.createMembershipTerm).toMatchObject({ pendingApproval: true, term: { status: 'PENDING', paidTransaction: null } });
    expect((await t.query('select 1 from transactions where group_id = $1', [club.id])).rowCount).toBe(0);
    const approvalId = (await t.query<{ id: string }>("select id from approval_requests where entity_type = 'MEMBERSHIP_TERM' and target_id = $1", [response.data!.createMembershipTerm.term.id])).rows[0].id;
    expect(codeOf(await t.gql('mutation($id: ID!) { approve(id: $id) { id } }', { id: approvalId }, operator.token))).toBe('FORBIDDEN');
    expect((await t.gql('mutation($id: ID!) { approve(id: $id) { id status } }', { id: approvalId }, club.admin.token)).errors).toBeUndefined();
    const terms = await t.gql<{ membershipTerms: { edges: { node: { status: string; paidTransaction: { approvalSource: string } } }[] } }>(
      'query($g: ID!, $m: ID) { membershipTerms(groupId: $g, memberId: $m) { edges { node { status paidTransaction { approvalSource } } } } }',
      { g: club.id, m: club.members[0].id },
      club.admin.token,
    );
    expect(terms.data!.membershipTerms.edges.map((e) => e.node)).toEqual([{ status: 'ACTIVE', paidTransaction: { approvalSource: 'MANUAL' } }]);
  });

  it('a member creates their own pending term to pay online, but not for someone else and not "paid in cash"', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 2, billingSettings: CLUB_SETTINGS });
    const [me, other] = club.members;
    const own = await t.gql<{ createMembershipTerm: TermResult }>(CREATE_TERM, { input: { memberId: me.id, type: 'ANNUAL' } }, me.user.token);
    expect(own.data!.createMembershipTerm.term).toMatchObject({ status: 'PENDING', paidTransaction: null });
    expect(codeOf(await t.gql(CREATE_TERM, { input: { memberId: other.id, type: 'ANNUAL' } }, me.user.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(CREATE_TERM, { input: { memberId: me.id, type: 'ANNUAL', paymentMode: 'CASH' } }, me.user.token))).toBe('FORBIDDEN');
    const mine = await t.gql<{ membershipTerms: { totalCount: number } }>('query($g: ID!) { membershipTerms(groupId: $g) { totalCount } }', { g: club.id }, other.user.token);
    expect(mine.data!.membershipTerms.totalCount).toBe(0);
  });

  it('refuses a type the group does not offer and a second lifetime membership', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const notOffered = await t.gql(CREATE_TERM, { input: { memberId: club.members[0].id, type: 'APPLICATION_FEE' } }, club.admin.token);
    expect(notOffered.errors![0].extensions!.fields).toHaveProperty('type');
    expect((await t.gql(CREATE_TERM, { input: { memberId: club.members[0].id, type: 'LIFETIME', paymentMode: 'BANK_TRANSFER' } }, club.admin.token)).errors).toBeUndefined();
    expect((await t.gql(CREATE_TERM, { input: { memberId: club.members[0].id, type: 'LIFETIME' } }, club.admin.token)).errors![0].extensions!.reason).toBe('LIFETIME_EXISTS');
    expect(codeOf(await t.gql(CREATE_TERM, { input: { memberId: club.members[0].id, type: 'FOREVER' } }, club.admin.token))).toBe('BAD_USER_INPUT');
  });

  it('validates the membership settings: fixed annual needs its date, dates must exist, fees in the group currency', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 0, billingSettings: CLUB_SETTINGS });
    const response = await t.gql(
      'mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }',
      { id: club.id, input: { billingSettings: { mode: 'MEMBERSHIP_FEE', cycle: 'ANNUAL', termRule: 'FIXED_ANNUAL', annualDueDate: '02-30', renewalWindowDays: 400, membershipFees: { annual: { amount: '10', currency: 'EUR' } } } } },
      club.admin.token,
    );
    expect(Object.keys(response.errors![0].extensions!.fields!).sort()).toEqual(['billingSettings.annualDueDate', 'billingSettings.membershipFees.annual.currency', 'billingSettings.renewalWindowDays']);
  });
});

describe('a membership fee is recorded once, however often the button is pressed', () => {
  const CREATE = `mutation($input: CreateMembershipTermInput!) {
    createMembershipTerm(input: $input) { pendingApproval term { id status startsOn } transaction { id receiptNumber } }
  }`;
  const CREATE_KEYED = CREATE.replace('pendingApproval', 'pendingApproval replayed');
  type Created = { createMembershipTerm: { pendingApproval: boolean; replayed: boolean; term: { id: string; status: string; startsOn: string }; transaction: { id: string; receiptNumber: string } | null } };
  const BALANCE = 'query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }';

  /** What the treasurer checks: the member's terms, the receipts, the approvals queued and the money in the books. */
  async function books(club: { id: string; admin: { token: string } }, memberId: string) {
    const terms = await t.query<{ status: string }>('select status from membership_terms where member_id = $1 order by created_at', [memberId]);
    const receipts = await t.query<{ receipt_number: string }>(
      `select receipt_number from transactions where group_id = $1 and category = 'MEMBERSHIP_FEE' and approval_status = 'APPROVED' order by receipt_number`,
      [club.id],
    );
    const approvals = await t.query("select status from approval_requests where group_id = $1 and entity_type = 'MEMBERSHIP_TERM'", [club.id]);
    const balance = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>(BALANCE, { g: club.id }, club.admin.token);
    await assertLedgerReconciles(t, [{ groupId: club.id, token: club.admin.token }]);
    return {
      terms: terms.rows.map((row) => row.status),
      receipts: receipts.rowCount,
      approvals: approvals.rows.map((row) => row.status),
      cash: balance.data!.groupBalance.cashPosition.amount,
    };
  }

  const outcomes = (responses: { errors?: { extensions?: { code?: string; reason?: string } }[] }[]) =>
    responses.map((r) => (r.errors ? `${r.errors[0].extensions?.code} ${r.errors[0].extensions?.reason}` : 'OK')).sort();

  it('five parallel clicks without a key: one ACTIVE term, one receipt of 1200, the other clicks CONFLICT DUPLICATE_TERM', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const input = { memberId: club.members[0].id, type: 'ANNUAL', paymentMode: 'UPI' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => t.gql<Created>(CREATE, { input }, club.admin.token)));
    expect(outcomes(responses)).toEqual(['CONFLICT DUPLICATE_TERM', 'CONFLICT DUPLICATE_TERM', 'CONFLICT DUPLICATE_TERM', 'CONFLICT DUPLICATE_TERM', 'OK']);
    expect(await books(club, club.members[0].id)).toEqual({ terms: ['ACTIVE'], receipts: 1, approvals: [], cash: '1200.00' });
    const recorded = responses.find((r) => !r.errors)!.data!.createMembershipTerm;
    expect(recorded.term).toMatchObject({ status: 'ACTIVE', startsOn: today });
    // The refusal names what was already recorded, so a client can show it.
    expect(responses.find((r) => r.errors)!.errors![0].extensions).toMatchObject({ termId: recorded.term.id });
  });

  it('six clicks over the approval threshold queue one approval; approving it books 1200 once', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const threshold = await t.gql('mutation($id: ID!) { updateGroup(id: $id, input: { approvalThreshold: { amount: "1000", currency: "INR" } }) { id } }', { id: club.id }, club.admin.token);
    expect(threshold.errors).toBeUndefined();
    const input = { memberId: club.members[0].id, type: 'ANNUAL', paymentMode: 'UPI' };
    const responses = await Promise.all(Array.from({ length: 6 }, () => t.gql<Created>(CREATE, { input }, club.admin.token)));
    expect(outcomes(responses).filter((o) => o === 'OK')).toHaveLength(1);
    expect(outcomes(responses).filter((o) => o !== 'OK')).toEqual(Array(5).fill('CONFLICT DUPLICATE_TERM'));
    expect(await books(club, club.members[0].id)).toEqual({ terms: ['PENDING'], receipts: 0, approvals: ['PENDING'], cash: '0.00' });
    const checker = await createUser(t);
    await addUserToGroup(t, club, checker, 'ADMIN');
    const pending = await t.query<{ id: string }>("select id from approval_requests where group_id = $1 and entity_type = 'MEMBERSHIP_TERM'", [club.id]);
    for (const { id } of pending.rows) expect((await t.gql('mutation($id: ID!) { approve(id: $id) { status } }', { id }, checker.token)).errors).toBeUndefined();
    expect(await books(club, club.members[0].id)).toEqual({ terms: ['ACTIVE'], receipts: 1, approvals: ['APPROVED'], cash: '1200.00' });
  });

  it('with an idempotency key: parallel retries replay the first answer, the same key for something else is CONFLICT', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const input = { memberId: club.members[0].id, type: 'ANNUAL', paymentMode: 'UPI', idempotencyKey: 'term-form-7f3a' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => t.gql<Created>(CREATE_KEYED, { input }, club.admin.token)));
    expect(outcomes(responses)).toEqual(Array(5).fill('OK'));
    const answers = responses.map((r) => r.data!.createMembershipTerm);
    expect(new Set(answers.map((a) => a.term.id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.transaction!.receiptNumber)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(answers.every((a) => a.term.status === 'ACTIVE' && !a.pendingApproval)).toBe(true);
    const other = await t.gql(CREATE, { input: { ...input, type: 'MONTHLY' } }, club.admin.token);
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    // The ledger's keys and these share one space per group: a key used for a transaction cannot create a term.
    const txnKey = await t.gql(
      'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { replayed } }',
      { input: { groupId: club.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '5', currency: 'INR' }, paymentMode: 'CASH', idempotencyKey: 'term-form-7f3a' } },
      club.admin.token,
    );
    expect(txnKey.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await books(club, club.members[0].id)).toEqual({ terms: ['ACTIVE'], receipts: 1, approvals: [], cash: '1200.00' });
  });

  it('replays a queued approval with its key, and a new key records a deliberate second year', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const operator = await createUser(t);
    await addUserToGroup(t, club, operator, 'OPERATOR');
    const input = { memberId: club.members[0].id, type: 'ANNUAL', paymentMode: 'CASH', idempotencyKey: 'op-1' };
    const responses = await Promise.all(Array.from({ length: 4 }, () => t.gql<Created>(CREATE, { input }, operator.token)));
    expect(outcomes(responses)).toEqual(Array(4).fill('OK'));
    expect(responses.every((r) => r.data!.createMembershipTerm.pendingApproval && r.data!.createMembershipTerm.term.status === 'PENDING')).toBe(true);
    expect(await books(club, club.members[0].id)).toMatchObject({ terms: ['PENDING'], approvals: ['PENDING'] });
    // Paying two years ahead is legitimate: a second submission of the form carries a new key.
    const first = await t.gql<Created>(CREATE, { input: { ...input, idempotencyKey: 'admin-1' } }, club.admin.token);
    const second = await t.gql<Created>(CREATE, { input: { ...input, idempotencyKey: 'admin-2' } }, club.admin.token);
    expect([first, second].map(codeOf)).toEqual([undefined, undefined]);
    expect(second.data!.createMembershipTerm.term.startsOn).toBe(addMonths(today, 12));
    expect(await books(club, club.members[0].id)).toEqual({ terms: ['PENDING', 'ACTIVE', 'ACTIVE'], receipts: 2, approvals: ['PENDING'], cash: '2400.00' });
  });

  it('without a key, the same term again is refused only while the first is recent and still the latest', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: CLUB_SETTINGS });
    const memberId = club.members[0].id;
    const first = await t.gql<Created>(CREATE, { input: { memberId, type: 'MONTHLY', paymentMode: 'CASH' } }, club.admin.token);
    expect(first.errors).toBeUndefined();
    const again = await t.gql(CREATE, { input: { memberId, type: 'MONTHLY', paymentMode: 'UPI' } }, club.admin.token);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE_TERM', termId: first.data!.createMembershipTerm.term.id });
    // Once another term came after it, the same type again is a choice, not a repeat.
    expect((await t.gql(CREATE, { input: { memberId, type: 'ANNUAL', paymentMode: 'CASH' } }, club.admin.token)).errors).toBeUndefined();
    expect((await t.gql(CREATE, { input: { memberId, type: 'MONTHLY', paymentMode: 'CASH' } }, club.admin.token)).errors).toBeUndefined();
    expect(codeOf(await t.gql(CREATE, { input: { memberId, type: 'MONTHLY', paymentMode: 'CASH' } }, club.admin.token))).toBe('CONFLICT');
    // A few minutes later it is a renewal, not a double click.
    await t.query("update membership_terms set created_at = created_at - interval '10 minutes' where member_id = $1", [memberId]);
    const later = await t.gql<Created>(CREATE, { input: { memberId, type: 'MONTHLY', paymentMode: 'CASH' } }, club.admin.token);
    expect(later.errors).toBeUndefined();
    // A cancelled (rejected) term does not block paying again.
    await t.query("update membership_terms set status = 'CANCELLED' where id = $1", [later.data!.createMembershipTerm.term.id]);
    expect((await t.gql(CREATE, { input: { memberId, type: 'MONTHLY', paymentMode: 'CASH' } }, club.admin.token)).errors).toBeUndefined();
  });
});

describe('a member pays only for what is not covered yet', () => {
  const CREATE = `mutation($input: CreateMembershipTermInput!) {
    createMembershipTerm(input: $input) { pendingApproval term { id type status startsOn endsOn } }
  }`;
  type Created = { createMembershipTerm: { pendingApproval: boolean; term: { id: string; type: string; status: string; startsOn: string; endsOn: string | null } } };
  type Failure = { errors?: { extensions?: Record<string, unknown> }[] };
  const refusal = (response: Failure) => {
    const extensions = response.errors?.[0]?.extensions ?? {};
    return { code: extensions.code, reason: extensions.reason, termId: extensions.termId };
  };
  const SETTINGS = { ...CLUB_SETTINGS, membershipFees: { ...CLUB_SETTINGS.membershipFees, applicationFee: { amount: '500.00', currency: 'INR' } } };

  /** The member's terms (oldest first) and the membership fees booked for the group. */
  async function booked(groupId: string, memberId: string) {
    const terms = await t.query<{ type: string; status: string }>('select type, status from membership_terms where member_id = $1 order by created_at', [memberId]);
    const fees = await t.query<{ amount: string }>(
      `select amount_minor::text as amount from transactions where group_id = $1 and category = 'MEMBERSHIP_FEE' and approval_status = 'APPROVED' and member_id = $2 order by created_at`,
      [groupId, memberId],
    );
    return { terms: terms.rows.map((row) => `${row.type} ${row.status}`), fees: fees.rows.map((row) => row.amount) };
  }

  async function created(response: Promise<{ data?: Created | null; errors?: unknown }>): Promise<Created['createMembershipTerm']> {
    const answer = await response;
    expect(answer.errors).toBeUndefined();
    return answer.data!.createMembershipTerm;
  }

  it('a lifetime member gets no monthly, annual or second lifetime term, paid in cash or waiting to be paid online (CONFLICT LIFETIME_EXISTS)', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: SETTINGS });
    const member = club.members[0];
    const lifetime = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type: 'LIFETIME', paymentMode: 'BANK_TRANSFER' } }, club.admin.token));
    expect(lifetime.term).toMatchObject({ status: 'ACTIVE', endsOn: null });
    const expected = { code: 'CONFLICT', reason: 'LIFETIME_EXISTS', termId: lifetime.term.id };
    for (const [type, paymentMode, key] of [['ANNUAL', 'CASH', 'a'], ['MONTHLY', 'UPI', 'b'], ['LIFETIME', 'CASH', 'c'], ['ANNUAL', null, null]] as const) {
      expect(refusal(await t.gql(CREATE, { input: { memberId: member.id, type, paymentMode, idempotencyKey: key } }, club.admin.token))).toEqual(expected);
    }
    // Nor the member's own pending term, to pay online.
    expect(refusal(await t.gql(CREATE, { input: { memberId: member.id, type: 'MONTHLY' } }, member.user.token))).toEqual(expected);
    // The application fee is another matter.
    expect((await t.gql(CREATE, { input: { memberId: member.id, type: 'APPLICATION_FEE', paymentMode: 'CASH' } }, club.admin.token)).errors).toBeUndefined();
    expect(await booked(club.id, member.id)).toEqual({ terms: ['LIFETIME ACTIVE', 'APPLICATION_FEE ACTIVE'], fees: ['1500000', '50000'] });
  });

  it('charges the application fee once, unless that payment was cancelled or refunded (CONFLICT APPLICATION_FEE_PAID)', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: SETTINGS });
    const member = club.members[0];
    const first = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type: 'APPLICATION_FEE', paymentMode: 'CASH' } }, club.admin.token));
    const expected = { code: 'CONFLICT', reason: 'APPLICATION_FEE_PAID', termId: first.term.id };
    // A new idempotency key (a deliberate second submission) does not make it a second fee, nor does waiting.
    expect(refusal(await t.gql(CREATE, { input: { memberId: member.id, type: 'APPLICATION_FEE', paymentMode: 'UPI', idempotencyKey: 'second' } }, club.admin.token))).toEqual(expected);
    await t.query("update membership_terms set created_at = created_at - interval '10 minutes' where member_id = $1", [member.id]);
    expect(refusal(await t.gql(CREATE, { input: { memberId: member.id, type: 'APPLICATION_FEE', paymentMode: 'CASH' } }, club.admin.token))).toEqual(expected);
    expect(refusal(await t.gql(CREATE, { input: { memberId: member.id, type: 'APPLICATION_FEE' } }, member.user.token))).toEqual(expected);
    // Past its day (and the grace days) it is still paid.
    await t.query("update membership_terms set starts_on = starts_on - 400, ends_on = ends_on - 400 where id = $1", [first.term.id]);
    expect(refusal(await t.gql(CREATE, { input: { memberId: member.id, type: 'APPLICATION_FEE', paymentMode: 'CASH', idempotencyKey: 'third' } }, club.admin.token))).toEqual(expected);
    // Refunded (the term cancelled), it can be charged again.
    await t.query("update membership_terms set status = 'CANCELLED', cancelled_at = now() where id = $1", [first.term.id]);
    expect((await t.gql(CREATE, { input: { memberId: member.id, type: 'APPLICATION_FEE', paymentMode: 'CASH' } }, club.admin.token)).errors).toBeUndefined();
    expect(await booked(club.id, member.id)).toEqual({ terms: ['APPLICATION_FEE CANCELLED', 'APPLICATION_FEE ACTIVE'], fees: ['50000', '50000'] });
  });

  it('an early renewal starts when the current term ends, in cash or online, never paying the same days twice', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: SETTINGS });
    const member = club.members[0];
    const annual = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type: 'ANNUAL', paymentMode: 'CASH' } }, club.admin.token));
    expect(annual.term).toMatchObject({ startsOn: today, endsOn: addDays(addMonths(today, 12), -1) });
    const renewal = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type: 'ANNUAL', paymentMode: 'CASH', idempotencyKey: 'next-year' } }, club.admin.token));
    expect(renewal.term).toMatchObject({ status: 'ACTIVE', startsOn: addDays(annual.term.endsOn!, 1) });
    const pending = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type: 'MONTHLY' } }, member.user.token));
    expect(pending.term).toMatchObject({ status: 'PENDING', startsOn: addDays(renewal.term.endsOn!, 1) });
  });

  it('approving a queued term checks again what the member paid meanwhile: TERM_OVERLAP, APPLICATION_FEE_PAID, LIFETIME_EXISTS', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 1, billingSettings: SETTINGS });
    const member = club.members[0];
    const operator = await createUser(t);
    await addUserToGroup(t, club, operator, 'OPERATOR');
    const request = async (type: string, key: string) => {
      const queued = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type, paymentMode: 'CASH', idempotencyKey: key } }, operator.token));
      expect(queued).toMatchObject({ pendingApproval: true, term: { status: 'PENDING' } });
      const approval = await t.query<{ id: string }>("select id from approval_requests where entity_type = 'MEMBERSHIP_TERM' and target_id = $1", [queued.term.id]);
      return { term: queued.term, approvalId: approval.rows[0].id };
    };
    const approve = (id: string) => t.gql('mutation($id: ID!) { approve(id: $id) { status } }', { id }, club.admin.token);
    const termStatus = async (id: string) => (await t.query<{ status: string }>('select status from membership_terms where id = $1', [id])).rows[0].status;

    // The operator collected this year's fee; an admin, not knowing, recorded it too before approving.
    const annual = await request('ANNUAL', 'op-annual');
    const adminAnnual = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type: 'ANNUAL', paymentMode: 'CASH', idempotencyKey: 'admin-annual' } }, club.admin.token));
    expect(adminAnnual.term).toMatchObject({ status: 'ACTIVE', startsOn: today });
    expect(refusal(await approve(annual.approvalId))).toEqual({ code: 'CONFLICT', reason: 'TERM_OVERLAP', termId: adminAnnual.term.id });
    expect(await termStatus(annual.term.id)).toBe('PENDING');
    expect((await t.gql('mutation($id: ID!) { reject(id: $id) { status } }', { id: annual.approvalId }, club.admin.token)).errors).toBeUndefined();
    expect(await termStatus(annual.term.id)).toBe('CANCELLED');

    const fee = await request('APPLICATION_FEE', 'op-fee');
    const adminFee = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type: 'APPLICATION_FEE', paymentMode: 'CASH', idempotencyKey: 'admin-fee' } }, club.admin.token));
    expect(refusal(await approve(fee.approvalId))).toEqual({ code: 'CONFLICT', reason: 'APPLICATION_FEE_PAID', termId: adminFee.term.id });

    // A renewal asked for while the member is covered is dated after the cover, and approved as such.
    const renewal = await request('MONTHLY', 'op-monthly');
    expect(renewal.term.startsOn).toBe(addDays(adminAnnual.term.endsOn!, 1));
    expect((await approve(renewal.approvalId)).errors).toBeUndefined();
    const renewed = await t.query<{ status: string; starts_on: string }>('select status, starts_on::text from membership_terms where id = $1', [renewal.term.id]);
    expect(renewed.rows[0]).toEqual({ status: 'ACTIVE', starts_on: addDays(adminAnnual.term.endsOn!, 1) });

    const another = await request('ANNUAL', 'op-annual-2');
    const adminLifetime = await created(t.gql<Created>(CREATE, { input: { memberId: member.id, type: 'LIFETIME', paymentMode: 'CASH' } }, club.admin.token));
    expect(refusal(await approve(another.approvalId))).toEqual({ code: 'CONFLICT', reason: 'LIFETIME_EXISTS', termId: adminLifetime.term.id });

    expect(await booked(club.id, member.id)).toEqual({
      terms: ['ANNUAL CANCELLED', 'ANNUAL ACTIVE', 'APPLICATION_FEE PENDING', 'APPLICATION_FEE ACTIVE', 'MONTHLY ACTIVE', 'ANNUAL PENDING', 'LIFETIME ACTIVE'],
      fees: ['120000', '50000', '15000', '1500000'],
    });
    await assertLedgerReconciles(t, [{ groupId: club.id, token: club.admin.token }]);
  });

  it('online: a term covered since it was created cannot be paid; a payment already under way is flagged for an admin, not booked', async () => {
    const club = await createBilledGroup(t, { kind: 'CLUB', memberCount: 2, billingSettings: SETTINGS });
    const enabled = await t.gql('mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }', { id: club.id, input: { paymentSettings: { stripeEnabled: true } } }, club.admin.token);
    expect(enabled.errors).toBeUndefined();
    const INTENT = 'mutation($t: ID) { createStripePaymentIntent(termId: $t) { providerOrderId checkoutUrl } }';
    type Intent = { createStripePaymentIntent: { providerOrderId: string; checkoutUrl: string } };
    const openIntent = async (termId: string, token: string) => {
      const response = await t.gql<Intent>(INTENT, { t: termId }, token);
      expect(response.errors).toBeUndefined();
      return response.data!.createStripePaymentIntent;
    };
    /** The sandbox's pay page: Stripe's signed webhook to our endpoint, processed before it answers. */
    const pay = async (checkoutUrl: string) => {
      const response = await fetch(`${t.url}${new URL(checkoutUrl).pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: 'outcome=success' });
      const body = (await response.json()) as { data: { webhooks: { outcome: string }[] } };
      return body.data.webhooks[0].outcome;
    };
    const flags = async (termId: string) =>
      (await t.query<{ reason: string; details: string }>("select reason, details from payment_flags where target_kind = 'MEMBERSHIP_TERM' and target_id = $1", [termId])).rows;

    // A member starts paying an annual term; meanwhile an admin records a lifetime membership paid in cash.
    const [first, second] = club.members;
    const annual = await created(t.gql<Created>(CREATE, { input: { memberId: first.id, type: 'ANNUAL' } }, first.user.token));
    const underWay = await openIntent(annual.term.id, first.user.token);
    const lifetime = await created(t.gql<Created>(CREATE, { input: { memberId: first.id, type: 'LIFETIME', paymentMode: 'CASH' } }, club.admin.token));
    expect(refusal(await t.gql(INTENT, { t: annual.term.id }, first.user.token))).toMatchObject({ code: 'CONFLICT', reason: 'LIFETIME_EXISTS' });
    expect(await pay(underWay.checkoutUrl)).toBe('FLAGGED');
    expect(await flags(annual.term.id)).toEqual([{ reason: 'TARGET_NOT_PAYABLE', details: expect.stringContaining('LIFETIME_EXISTS') }]);
    expect(await booked(club.id, first.id)).toEqual({ terms: ['ANNUAL PENDING', 'LIFETIME ACTIVE'], fees: ['1500000'] });
    expect(lifetime.term.status).toBe('ACTIVE');

    // The second member's monthly term, paid in cash by an admin for the same days while the online payment ran.
    const monthly = await created(t.gql<Created>(CREATE, { input: { memberId: second.id, type: 'MONTHLY' } }, second.user.token));
    const monthlyIntent = await openIntent(monthly.term.id, second.user.token);
    const desk = await created(t.gql<Created>(CREATE, { input: { memberId: second.id, type: 'MONTHLY', paymentMode: 'CASH', idempotencyKey: 'desk' } }, club.admin.token));
    expect(await pay(monthlyIntent.checkoutUrl)).toBe('FLAGGED');
    expect(await flags(monthly.term.id)).toEqual([{ reason: 'TARGET_NOT_PAYABLE', details: expect.stringContaining('TERM_OVERLAP') }]);
    // Renewing online from there is fine: the term starts when the paid one ends.
    const renewal = await created(t.gql<Created>(CREATE, { input: { memberId: second.id, type: 'MONTHLY', idempotencyKey: 'renew' } }, second.user.token));
    expect(renewal.term.startsOn).toBe(addDays(desk.term.endsOn!, 1));
    expect(await pay((await openIntent(renewal.term.id, second.user.token)).checkoutUrl)).toBe('CREDITED');
    expect(await booked(club.id, second.id)).toEqual({ terms: ['MONTHLY PENDING', 'MONTHLY ACTIVE', 'MONTHLY ACTIVE'], fees: ['15000', '15000'] });
    await assertLedgerReconciles(t, [{ groupId: club.id, token: club.admin.token }]);
  });
});

describe('term dates from the group rules', () => {
  const groupWith = (settings: Record<string, unknown>): Group =>
    ({ billingSettings: { mode: 'MEMBERSHIP_FEE', cycle: 'ANNUAL', priceMinor: null, dueDay: null, graceDays: 10, ...settings } }) as unknown as Group;
  const fixed = groupWith({ termRule: MembershipTermRule.FIXED_ANNUAL, annualDueDate: '04-01', renewalWindowDays: 30 });

  it('rolling terms run a month or a year from the payment day, clamped at month ends', () => {
    const rolling = groupWith({});
    expect(termDates(rolling, MembershipTermType.MONTHLY, '2027-01-31', null)).toEqual({ startsOn: '2027-01-31', endsOn: '2027-02-28' });
    expect(termDates(rolling, MembershipTermType.MONTHLY, '2027-02-10', null)).toEqual({ startsOn: '2027-02-10', endsOn: '2027-03-09' });
    expect(termDates(rolling, MembershipTermType.ANNUAL, '2028-02-29', null)).toEqual({ startsOn: '2028-02-29', endsOn: '2029-02-28' });
    expect(termDates(rolling, MembershipTermType.ANNUAL, '2027-03-15', null)).toEqual({ startsOn: '2027-03-15', endsOn: '2028-03-14' });
    expect(termDates(rolling, MembershipTermType.LIFETIME, '2027-03-15', null)).toEqual({ startsOn: '2027-03-15', endsOn: null });
  });

  it('fixed annual terms end before the fixed date; inside the renewal window they buy the next year', () => {
    expect(termDates(fixed, MembershipTermType.ANNUAL, '2027-01-10', null)).toEqual({ startsOn: '2027-01-10', endsOn: '2027-03-31' });
    expect(termDates(fixed, MembershipTermType.ANNUAL, '2027-03-05', null)).toEqual({ startsOn: '2027-04-01', endsOn: '2028-03-31' });
    expect(termDates(fixed, MembershipTermType.ANNUAL, '2027-04-01', null)).toEqual({ startsOn: '2027-04-01', endsOn: '2028-03-31' });
  });

  it('a renewal while the current term runs starts the day after it ends', () => {
    const rolling = groupWith({});
    expect(termDates(rolling, MembershipTermType.ANNUAL, '2027-03-05', '2027-06-30')).toEqual({ startsOn: '2027-07-01', endsOn: '2028-06-30' });
    expect(termDates(rolling, MembershipTermType.MONTHLY, '2027-03-05', '2027-03-05')).toEqual({ startsOn: '2027-03-06', endsOn: '2027-04-05' });
    // Fixed annual: renewed inside the window, the next year starts on the fixed date the current term runs up to.
    expect(termDates(fixed, MembershipTermType.ANNUAL, '2027-03-05', '2027-03-31')).toEqual({ startsOn: '2027-04-01', endsOn: '2028-03-31' });
    // A term that has already ended (in its grace days, say) no longer pushes the start: it is the payment day.
    expect(termDates(rolling, MembershipTermType.MONTHLY, '2027-03-05', '2027-03-01')).toEqual({ startsOn: '2027-03-05', endsOn: '2027-04-04' });
  });

  it('counts an active term as EXPIRED only after its end plus the grace days', () => {
    const term = { status: MembershipTermStatus.ACTIVE, endsOn: '2027-03-31' } as MembershipTerm;
    expect(effectiveTermStatus(term, fixed, '2027-04-10')).toBe(MembershipTermStatus.ACTIVE);
    expect(effectiveTermStatus(term, fixed, '2027-04-11')).toBe(MembershipTermStatus.EXPIRED);
  });
});
