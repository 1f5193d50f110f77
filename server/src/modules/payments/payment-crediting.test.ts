import { createHmac } from 'node:crypto';
import { codeOf } from '../../../test/support/factories';
import { BilledGroup, createBilledGroup, openPeriod } from '../../../test/support/dues-factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { oneConnectionContext } from '../../../test/support/one-connection';
import { BURST_BOUND_MS, clickInParallel, outcomeOf } from '../../../test/support/parallel-clicks';
import {
  postRazorpay,
  postStripe,
  processed,
  providerEnv,
  providerId,
  ProviderStub,
  razorpayEvent,
  razorpayVirtualAccountEvent,
  RAZORPAY_KEY_SECRET,
  startProviderStub,
  stripeCharge,
  stripeEvent,
  stripeIntent,
} from '../../../test/support/payments';
import { collect, startTestServer, TestServer } from '../../../test/support/test-server';
import { waitForSubscribers } from '../../../test/support/ws-helpers';
import { resolvePaymentFlag } from './checkout.service';
import { retryFailedInboundWebhooks } from './inbound-webhook.service';
import { PaymentTargetKind, paymentTargetHandler, registerPaymentTarget } from './payment-target';

/*
 * Provider payments credited against real dues, over real HTTP: exactly once
 * whatever the order, repetition or concurrency of events and verifications;
 * mismatches flagged, refunds reversed, failures retried.
 */

let t: TestServer;
let stub: ProviderStub;
beforeAll(async () => {
  stub = await startProviderStub();
  t = await startTestServer({ env: providerEnv(stub.url) });
});
afterAll(async () => {
  await t.close();
  await stub.close();
});

const RAZORPAY_ORDER = `mutation($dueId: ID, $termId: ID) {
  createRazorpayOrder(dueId: $dueId, termId: $termId) { id provider providerOrderId sandbox targetKind targetId amount { amount amountMinor currency } status keyId clientSecret checkoutUrl }
}`;
const STRIPE_INTENT = `mutation($dueId: ID, $termId: ID) {
  createStripePaymentIntent(dueId: $dueId, termId: $termId) { id provider providerOrderId sandbox amount { amountMinor currency } clientSecret publishableKey checkoutUrl }
}`;
const VERIFY = `mutation($o: String!, $p: String!, $s: String!) { verifyRazorpayPayment(orderId: $o, paymentId: $p, signature: $s) { outcome transactionId flagReason } }`;
const FLAGS = `query($g: ID!, $status: PaymentFlagStatus) {
  flaggedPayments(groupId: $g, status: $status) { totalCount edges { node { id provider providerPaymentId reason expected { amount currency } received { amount currency } details status targetKind targetId resolutionNote } } }
}`;

interface Checkout {
  providerOrderId: string;
  amount: { amountMinor: string; currency: string };
}

interface Fixture {
  group: BilledGroup;
  dueId: string;
  memberToken: string;
}

async function enableProviders(group: BilledGroup): Promise<void> {
  const response = await t.gql(
    'mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }',
    { id: group.id, input: { paymentSettings: { razorpayEnabled: true, stripeEnabled: true } } },
    group.admin.token,
  );
  expect(response.errors).toBeUndefined();
}

/** A group of its admin and one member, a period of 300.00 and the member's due of 150.00. */
async function fixture(): Promise<Fixture> {
  const group = await createBilledGroup(t, { memberCount: 1 });
  await enableProviders(group);
  const { dueByMember } = await openPeriod(t, group, '300.00');
  const member = group.members[0];
  return { group, dueId: dueByMember.get(member.id)!, memberToken: member.user.token };
}

async function razorpayOrder(f: Fixture): Promise<Checkout> {
  const response = await t.gql<{ createRazorpayOrder: Checkout }>(RAZORPAY_ORDER, { dueId: f.dueId }, f.memberToken);
  expect(response.errors).toBeUndefined();
  return response.data!.createRazorpayOrder;
}

async function stripeIntentFor(f: Fixture): Promise<Checkout> {
  const response = await t.gql<{ createStripePaymentIntent: Checkout }>(STRIPE_INTENT, { dueId: f.dueId }, f.memberToken);
  expect(response.errors).toBeUndefined();
  return response.data!.createStripePaymentIntent;
}

async function dueStatus(dueId: string): Promise<string> {
  return (await t.query<{ status: string }>('select status from dues where id = $1', [dueId])).rows[0].status;
}

async function transactionsOf(groupId: string) {
  return (
    await t.query<{ id: string; provider: string; provider_payment_id: string; approval_source: string; approval_status: string; amount_minor: string; receipt_number: string | null; reverses_id: string | null; member_id: string | null }>(
      'select id, provider, provider_payment_id, approval_source, approval_status, amount_minor::text, receipt_number, reverses_id, member_id from transactions where group_id = $1 order by created_at',
      [groupId],
    )
  ).rows;
}

const deps = () => ({ orm: t.server.orm, events: t.server.events, config: t.config });

const checkoutSignature = (orderId: string, paymentId: string) => createHmac('sha256', RAZORPAY_KEY_SECRET).update(`${orderId}|${paymentId}`).digest('hex');

describe('opening an order or intent', () => {
  it('createRazorpayOrder goes through the SDK: amount in paise, a receipt, notes linking the due', async () => {
    const f = await fixture();
    const before = stub.requests.length;
    const order = await t.gql<{ createRazorpayOrder: Record<string, unknown> }>(RAZORPAY_ORDER, { dueId: f.dueId }, f.memberToken);
    expect(order.errors).toBeUndefined();
    expect(order.data!.createRazorpayOrder).toMatchObject({
      provider: 'RAZORPAY',
      sandbox: false,
      targetKind: 'DUE',
      targetId: f.dueId,
      amount: { amount: '150.00', amountMinor: '15000', currency: 'INR' },
      status: 'CREATED',
      keyId: 'rzp_test_keyid',
      clientSecret: null,
      checkoutUrl: null,
    });
    const [request] = stub.requests.slice(before);
    expect(request).toMatchObject({ method: 'POST', path: '/v1/orders' });
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`rzp_test_keyid:${RAZORPAY_KEY_SECRET}`).toString('base64')}`);
    const sent = JSON.parse(request.body) as { amount: number; currency: string; receipt: string; notes: Record<string, string> };
    expect(sent).toMatchObject({ amount: 15000, currency: 'INR', notes: { coffer_target_kind: 'DUE', coffer_target_id: f.dueId } });
    expect(sent.receipt.length).toBeLessThanOrEqual(40);
    expect(order.data!.createRazorpayOrder.providerOrderId).toMatch(/^order_/);
  });

  it('createStripePaymentIntent goes through the SDK: minor units, metadata linking the due, an idempotency key', async () => {
    const f = await fixture();
    const before = stub.requests.length;
    const intent = await t.gql<{ createStripePaymentIntent: { providerOrderId: string; clientSecret: string; publishableKey: string; sandbox: boolean } }>(STRIPE_INTENT, { dueId: f.dueId }, f.memberToken);
    expect(intent.errors).toBeUndefined();
    const created = intent.data!.createStripePaymentIntent;
    expect(created).toMatchObject({ sandbox: false, publishableKey: 'pk_test_for_tests' });
    expect(created.clientSecret).toMatch(new RegExp(`^${created.providerOrderId}_secret_`));
    const [request] = stub.requests.slice(before);
    expect(request).toMatchObject({ method: 'POST', path: '/v1/payment_intents' });
    expect(request.headers['idempotency-key']).toMatch(/^coffer-checkout-[0-9a-f-]{36}$/);
    expect(request.headers.authorization).toBe('Bearer sk_test_for_tests');
    const form = new URLSearchParams(request.body);
    expect(form.get('amount')).toBe('15000');
    expect(form.get('currency')).toBe('inr');
    expect(form.get('metadata[coffer_target_kind]')).toBe('DUE');
    expect(form.get('metadata[coffer_target_id]')).toBe(f.dueId);
  });

  it('refuses both ids or none (BAD_USER_INPUT), a malformed or foreign id (NOT_FOUND), a disabled provider and a paid due (CONFLICT with a reason)', async () => {
    const f = await fixture();
    const other = await fixture();
    const both = await t.gql(RAZORPAY_ORDER, { dueId: f.dueId, termId: f.dueId }, f.memberToken);
    expect(codeOf(both)).toBe('BAD_USER_INPUT');
    expect(both.errors![0].extensions!.fields).toHaveProperty('dueId');
    expect(codeOf(await t.gql(RAZORPAY_ORDER, {}, f.memberToken))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(RAZORPAY_ORDER, { dueId: 'not-a-uuid' }, f.memberToken))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(RAZORPAY_ORDER, { dueId: other.dueId }, f.memberToken))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(RAZORPAY_ORDER, { dueId: f.dueId }))).toBe('UNAUTHENTICATED');

    await t.gql('mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }', { id: other.group.id, input: { paymentSettings: { stripeEnabled: false } } }, other.group.admin.token);
    const disabled = await t.gql(STRIPE_INTENT, { dueId: other.dueId }, other.memberToken);
    expect(disabled.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROVIDER_DISABLED' });

    const order = await razorpayOrder(f);
    const paymentId = providerId('pay');
    await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId, orderId: order.providerOrderId, amount: 15000 })));
    expect(await dueStatus(f.dueId)).toBe('PAID');
    const paid = await t.gql(RAZORPAY_ORDER, { dueId: f.dueId }, f.memberToken);
    expect(paid.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUE_PAID' });
  });

  it('a provider that refuses answers CONFLICT PROVIDER_ERROR and the attempt is kept as FAILED', async () => {
    const f = await fixture();
    stub.failNext(1, 400);
    const response = await t.gql(RAZORPAY_ORDER, { dueId: f.dueId }, f.memberToken);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROVIDER_ERROR' });
    expect((await t.query("select status, provider_order_id, last_error from provider_checkouts where target_id = $1", [f.dueId])).rows).toEqual([
      expect.objectContaining({ status: 'FAILED', provider_order_id: null, last_error: expect.stringContaining('The stub refused') }),
    ]);
  });
});

describe('Razorpay payments', () => {
  it('five deliveries of payment.captured credit once: CASH_IN auto-approved from the webhook, receipt, due PAID, audit, activity, notification', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const paymentId = providerId('pay');
    const eventId = providerId('evt');
    const body = razorpayEvent('payment.captured', { paymentId, orderId: order.providerOrderId, amount: 15000, method: 'upi' });
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) outcomes.push((await processed(t, postRazorpay(t, body, { eventId }))).body.data);
    expect(outcomes.map((o) => [o!.duplicate, o!.outcome])).toEqual([[false, 'CREDITED'], [true, 'CREDITED'], [true, 'CREDITED'], [true, 'CREDITED'], [true, 'CREDITED']]);
    const txns = await transactionsOf(f.group.id);
    expect(txns).toEqual([
      expect.objectContaining({ provider: 'RAZORPAY', provider_payment_id: paymentId, approval_source: 'RAZORPAY_WEBHOOK', approval_status: 'APPROVED', amount_minor: '15000', member_id: f.group.members[0].id, receipt_number: expect.stringMatching(/^R-\d{4}-\d{6}$/) }),
    ]);
    expect(await dueStatus(f.dueId)).toBe('PAID');
    const entries = await t.query('select a.code, e.amount_minor::text as amount from ledger_entries e join ledger_accounts a on a.id = e.account_id where e.transaction_id = $1 order by a.code', [txns[0].id]);
    expect(entries.rows).toEqual([{ code: 'CLEARING_RAZORPAY', amount: '15000' }, expect.objectContaining({ amount: '-15000' })]);
    expect((await t.query("select 1 from audit_logs where entity_id = $1 and action = 'transaction.record'", [txns[0].id])).rowCount).toBe(1);
    expect((await t.query("select 1 from activity_logs where entity_id = $1 and action = 'transaction.record' and actor_kind = 'SYSTEM'", [txns[0].id])).rowCount).toBe(1);
    // Once per channel: an e-mail and the member's in-app inbox, with what the message needs.
    const tasks = await t.query('select channel, template, recipient, payload from notification_tasks where dedupe_key like $1 order by channel', [`payment.received:RAZORPAY:${paymentId}:%`]);
    expect(tasks.rows).toEqual([
      { channel: 'EMAIL', template: 'payment.received', recipient: f.group.members[0].user.email, payload: expect.objectContaining({ amountMinor: '15000', currency: 'INR', name: expect.any(String), groupName: expect.any(String) }) },
      { channel: 'IN_APP', template: 'payment.received', recipient: f.group.members[0].user.id, payload: expect.objectContaining({ amountMinor: '15000' }) },
    ]);
    expect((await t.query('select status, provider_payment_id from provider_checkouts where provider_order_id = $1', [order.providerOrderId])).rows).toEqual([{ status: 'PAID', provider_payment_id: paymentId }]);
  });

  it('concurrent deliveries: five copies of payment.captured racing five of order.paid credit exactly once', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const paymentId = providerId('pay');
    const fields = { paymentId, orderId: order.providerOrderId, amount: 15000 };
    const captured = razorpayEvent('payment.captured', fields);
    const paid = razorpayEvent('order.paid', fields);
    const capturedId = providerId('evt');
    const paidId = providerId('evt');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? processed(t, postRazorpay(t, captured, { eventId: capturedId })) : processed(t, postRazorpay(t, paid, { eventId: paidId })))),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(await transactionsOf(f.group.id)).toHaveLength(1);
    const events = await t.query<{ outcome: string }>('select outcome from inbound_webhook_events where event_id = any($1) order by outcome', [[capturedId, paidId]]);
    expect(events.rows.map((r) => r.outcome)).toEqual(['CREDITED', 'DUPLICATE']);
    expect(await dueStatus(f.dueId)).toBe('PAID');
  });

  it('order.paid before payment.captured: the first credits, the second finds it credited', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const fields = { paymentId: providerId('pay'), orderId: order.providerOrderId, amount: 15000 };
    expect((await processed(t, postRazorpay(t, razorpayEvent('order.paid', fields)))).body.data!.outcome).toBe('CREDITED');
    expect((await processed(t, postRazorpay(t, razorpayEvent('payment.captured', fields)))).body.data!.outcome).toBe('DUPLICATE');
    expect(await transactionsOf(f.group.id)).toHaveLength(1);
  });

  it("verify, then the webhook: credited once, by the verification; and the other way round", async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const paymentId = providerId('pay');
    const verified = await t.gql<{ verifyRazorpayPayment: { outcome: string; transactionId: string } }>(VERIFY, { o: order.providerOrderId, p: paymentId, s: checkoutSignature(order.providerOrderId, paymentId) }, f.memberToken);
    expect(verified.data!.verifyRazorpayPayment.outcome).toBe('CREDITED');
    const webhook = await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId, orderId: order.providerOrderId, amount: 15000 })));
    expect(webhook.body.data!.outcome).toBe('DUPLICATE');
    const txns = await transactionsOf(f.group.id);
    expect(txns).toEqual([expect.objectContaining({ id: verified.data!.verifyRazorpayPayment.transactionId, approval_source: 'PAYMENT_VERIFICATION' })]);

    const g = await fixture();
    const second = await razorpayOrder(g);
    const secondPayment = providerId('pay');
    expect((await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId: secondPayment, orderId: second.providerOrderId, amount: 15000 })))).body.data!.outcome).toBe('CREDITED');
    const late = await t.gql<{ verifyRazorpayPayment: { outcome: string; transactionId: string } }>(VERIFY, { o: second.providerOrderId, p: secondPayment, s: checkoutSignature(second.providerOrderId, secondPayment) });
    expect(late.data!.verifyRazorpayPayment).toMatchObject({ outcome: 'DUPLICATE', transactionId: (await transactionsOf(g.group.id))[0].id });
    expect(await transactionsOf(g.group.id)).toHaveLength(1);
  });

  it('verification racing the webhooks credits once', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const paymentId = providerId('pay');
    const fields = { paymentId, orderId: order.providerOrderId, amount: 15000 };
    await Promise.all([
      t.gql(VERIFY, { o: order.providerOrderId, p: paymentId, s: checkoutSignature(order.providerOrderId, paymentId) }),
      processed(t, postRazorpay(t, razorpayEvent('payment.captured', fields))),
      processed(t, postRazorpay(t, razorpayEvent('order.paid', fields))),
      t.gql(VERIFY, { o: order.providerOrderId, p: paymentId, s: checkoutSignature(order.providerOrderId, paymentId) }),
    ]);
    expect(await transactionsOf(f.group.id)).toHaveLength(1);
  });

  it('refuses a forged verification (BAD_USER_INPUT) and an unknown order (NOT_FOUND), booking nothing', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const paymentId = providerId('pay');
    const forged = await t.gql(VERIFY, { o: order.providerOrderId, p: paymentId, s: createHmac('sha256', 'guess').update(`${order.providerOrderId}|${paymentId}`).digest('hex') });
    expect(codeOf(forged)).toBe('BAD_USER_INPUT');
    expect(forged.errors![0].extensions!.fields).toHaveProperty('signature');
    expect(codeOf(await t.gql(VERIFY, { o: order.providerOrderId, p: paymentId, s: 'zz' }))).toBe('BAD_USER_INPUT');
    const unknown = providerId('order');
    expect(codeOf(await t.gql(VERIFY, { o: unknown, p: paymentId, s: checkoutSignature(unknown, paymentId) }))).toBe('NOT_FOUND');
    expect(await transactionsOf(f.group.id)).toHaveLength(0);
  });

  it('a mismatched amount is not credited: flagged once for the admins, the due stays open', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const paymentId = providerId('pay');
    const body = razorpayEvent('payment.captured', { paymentId, orderId: order.providerOrderId, amount: 14999 });
    expect((await processed(t, postRazorpay(t, body))).body.data).toMatchObject({ status: 'PROCESSED', outcome: 'FLAGGED' });
    expect((await processed(t, postRazorpay(t, razorpayEvent('order.paid', { paymentId, orderId: order.providerOrderId, amount: 14999 })))).body.data!.outcome).toBe('DUPLICATE');
    expect(await transactionsOf(f.group.id)).toHaveLength(0);
    expect(await dueStatus(f.dueId)).toBe('UNPAID');
    const flags = await t.gql<{ flaggedPayments: { totalCount: number; edges: { node: Record<string, unknown> }[] } }>(FLAGS, { g: f.group.id, status: 'OPEN' }, f.group.admin.token);
    expect(flags.data!.flaggedPayments.totalCount).toBe(1);
    const flag = flags.data!.flaggedPayments.edges[0].node;
    expect(flag).toMatchObject({ provider: 'RAZORPAY', providerPaymentId: paymentId, reason: 'AMOUNT_MISMATCH', expected: { amount: '150.00', currency: 'INR' }, received: { amount: '149.99', currency: 'INR' }, status: 'OPEN', targetKind: 'DUE', targetId: f.dueId });
    expect(codeOf(await t.gql(FLAGS, { g: f.group.id }, f.memberToken))).toBe('FORBIDDEN');
    // The group's admins are told once, however often the provider redelivers.
    const told = await t.query("select recipient from notification_tasks where template = 'payment.flagged' and group_id = $1", [f.group.id]);
    expect(told.rows).toEqual([{ recipient: f.group.admin.email }]);
    const resolved = await t.gql<{ resolvePaymentFlag: { status: string; resolutionNote: string } }>(
      'mutation($id: ID!, $note: String!) { resolvePaymentFlag(id: $id, note: $note) { status resolutionNote } }',
      { id: flag.id, note: 'Refunded in the Razorpay dashboard' },
      f.group.admin.token,
    );
    expect(resolved.data!.resolvePaymentFlag).toEqual({ status: 'RESOLVED', resolutionNote: 'Refunded in the Razorpay dashboard' });
    expect((await t.gql<{ flaggedPayments: { totalCount: number } }>(FLAGS, { g: f.group.id, status: 'OPEN' }, f.group.admin.token)).data!.flaggedPayments.totalCount).toBe(0);
  });

  it('money for a due already paid (a second order) is flagged TARGET_NOT_PAYABLE, not booked twice', async () => {
    const f = await fixture();
    const first = await razorpayOrder(f);
    const second = await razorpayOrder(f);
    expect((await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId: providerId('pay'), orderId: first.providerOrderId, amount: 15000 })))).body.data!.outcome).toBe('CREDITED');
    expect((await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId: providerId('pay'), orderId: second.providerOrderId, amount: 15000 })))).body.data!.outcome).toBe('FLAGGED');
    expect(await transactionsOf(f.group.id)).toHaveLength(1);
    const flags = await t.gql<{ flaggedPayments: { edges: { node: { reason: string } }[] } }>(FLAGS, { g: f.group.id }, f.group.admin.token);
    expect(flags.data!.flaggedPayments.edges.map((e) => e.node.reason)).toEqual(['TARGET_NOT_PAYABLE']);
  });

  it('payment.failed books nothing and keeps the order open for another attempt', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const response = await processed(t, postRazorpay(t, razorpayEvent('payment.failed', { paymentId: providerId('pay'), orderId: order.providerOrderId, amount: 15000, status: 'failed' })));
    expect(response.body.data).toMatchObject({ status: 'PROCESSED', outcome: 'PAYMENT_FAILED' });
    expect(await dueStatus(f.dueId)).toBe('UNPAID');
    expect((await t.query('select status, last_error from provider_checkouts where provider_order_id = $1', [order.providerOrderId])).rows).toEqual([{ status: 'CREATED', last_error: 'Payment failed' }]);
    expect((await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId: providerId('pay'), orderId: order.providerOrderId, amount: 15000 })))).body.data!.outcome).toBe('CREDITED');
  });

  it('virtual_account.credited without an order is credited through the notes that name the due', async () => {
    const f = await fixture();
    const response = await processed(t, postRazorpay(t, razorpayVirtualAccountEvent({ paymentId: providerId('pay'), orderId: null, amount: 15000, accountNotes: { coffer_target_kind: 'DUE', coffer_target_id: f.dueId } })));
    expect(response.body.data!.outcome).toBe('CREDITED');
    expect(await dueStatus(f.dueId)).toBe('PAID');
    const [txn] = await transactionsOf(f.group.id);
    expect((await t.query('select payment_mode from transactions where id = $1', [txn.id])).rows[0].payment_mode).toBe('BANK_TRANSFER');
  });

  it("admins see the credit live (transactionEvents) the moment the webhook commits", async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const client = t.ws(f.group.admin.token);
    const events = collect<{ transactionEvents: { action: string; transaction: { approvalSource: string; providerPaymentId: string } } }>(
      client,
      'subscription($g: ID!) { transactionEvents(groupId: $g) { action transaction { approvalSource providerPaymentId } } }',
      { g: f.group.id },
    );
    await waitForSubscribers(t.server, 'transactionEvents', { g: f.group.id });
    const paymentId = providerId('pay');
    await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId, orderId: order.providerOrderId, amount: 15000 })));
    await events.next(1);
    expect(events.results[0].data!.transactionEvents).toEqual({ action: 'APPROVED', transaction: { approvalSource: 'RAZORPAY_WEBHOOK', providerPaymentId: paymentId } });
    events.dispose();
  });
});

describe('Stripe payments', () => {
  it('payment_intent.succeeded five times concurrently plus checkout.session.completed: one credit', async () => {
    const f = await fixture();
    const intent = await stripeIntentFor(f);
    const succeeded = stripeEvent('payment_intent.succeeded', stripeIntent({ id: intent.providerOrderId, amount: 15000 }));
    const session = stripeEvent('checkout.session.completed', {
      id: providerId('cs_test'),
      object: 'checkout.session',
      amount_total: 15000,
      currency: 'inr',
      customer_details: { email: 'payer@example.com', name: 'Payer' },
      metadata: {},
      mode: 'payment',
      payment_intent: intent.providerOrderId,
      payment_status: 'paid',
      status: 'complete',
    });
    const responses = await Promise.all([...Array.from({ length: 5 }, () => processed(t, postStripe(t, succeeded))), processed(t, postStripe(t, session))]);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const txns = await transactionsOf(f.group.id);
    expect(txns).toEqual([expect.objectContaining({ provider: 'STRIPE', provider_payment_id: intent.providerOrderId, approval_source: 'STRIPE_WEBHOOK', amount_minor: '15000' })]);
    expect(await dueStatus(f.dueId)).toBe('PAID');
  });

  it('a payment in another currency is flagged CURRENCY_MISMATCH, not credited', async () => {
    const f = await fixture();
    const intent = await stripeIntentFor(f);
    const response = await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intent.providerOrderId, amount: 15000, currency: 'usd' }))));
    expect(response.body.data!.outcome).toBe('FLAGGED');
    expect(await transactionsOf(f.group.id)).toHaveLength(0);
    const flags = await t.gql<{ flaggedPayments: { edges: { node: { reason: string; received: { currency: string } } }[] } }>(FLAGS, { g: f.group.id }, f.group.admin.token);
    expect(flags.data!.flaggedPayments.edges.map((e) => e.node)).toEqual([expect.objectContaining({ reason: 'CURRENCY_MISMATCH', received: { amount: '150.00', currency: 'USD' } })]);
  });

  it('charge.refunded reverses the credit (entries negated) and reopens the due; a redelivered refund changes nothing', async () => {
    const f = await fixture();
    const intent = await stripeIntentFor(f);
    await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intent.providerOrderId, amount: 15000 }))));
    expect(await dueStatus(f.dueId)).toBe('PAID');
    const refund = stripeEvent('charge.refunded', stripeCharge({ intentId: intent.providerOrderId, amount: 15000, refunded: 15000 }));
    expect((await processed(t, postStripe(t, refund))).body.data!.outcome).toBe('REFUNDED');
    expect((await processed(t, postStripe(t, stripeEvent('charge.refunded', stripeCharge({ intentId: intent.providerOrderId, amount: 15000, refunded: 15000 }))))).body.data!.outcome).toBe('DUPLICATE');
    const txns = await transactionsOf(f.group.id);
    expect(txns).toHaveLength(2);
    expect(txns[1]).toMatchObject({ reverses_id: txns[0].id, approval_source: 'STRIPE_WEBHOOK' });
    expect(await dueStatus(f.dueId)).toBe('UNPAID');
    const clearing = await t.query<{ sum: string }>(
      "select coalesce(sum(e.amount_minor), 0)::text as sum from ledger_entries e join ledger_accounts a on a.id = e.account_id where a.group_id = $1 and a.code = 'CLEARING_STRIPE'",
      [f.group.id],
    );
    expect(clearing.rows[0].sum).toBe('0');
    expect((await t.query('select status from provider_checkouts where provider_order_id = $1', [intent.providerOrderId])).rows[0].status).toBe('REFUNDED');
    expect((await t.query("select 1 from audit_logs where entity_id = $1 and action = 'transaction.record-reversal'", [txns[1].id])).rowCount).toBe(1);
  });

  it('a partial refund is flagged for an admin; nothing is reversed', async () => {
    const f = await fixture();
    const intent = await stripeIntentFor(f);
    await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intent.providerOrderId, amount: 15000 }))));
    const response = await processed(t, postStripe(t, stripeEvent('charge.refunded', stripeCharge({ intentId: intent.providerOrderId, amount: 15000, refunded: 5000 }))));
    expect(response.body.data!.outcome).toBe('FLAGGED');
    expect(await transactionsOf(f.group.id)).toHaveLength(1);
    expect(await dueStatus(f.dueId)).toBe('PAID');
  });

  it('a refund that arrives before its payment waits (FAILED, retried) and is applied after the payment', async () => {
    const f = await fixture();
    const intent = await stripeIntentFor(f);
    const refund = await processed(t, postStripe(t, stripeEvent('charge.refunded', stripeCharge({ intentId: intent.providerOrderId, amount: 15000, refunded: 15000 }))));
    expect(refund.body.data).toMatchObject({ status: 'FAILED' });
    await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intent.providerOrderId, amount: 15000 }))));
    expect(await dueStatus(f.dueId)).toBe('PAID');
    const report = await retryFailedInboundWebhooks(deps(), { now: new Date(Date.now() + 2 * 3600_000) });
    expect(report.processed).toBeGreaterThanOrEqual(1);
    expect((await t.query('select status, outcome from inbound_webhook_events where id = $1', [refund.body.data!.id])).rows[0]).toEqual({ status: 'PROCESSED', outcome: 'REFUNDED' });
    expect(await dueStatus(f.dueId)).toBe('UNPAID');
  });

  it('payment_intent.payment_failed books nothing', async () => {
    const f = await fixture();
    const intent = await stripeIntentFor(f);
    const response = await processed(t, postStripe(t, stripeEvent('payment_intent.payment_failed', stripeIntent({ id: intent.providerOrderId, amount: 15000, status: 'requires_payment_method' }))));
    expect(response.body.data!.outcome).toBe('PAYMENT_FAILED');
    expect(await transactionsOf(f.group.id)).toHaveLength(0);
    expect(await dueStatus(f.dueId)).toBe('UNPAID');
  });
});

describe('many clicks at once', () => {
  const RESOLVE = 'mutation($id: ID!, $note: String!) { resolvePaymentFlag(id: $id, note: $note) { status } }';

  /** A payment of the wrong amount for the fixture's due: flagged, not credited. Returns the flag's id. */
  async function flaggedPayment(f: Fixture): Promise<string> {
    const order = await razorpayOrder(f);
    const paymentId = providerId('pay');
    expect((await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId, orderId: order.providerOrderId, amount: 14999 })))).body.data!.outcome).toBe('FLAGGED');
    return (await t.query<{ id: string }>('select id from payment_flags where provider_payment_id = $1', [paymentId])).rows[0].id;
  }

  it('resolving a flagged payment clicked 15 times resolves it once; every other click is CONFLICT ALREADY_RESOLVED at once, and the server stays responsive', async () => {
    const f = await fixture();
    const flagId = await flaggedPayment(f);
    // More clicks than the database pool has connections (10).
    const burst = await clickInParallel(t, 15, RESOLVE, { id: flagId, note: 'Refunded in the dashboard' }, f.group.admin.token);
    const outcomes = burst.clicks.map((click) => outcomeOf(click, (data) => (data.resolvePaymentFlag as { status: string }).status)).sort();
    expect(outcomes).toEqual([...Array.from({ length: 14 }, () => 'CONFLICT ALREADY_RESOLVED'), 'RESOLVED']);
    expect(burst.totalMs).toBeLessThan(BURST_BOUND_MS);
    expect(burst.healthStatus).toBe(200);
    const resolutions = await t.query("select count(*)::int as n from activity_logs where entity_id = $1 and action = 'payment.flag.resolve'", [flagId]);
    expect(resolutions.rows[0].n).toBe(1);
  });

  it("resolving a flagged payment runs on its transaction's connection alone: the check never waits for a second one", async () => {
    const f = await fixture();
    const flagId = await flaggedPayment(f);
    // A pool of one: whatever runs under the lock on another connection fails with knex's acquire timeout.
    const { ctx, close } = await oneConnectionContext(t, { userId: f.group.admin.id });
    try {
      expect((await resolvePaymentFlag(ctx, flagId, 'Booked by hand')).status).toBe('RESOLVED');
    } finally {
      await close();
    }
    expect((await t.query('select status, resolution_note from payment_flags where id = $1', [flagId])).rows[0]).toEqual({ status: 'RESOLVED', resolution_note: 'Booked by hand' });
  });
});

describe("a provider payment while admins approve the member's \"I've paid\"", () => {
  const APPROVE = 'mutation($id: ID!) { approve(id: $id) { status } }';

  /** The member follows their "I've paid" link; returns the approval request it queued. */
  async function memberSaysPaid(dueId: string, memberToken: string): Promise<string> {
    const link = await t.gql<{ due: { iHavePaidLink: string } }>('query($id: ID!) { due(id: $id) { iHavePaidLink } }', { id: dueId }, memberToken);
    expect((await fetch(link.data!.due.iHavePaidLink.replace(/^https?:\/\/[^/]+/, t.url), { redirect: 'manual' })).status).toBe(303);
    return (await t.query<{ id: string }>("select id from approval_requests where entity_type = 'DUE' and target_id = $1", [dueId])).rows[0].id;
  }

  it('pays each due once, without a deadlock: no INTERNAL_SERVER_ERROR for the admins, no failed webhook processing', async () => {
    // The payment locks the due, then its "I've paid" request; approving it locks the request and the due.
    // Several dues at once, so that the two meet on at least one of them.
    const group = await createBilledGroup(t, { memberCount: 6 });
    await enableProviders(group);
    const { dueByMember } = await openPeriod(t, group, '700.00');
    const dues = await Promise.all(
      group.members.map(async (member) => {
        const dueId = dueByMember.get(member.id)!;
        const order = await t.gql<{ createRazorpayOrder: Checkout }>(RAZORPAY_ORDER, { dueId }, member.user.token);
        expect(order.errors).toBeUndefined();
        const requestId = await memberSaysPaid(dueId, member.user.token);
        return { member, dueId, requestId, order: order.data!.createRazorpayOrder };
      }),
    );

    const raced = await Promise.all(
      dues.map(async ({ requestId, order }) => {
        const webhook = processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId: providerId('pay'), orderId: order.providerOrderId, amount: Number(order.amount.amountMinor) })));
        const clicks = clickInParallel(t, 3, APPROVE, { id: requestId }, group.admin.token);
        return { webhook: await webhook, clicks: await clicks };
      }),
    );

    const clicks = raced.flatMap(({ clicks: burst }) => burst.clicks.map((click) => outcomeOf(click, (data) => (data.approve as { status: string }).status)));
    expect(new Set(clicks)).toEqual(new Set(clicks.filter((outcome) => outcome === 'APPROVED' || outcome === 'CONFLICT ALREADY_DECIDED')));
    expect(Math.max(...raced.map(({ clicks: burst }) => burst.totalMs))).toBeLessThan(BURST_BOUND_MS);
    for (const [i, { webhook, clicks: burst }] of raced.entries()) {
      const approved = burst.clicks.filter((click) => outcomeOf(click, (data) => (data.approve as { status: string }).status) === 'APPROVED').length;
      // The admins approved first (the payment then finds the due paid, and is flagged for a refund), or the payment came first.
      expect({ due: i, status: webhook.body.data!.status, outcome: webhook.body.data!.outcome }).toEqual({ due: i, status: 'PROCESSED', outcome: approved === 1 ? 'FLAGGED' : 'CREDITED' });
      expect(approved).toBeLessThanOrEqual(1);
    }
    for (const { member, dueId, requestId } of dues) {
      const payments = await t.query('select id from transactions where member_id = $1', [member.id]);
      expect(payments.rowCount).toBe(1);
      const due = await t.query('select status, paid_transaction_id from dues where id = $1', [dueId]);
      expect(due.rows[0]).toEqual({ status: 'PAID', paid_transaction_id: payments.rows[0].id });
      expect((await t.query('select status from approval_requests where id = $1', [requestId])).rows[0].status).toBe('APPROVED');
    }
    await assertLedgerReconciles(t, [{ groupId: group.id, token: group.admin.token }]);
  });
});

describe('failed processing', () => {
  it('is rolled back, kept FAILED with the error and a backoff, and retried until it succeeds, once', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const real = paymentTargetHandler(PaymentTargetKind.DUE);
    let failures = 1;
    // The due module failing inside the credit (a deadlock, a bug): the whole credit must roll back.
    registerPaymentTarget(PaymentTargetKind.DUE, {
      ...real,
      markPaid: async (...args) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('due module unavailable');
        }
        return real.markPaid(...args);
      },
    });
    try {
      const eventId = providerId('evt');
      const response = await processed(t, postRazorpay(t, razorpayEvent('payment.captured', { paymentId: providerId('pay'), orderId: order.providerOrderId, amount: 15000 }), { eventId }));
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ status: 'FAILED' });
      const [stored] = (await t.query('select status, attempts, last_error, next_attempt_at > now() as later from inbound_webhook_events where event_id = $1', [eventId])).rows;
      expect(stored).toEqual({ status: 'FAILED', attempts: 1, last_error: 'due module unavailable', later: true });
      expect(await transactionsOf(f.group.id)).toHaveLength(0);
      expect(await dueStatus(f.dueId)).toBe('UNPAID');

      // Not yet due for a retry; the provider's own redelivery is a duplicate and does not bypass the backoff.
      expect((await retryFailedInboundWebhooks(deps())).attempted).toBe(0);
      const later = new Date(Date.now() + 2 * 3600_000);
      const reports = await Promise.all([retryFailedInboundWebhooks(deps(), { now: later }), retryFailedInboundWebhooks(deps(), { now: later })]);
      expect(reports.reduce((sum, r) => sum + r.processed, 0)).toBeGreaterThanOrEqual(1);
      expect((await t.query('select status, outcome, attempts from inbound_webhook_events where event_id = $1', [eventId])).rows[0]).toEqual({ status: 'PROCESSED', outcome: 'CREDITED', attempts: 2 });
      expect(await transactionsOf(f.group.id)).toHaveLength(1);
      expect(await dueStatus(f.dueId)).toBe('PAID');
      expect((await retryFailedInboundWebhooks(deps(), { now: later })).attempted).toBe(0);
    } finally {
      registerPaymentTarget(PaymentTargetKind.DUE, real);
    }
  });

  it('an event stored by an instance that died before processing it is picked up by the retry job', async () => {
    const f = await fixture();
    const order = await razorpayOrder(f);
    const body = razorpayEvent('payment.captured', { paymentId: providerId('pay'), orderId: order.providerOrderId, amount: 15000 });
    // What the webhook route stores before processing, left RECEIVED as a crash would leave it.
    const stored = await t.query<{ id: string }>(
      `insert into inbound_webhook_events (id, created_at, updated_at, provider, event_id, event_type, raw_body, signature_valid, status, attempts, received_at, next_attempt_at)
       values (gen_random_uuid(), now(), now(), 'RAZORPAY', $1, 'payment.captured', $2, true, 'RECEIVED', 0, now(), now() + interval '60 seconds') returning id`,
      [providerId('evt'), Buffer.from(body)],
    );
    expect((await retryFailedInboundWebhooks(deps())).attempted).toBe(0);
    const report = await retryFailedInboundWebhooks(deps(), { now: new Date(Date.now() + 61_000) });
    expect(report).toMatchObject({ attempted: 1, processed: 1 });
    expect((await t.query('select status, outcome from inbound_webhook_events where id = $1', [stored.rows[0].id])).rows[0]).toEqual({ status: 'PROCESSED', outcome: 'CREDITED' });
    expect(await dueStatus(f.dueId)).toBe('PAID');
  });
});

describe('membership terms', () => {
  it('a member pays their pending monthly term through Stripe: the term is ACTIVE, its fee booked as MEMBERSHIP_FEE from the webhook', async () => {
    const club = await createBilledGroup(t, {
      kind: 'CLUB',
      memberCount: 1,
      billingSettings: { mode: 'MEMBERSHIP_FEE', cycle: 'MONTHLY', graceDays: 5, membershipFees: { monthly: { amount: '150.00', currency: 'INR' } } },
    });
    await enableProviders(club);
    const member = club.members[0];
    const created = await t.gql<{ createMembershipTerm: { term: { id: string; status: string } } }>(
      'mutation($input: CreateMembershipTermInput!) { createMembershipTerm(input: $input) { term { id status } } }',
      { input: { memberId: member.id, type: 'MONTHLY' } },
      member.user.token,
    );
    expect(created.errors).toBeUndefined();
    const term = created.data!.createMembershipTerm.term;
    expect(term.status).toBe('PENDING');
    const intent = await t.gql<{ createStripePaymentIntent: Checkout & { targetKind: string } }>(
      'mutation($t: ID) { createStripePaymentIntent(termId: $t) { providerOrderId amount { amountMinor currency } } }',
      { t: term.id },
      member.user.token,
    );
    expect(intent.data!.createStripePaymentIntent.amount).toEqual({ amountMinor: '15000', currency: 'INR' });
    const response = await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intent.data!.createStripePaymentIntent.providerOrderId, amount: 15000 }))));
    expect(response.body.data!.outcome).toBe('CREDITED');
    expect((await t.query('select status from membership_terms where id = $1', [term.id])).rows[0].status).toBe('ACTIVE');
    const txns = await t.query('select category, approval_source from transactions where group_id = $1', [club.id]);
    expect(txns.rows).toEqual([{ category: 'MEMBERSHIP_FEE', approval_source: 'STRIPE_WEBHOOK' }]);
    const again = await t.gql('mutation($t: ID) { createRazorpayOrder(termId: $t) { id } }', { t: term.id }, member.user.token);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT' });
  });
});

describe("provider payments stay the provider's to undo", () => {
  const TXN = 'query($id: ID!) { transaction(id: $id) { id viewerCanChange } }';
  const UPDATE = 'mutation($id: ID!, $input: UpdateTransactionInput!) { updateTransaction(id: $id, input: $input) { transaction { id } } }';
  const DELETE = 'mutation($id: ID!) { deleteTransaction(id: $id) { transaction { id } } }';

  async function accountSums(groupId: string): Promise<Record<string, string>> {
    const rows = await t.query<{ code: string; sum: string }>(
      'select a.code, coalesce(sum(e.amount_minor), 0)::text as sum from ledger_accounts a left join ledger_entries e on e.account_id = a.id where a.group_id = $1 group by a.code',
      [groupId],
    );
    return Object.fromEntries(rows.rows.map((r) => [r.code, r.sum]));
  }

  async function footprint(groupId: string): Promise<Record<string, number>> {
    const rows = await t.query<Record<string, number>>(
      `select (select count(*)::int from transactions where group_id = $1) as transactions,
              (select count(*)::int from audit_logs where group_id = $1) as audit,
              (select count(*)::int from approval_requests where group_id = $1) as approvals`,
      [groupId],
    );
    return rows.rows[0];
  }

  it('a Stripe payment cannot be corrected or deleted by hand (CONFLICT MANAGED_BY_PROVIDER, nothing written, no buttons); its refund still reverses it and reopens the due', async () => {
    const f = await fixture();
    const intent = await stripeIntentFor(f);
    await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intent.providerOrderId, amount: 15000 }))));
    const [paid] = await transactionsOf(f.group.id);
    expect((await t.gql<{ transaction: { viewerCanChange: boolean } }>(TXN, { id: paid.id }, f.group.admin.token)).data!.transaction.viewerCanChange).toBe(false);
    const before = await footprint(f.group.id);
    for (const response of [await t.gql(UPDATE, { id: paid.id, input: { description: 'Card payment for December' } }, f.group.admin.token), await t.gql(DELETE, { id: paid.id }, f.group.admin.token)]) {
      expect(response.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MANAGED_BY_PROVIDER' });
    }
    expect(await footprint(f.group.id)).toEqual(before);
    expect(await accountSums(f.group.id)).toEqual({ CLEARING_STRIPE: '15000', INCOME_SUBSCRIPTION_SHARE: '-15000' });

    const refund = await processed(t, postStripe(t, stripeEvent('charge.refunded', stripeCharge({ intentId: intent.providerOrderId, amount: 15000, refunded: 15000 }))));
    expect(refund.body.data!.outcome).toBe('REFUNDED');
    expect(await dueStatus(f.dueId)).toBe('UNPAID');
    expect(await accountSums(f.group.id)).toEqual({ CLEARING_STRIPE: '0', INCOME_SUBSCRIPTION_SHARE: '0' });
    await assertLedgerReconciles(t, [{ groupId: f.group.id, token: f.group.admin.token }]);
  });

  it('a payment matched only by its metadata (no intent of ours), refunded in full, reopens its due, which can be paid again', async () => {
    const f = await fixture();
    const intentId = providerId('pi');
    const credited = await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intentId, amount: 15000, metadata: { coffer_target_kind: 'DUE', coffer_target_id: f.dueId } }))));
    expect(credited.body.data!.outcome).toBe('CREDITED');
    expect(await dueStatus(f.dueId)).toBe('PAID');
    const refund = await processed(t, postStripe(t, stripeEvent('charge.refunded', stripeCharge({ intentId, amount: 15000, refunded: 15000 }))));
    expect(refund.body.data!.outcome).toBe('REFUNDED');
    expect(await dueStatus(f.dueId)).toBe('UNPAID');
    expect((await t.query('select paid_transaction_id from dues where id = $1', [f.dueId])).rows[0].paid_transaction_id).toBeNull();
    expect(await accountSums(f.group.id)).toEqual({ CLEARING_STRIPE: '0', INCOME_SUBSCRIPTION_SHARE: '0' });
    // Payable again: a new intent, and its payment credits.
    const again = await stripeIntentFor(f);
    expect((await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: again.providerOrderId, amount: 15000 }))))).body.data!.outcome).toBe('CREDITED');
    expect(await dueStatus(f.dueId)).toBe('PAID');
    await assertLedgerReconciles(t, [{ groupId: f.group.id, token: f.group.admin.token }]);
  });

  it('a sponsor link paid through metadata only and refunded in full is payable again on its public page', async () => {
    const f = await fixture();
    const sponsor = await t.gql<{ createSponsor: { id: string } }>('mutation($input: CreateSponsorInput!) { createSponsor(input: $input) { id } }', { input: { groupId: f.group.id, name: 'Acme Sports' } }, f.group.admin.token);
    const link = await t.gql<{ createSponsorLink: { id: string; url: string } }>(
      'mutation($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { id url } }',
      { input: { groupId: f.group.id, sponsorId: sponsor.data!.createSponsor.id, amount: { amount: '150.00', currency: 'INR' }, upiId: 'club@okaxis', purpose: 'Kit', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
      f.group.admin.token,
    );
    const { id: linkId, url } = link.data!.createSponsorLink;
    const page = () => fetch(`${t.url}/api/sponsor-links/${url.split('/').pop()!}`).then((r) => r.status);
    const intentId = providerId('pi');
    await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intentId, amount: 15000, metadata: { coffer_target_kind: 'SPONSOR_LINK', coffer_target_id: linkId } }))));
    expect(await page()).toBe(410);
    expect((await processed(t, postStripe(t, stripeEvent('charge.refunded', stripeCharge({ intentId, amount: 15000, refunded: 15000 }))))).body.data!.outcome).toBe('REFUNDED');
    expect((await t.query('select status, paid_transaction_id from sponsor_links where id = $1', [linkId])).rows[0]).toEqual({ status: 'ACTIVE', paid_transaction_id: null });
    expect(await page()).toBe(200);
  });

  it('a partial refund flagged earlier is resolved automatically, with a note, once the rest is refunded and the payment reversed', async () => {
    const f = await fixture();
    const intent = await stripeIntentFor(f);
    await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intent.providerOrderId, amount: 15000 }))));
    expect((await processed(t, postStripe(t, stripeEvent('charge.refunded', stripeCharge({ intentId: intent.providerOrderId, amount: 15000, refunded: 5000 }))))).body.data!.outcome).toBe('FLAGGED');
    const open = await t.gql<{ flaggedPayments: { totalCount: number } }>(FLAGS, { g: f.group.id, status: 'OPEN' }, f.group.admin.token);
    expect(open.data!.flaggedPayments.totalCount).toBe(1);
    expect((await processed(t, postStripe(t, stripeEvent('charge.refunded', stripeCharge({ intentId: intent.providerOrderId, amount: 15000, refunded: 15000 }))))).body.data!.outcome).toBe('REFUNDED');
    expect(await dueStatus(f.dueId)).toBe('UNPAID');
    const flags = await t.gql<{ flaggedPayments: { edges: { node: { reason: string; status: string; resolutionNote: string } }[] } }>(FLAGS, { g: f.group.id }, f.group.admin.token);
    const [receipt] = (await transactionsOf(f.group.id)).map((row) => row.receipt_number);
    expect(flags.data!.flaggedPayments.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ reason: 'PARTIAL_REFUND', status: 'RESOLVED', resolutionNote: `Resolved automatically: the payment was refunded in full and ${receipt} reversed` }),
    ]);
  });
});
