import { codeOf, createGroup, createUser, addUserToGroup } from '../../../test/support/factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { oneConnectionContext } from '../../../test/support/one-connection';
import { BURST_BOUND_MS, clickInParallel, outcomeOf } from '../../../test/support/parallel-clicks';
import { APPROVE, CREATE, QUOTE, quoteAndCreate, RAW_ACCOUNT, REMITTANCE, remittanceSetup, RemittanceSetup, waitForStatus } from '../../../test/support/remittance-helpers';
import { collect, startTestServer, TestServer } from '../../../test/support/test-server';
import { waitForSubscribers } from '../../../test/support/ws-helpers';
import { encryptSecret } from '../../shared/crypto';
import { payoutProviderFor, SandboxPayoutProvider } from './payout-provider';
import { cancelRemittance } from './remittance.service';

const BALANCE = 'query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } accounts { code balance { amount } } } }';

let t: TestServer;
const touched: RemittanceSetup[] = [];
beforeAll(async () => {
  t = await startTestServer({ env: { PAYOUT_SANDBOX_DELAY_MS: '100' }, logger: { info: () => undefined, warn: console.warn, error: console.error } });
});
afterEach(async () => {
  await assertLedgerReconciles(t, touched.splice(0).map((s) => ({ groupId: s.group.id, token: s.group.admin.token })));
});
afterAll(async () => t.close());

async function setup(options: Parameters<typeof remittanceSetup>[1] = {}): Promise<RemittanceSetup> {
  const s = await remittanceSetup(t, options);
  touched.push(s);
  return s;
}

async function cashPosition(s: RemittanceSetup): Promise<string> {
  const response = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>(BALANCE, { g: s.group.id }, s.group.admin.token);
  return response.data!.groupBalance.cashPosition.amount;
}

describe('a remittance from quote to completion', () => {
  it('quotes every cost line, waits for a second admin, reserves on approval and settles on completion', async () => {
    const s = await setup({ funds: '5000.00' });
    const quote = await t.gql<{ remittanceQuote: Record<string, unknown> }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '1000.00' }, s.maker.token);
    expect(quote.data?.remittanceQuote).toMatchObject({
      sendAmount: { amount: '1000.00', currency: 'INR' },
      fee: { amount: '5.00' },
      feePercent: '0.50',
      totalDebited: { amount: '1005.00' },
      rate: '1.20205128',
      rateOffline: true,
      receiveAmount: { amount: '1202.05', currency: 'RSD' },
      eta: '2–4 business days',
    });
    const expiresIn = new Date(quote.data!.remittanceQuote.expiresAt as string).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);

    const created = await t.gql<{ createRemittance: { approval: { id: string; entityType: string }; remittance: { id: string; status: string; reference: string } } }>(
      CREATE,
      { q: quote.data!.remittanceQuote.id, k: 'first', ref: '<b>Coach</b> fee' },
      s.maker.token,
    );
    const { remittance, approval } = created.data!.createRemittance;
    expect(remittance).toMatchObject({ status: 'PENDING_APPROVAL', reference: 'Coach fee' });
    expect(approval.entityType).toBe('REMITTANCE');
    // Nothing moves before approval.
    expect(await cashPosition(s)).toBe('5000.00');

    // Four eyes: the creator, an admin, cannot approve.
    const own = await t.gql(APPROVE, { id: approval.id }, s.maker.token);
    expect(codeOf(own)).toBe('FORBIDDEN');

    const approved = await t.gql<{ approve: { status: string } }>(APPROVE, { id: approval.id }, s.checker.token);
    expect(approved.data?.approve.status).toBe('APPROVED');
    expect(await cashPosition(s)).toBe('3995.00');
    await waitForStatus(t, remittance.id, 'COMPLETED');

    const read = await t.gql<{ remittance: { status: string; timeline: { status: string; actor: { kind: string; name: string | null } }[] } }>(REMITTANCE, { id: remittance.id }, s.checker.token);
    expect(read.data?.remittance.timeline.map((e) => [e.status, e.actor.kind, e.actor.name])).toEqual([
      ['PENDING_APPROVAL', 'USER', 'Group Admin'],
      ['APPROVED', 'USER', 'Checker Admin'],
      ['PROCESSING', 'SYSTEM', null],
      ['COMPLETED', 'SYSTEM', null],
    ]);
    const balance = await t.gql<{ groupBalance: { cashPosition: { amount: string }; accounts: { code: string; balance: { amount: string } }[] } }>(BALANCE, { g: s.group.id }, s.group.admin.token);
    const accounts = Object.fromEntries(balance.data!.groupBalance.accounts.map((a) => [a.code, a.balance.amount]));
    expect(accounts).toMatchObject({ BANK: '3995.00', FEES: '5.00', REMITTANCES_IN_TRANSIT: '0.00', REMITTANCES_SENT: '1000.00' });
  });

  it('keeps the fee rule: rounded down to the minor unit, per-group rate', async () => {
    const s = await setup({ funds: '100.00' });
    const small = await t.gql<{ remittanceQuote: { fee: { amount: string }; totalDebited: { amount: string } } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '100.99' }, s.maker.token);
    // 0.5 % of 100.99 = 0.50495 → 0.50
    expect(small.data?.remittanceQuote).toMatchObject({ fee: { amount: '0.50' }, totalDebited: { amount: '101.49' } });
    const set = await t.gql<{ setRemittanceFee: { feeBasisPoints: number; feePercent: string } }>('mutation($g: ID!) { setRemittanceFee(groupId: $g, feePercent: "1.25") { feeBasisPoints feePercent } }', { g: s.group.id }, s.group.admin.token);
    expect(set.data?.setRemittanceFee).toEqual({ feeBasisPoints: 125, feePercent: '1.25' });
    const custom = await t.gql<{ remittanceQuote: { fee: { amount: string } } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '999.99' }, s.maker.token);
    // 1.25 % of 999.99 = 12.4998… → 12.49
    expect(custom.data?.remittanceQuote.fee.amount).toBe('12.49');
    const bad = await t.gql('mutation($g: ID!) { setRemittanceFee(groupId: $g, feePercent: "12") { feeBasisPoints } }', { g: s.group.id }, s.group.admin.token);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    const operator = await createUser(t);
    await addUserToGroup(t, s.group, operator, 'OPERATOR');
    const notAdmin = await t.gql('mutation($g: ID!) { setRemittanceFee(groupId: $g, feePercent: "1") { feeBasisPoints } }', { g: s.group.id }, operator.token);
    expect(codeOf(notAdmin)).toBe('FORBIDDEN');
  });

  it('gives the EEA ETA inside the EEA', async () => {
    const s = await setup({ currency: 'EUR', country: 'PL', recipientCurrency: 'PLN' });
    const quote = await t.gql<{ remittanceQuote: { eta: string; rate: string; receiveAmount: { amount: string } } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '100.00' }, s.maker.token);
    expect(quote.data?.remittanceQuote).toMatchObject({ eta: '1–2 business days', rate: '4.25', receiveAmount: { amount: '425.00' } });
  });
});

describe('what is refused', () => {
  it('rejects bad amounts, decimals and unsupported corridors', async () => {
    const s = await setup();
    const cases: [string, RegExp][] = [
      ['abc', /not a decimal/],
      ['-5', /not a decimal|between/],
      ['10.001', /at most 2 decimal/],
      ['0', /between/],
      ['99.99', /between 100.00 and 1000000.00/],
      ['1000000.01', /between/],
      ['99999999999999999999999999', /too large|between/],
    ];
    for (const [amount, message] of cases) {
      const response = await t.gql(QUOTE, { g: s.group.id, r: s.recipientId, a: amount }, s.maker.token);
      expect({ amount, code: codeOf(response) }).toEqual({ amount, code: 'BAD_USER_INPUT' });
      expect(response.errors![0].extensions!.fields!.amount).toMatch(message);
    }
    const corridor = await t.gql(
      'mutation($input: CreateRecipientInput!) { createRecipient(input: $input) { id } }',
      { input: { groupId: s.group.id, name: 'Someone', country: 'US', currency: 'USD', bankAccount: '12345678' } },
      s.group.admin.token,
    );
    expect(codeOf(corridor)).toBe('BAD_USER_INPUT');
    expect(corridor.errors![0].message).toContain('RS/RSD');
    expect(corridor.errors![0].message).toContain('PL/PLN');
  });

  it('refuses an expired quote, a used quote and a reused idempotency key; replays the same key', async () => {
    const s = await setup({ funds: '10000.00' });
    const q1 = await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '500.00' }, s.maker.token);
    await t.query(`update remittance_quotes set expires_at = now() - interval '1 second' where id = $1`, [q1.data!.remittanceQuote.id]);
    const expired = await t.gql(CREATE, { q: q1.data!.remittanceQuote.id, k: 'a' }, s.maker.token);
    expect([codeOf(expired), expired.errors?.[0].extensions?.reason]).toEqual(['CONFLICT', 'QUOTE_EXPIRED']);

    const q2 = await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '500.00' }, s.maker.token);
    const first = await t.gql<{ createRemittance: { replayed: boolean; remittance: { id: string } } }>(CREATE, { q: q2.data!.remittanceQuote.id, k: 'b' }, s.maker.token);
    const replay = await t.gql<{ createRemittance: { replayed: boolean; remittance: { id: string } } }>(CREATE, { q: q2.data!.remittanceQuote.id, k: 'b' }, s.maker.token);
    expect(replay.data?.createRemittance).toEqual({ ...first.data!.createRemittance, replayed: true });
    const again = await t.gql(CREATE, { q: q2.data!.remittanceQuote.id, k: 'c' }, s.maker.token);
    expect(again.errors?.[0].extensions?.reason).toBe('QUOTE_USED');
    const q3 = await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '500.00' }, s.maker.token);
    const reused = await t.gql(CREATE, { q: q3.data!.remittanceQuote.id, k: 'b' }, s.maker.token);
    expect(reused.errors?.[0].extensions?.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(Number((await t.query('select count(*) from remittances where group_id = $1', [s.group.id])).rows[0].count)).toBe(1);
  });

  it('refuses a remittance the group cannot pay, naming the shortfall', async () => {
    const s = await setup({ funds: '1000.00' });
    const quote = await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '1000.00' }, s.maker.token);
    const response = await t.gql(CREATE, { q: quote.data!.remittanceQuote.id, k: 'x' }, s.maker.token);
    expect(response.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'INSUFFICIENT_FUNDS',
      shortfall: { amount: '5.00', amountMinor: '500', currency: 'INR' },
      available: { amount: '1000.00' },
    });
    expect((await t.query('select count(*) from remittances where group_id = $1', [s.group.id])).rows[0].count).toBe('0');
  });

  it('refuses a stale rate', async () => {
    const s = await setup();
    await t.query(`update exchange_rates set updated_at = now() - interval '2 days' where base = 'INR' and quote = 'RSD'`);
    try {
      const response = await t.gql(QUOTE, { g: s.group.id, r: s.recipientId, a: '500.00' }, s.maker.token);
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'RATE_STALE' });
    } finally {
      await t.query(`update exchange_rates set updated_at = now() where base = 'INR' and quote = 'RSD'`);
    }
  });

  it("answers NOT_FOUND for another group's recipients, quotes, remittances and approvals, and for malformed ids", async () => {
    const s = await setup({ funds: '5000.00' });
    const other = await createGroup(t);
    const { remittanceId, approvalId, quote } = await quoteAndCreate(t, s, '200.00');
    const foreign: [string, Record<string, unknown>][] = [
      ['query($id: ID!) { recipient(id: $id) { id } }', { id: s.recipientId }],
      ['mutation($id: ID!) { updateRecipient(id: $id, input: { name: "X" }) { id } }', { id: s.recipientId }],
      ['mutation($id: ID!) { deleteRecipient(id: $id) { id } }', { id: s.recipientId }],
      [QUOTE, { g: other.id, r: s.recipientId, a: '200.00' }],
      [CREATE, { q: quote.id, k: 'steal' }],
      [REMITTANCE, { id: remittanceId }],
      ['mutation($id: ID!) { cancelRemittance(id: $id) { id } }', { id: remittanceId }],
      [APPROVE, { id: approvalId }],
      [REMITTANCE, { id: 'not-a-uuid' }],
      ['query($id: ID!) { recipient(id: $id) { id } }', { id: "1' or 1=1 --" }],
    ];
    for (const [query, variables] of foreign) {
      const response = await t.gql(query, variables, other.admin.token);
      expect({ query, code: codeOf(response) }).toEqual({ query, code: 'NOT_FOUND' });
    }
    const list = await t.gql('query($g: ID!) { remittances(groupId: $g) { totalCount } }', { g: s.group.id }, other.admin.token);
    expect(codeOf(list)).toBe('NOT_FOUND');
    const member = await createUser(t);
    await addUserToGroup(t, s.group, member, 'MEMBER');
    const asMember = await t.gql(REMITTANCE, { id: remittanceId }, member.token);
    expect(codeOf(asMember)).toBe('FORBIDDEN');
  });
});

describe('money under pressure', () => {
  it('two remittances racing for the last of the balance: exactly one is approved', async () => {
    const s = await setup({ funds: '1500.00' });
    const a = await quoteAndCreate(t, s, '1000.00');
    const b = await quoteAndCreate(t, s, '1000.00');
    const results = await Promise.all([a, b].map((r) => t.gql<{ approve: { status: string } }>(APPROVE, { id: r.approvalId }, s.checker.token)));
    const approved = results.filter((r) => r.data?.approve?.status === 'APPROVED');
    const refused = results.filter((r) => r.errors);
    expect(approved).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INSUFFICIENT_FUNDS', shortfall: { amount: '510.00' } });
    const statuses = await t.query('select status from remittances where group_id = $1 order by status', [s.group.id]);
    expect(statuses.rows.map((r) => r.status).sort()).toEqual(expect.arrayContaining(['PENDING_APPROVAL']));
    const winner = results[0].data?.approve ? a : b;
    await waitForStatus(t, winner.remittanceId, 'COMPLETED');
    expect(await cashPosition(s)).toBe('495.00');
    // The loser's approval is still pending: it can be rejected, and nothing is posted.
    const loser = winner === a ? b : a;
    const rejected = await t.gql<{ reject: { status: string } }>('mutation($id: ID!) { reject(id: $id) { status } }', { id: loser.approvalId }, s.checker.token);
    expect(rejected.data?.reject.status).toBe('REJECTED');
    expect((await t.query('select status, ledger_transaction_id from remittances where id = $1', [loser.remittanceId])).rows[0]).toEqual({ status: 'REJECTED', ledger_transaction_id: null });
  });

  it('one quote used by parallel requests with different keys: one remittance, the others CONFLICT QUOTE_USED', async () => {
    const s = await setup({ funds: '10000.00' });
    const quote = await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '500.00' }, s.maker.token);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => t.gql(CREATE, { q: quote.data!.remittanceQuote.id, k: `parallel-${i}` }, s.maker.token)));
    const outcomes = results.map((r) => (r.errors ? `${codeOf(r)} ${r.errors[0].extensions?.reason}` : 'created'));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'created')).toEqual(Array(7).fill('CONFLICT QUOTE_USED'));
    expect(Number((await t.query('select count(*) from remittances where group_id = $1', [s.group.id])).rows[0].count)).toBe(1);
  });

  it('a failed payout releases the reservation and stores the reason', async () => {
    const s = await setup({ funds: '2000.00' });
    const provider = payoutProviderFor(t.config.remittances) as SandboxPayoutProvider;
    provider.forceFailure = true;
    try {
      const { remittanceId, approvalId } = await quoteAndCreate(t, s, '1000.00');
      await t.gql(APPROVE, { id: approvalId }, s.checker.token);
      await waitForStatus(t, remittanceId, 'FAILED');
    } finally {
      provider.forceFailure = false;
    }
    expect(await cashPosition(s)).toBe('2000.00');
    const row = await t.query('select failure_reason from remittances where group_id = $1', [s.group.id]);
    expect(row.rows[0].failure_reason).toMatch(/forced failure/);
    const reversal = await t.query(`select count(*)::int as n from transactions where group_id = $1 and reverses_id is not null`, [s.group.id]);
    expect(reversal.rows[0].n).toBe(1);
  });

  it('rejected and cancelled before approval post nothing; cancelling after payout started is refused', async () => {
    const s = await setup({ funds: '5000.00' });
    const rejected = await quoteAndCreate(t, s, '300.00');
    await t.gql('mutation($id: ID!) { reject(id: $id) { status } }', { id: rejected.approvalId }, s.checker.token);
    const cancelled = await quoteAndCreate(t, s, '300.00');
    const cancel = await t.gql<{ cancelRemittance: { status: string } }>('mutation($id: ID!) { cancelRemittance(id: $id, reason: "Wrong amount") { status } }', { id: cancelled.remittanceId }, s.maker.token);
    expect(cancel.data?.cancelRemittance.status).toBe('CANCELLED');
    expect((await t.query('select status from approval_requests where id = $1', [cancelled.approvalId])).rows[0].status).toBe('CANCELLED');
    // The cancelled request cannot be approved any more.
    expect((await t.gql(APPROVE, { id: cancelled.approvalId }, s.checker.token)).errors?.[0].extensions?.reason).toBe('ALREADY_DECIDED');
    expect((await t.query('select count(*)::int as n from transactions where group_id = $1 and category = $2', [s.group.id, 'REMITTANCE'])).rows[0].n).toBe(0);

    const sent = await quoteAndCreate(t, s, '300.00');
    await t.gql(APPROVE, { id: sent.approvalId }, s.checker.token);
    await waitForStatus(t, sent.remittanceId, 'COMPLETED');
    const late = await t.gql('mutation($id: ID!) { cancelRemittance(id: $id) { status } }', { id: sent.remittanceId }, s.maker.token);
    expect(late.errors?.[0].extensions?.reason).toBe('NOT_CANCELLABLE');
    // The remittance's ledger transaction is changed only through the remittance.
    const txnId = (await t.query('select ledger_transaction_id from remittances where id = $1', [sent.remittanceId])).rows[0].ledger_transaction_id;
    const del = await t.gql('mutation($id: ID!) { deleteTransaction(id: $id) { transaction { id } } }', { id: txnId }, s.group.admin.token);
    expect(del.errors?.[0].extensions?.reason).toBe('MANAGED_BY_REMITTANCE');
  });

  describe('many clicks at once', () => {
    const CANCEL = 'mutation($id: ID!) { cancelRemittance(id: $id) { status } }';
    const statusOf = (field: string) => (data: Record<string, unknown>) => (data[field] as { status: string }).status;

    it('cancel clicked 15 times cancels once; every other click is CONFLICT NOT_CANCELLABLE at once, and the server stays responsive', async () => {
      const s = await setup({ funds: '5000.00' });
      const { remittanceId, approvalId } = await quoteAndCreate(t, s, '300.00');
      // More clicks than the database pool has connections (10).
      const burst = await clickInParallel(t, 15, CANCEL, { id: remittanceId }, s.maker.token);
      const outcomes = burst.clicks.map((click) => outcomeOf(click, statusOf('cancelRemittance'))).sort();
      expect(outcomes).toEqual(['CANCELLED', ...Array.from({ length: 14 }, () => 'CONFLICT NOT_CANCELLABLE')]);
      expect(burst.totalMs).toBeLessThan(BURST_BOUND_MS);
      expect(burst.healthStatus).toBe(200);
      expect((await t.query('select status from approval_requests where id = $1', [approvalId])).rows[0].status).toBe('CANCELLED');
      const steps = await t.query("select count(*)::int as n from remittance_events where remittance_id = $1 and status = 'CANCELLED'", [remittanceId]);
      expect(steps.rows[0].n).toBe(1);
    });

    it('cancel and approve at once: one of them wins, the other is CONFLICT; neither deadlocks into an INTERNAL_SERVER_ERROR', async () => {
      // Cancelling locked the remittance, then its request; approving the request locked the request, then the remittance.
      // Several remittances, the cancels sent a little later each time (approving does its checks before it locks
      // anything), so that the two meet on at least one of them.
      const s = await setup({ funds: '5000.00' });
      const created = [];
      for (let i = 0; i < 8; i += 1) created.push(await quoteAndCreate(t, s, '100.00'));
      const raced = await Promise.all(
        created.map(async ({ remittanceId, approvalId }, i) => {
          const [approves, cancels] = await Promise.all([
            clickInParallel(t, 3, APPROVE, { id: approvalId }, s.checker.token),
            new Promise((resolve) => setTimeout(resolve, 2 * i)).then(() => clickInParallel(t, 3, CANCEL, { id: remittanceId }, s.maker.token)),
          ]);
          return {
            remittanceId,
            cancels: cancels.clicks.map((click) => outcomeOf(click, statusOf('cancelRemittance'))),
            approves: approves.clicks.map((click) => outcomeOf(click, statusOf('approve'))),
            ms: Math.max(cancels.totalMs, approves.totalMs),
          };
        }),
      );
      for (const { remittanceId, cancels, approves, ms } of raced) {
        expect(new Set(cancels.filter((o) => o !== 'CANCELLED' && o !== 'CONFLICT NOT_CANCELLABLE'))).toEqual(new Set());
        expect(new Set(approves.filter((o) => o !== 'APPROVED' && o !== 'CONFLICT ALREADY_DECIDED'))).toEqual(new Set());
        expect(ms).toBeLessThan(BURST_BOUND_MS);
        const approved = approves.filter((o) => o === 'APPROVED').length;
        const cancelled = cancels.filter((o) => o === 'CANCELLED').length;
        // Cancelled before approval (the approvals find it decided), or approved first (and then maybe cancelled before its payout).
        expect(approved + cancelled).toBeGreaterThanOrEqual(1);
        expect(approved).toBeLessThanOrEqual(1);
        expect(cancelled).toBeLessThanOrEqual(1);
        const status = (await t.query('select status from remittances where id = $1', [remittanceId])).rows[0].status;
        if (approved === 0) expect(status).toBe('CANCELLED');
      }
      // Payouts started by the approvals settle before the ledger is checked (afterEach).
      for (const { remittanceId } of raced) {
        const status = (await t.query('select status from remittances where id = $1', [remittanceId])).rows[0].status;
        if (status !== 'CANCELLED') await waitForStatus(t, remittanceId, 'COMPLETED');
      }
    });

    it("cancel runs on its transaction's connection alone: the check never waits for a second one", async () => {
      const s = await setup({ funds: '5000.00' });
      const { remittanceId, approvalId } = await quoteAndCreate(t, s, '300.00');
      // A pool of one: whatever runs under the lock on another connection fails with knex's acquire timeout.
      const { ctx, close } = await oneConnectionContext(t, { userId: s.maker.id });
      try {
        expect((await cancelRemittance(ctx, remittanceId, 'Wrong amount')).status).toBe('CANCELLED');
      } finally {
        await close();
      }
      expect((await t.query('select status from approval_requests where id = $1', [approvalId])).rows[0].status).toBe('CANCELLED');
    });
  });

  it("streams status changes to the group's admins only", async () => {
    const s = await setup({ funds: '5000.00' });
    const operator = await createUser(t);
    await addUserToGroup(t, s.group, operator, 'OPERATOR');
    const SUB = 'subscription($g: ID!) { remittanceEvents(groupId: $g) { status remittance { id status } } }';
    const refused = collect(t.ws(operator.token), SUB, { g: s.group.id });
    const events = collect<{ remittanceEvents: { status: string } }>(t.ws(s.checker.token), SUB, { g: s.group.id });
    await waitForSubscribers(t.server, 'remittanceEvents', { g: s.group.id }); // the checker's: the operator's is refused
    const { remittanceId, approvalId } = await quoteAndCreate(t, s, '400.00');
    await t.gql(APPROVE, { id: approvalId }, s.checker.token);
    await waitForStatus(t, remittanceId, 'COMPLETED');
    await events.next(4);
    expect(events.results.map((r) => r.data?.remittanceEvents.status)).toEqual(['PENDING_APPROVAL', 'APPROVED', 'PROCESSING', 'COMPLETED']);
    await refused.next(1).catch(() => undefined);
    expect(JSON.stringify(refused.error ?? refused.results)).toContain('FORBIDDEN');
  });

  it('lists remittances newest first, filtered by status, recipient and time, page by page', async () => {
    const s = await setup({ funds: '10000.00' });
    const second = await t.gql<{ createRecipient: { id: string } }>(
      'mutation($input: CreateRecipientInput!) { createRecipient(input: $input) { id } }',
      { input: { groupId: s.group.id, name: 'Other', country: 'TR', currency: 'TRY', bankAccount: 'TR330006100519786457841326' } },
      s.group.admin.token,
    );
    const first = await quoteAndCreate(t, s, '100.00');
    const sent = await quoteAndCreate(t, s, '200.00');
    await t.gql(APPROVE, { id: sent.approvalId }, s.checker.token);
    await waitForStatus(t, sent.remittanceId, 'COMPLETED');
    const other = await quoteAndCreate(t, { ...s, recipientId: second.data!.createRecipient.id }, '300.00');
    const LIST = `query($g: ID!, $status: RemittanceStatus, $r: ID, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
      remittances(groupId: $g, status: $status, recipientId: $r, from: $from, to: $to, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id status recipient { name } sendAmount { amount } } } } }`;
    type List = { remittances: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string; status: string } }[] } };
    const ids = async (variables: Record<string, unknown>) => (await t.gql<List>(LIST, { g: s.group.id, ...variables }, s.group.admin.token)).data!.remittances.edges.map((e) => e.node.id);
    expect(await ids({})).toEqual([other.remittanceId, sent.remittanceId, first.remittanceId]);
    expect(await ids({ status: 'COMPLETED' })).toEqual([sent.remittanceId]);
    expect(await ids({ r: s.recipientId })).toEqual([sent.remittanceId, first.remittanceId]);
    expect(await ids({ from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(await ids({ to: new Date(Date.now() + 60_000).toISOString(), first: 1 })).toEqual([other.remittanceId]);
    const page1 = await t.gql<List>(LIST, { g: s.group.id, first: 2 }, s.group.admin.token);
    expect(page1.data!.remittances).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    expect(await ids({ first: 2, after: page1.data!.remittances.pageInfo.endCursor })).toEqual([first.remittanceId]);
    for (const bad of [{ first: 101 }, { r: 'nope' }, { after: 'garbage' }, { from: new Date().toISOString(), to: new Date(0).toISOString() }]) {
      expect(codeOf(await t.gql(LIST, { g: s.group.id, ...bad }, s.group.admin.token))).toBe('BAD_USER_INPUT');
    }
  });
});

describe('the recipient the approver saw is the one paid', () => {
  const UPDATE = 'mutation($id: ID!, $input: UpdateRecipientInput!) { updateRecipient(id: $id, input: $input) { bankAccountMasked country notes } }';
  const DELETE = 'mutation($id: ID!) { deleteRecipient(id: $id) { id } }';
  const CANCEL = 'mutation($id: ID!) { cancelRemittance(id: $id) { status } }';
  const OTHER_RS_ACCOUNT = 'RS35105008123123121379'; // the same last four digits as RAW_ACCOUNT: *****1379 on the card either way
  const reasonOf = (response: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => (response.errors ? `${response.errors[0].extensions?.code} ${response.errors[0].extensions?.reason}` : 'ok');

  it('refuses to change where the money goes, or to delete the recipient, while a remittance to them waits; notes may change', async () => {
    const s = await setup({ funds: '5000.00' });
    const { remittanceId, approvalId } = await quoteAndCreate(t, s, '1000.00');
    const moves = [
      { country: 'DE', currency: 'EUR', bankAccount: 'DE89 3704 0044 0532 0130 00' },
      { bankAccount: OTHER_RS_ACCOUNT },
      { name: 'Someone Else' },
      { bankName: 'Another Bank' },
      { swiftCode: 'AIKBRS22' },
    ];
    for (const input of moves) {
      const response = await t.gql(UPDATE, { id: s.recipientId, input }, s.group.admin.token);
      expect({ input, extensions: response.errors?.[0].extensions }).toEqual({ input, extensions: expect.objectContaining({ code: 'CONFLICT', reason: 'RECIPIENT_IN_USE', remittanceId, remittanceStatus: 'PENDING_APPROVAL' }) });
      expect(response.errors?.[0].message).toContain(remittanceId);
    }
    const deleted = await t.gql(DELETE, { id: s.recipientId }, s.group.admin.token);
    expect(deleted.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'RECIPIENT_IN_USE', remittanceId });
    // Notes, and the same details again, change nothing about where the money goes.
    const notes = await t.gql<{ updateRecipient: { notes: string; bankAccountMasked: string } }>(UPDATE, { id: s.recipientId, input: { notes: 'Rent', bankName: 'Banka Intesa', bankAccount: RAW_ACCOUNT } }, s.group.admin.token);
    expect(notes.data?.updateRecipient).toMatchObject({ notes: 'Rent', bankAccountMasked: '*****1379' });

    const submit = jest.spyOn(payoutProviderFor(t.config.remittances), 'submit');
    try {
      await t.gql(APPROVE, { id: approvalId }, s.checker.token);
      await waitForStatus(t, remittanceId, 'COMPLETED');
      expect(submit).toHaveBeenCalledTimes(1);
      expect(submit.mock.calls[0][0].recipient).toEqual({ name: 'Marko Marković', country: 'RS', bankAccount: RAW_ACCOUNT, bankName: 'Banka Intesa', swiftCode: null });
    } finally {
      submit.mockRestore();
    }
    // Settled: the recipient is free to change again.
    const later = await t.gql<{ updateRecipient: { bankAccountMasked: string } }>(UPDATE, { id: s.recipientId, input: { country: 'DE', currency: 'EUR', bankAccount: 'DE89370400440532013000' } }, s.group.admin.token);
    expect(later.data?.updateRecipient.bankAccountMasked).toBe('*****3000');
  });

  it('refuses, as stale, to approve a remittance whose recipient changed behind the guard; nothing is reserved', async () => {
    const s = await setup({ funds: '5000.00' });
    const { remittanceId, approvalId } = await quoteAndCreate(t, s, '1000.00');
    const approve = async () => reasonOf(await t.gql(APPROVE, { id: approvalId }, s.checker.token));
    const original = (await t.query('select * from remittance_recipients where id = $1', [s.recipientId])).rows[0];
    const restore = () =>
      t.query('update remittance_recipients set name = $2, country = $3, currency = $4, bank_account_encrypted = $5, bank_account_last4 = $6, deleted_at = null where id = $1', [
        s.recipientId,
        original.name,
        original.country,
        original.currency,
        original.bank_account_encrypted,
        original.bank_account_last4,
      ]);
    const changes: [string, string, unknown[]][] = [
      ['another account, same last four digits', 'update remittance_recipients set bank_account_encrypted = $2 where id = $1', [encryptSecret(OTHER_RS_ACCOUNT, t.config.encryptionKey)]],
      ['another country and currency', "update remittance_recipients set country = 'DE', currency = 'EUR', bank_account_last4 = '3000', bank_account_encrypted = $2 where id = $1", [encryptSecret('DE89370400440532013000', t.config.encryptionKey)]],
      ['another name', "update remittance_recipients set name = 'Mallory' where id = $1", []],
      ['deleted', 'update remittance_recipients set deleted_at = now() where id = $1', []],
    ];
    for (const [what, sql, extra] of changes) {
      await t.query(sql, [s.recipientId, ...extra]);
      expect({ what, outcome: await approve() }).toEqual({ what, outcome: 'CONFLICT STALE_REQUEST' });
      await restore();
    }
    expect((await t.query('select status, ledger_transaction_id from remittances where id = $1', [remittanceId])).rows[0]).toEqual({ status: 'PENDING_APPROVAL', ledger_transaction_id: null });
    expect((await t.query('select status from approval_requests where id = $1', [approvalId])).rows[0].status).toBe('PENDING');
    expect(await cashPosition(s)).toBe('5000.00');
    // As it was when asked: approvable.
    expect(await approve()).toBe('ok');
    await waitForStatus(t, remittanceId, 'COMPLETED');
  });

  it('refuses a quote taken before the recipient changed', async () => {
    const s = await setup({ funds: '5000.00' });
    const quoteFor = async () => (await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '1000.00' }, s.maker.token)).data!.remittanceQuote.id;
    const old = await quoteFor();
    const moved = await t.gql(UPDATE, { id: s.recipientId, input: { country: 'PL', currency: 'PLN', bankAccount: 'PL61109010140000071219812874' } }, s.group.admin.token);
    expect(moved.errors).toBeUndefined();
    const stale = await t.gql(CREATE, { q: old, k: 'old-quote' }, s.maker.token);
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'QUOTE_RECIPIENT_CHANGED', quoted: { currency: 'RSD' }, recipient: { country: 'PL', currency: 'PLN' } });
    // Changed where updateRecipient does not look (straight in the database): the currency tells.
    const plnQuote = await quoteFor();
    await t.query("update remittance_recipients set country = 'RS', currency = 'RSD' where id = $1", [s.recipientId]);
    expect(reasonOf(await t.gql(CREATE, { q: plnQuote, k: 'pln-quote' }, s.maker.token))).toBe('CONFLICT QUOTE_RECIPIENT_CHANGED');
    expect(Number((await t.query('select count(*) from remittances where group_id = $1', [s.group.id])).rows[0].count)).toBe(0);
    // A fresh quote prices the recipient as they are.
    const fresh = await t.gql<{ createRemittance: { approval: { id: string } } }>(CREATE, { q: await quoteFor(), k: 'fresh' }, s.maker.token);
    const card = await t.gql<{ approval: { proposedData: { input: Record<string, unknown> } } }>('query($id: ID!) { approval(id: $id) { proposedData } }', { id: fresh.data!.createRemittance.approval.id }, s.checker.token);
    expect(card.data?.approval.proposedData.input).toMatchObject({ country: 'RS', account: '*****2874', receives: { currency: 'RSD' } });
    await t.gql(APPROVE, { id: fresh.data!.createRemittance.approval.id }, s.checker.token);
    await waitForStatus(t, (await t.query('select id from remittances where group_id = $1', [s.group.id])).rows[0].id, 'COMPLETED');
  });

  it('an account edit and a remittance at the same moment: exactly one wins, and the approval shows the account that is paid', async () => {
    const s = await setup({ funds: '50000.00' });
    for (let round = 0; round < 6; round += 1) {
      const quote = await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: '500.00' }, s.maker.token);
      const account = `RS3526000560100161${1000 + round}`;
      const [update, create] = await Promise.all([
        t.gql(UPDATE, { id: s.recipientId, input: { bankAccount: account } }, s.group.admin.token),
        t.gql<{ createRemittance: { remittance: { id: string }; approval: { id: string } } }>(CREATE, { q: quote.data!.remittanceQuote.id, k: `race-${round}` }, s.maker.token),
      ]);
      const outcomes = [reasonOf(update), reasonOf(create)];
      expect([['ok', 'CONFLICT QUOTE_RECIPIENT_CHANGED'], ['CONFLICT RECIPIENT_IN_USE', 'ok']]).toContainEqual(outcomes);
      if (!create.data?.createRemittance) continue;
      const card = await t.gql<{ approval: { proposedData: { input: { account: string } } } }>('query($id: ID!) { approval(id: $id) { proposedData } }', { id: create.data.createRemittance.approval.id }, s.checker.token);
      const now = await t.gql<{ recipient: { bankAccountMasked: string } }>('query($id: ID!) { recipient(id: $id) { bankAccountMasked } }', { id: s.recipientId }, s.group.admin.token);
      expect(card.data?.approval.proposedData.input.account).toBe(now.data?.recipient.bankAccountMasked);
      expect(reasonOf(await t.gql(CANCEL, { id: create.data.createRemittance.remittance.id }, s.maker.token))).toBe('ok');
    }
  });

  it('refuses to approve once the quote stopped holding its rate, and reserves nothing', async () => {
    const s = await setup({ funds: '5000.00' });
    const { remittanceId, approvalId, quote } = await quoteAndCreate(t, s, '1000.00');
    await t.query(`update remittance_quotes set expires_at = now() - interval '1 second' where id = $1`, [quote.id]);
    const late = await t.gql(APPROVE, { id: approvalId }, s.checker.token);
    expect(late.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'QUOTE_EXPIRED', quoteExpiredAt: expect.any(String) });
    expect(late.errors?.[0].message).toMatch(/ask for a new quote/);
    expect((await t.query('select status, ledger_transaction_id, approved_at from remittances where id = $1', [remittanceId])).rows[0]).toEqual({ status: 'PENDING_APPROVAL', ledger_transaction_id: null, approved_at: null });
    expect((await t.query('select status from approval_requests where id = $1', [approvalId])).rows[0].status).toBe('PENDING');
    expect((await t.query('select count(*)::int as n from transactions where group_id = $1 and category = $2', [s.group.id, 'REMITTANCE'])).rows[0].n).toBe(0);
    expect(await cashPosition(s)).toBe('5000.00');
    const rejected = await t.gql<{ reject: { status: string } }>('mutation($id: ID!) { reject(id: $id) { status } }', { id: approvalId }, s.checker.token);
    expect(rejected.data?.reject.status).toBe('REJECTED');
  });
});
