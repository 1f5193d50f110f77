import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { APPROVE, quoteAndCreate, RAW_ACCOUNT, remittanceSetup, waitForStatus, capturingLogger } from '../../../test/support/remittance-helpers';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { refreshExchangeRates } from './exchange-rate.service';
import { HttpPayoutProvider } from './payout-provider';
import { dispatchApprovedRemittances, reconcileProcessingRemittances, refreshExchangeRatesJob } from './remittance.jobs';
import type { RemittanceDeps } from './remittance.service';

const { logger, lines: logLines } = capturingLogger();

const deps = (t: TestServer): RemittanceDeps => ({ em: t.server.orm.em, config: t.config, events: t.server.events });

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
    expect(await dispatchApprovedRemittances(deps(t))).toEqual({ dispatched: [], failed: [] });
    await reconcileProcessingRemittances(deps(t), 0);
    await waitForStatus(t, remittanceId, 'COMPLETED', 100);
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

/** A stand-in for a payout and rate provider's remote API: the edge of the world. */
function stubApi(handler: (req: IncomingMessage, body: string) => { status: number; body: unknown }): Promise<{ url: string; server: Server; requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] }> {
  const requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const answer = handler(req, body);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests })));
}

describe('the HTTP payout adapter and rate provider', () => {
  let t: TestServer;
  let api: Awaited<ReturnType<typeof stubApi>>;
  const payouts = new Map<string, string>();
  beforeAll(async () => {
    api = await stubApi((req, body) => {
      if (req.method === 'POST' && req.url === '/v1/payouts') {
        // This amount finds the provider down.
        if ((JSON.parse(body) as { amountMinor: string }).amountMinor === '36300') return { status: 503, body: { error: 'down', echo: JSON.parse(body) } };
        const key = req.headers['idempotency-key'] as string;
        const id = payouts.get(key) ?? `po_${payouts.size + 1}`;
        payouts.set(key, id);
        return { status: 201, body: { id, status: 'pending', echo: JSON.parse(body) } };
      }
      if (req.method === 'GET' && req.url?.startsWith('/v1/payouts/')) {
        const id = req.url.split('/').pop();
        return { status: 200, body: id === 'po_1' ? { id, status: 'paid' } : { id, status: 'failed', failureReason: 'Account closed' } };
      }
      if (req.url?.startsWith('/rates')) return { status: 200, body: { rates: { RSD: '1.2100', BAM: 0.0201, PLN: 'oops' } } };
      return { status: 404, body: {} };
    });
    t = await startTestServer({ env: { PAYOUT_API_URL: `${api.url}/v1`, PAYOUT_API_KEY: 'secret-key', EXCHANGE_RATE_PROVIDER_URL: `${api.url}/rates` }, logger });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => api.server.close(resolve));
  });

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

  it('leaves a remittance APPROVED when the provider is down, without leaking the account to the logs; cancelling then releases the funds', async () => {
    const s = await remittanceSetup(t, { funds: '1000.00' });
    const { remittanceId, approvalId } = await quoteAndCreate(t, s, '300.00');
    await t.gql(APPROVE, { id: approvalId }, s.checker.token);
    const deadline = Date.now() + 5000;
    while (!logLines.some((line) => line.includes(remittanceId)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logLines.find((line) => line.includes(remittanceId))).toContain('HTTP 503');
    expect(logLines.join('\n')).not.toContain(RAW_ACCOUNT);
    expect((await t.query('select status from remittances where id = $1', [remittanceId])).rows[0].status).toBe('APPROVED');
    const cashBefore = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>('query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: s.group.id }, s.group.admin.token);
    expect(cashBefore.data?.groupBalance.cashPosition.amount).toBe('698.50');
    const cancelled = await t.gql<{ cancelRemittance: { status: string; timeline: { status: string }[] } }>('mutation($id: ID!) { cancelRemittance(id: $id) { status timeline { status } } }', { id: remittanceId }, s.checker.token);
    expect(cancelled.data?.cancelRemittance.timeline.map((e) => e.status)).toEqual(['PENDING_APPROVAL', 'APPROVED', 'CANCELLED']);
    const cashAfter = await t.gql<{ groupBalance: { cashPosition: { amount: string } } }>('query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: s.group.id }, s.group.admin.token);
    expect(cashAfter.data?.groupBalance.cashPosition.amount).toBe('1000.00');
    // A dispatch run afterwards finds nothing to send.
    expect(await dispatchApprovedRemittances(deps(t))).toEqual({ dispatched: [], failed: [] });
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
    expect(run).toEqual({ dispatched: [fine.remittanceId], failed: [down.remittanceId] });
    expect((await t.query('select status from remittances where id = $1', [down.remittanceId])).rows[0].status).toBe('APPROVED');
    await t.gql('mutation($id: ID!) { cancelRemittance(id: $id) { status } }', { id: down.remittanceId }, s.checker.token);
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });
});
