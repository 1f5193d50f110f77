import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { codeOf } from '../../../test/support/factories';
import { APPROVE, CREATE, QUOTE, quoteAndCreate, RAW_ACCOUNT, REMITTANCE, remittanceSetup, RemittanceSetup, waitForStatus, capturingLogger } from '../../../test/support/remittance-helpers';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { refreshExchangeRates } from './exchange-rate.service';
import { encryptSecret } from '../../shared/crypto';
import { HttpPayoutProvider, PayoutRequest, PayoutSubmitError, payoutProviderFor, SandboxPayoutProvider } from './payout-provider';
import { dispatchApprovedRemittances, reconcileProcessingRemittances, refreshExchangeRatesJob } from './remittance.jobs';
import type { RemittanceDeps } from './remittance.service';

const { logger, lines: logLines } = capturingLogger();

const deps = (t: TestServer): RemittanceDeps => ({ em: t.server.orm.em, config: t.config, events: t.server.events });
const NOTHING_DISPATCHED = { dispatched: [], failed: [], inDoubt: [], recipientChanged: [] };

describe('reconciliation of lost callbacks', () => {
  let t: TestServer;
  beforeAll(async () => {
    // The sandbox never calls back: only reconciliation can settle a payout.
    t = await startTestServer({ env: { PAYOUT_SANDBOX_CALLBACKS: 'false', PAYOUT_SANDBOX_DELAY_MS: '0' } });
  });
  afterAll(async () => t.close());

  it('asks the provider about old PROCESSING remittances and settles them once, even from two runs at once', async () => {
    const s = await remittanceSetup(t, { funds: '10000.00' });
    const ids: string[] = [];
    for (const amount of ['1000.00', '2000.00', '500.00']) {
      const { remittanceId, approvalId } = await quoteAndCreate(t, s, amount);
      await t.gql(APPROVE, { id: approvalId }, s.checker.token);
      await waitForStatus(t, remittanceId, 'PROCESSING');
      ids.push(remittanceId);
    }
    // Too young for a 10-minute cut-off: left alone.
    expect((await reconcileProcessingRemittances(deps(t), 10)).checked).toBe(0);
    const [first, second] = await Promise.all([reconcileProcessingRemittances(deps(t), 0), reconcileProcessingRemittances(deps(t), 0)]);
    expect([...first.completed, ...second.completed].sort()).toEqual([...ids].sort());
    for (const id of ids) await waitForStatus(t, id, 'COMPLETED', 100);
    const again = await reconcileProcessingRemittances(deps(t), 0);
    expect(again).toEqual({ checked: 0, completed: [], failed: [], stillProcessing: [] });
    const sent = await t.query(`select count(*)::int as n from ledger_entries e join ledger_accounts a on a.id = e.account_id where a.group_id = $1 and a.code = 'REMITTANCES_SENT'`, [s.group.id]);
    expect(sent.rows[0].n).toBe(3);
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it('dispatches approved remittances exactly once from concurrent job runs', async () => {
    const s = await remittanceSetup(t, { funds: '10000.00' });
    const { remittanceId, approvalId } = await quoteAndCreate(t, s, '1000.00');
    // Approval dispatches in-process; put it back to APPROVED as if that step had been lost.
    await t.gql(APPROVE, { id: approvalId }, s.checker.token);
    await waitForStatus(t, remittanceId, 'PROCESSING');
    await t.query(`update remittances set status = 'APPROVED', processing_at = null, provider = null, provider_payout_id = null where id = $1`, [remittanceId]);
    const runs = await Promise.all([dispatchApprovedRemittances(deps(t)), dispatchApprovedRemittances(deps(t)), dispatchApprovedRemittances(deps(t))]);
    expect(runs.flatMap((r) => r.dispatched)).toEqual([remittanceId]);
    expect(await dispatchApprovedRemittances(deps(t))).toEqual(NOTHING_DISPATCHED);
    await reconcileProcessingRemittances(deps(t), 0);
    await waitForStatus(t, remittanceId, 'COMPLETED', 100);
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  /** Waits until the in-process dispatch that called `submit` has let go of the remittance (its row lock). */
  async function afterDispatchAttempt(submit: jest.SpyInstance, calls: number, remittanceId: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (submit.mock.calls.length < calls && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(submit).toHaveBeenCalledTimes(calls);
    await t.query('select 1 from remittances where id = $1 for update', [remittanceId]);
  }

  it('keeps the payout details of a recipient whose remittance is with the provider; frees them once it settled', async () => {
    const s = await remittanceSetup(t, { funds: '5000.00' });
    const { remittanceId, approvalId } = await quoteAndCreate(t, s, '1000.00');
    await t.gql(APPROVE, { id: approvalId }, s.checker.token);
    await waitForStatus(t, remittanceId, 'PROCESSING');
    const UPDATE = 'mutation($id: ID!, $input: UpdateRecipientInput!) { updateRecipient(id: $id, input: $input) { bankAccountMasked country } }';
    const moved = await t.gql(UPDATE, { id: s.recipientId, input: { country: 'DE', currency: 'EUR', bankAccount: 'DE89370400440532013000' } }, s.group.admin.token);
    expect(moved.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'RECIPIENT_IN_USE', remittanceId, remittanceStatus: 'PROCESSING' });
    const deleted = await t.gql('mutation($id: ID!) { deleteRecipient(id: $id) { id } }', { id: s.recipientId }, s.group.admin.token);
    expect(deleted.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'RECIPIENT_IN_USE', remittanceId });
    await reconcileProcessingRemittances(deps(t), 0);
    await waitForStatus(t, remittanceId, 'COMPLETED', 100);
    const later = await t.gql<{ updateRecipient: { bankAccountMasked: string; country: string } }>(UPDATE, { id: s.recipientId, input: { country: 'DE', currency: 'EUR', bankAccount: 'DE89370400440532013000' } }, s.group.admin.token);
    expect(later.data?.updateRecipient).toEqual({ bankAccountMasked: '*****3000', country: 'DE' });
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it('never pays a recipient whose details differ from what was approved: nothing is sent, it FAILS and the funds come back', async () => {
    const s = await remittanceSetup(t, { funds: '5000.00' });
    const submit = jest.spyOn(payoutProviderFor(t.config.remittances), 'submit');
    try {
      // The first attempt is refused, so the remittance waits APPROVED for the dispatch job.
      submit.mockRejectedValueOnce(new PayoutSubmitError('Payout API answered HTTP 422 on POST payouts', 'NOT_TAKEN'));
      const { remittanceId, approvalId } = await quoteAndCreate(t, s, '1000.00');
      await t.gql(APPROVE, { id: approvalId }, s.checker.token);
      await afterDispatchAttempt(submit, 1, remittanceId);
      expect((await t.query('select status from remittances where id = $1', [remittanceId])).rows[0].status).toBe('APPROVED');
      // Around the guard, straight in the database: another account with the same last four digits (*****1379 either way).
      await t.query('update remittance_recipients set bank_account_encrypted = $2 where id = $1', [s.recipientId, encryptSecret('RS35105008123123121379', t.config.encryptionKey)]);
      const run = await dispatchApprovedRemittances(deps(t));
      expect(run.recipientChanged).toEqual([remittanceId]);
      expect(run.dispatched).not.toContain(remittanceId);
      expect(submit).toHaveBeenCalledTimes(1);
      const row = await t.query('select status, failure_reason, provider_payout_id from remittances where id = $1', [remittanceId]);
      expect(row.rows[0]).toMatchObject({ status: 'FAILED', provider_payout_id: null, failure_reason: expect.stringContaining('payout details changed') });
      const cash = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>('query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: s.group.id }, s.group.admin.token);
      expect(cash.data?.groupBalance.cashPosition.amount).toBe('5000.00');
    } finally {
      submit.mockRestore();
    }
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it('pays at the approved rate when the payout is delayed past the quote: the hold is measured at approval', async () => {
    const s = await remittanceSetup(t, { funds: '5000.00' });
    const submit = jest.spyOn(payoutProviderFor(t.config.remittances), 'submit');
    try {
      submit.mockRejectedValueOnce(new PayoutSubmitError('Payout API: the connection failed on POST payouts', 'NOT_TAKEN'));
      const { remittanceId, approvalId, quote } = await quoteAndCreate(t, s, '1000.00');
      await t.gql(APPROVE, { id: approvalId }, s.checker.token);
      await afterDispatchAttempt(submit, 1, remittanceId);
      await t.query(`update remittance_quotes set expires_at = now() - interval '1 hour' where id = $1`, [quote.id]);
      expect((await dispatchApprovedRemittances(deps(t))).dispatched).toEqual([remittanceId]);
      expect(submit.mock.calls[1][0]).toMatchObject({ remittanceId, amountMinor: 120205n, currency: 'RSD' });
      await reconcileProcessingRemittances(deps(t), 0);
      await waitForStatus(t, remittanceId, 'COMPLETED', 100);
    } finally {
      submit.mockRestore();
    }
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it('refreshes offline rates idempotently, never over a manual rate', async () => {
    await t.query(`update exchange_rates set rate = '1.5', source = 'MANUAL', offline = false where base = 'INR' and quote = 'RSD'`);
    const first = await refreshExchangeRatesJob(deps(t));
    const second = await refreshExchangeRatesJob(deps(t));
    expect(first.source).toBe('OFFLINE_SEED');
    expect(second.updated).toBe(first.updated);
    const manual = await t.query(`select rate, source from exchange_rates where base = 'INR' and quote = 'RSD'`);
    expect(manual.rows[0]).toEqual({ rate: '1.5', source: 'MANUAL' });
  });
});

interface StubAnswer {
  status: number;
  body: unknown;
  /** Answer this late: after the client gave up waiting (a lost answer). */
  delayMs?: number;
}

/** A stand-in for a payout and rate provider's remote API: the edge of the world. */
function stubApi(handler: (req: IncomingMessage, body: string) => StubAnswer): Promise<{ url: string; server: Server; requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] }> {
  const requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const answer = handler(req, body);
      const send = () => {
        if (!res.destroyed) res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests })));
}

describe('the HTTP payout adapter and rate provider', () => {
  let t: TestServer;
  let api: Awaited<ReturnType<typeof stubApi>>;
  /** The provider's payouts, by idempotency key: a key sent again gets its payout back, as from a real payout API. */
  const payouts = new Map<string, { id: string; reference: string | null }>();
  beforeAll(async () => {
    api = await stubApi((req, body) => {
      if (req.method === 'POST' && req.url === '/v1/payouts') {
        const submitted = JSON.parse(body) as { amountMinor: string; reference: string | null };
        // This amount is refused: the provider read the request and said no.
        if (submitted.amountMinor === '36300') return { status: 422, body: { error: 'Beneficiary account not accepted', echo: submitted } };
        const key = req.headers['idempotency-key'] as string;
        const known = payouts.get(key);
        const payout = known ?? { id: `po_${payouts.size + 1}`, reference: submitted.reference };
        payouts.set(key, payout);
        // The first submission of these is acted on, but its answer is lost: too late, or a 5xx.
        if (!known && submitted.reference?.includes('answer-late')) return { status: 201, body: { id: payout.id, status: 'pending' }, delayMs: 2500 };
        if (!known && submitted.reference?.includes('answer-500')) return { status: 500, body: { error: 'internal' } };
        return { status: known ? 200 : 201, body: { id: payout.id, status: 'pending', echo: submitted } };
      }
      if (req.method === 'GET' && req.url?.startsWith('/v1/payouts/')) {
        const id = req.url.split('/').pop();
        const payout = [...payouts.values()].find((p) => p.id === id);
        if (!payout) return { status: 404, body: { error: 'no such payout' } };
        return { status: 200, body: id === 'po_1' || payout.reference?.includes('will-pay') ? { id, status: 'paid' } : { id, status: 'failed', failureReason: 'Account closed' } };
      }
      if (req.url?.startsWith('/rates')) return { status: 200, body: { rates: { RSD: '1.2100', BAM: 0.0201, PLN: 'oops' } } };
      if (req.url === '/v1/odd/payouts') return { status: 201, body: 'not json' };
      if (req.url === '/v1/busy/payouts') return { status: 409, body: { error: 'A request with this key is in progress' } };
      return { status: 404, body: {} };
    });
    t = await startTestServer({ env: { PAYOUT_API_URL: `${api.url}/v1`, PAYOUT_API_KEY: 'secret-key', PAYOUT_API_TIMEOUT_MS: '1000', EXCHANGE_RATE_PROVIDER_URL: `${api.url}/rates` }, logger });
  });
  afterAll(async () => {
    await t.close();
    api.server.closeAllConnections();
    await new Promise((resolve) => api.server.close(resolve));
  });

  const cashPosition = async (s: RemittanceSetup): Promise<string> =>
    (await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>('query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: s.group.id }, s.group.admin.token)).data!.groupBalance.cashPosition.amount;

  it('reads rates from the provider, marking them with its host and skipping bad values', async () => {
    const result = await refreshExchangeRates(deps(t));
    expect(result.source).toBe(new URL(api.url).host);
    expect(result.failed).toContain('INR/PLN');
    const row = await t.query(`select rate, source, offline from exchange_rates where base = 'INR' and quote = 'RSD'`);
    expect(row.rows[0]).toEqual({ rate: '1.2100', source: new URL(api.url).host, offline: false });
  });

  it('submits with the remittance id as idempotency key and settles by asking: one completes, one fails and is released', async () => {
    const s = await remittanceSetup(t, { funds: '10000.00' });
    const a = await quoteAndCreate(t, s, '1000.00');
    await t.gql(APPROVE, { id: a.approvalId }, s.checker.token);
    await waitForStatus(t, a.remittanceId, 'PROCESSING');
    const b = await quoteAndCreate(t, s, '2000.00');
    await t.gql(APPROVE, { id: b.approvalId }, s.checker.token);
    await waitForStatus(t, b.remittanceId, 'PROCESSING');
    const submitted = api.requests.filter((r) => r.method === 'POST');
    expect(submitted.map((r) => r.headers['idempotency-key'])).toEqual([a.remittanceId, b.remittanceId]);
    expect(submitted[0].headers.authorization).toBe('Bearer secret-key');
    expect(JSON.parse(submitted[0].body)).toMatchObject({ amountMinor: '121000', currency: 'RSD', beneficiary: { bankAccount: RAW_ACCOUNT, name: 'Marko Marković' } });
    // A retry of the same submission gets the same payout back.
    const again = await new HttpPayoutProvider(`${api.url}/v1`, 'secret-key').submit({ remittanceId: a.remittanceId, amountMinor: 1n, currency: 'RSD', reference: null, recipient: { name: 'x', country: 'RS', bankAccount: 'x', bankName: null, swiftCode: null } });
    expect(again.payoutId).toBe('po_1');
    const result = await reconcileProcessingRemittances(deps(t), 0);
    expect(result).toMatchObject({ checked: 2, completed: [a.remittanceId], failed: [b.remittanceId] });
    const failed = await t.query('select failure_reason from remittances where id = $1', [b.remittanceId]);
    expect(failed.rows[0].failure_reason).toBe('Account closed');
    const balance = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>('query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: s.group.id }, s.group.admin.token);
    expect(balance.data?.groupBalance.cashPosition.amount).toBe('8995.00');
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it('leaves a remittance APPROVED when the provider refuses it, without leaking the account to the logs; cancelling then releases the funds', async () => {
    const s = await remittanceSetup(t, { funds: '1000.00' });
    const { remittanceId, approvalId } = await quoteAndCreate(t, s, '300.00');
    await t.gql(APPROVE, { id: approvalId }, s.checker.token);
    const deadline = Date.now() + 5000;
    while (!logLines.some((line) => line.includes(remittanceId)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logLines.find((line) => line.includes(remittanceId))).toContain('HTTP 422');
    expect(logLines.join('\n')).not.toContain(RAW_ACCOUNT);
    expect((await t.query('select status from remittances where id = $1', [remittanceId])).rows[0].status).toBe('APPROVED');
    const cashBefore = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>('query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: s.group.id }, s.group.admin.token);
    expect(cashBefore.data?.groupBalance.cashPosition.amount).toBe('698.50');
    const cancelled = await t.gql<{ cancelRemittance: { status: string; timeline: { status: string }[] } }>('mutation($id: ID!) { cancelRemittance(id: $id) { status timeline { status } } }', { id: remittanceId }, s.checker.token);
    expect(cancelled.data?.cancelRemittance.timeline.map((e) => e.status)).toEqual(['PENDING_APPROVAL', 'APPROVED', 'CANCELLED']);
    const cashAfter = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>('query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: s.group.id }, s.group.admin.token);
    expect(cashAfter.data?.groupBalance.cashPosition.amount).toBe('1000.00');
    // A dispatch run afterwards finds nothing to send.
    expect(await dispatchApprovedRemittances(deps(t))).toEqual(NOTHING_DISPATCHED);
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it('a remittance the provider refuses does not block the others in a dispatch run', async () => {
    const s = await remittanceSetup(t, { funds: '5000.00' });
    const down = await quoteAndCreate(t, s, '300.00');
    const fine = await quoteAndCreate(t, s, '1000.00');
    for (const r of [down, fine]) await t.gql(APPROVE, { id: r.approvalId }, s.checker.token);
    await waitForStatus(t, fine.remittanceId, 'PROCESSING');
    // Put the healthy one back, as if its in-process dispatch had been lost too.
    await t.query(`update remittances set status = 'APPROVED', approved_at = approved_at + interval '1 hour', processing_at = null, provider = null, provider_payout_id = null where id = $1`, [fine.remittanceId]);
    const run = await dispatchApprovedRemittances(deps(t));
    expect(run).toEqual({ ...NOTHING_DISPATCHED, dispatched: [fine.remittanceId], failed: [down.remittanceId] });
    expect((await t.query('select status from remittances where id = $1', [down.remittanceId])).rows[0].status).toBe('APPROVED');
    await t.gql('mutation($id: ID!) { cancelRemittance(id: $id) { status } }', { id: down.remittanceId }, s.checker.token);
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  async function createWithReference(s: RemittanceSetup, amount: string, reference: string): Promise<{ remittanceId: string; approvalId: string }> {
    const quote = await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: s.group.id, r: s.recipientId, a: amount }, s.maker.token);
    const created = await t.gql<{ createRemittance: { remittance: { id: string }; approval: { id: string } } }>(CREATE, { q: quote.data!.remittanceQuote.id, k: reference, ref: reference }, s.maker.token);
    return { remittanceId: created.data!.createRemittance.remittance.id, approvalId: created.data!.createRemittance.approval.id };
  }

  it('a payout whose answer is lost is in doubt: PROCESSING, not cancellable, and reconciliation learns its real outcome under the same idempotency key', async () => {
    const s = await remittanceSetup(t, { funds: '10000.00' });
    const paidLate = await createWithReference(s, '1000.00', 'answer-late will-pay'); // 1,005.00 debited
    const failedLate = await createWithReference(s, '2000.00', 'answer-late'); // 2,010.00
    const paid500 = await createWithReference(s, '500.00', 'answer-500 will-pay'); // 502.50
    const all = [paidLate, failedLate, paid500];
    for (const r of all) await t.gql(APPROVE, { id: r.approvalId }, s.checker.token);
    for (const r of all) await waitForStatus(t, r.remittanceId, 'PROCESSING');
    const posts = (id: string) => api.requests.filter((r) => r.method === 'POST' && r.headers['idempotency-key'] === id).length;
    expect(all.map((r) => posts(r.remittanceId))).toEqual([1, 1, 1]);
    const rows = await t.query('select provider, provider_payout_id from remittances where id = any($1::uuid[])', [all.map((r) => r.remittanceId)]);
    expect(rows.rows).toEqual(all.map(() => ({ provider: 'HTTP', provider_payout_id: null })));

    // The provider may pay it: no cancel, no release.
    const read = await t.gql<{ remittance: { status: string; viewerCanCancel: boolean; timeline: { status: string; note: string | null }[] } }>(REMITTANCE, { id: paidLate.remittanceId }, s.checker.token);
    expect(read.data?.remittance).toMatchObject({ status: 'PROCESSING', viewerCanCancel: false });
    expect(read.data?.remittance.timeline.at(-1)?.note).toContain('answer was lost');
    const cancel = await t.gql('mutation($id: ID!) { cancelRemittance(id: $id) { status } }', { id: paidLate.remittanceId }, s.checker.token);
    expect([codeOf(cancel), cancel.errors?.[0].extensions?.reason]).toEqual(['CONFLICT', 'NOT_CANCELLABLE']);
    expect(await cashPosition(s)).toBe('6482.50');
    expect(await dispatchApprovedRemittances(deps(t))).toEqual(NOTHING_DISPATCHED);
    expect(logLines.join('\n')).not.toContain(RAW_ACCOUNT);

    await reconcileProcessingRemittances(deps(t), 0);
    // Asked by submitting again under the same key: the provider's one payout each, never a second.
    expect(all.map((r) => posts(r.remittanceId))).toEqual([2, 2, 2]);
    const settled = await t.query('select id, status, provider_payout_id, failure_reason from remittances where id = any($1::uuid[])', [all.map((r) => r.remittanceId)]);
    const byId = new Map(settled.rows.map((row) => [row.id as string, row]));
    for (const r of all) expect(byId.get(r.remittanceId)?.provider_payout_id).toBe(payouts.get(r.remittanceId)?.id);
    expect(byId.get(paidLate.remittanceId)).toMatchObject({ status: 'COMPLETED' });
    expect(byId.get(paid500.remittanceId)).toMatchObject({ status: 'COMPLETED' });
    expect(byId.get(failedLate.remittanceId)).toMatchObject({ status: 'FAILED', failure_reason: 'Account closed' });
    // Only the failed one's reservation came back.
    expect(await cashPosition(s)).toBe('8492.50');
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it('tells a refusal (nothing to pay) from an unknown outcome (may be paid)', async () => {
    const request: PayoutRequest = { remittanceId: 'classify-1', amountMinor: 100n, currency: 'RSD', reference: null, recipient: { name: 'x', country: 'RS', bankAccount: 'x', bankName: null, swiftCode: null } };
    const outcomeOf = (url: string, r: PayoutRequest = request) =>
      new HttpPayoutProvider(url, 'secret-key', 1000).submit(r).then(
        () => 'taken',
        (error: unknown) => (error instanceof PayoutSubmitError ? error.outcome : `other: ${String(error)}`),
      );
    expect(await outcomeOf(`${api.url}/v1`, { ...request, amountMinor: 36300n })).toBe('NOT_TAKEN'); // 422
    // A port nothing listens on (any more): the connection is refused, the request never sent.
    const closed = createServer();
    const closedPort = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)));
    await new Promise((resolve) => closed.close(resolve));
    expect(await outcomeOf(`http://127.0.0.1:${closedPort}/v1`)).toBe('NOT_TAKEN');
    expect(await outcomeOf(`${api.url}/v1`, { ...request, remittanceId: 'classify-2', reference: 'answer-500' })).toBe('UNKNOWN');
    expect(await outcomeOf(`${api.url}/v1`, { ...request, remittanceId: 'classify-3', reference: 'answer-late' })).toBe('UNKNOWN');
    expect(await outcomeOf(`${api.url}/v1/odd`)).toBe('UNKNOWN'); // 201 we cannot read
    expect(await outcomeOf(`${api.url}/v1/busy`)).toBe('UNKNOWN'); // 409: the same key still running
    expect(await outcomeOf(`${api.url}/v1`, { ...request, remittanceId: 'classify-3', reference: 'answer-late' })).toBe('taken'); // asked again: the payout
  });
});

describe('the sandbox payout provider', () => {
  it('answers a submission repeated under the same idempotency key with the first one’s payout, and calls back once', async () => {
    const sandbox = new SandboxPayoutProvider({ sandboxDelayMs: 0, sandboxForceFailure: false, sandboxCallbacks: true });
    const callbacks: string[] = [];
    const onSettled = async (id: string) => void callbacks.push(id);
    const request: PayoutRequest = { remittanceId: 'remittance-1', amountMinor: 100n, currency: 'RSD', reference: null, recipient: { name: 'x', country: 'RS', bankAccount: 'x', bankName: null, swiftCode: null } };
    const first = await sandbox.submit(request, onSettled);
    sandbox.forceFailure = true;
    const again = await sandbox.submit(request, onSettled);
    expect(again.payoutId).toBe(first.payoutId);
    expect(again.state).toBe('COMPLETED');
    const other = await sandbox.submit({ ...request, remittanceId: 'remittance-2' }, onSettled);
    expect(other.payoutId).not.toBe(first.payoutId);
    expect((await sandbox.status(other.payoutId)).state).toBe('FAILED');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(callbacks.sort()).toEqual(['remittance-1', 'remittance-2']);
    sandbox.stop();
  });
});
