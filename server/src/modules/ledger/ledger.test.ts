import { ADD_MEMBER, addUserToGroup, codeOf, createGroup, createUser, TestGroup, TestUser, uniqueEmail } from '../../../test/support/factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { oneConnectionContext } from '../../../test/support/one-connection';
import { BURST_BOUND_MS, clickInParallel, outcomeOf } from '../../../test/support/parallel-clicks';
import { statementsDuring } from '../../../test/support/statements';
import { collect, startTestServer, TestServer } from '../../../test/support/test-server';
import { waitForSubscribers } from '../../../test/support/ws-helpers';
import { deleteTransaction, updateTransaction } from './ledger.service';

const RECORD = `mutation($input: RecordTransactionInput!) {
  recordTransaction(input: $input) {
    pendingApproval replayed
    transaction { id type category approvalStatus approvalSource receiptNumber amount { amount currency } groupAmount { amount currency } fxRate senderBankAccountMasked }
  }
}`;
const BALANCE = `query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } accounts { code kind balance { amount } } } }`;

interface Recorded {
  recordTransaction: {
    pendingApproval: boolean;
    replayed: boolean;
    transaction: { id: string; approvalStatus: string; approvalSource: string; receiptNumber: string | null; amount: { amount: string; currency: string }; groupAmount: { amount: string; currency: string }; fxRate: string | null; senderBankAccountMasked: string | null };
  };
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const cashIn = (group: TestGroup, amount: string, extra: Record<string, unknown> = {}) => ({
  groupId: group.id,
  type: 'CASH_IN',
  category: 'DONATION',
  amount: { amount, currency: 'INR' },
  paymentMode: 'CASH',
  ...extra,
});

async function record(group: TestGroup, input: Record<string, unknown>, token = group.admin.token) {
  return t.gql<Recorded>(RECORD, { input }, token);
}

async function balances(group: TestGroup): Promise<Record<string, string>> {
  const response = await t.gql<{ groupBalance: { cashPosition: { amount: string }; accounts: { code: string; balance: { amount: string } }[] } }>(BALANCE, { g: group.id }, group.admin.token);
  return { CASH_POSITION: response.data!.groupBalance.cashPosition.amount, ...Object.fromEntries(response.data!.groupBalance.accounts.map((a) => [a.code, a.balance.amount])) };
}

async function withOperator(group: TestGroup): Promise<TestUser> {
  const operator = await createUser(t);
  await addUserToGroup(t, group, operator, 'OPERATOR');
  return operator;
}

describe('recording', () => {
  it("posts an admin's money in at once: balanced entries, a receipt number, balances derived from entries", async () => {
    const group = await createGroup(t);
    const response = await record(group, cashIn(group, '1500.50', { senderBankAccount: '0012 3456 7890' }));
    expect(response.errors).toBeUndefined();
    const { transaction, pendingApproval } = response.data!.recordTransaction;
    const year = new Date().getUTCFullYear();
    expect(pendingApproval).toBe(false);
    expect(transaction).toMatchObject({ approvalStatus: 'APPROVED', approvalSource: 'ADMIN_DIRECT', receiptNumber: `R-${year}-000001`, amount: { amount: '1500.50', currency: 'INR' }, senderBankAccountMasked: 'XXXX7890' });
    const entries = await t.query('select amount_minor::text as amount from ledger_entries where transaction_id = $1 order by amount_minor', [transaction.id]);
    expect(entries.rows.map((r) => r.amount)).toEqual(['-150050', '150050']);
    expect(await balances(group)).toEqual({ CASH_POSITION: '1500.50', CASH: '1500.50', INCOME_DONATION: '-1500.50' });
    const second = await record(group, { ...cashIn(group, '10'), paymentMode: 'UPI' });
    expect(second.data?.recordTransaction.transaction.receiptNumber).toBe(`R-${year}-000002`);
    const spend = await record(group, { ...cashIn(group, '200'), type: 'CASH_OUT', category: 'EXPENSE' });
    expect(spend.data?.recordTransaction.transaction.receiptNumber).toBeNull();
    expect(await balances(group)).toEqual({ CASH_POSITION: '1310.50', BANK: '10.00', CASH: '1300.50', EXPENSE_EXPENSE: '200.00', INCOME_DONATION: '-1510.50' });
  });

  it("keeps an operator's transaction pending, without entries or receipt, and tells them so", async () => {
    const group = await createGroup(t);
    const operator = await withOperator(group);
    const response = await record(group, cashIn(group, '300'), operator.token);
    expect(response.data?.recordTransaction).toMatchObject({ pendingApproval: true, transaction: { approvalStatus: 'PENDING', approvalSource: 'MANUAL', receiptNumber: null } });
    const entries = await t.query('select count(*)::int as n from ledger_entries where transaction_id = $1', [response.data!.recordTransaction.transaction.id]);
    expect(entries.rows[0].n).toBe(0);
    expect(await balances(group)).toEqual({ CASH_POSITION: '0.00' });
  });

  it("holds even an admin's transaction above the group's approval threshold", async () => {
    const group = await createGroup(t, undefined, { approvalThreshold: { amount: '10000', currency: 'INR' } });
    expect((await record(group, cashIn(group, '10000'))).data?.recordTransaction.pendingApproval).toBe(false);
    expect((await record(group, cashIn(group, '10000.01'))).data?.recordTransaction.pendingApproval).toBe(true);
  });

  it('refuses bad amounts field by field and writes nothing', async () => {
    const group = await createGroup(t);
    const before = await t.query('select count(*)::int as n from transactions');
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ amount: { amount: '0', currency: 'INR' } }, { 'amount.amount': 'Amount must be greater than zero' }],
      [{ amount: { amount: '-5', currency: 'INR' } }, { 'amount.amount': 'Amount must be greater than zero' }],
      [{ amount: { amount: '1.005', currency: 'INR' } }, { 'amount.amount': 'INR allows at most 2 decimal places' }],
      [{ amount: { amount: '99999999999999999999', currency: 'INR' } }, { 'amount.amount': 'Amount is too large' }],
      [{ amount: { amount: '10', currency: 'USD' } }, { fxRate: 'Give the rate to INR: the amount is in USD' }],
      [{ amount: { amount: '10', currency: 'ZZZ' } }, { 'amount.currency': 'Use an ISO 4217 code such as INR' }],
      [{ memberId: '00000000-0000-4000-8000-000000000000' }, { memberId: 'No active member of this group has this id' }],
    ];
    for (const [override, fields] of cases) {
      const response = await record(group, { ...cashIn(group, '10'), ...override });
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].extensions?.fields).toEqual(fields);
    }
    // Wrong GraphQL types never reach the service.
    expect(codeOf(await record(group, { ...cashIn(group, '10'), amount: { amount: 10, currency: 'INR' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await record(group, { ...cashIn(group, '10'), type: 'CASH_SIDEWAYS' }))).toBe('BAD_USER_INPUT');
    const after = await t.query('select count(*)::int as n from transactions');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('names fxRate, the field given, in every error about the exchange rate, on record and on correction', async () => {
    const group = await createGroup(t);
    const foreign = (fxRate: string) => ({ ...cashIn(group, '10'), amount: { amount: '10', currency: 'USD' }, fxRate });
    const badRates = ['0', '0.000', '-83', '1e2', ' ', '83,12', '9'.repeat(17), `1.${'0'.repeat(12)}1`, `${'9'.repeat(16)}.5`, `1.${'0'.repeat(40)}1`];
    const recorded: Record<string, unknown> = {};
    for (const fxRate of badRates) {
      const response = await record(group, foreign(fxRate));
      recorded[fxRate] = { code: codeOf(response), fields: Object.keys(response.errors?.[0].extensions?.fields ?? {}) };
    }
    expect(recorded).toEqual(Object.fromEntries(badRates.map((rate) => [rate, { code: 'BAD_USER_INPUT', fields: ['fxRate'] }])));
    // A rate that converts 10 USD to more than a bigint of paise holds.
    const tooLarge = await record(group, { ...foreign('9999999999999999'), amount: { amount: '99999999999', currency: 'USD' } });
    expect(tooLarge.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { fxRate: 'Converted amount is too large' } });
    expect((await t.query('select count(*)::int as n from transactions where group_id = $1', [group.id])).rows[0].n).toBe(0);

    const original = (await record(group, foreign('83.12'))).data!.recordTransaction.transaction;
    const corrected = await t.gql('mutation($id: ID!, $input: UpdateTransactionInput!) { updateTransaction(id: $id, input: $input) { pendingApproval } }', { id: original.id, input: { amount: { amount: '12', currency: 'USD' }, fxRate: '-1' } }, group.admin.token);
    expect(corrected.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { fxRate: expect.any(String) } });
    expect(Object.keys(corrected.errors?.[0].extensions?.fields ?? {})).toEqual(['fxRate']);
  });

  it('takes occurredAt from 2000-01-01 to now, on record and on correction', async () => {
    const group = await createGroup(t);
    const outcomes: Record<string, unknown> = {};
    for (const occurredAt of ['0001-01-01T00:00:00Z', '1999-12-31T23:59:59.999Z', new Date(Date.now() + 86_400_000).toISOString()]) {
      const response = await record(group, cashIn(group, '10', { occurredAt }));
      outcomes[occurredAt] = { code: codeOf(response), fields: Object.keys(response.errors?.[0].extensions?.fields ?? {}) };
    }
    expect(Object.values(outcomes)).toEqual(Array(3).fill({ code: 'BAD_USER_INPUT', fields: ['occurredAt'] }));
    expect((await record(group, cashIn(group, '10', { occurredAt: '0001-01-01T00:00:00Z' }))).errors?.[0].extensions?.fields).toEqual({ occurredAt: 'Must not be before 2000-01-01' });
    const oldest = await record(group, cashIn(group, '10', { occurredAt: '2000-01-01T00:00:00.000Z' }));
    expect(oldest.errors).toBeUndefined();
    const corrected = await t.gql(
      'mutation($id: ID!, $input: UpdateTransactionInput!) { updateTransaction(id: $id, input: $input) { pendingApproval } }',
      { id: oldest.data!.recordTransaction.transaction.id, input: { occurredAt: '1970-01-01T00:00:00Z' } },
      group.admin.token,
    );
    expect(corrected.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { occurredAt: 'Must not be before 2000-01-01' } });
  });

  it('converts a foreign amount with the given rate, exactly', async () => {
    const group = await createGroup(t);
    const response = await record(group, { ...cashIn(group, '100.00'), amount: { amount: '100.00', currency: 'USD' }, fxRate: '83.1234', category: 'SPONSORSHIP' });
    expect(response.data?.recordTransaction.transaction).toMatchObject({ amount: { amount: '100.00', currency: 'USD' }, groupAmount: { amount: '8312.34', currency: 'INR' }, fxRate: '83.1234' });
    expect((await balances(group)).INCOME_SPONSORSHIP).toBe('-8312.34');
  });

  it('stores amounts above 2^31 minor units exactly', async () => {
    const group = await createGroup(t);
    const response = await record(group, cashIn(group, '123456789012.34'));
    expect(response.data?.recordTransaction.transaction.amount.amount).toBe('123456789012.34');
    expect((await balances(group)).CASH).toBe('123456789012.34');
  });

  it('gives concurrent approvals distinct, gap-free receipt numbers', async () => {
    const group = await createGroup(t);
    const results = await Promise.all(Array.from({ length: 10 }, () => record(group, cashIn(group, '1'))));
    const numbers = results.map((r) => Number(r.data!.recordTransaction.transaction.receiptNumber!.split('-')[2])).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('idempotency', () => {
  it('replays the first answer for the same key and input, refuses a different input', async () => {
    const group = await createGroup(t);
    const input = cashIn(group, '250', { idempotencyKey: 'till-2026-11-21-001' });
    const first = await record(group, input);
    const again = await record(group, input);
    expect(again.data?.recordTransaction.replayed).toBe(true);
    expect(again.data?.recordTransaction.transaction.id).toBe(first.data?.recordTransaction.transaction.id);
    const different = await record(group, { ...input, amount: { amount: '251', currency: 'INR' } });
    expect(different.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await balances(group)).CASH).toBe('250.00');
  });

  it('executes concurrent requests with one key once', async () => {
    const group = await createGroup(t);
    const input = cashIn(group, '99', { idempotencyKey: 'double-click' });
    const results = await Promise.all(Array.from({ length: 8 }, () => record(group, input)));
    expect(results.map(codeOf).filter(Boolean)).toEqual([]);
    expect(new Set(results.map((r) => r.data!.recordTransaction.transaction.id)).size).toBe(1);
    expect(results.filter((r) => !r.data!.recordTransaction.replayed)).toHaveLength(1);
    const count = await t.query('select count(*)::int as n from transactions where group_id = $1', [group.id]);
    expect(count.rows[0].n).toBe(1);
  });
});

describe('corrections', () => {
  const UPDATE = 'mutation($id: ID!, $input: UpdateTransactionInput!) { updateTransaction(id: $id, input: $input) { pendingApproval approval { id } transaction { id approvalStatus amount { amount } reverses { id } } } }';
  const DELETE = 'mutation($id: ID!) { deleteTransaction(id: $id) { pendingApproval approval { id } transaction { id reversedBy { id amount { amount } reverses { id } } } } }';

  it('corrects an approved transaction with a reversal and a new one, never in place', async () => {
    const group = await createGroup(t);
    const original = (await record(group, cashIn(group, '500'))).data!.recordTransaction.transaction;
    const corrected = await t.gql<{ updateTransaction: { transaction: { id: string; approvalStatus: string; amount: { amount: string } } } }>(UPDATE, { id: original.id, input: { amount: { amount: '450', currency: 'INR' } } }, group.admin.token);
    expect(corrected.errors).toBeUndefined();
    expect(corrected.data?.updateTransaction.transaction).toMatchObject({ approvalStatus: 'APPROVED', amount: { amount: '450.00' } });
    expect(corrected.data?.updateTransaction.transaction.id).not.toBe(original.id);
    const stored = await t.query('select amount_minor::text as amount, reversed_by_id from transactions where id = $1', [original.id]);
    expect(stored.rows[0].amount).toBe('50000');
    expect(stored.rows[0].reversed_by_id).not.toBeNull();
    expect(await balances(group)).toMatchObject({ CASH: '450.00', INCOME_DONATION: '-450.00' });
    const again = await t.gql(UPDATE, { id: original.id, input: { description: 'twice' } }, group.admin.token);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_REVERSED' });
  });

  it('deletes an approved transaction by reversing it; balances return to zero; history stays', async () => {
    const group = await createGroup(t);
    const original = (await record(group, cashIn(group, '75'))).data!.recordTransaction.transaction;
    const deleted = await t.gql<{ deleteTransaction: { transaction: { reversedBy: { amount: { amount: string }; reverses: { id: string } } } } }>(DELETE, { id: original.id }, group.admin.token);
    expect(deleted.data?.deleteTransaction.transaction.reversedBy).toMatchObject({ amount: { amount: '75.00' }, reverses: { id: original.id } });
    expect(await balances(group)).toMatchObject({ CASH: '0.00', INCOME_DONATION: '0.00' });
    const rows = await t.query('select count(*)::int as n from transactions where group_id = $1', [group.id]);
    expect(rows.rows[0].n).toBe(2);
    const totals = await t.gql<{ transactions: { totalCount: number; totals: { cashIn: { amount: string }; net: { amount: string } } } }>(
      'query($g: ID!) { transactions(groupId: $g) { totalCount totals { cashIn { amount } net { amount } } } }',
      { g: group.id },
      group.admin.token,
    );
    expect(totals.data?.transactions).toEqual({ totalCount: 2, totals: { cashIn: { amount: '0.00' }, net: { amount: '0.00' } } });
    expect(codeOf(await t.gql(DELETE, { id: original.id }, group.admin.token))).toBe('CONFLICT');
  });

  it('lets only one of two concurrent corrections reverse a transaction', async () => {
    const group = await createGroup(t);
    const original = (await record(group, cashIn(group, '40'))).data!.recordTransaction.transaction;
    const results = await Promise.all([
      t.gql(UPDATE, { id: original.id, input: { amount: { amount: '41', currency: 'INR' } } }, group.admin.token),
      t.gql(DELETE, { id: original.id }, group.admin.token),
    ]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.map(codeOf).filter(Boolean)).toEqual(['CONFLICT']);
    const reversals = await t.query('select count(*)::int as n from transactions where reverses_id = $1', [original.id]);
    expect(reversals.rows[0].n).toBe(1);
  });

  it("turns an operator's correction or deletion into a request and changes nothing yet", async () => {
    const group = await createGroup(t);
    const operator = await withOperator(group);
    const original = (await record(group, cashIn(group, '40'))).data!.recordTransaction.transaction;
    type Change = { pendingApproval: boolean; approval: { id: string } | null; transaction: { id: string } };
    const update = await t.gql<{ updateTransaction: Change }>(UPDATE, { id: original.id, input: { amount: { amount: '400', currency: 'INR' } } }, operator.token);
    expect(update.data?.updateTransaction).toMatchObject({ pendingApproval: true, approval: { id: expect.any(String) }, transaction: { id: original.id } });
    const remove = await t.gql<{ deleteTransaction: Change }>(DELETE, { id: original.id }, operator.token);
    expect(remove.data?.deleteTransaction.pendingApproval).toBe(true);
    expect(await balances(group)).toMatchObject({ CASH: '40.00' });
    const reversals = await t.query('select count(*)::int as n from transactions where reverses_id = $1', [original.id]);
    expect(reversals.rows[0].n).toBe(0);
  });
});

describe('many clicks on a correction at once', () => {
  type Change = { transaction: { id: string; reversedBy: { id: string } | null } };
  const UPDATE = 'mutation($id: ID!, $input: UpdateTransactionInput!) { updateTransaction(id: $id, input: $input) { transaction { id reversedBy { id } } } }';
  const DELETE = 'mutation($id: ID!) { deleteTransaction(id: $id) { transaction { id reversedBy { id } } } }';

  async function expectReversedOnceByOneClick(burst: Awaited<ReturnType<typeof clickInParallel>>, outcomes: string[], success: string, group: TestGroup, originalId: string): Promise<void> {
    expect(outcomes).toEqual([...Array.from({ length: burst.clicks.length - 1 }, () => 'CONFLICT ALREADY_REVERSED'), success].sort());
    expect(burst.totalMs).toBeLessThan(BURST_BOUND_MS);
    expect(burst.healthStatus).toBe(200);
    const reversals = await t.query('select count(*)::int as n from transactions where reverses_id = $1', [originalId]);
    expect(reversals.rows[0].n).toBe(1);
    await assertLedgerReconciles(t, [{ groupId: group.id, token: group.admin.token }]);
  }

  it('delete reverses the transaction once; every other click is CONFLICT ALREADY_REVERSED at once, and the server stays responsive', async () => {
    const group = await createGroup(t);
    const original = (await record(group, cashIn(group, '60'))).data!.recordTransaction.transaction;
    // More clicks than the database pool has connections (10).
    const burst = await clickInParallel(t, 15, DELETE, { id: original.id }, group.admin.token);
    const outcomes = burst.clicks.map((click) => outcomeOf(click, (data) => ((data.deleteTransaction as Change).transaction.reversedBy ? 'REVERSED' : 'UNCHANGED'))).sort();
    await expectReversedOnceByOneClick(burst, outcomes, 'REVERSED', group, original.id);
    expect(await balances(group)).toMatchObject({ CASH: '0.00', INCOME_DONATION: '0.00' });
  });

  it('a correction is recorded once; every other click is CONFLICT ALREADY_REVERSED at once, and the server stays responsive', async () => {
    const group = await createGroup(t);
    const original = (await record(group, cashIn(group, '60'))).data!.recordTransaction.transaction;
    const burst = await clickInParallel(t, 15, UPDATE, { id: original.id, input: { amount: { amount: '65', currency: 'INR' } } }, group.admin.token);
    const outcomes = burst.clicks.map((click) => outcomeOf(click, (data) => ((data.updateTransaction as Change).transaction.id !== original.id ? 'CORRECTED' : 'UNCHANGED'))).sort();
    await expectReversedOnceByOneClick(burst, outcomes, 'CORRECTED', group, original.id);
    expect(await balances(group)).toMatchObject({ CASH: '65.00', INCOME_DONATION: '-65.00' });
  });

  it("correct and delete on their transaction's connection alone: the checks and the change never wait for a second one", async () => {
    const group = await createGroup(t);
    const approved = (await record(group, cashIn(group, '70'))).data!.recordTransaction.transaction;
    const deleted = (await record(group, cashIn(group, '80'))).data!.recordTransaction.transaction;
    const operator = await withOperator(group);
    const pending = (await record(group, cashIn(group, '90'), operator.token)).data!.recordTransaction.transaction;
    // A pool of one: whatever runs under the lock on another connection fails with knex's acquire timeout.
    const { ctx, close } = await oneConnectionContext(t, { userId: group.admin.id });
    try {
      expect((await updateTransaction(ctx, approved.id, { amount: { amount: '75', currency: 'INR' } })).transaction.amountMinor).toBe(7500n);
      expect((await updateTransaction(ctx, pending.id, { description: 'Counted again' })).transaction.description).toBe('Counted again');
      expect((await deleteTransaction(ctx, deleted.id)).transaction.reversedBy).not.toBeNull();
    } finally {
      await close();
    }
    expect(await balances(group)).toMatchObject({ CASH: '75.00', INCOME_DONATION: '-75.00' });
  });
});

describe('the ledger in the database', () => {
  it('refuses to update, delete or truncate entries', async () => {
    const group = await createGroup(t);
    const txn = (await record(group, cashIn(group, '10'))).data!.recordTransaction.transaction;
    await expect(t.query('update ledger_entries set amount_minor = 1 where transaction_id = $1', [txn.id])).rejects.toThrow(/append-only: UPDATE/);
    await expect(t.query('delete from ledger_entries where transaction_id = $1', [txn.id])).rejects.toThrow(/append-only: DELETE/);
    await expect(t.query('truncate ledger_entries cascade')).rejects.toThrow(/append-only: TRUNCATE/);
    const entries = await t.query('select amount_minor::text as amount from ledger_entries where transaction_id = $1 order by amount_minor', [txn.id]);
    expect(entries.rows.map((r) => r.amount)).toEqual(['-1000', '1000']);
  });

  it('refuses at commit a posting whose entries do not sum to zero', async () => {
    const group = await createGroup(t);
    const txn = (await record(group, cashIn(group, '10'))).data!.recordTransaction.transaction;
    const account = await t.query(`select id from ledger_accounts where group_id = $1 and code = 'CASH'`, [group.id]);
    await t.query('begin');
    await t.query(`insert into ledger_entries (id, transaction_id, account_id, amount_minor, created_at) values (gen_random_uuid(), $1, $2, 5, now())`, [txn.id, account.rows[0].id]);
    await expect(t.query('commit')).rejects.toThrow(/sum to 5, not zero/);
    expect((await balances(group)).CASH).toBe('10.00');
  });
});

describe('who sees what', () => {
  it('shows members only their own transactions, hides everything from outsiders', async () => {
    const group = await createGroup(t);
    const memberUser = await createUser(t);
    const memberId = await addUserToGroup(t, group, memberUser, 'MEMBER');
    const mine = (await record(group, cashIn(group, '12', { memberId }))).data!.recordTransaction.transaction;
    const other = (await record(group, cashIn(group, '13'))).data!.recordTransaction.transaction;
    const LIST = 'query($g: ID!) { transactions(groupId: $g) { totalCount edges { node { id } } } }';
    const seen = await t.gql<{ transactions: { totalCount: number; edges: { node: { id: string } }[] } }>(LIST, { g: group.id }, memberUser.token);
    expect(seen.data?.transactions.edges.map((e) => e.node.id)).toEqual([mine.id]);
    expect(codeOf(await t.gql('query($id: ID!) { transaction(id: $id) { id } }', { id: other.id }, memberUser.token))).toBe('NOT_FOUND');
    expect(codeOf(await record(group, cashIn(group, '1'), memberUser.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(BALANCE, { g: group.id }, memberUser.token))).toBe('FORBIDDEN');
    const outsider = await createUser(t);
    expect(codeOf(await t.gql(LIST, { g: group.id }, outsider.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('query($id: ID!) { transaction(id: $id) { id } }', { id: mine.id }, outsider.token))).toBe('NOT_FOUND');
  });

  it('filters and pages newest first with totals for the whole filter', async () => {
    const group = await createGroup(t);
    for (const [amount, category] of [['10', 'DONATION'], ['20', 'SPONSORSHIP'], ['30', 'DONATION'], ['40', 'DONATION']] as const) {
      await record(group, { ...cashIn(group, amount), category });
    }
    const LIST = 'query($g: ID!, $c: TransactionCategory, $after: String) { transactions(groupId: $g, category: $c, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } totals { cashIn { amount } } edges { node { amount { amount } } } } }';
    type List = { transactions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; totals: { cashIn: { amount: string } }; edges: { node: { amount: { amount: string } } }[] } };
    const page1 = await t.gql<List>(LIST, { g: group.id, c: 'DONATION' }, group.admin.token);
    expect(page1.data?.transactions).toMatchObject({ totalCount: 3, totals: { cashIn: { amount: '80.00' } }, pageInfo: { hasNextPage: true } });
    expect(page1.data?.transactions.edges.map((e) => e.node.amount.amount)).toEqual(['40.00', '30.00']);
    const page2 = await t.gql<List>(LIST, { g: group.id, c: 'DONATION', after: page1.data!.transactions.pageInfo.endCursor }, group.admin.token);
    expect(page2.data?.transactions.edges.map((e) => e.node.amount.amount)).toEqual(['10.00']);
  });

  it('combines every filter (type, status, member, from/to) for the page, its count and its totals, and counts a page past the end', async () => {
    const group = await createGroup(t);
    const operator = await withOperator(group);
    const memberUser = await createUser(t);
    const memberId = await addUserToGroup(t, group, memberUser, 'MEMBER');
    await record(group, cashIn(group, '10', { memberId, occurredAt: '2026-01-10T00:00:00.000Z' }));
    await record(group, cashIn(group, '20', { memberId, occurredAt: '2026-02-10T00:00:00.000Z' }));
    await record(group, cashIn(group, '30', { occurredAt: '2026-02-11T00:00:00.000Z' }));
    await record(group, { ...cashIn(group, '40', { memberId, occurredAt: '2026-02-12T00:00:00.000Z' }), type: 'CASH_OUT', category: 'EXPENSE' });
    // An operator's transaction waits for approval: PENDING.
    await record(group, cashIn(group, '50', { memberId, occurredAt: '2026-02-13T00:00:00.000Z' }), operator.token);
    const LIST = `query($g: ID!, $type: TransactionType, $status: ApprovalStatus, $m: ID, $from: DateTime, $to: DateTime, $after: String) {
      transactions(groupId: $g, type: $type, approvalStatus: $status, memberId: $m, from: $from, to: $to, first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } totals { cashIn { amount } cashOut { amount } } edges { node { amount { amount } member { id } } }
      }
    }`;
    type List = { transactions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totals: { cashIn: { amount: string }; cashOut: { amount: string } }; edges: { node: { amount: { amount: string }; member: { id: string } | null } }[] } };
    const list = async (variables: Record<string, unknown>, token = group.admin.token) => {
      const response = await t.gql<List>(LIST, { g: group.id, ...variables }, token);
      expect(response.errors).toBeUndefined();
      return response.data!.transactions;
    };
    const amounts = (page: List['transactions']) => page.edges.map((e) => e.node.amount.amount);

    // February, money in, approved, this member: only the 20.
    const february = { type: 'CASH_IN', status: 'APPROVED', m: memberId, from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' };
    expect(await list(february)).toMatchObject({ totalCount: 1, totals: { cashIn: { amount: '20.00' }, cashOut: { amount: '0.00' } }, pageInfo: { hasNextPage: false } });
    expect(amounts(await list(february))).toEqual(['20.00']);
    // `to` is exclusive, `from` inclusive.
    expect((await list({ from: '2026-02-10T00:00:00.000Z', to: '2026-02-12T00:00:00.000Z' })).totalCount).toBe(2);
    expect((await list({ type: 'CASH_OUT' })).totals).toEqual({ cashIn: { amount: '0.00' }, cashOut: { amount: '40.00' } });
    expect((await list({ status: 'PENDING' })).edges.map((e) => e.node.member?.id)).toEqual([memberId]);

    // A page past the end has no row to carry the count: it is still the filter's count.
    const first = await list({ m: memberId });
    expect(first).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    let after = first.pageInfo.endCursor;
    for (let i = 0; i < 3; i += 1) after = (await list({ m: memberId, after })).pageInfo.endCursor;
    const past = await list({ m: memberId, after });
    expect(past).toMatchObject({ totalCount: 4, edges: [], pageInfo: { hasNextPage: false } });

    // The member sees only their own rows, and filters narrow them further.
    expect(await list({}, memberUser.token)).toMatchObject({ totalCount: 4 });
    expect(amounts(await list({ type: 'CASH_IN', status: 'APPROVED' }, memberUser.token))).toEqual(['20.00']);
  });
});

describe('live transaction events', () => {
  it("pushes an operator's new transaction to a subscribed admin, and nothing to a plain member", async () => {
    const group = await createGroup(t);
    const operator = await withOperator(group);
    const memberUser = await createUser(t);
    await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: memberUser.email, name: 'M' } }, group.admin.token);
    const SUB = 'subscription($g: ID!) { transactionEvents(groupId: $g) { action transaction { approvalStatus amount { amount } } } }';
    const admin = collect<{ transactionEvents: { action: string; transaction: { approvalStatus: string; amount: { amount: string } } } }>(t.ws(group.admin.token), SUB, { g: group.id });
    const member = collect(t.ws(memberUser.token), SUB, { g: group.id });
    await waitForSubscribers(t.server, 'transactionEvents', { g: group.id }); // the admin's: the member's is refused
    await record(group, cashIn(group, '77'), operator.token);
    // The event may arrive before the mutation's response: wait for the first result, not "one more".
    await admin.next(1);
    expect(admin.results[0].data?.transactionEvents).toEqual({ action: 'RECORDED', transaction: { approvalStatus: 'PENDING', amount: { amount: '77.00' } } });
    await member.next(1);
    expect(JSON.stringify(member.results[0] ?? member.error)).toContain('FORBIDDEN');
  });
});

describe('transactions list cost', () => {
  it('costs the same two SQL statements (role with the viewer check; page with count and members) for a page of 2 or of 8', async () => {
    const group = await createGroup(t);
    const memberIds: string[] = [];
    for (const name of ['Ann', 'Bo', 'Cy', 'Di']) {
      const added = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(name.toLowerCase()), name, role: 'MEMBER' } }, group.admin.token);
      memberIds.push(added.data!.addMember.member.id);
    }
    for (let i = 0; i < 8; i += 1) expect((await record(group, cashIn(group, `${10 + i}.00`, i % 4 === 3 ? {} : { memberId: memberIds[i % 4] }))).errors).toBeUndefined();
    const knex = t.server.orm.em.getKnex();
    const QUERY = 'query($g: ID!, $first: Int) { transactions(groupId: $g, first: $first) { totalCount edges { node { id amount { amount } member { id name } } } } }';
    type Page = { transactions: { totalCount: number; edges: { node: { member: { id: string; name: string } | null } }[] } };
    const statementsFor = async (first: number): Promise<{ statements: string[]; page: Page['transactions'] }> => {
      const { statements, result: response } = await statementsDuring(knex, () => t.gql<Page>(QUERY, { g: group.id, first }, group.admin.token));
      expect(response.errors).toBeUndefined();
      // Both are named (prepared) statements: parsed once per connection (db/prepared-statements.ts).
      for (const statement of statements) expect(statement.name).toMatch(/^coffer_[0-9a-f]{32}$/);
      return { statements: statements.map((statement) => statement.sql), page: response.data!.transactions };
    };
    const small = await statementsFor(2);
    const large = await statementsFor(8);
    expect(small.statements).toHaveLength(2);
    expect(large.statements).toHaveLength(2);
    expect(large.page.totalCount).toBe(8);
    // Newest first: the 8th (no member), then Di, Cy, Bo, Ann, and again.
    expect(large.page.edges.map((e) => e.node.member?.name ?? null)).toEqual([null, 'Cy', 'Bo', 'Ann', null, 'Cy', 'Bo', 'Ann']);
  });
});
