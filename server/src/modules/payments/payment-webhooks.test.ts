import Razorpay from 'razorpay';
import Stripe from 'stripe';
import {
  postRazorpay,
  postStripe,
  processed,
  providerEnv,
  providerId,
  razorpayEvent,
  razorpaySignature,
  RAZORPAY_WEBHOOK_SECRET,
  startProviderStub,
  ProviderStub,
  stripeEvent,
  stripeIntent,
  STRIPE_WEBHOOK_SECRET,
} from '../../../test/support/payments';
import { startTestServer, TestServer } from '../../../test/support/test-server';

/*
 * Ingestion of provider webhooks over real HTTP: signatures over the raw
 * bytes, storage before processing, dedupe on the event id, and rejection of
 * anything unsigned, altered or stale, with nothing written to the ledger.
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

async function storedEvents(eventId: string) {
  return (await t.query('select status, outcome, signature_valid, raw_body, event_type from inbound_webhook_events where event_id = $1', [eventId])).rows;
}

async function ledgerRows(): Promise<number> {
  return Number((await t.query('select count(*) from transactions')).rows[0].count);
}

const unknownOrderPayment = () => ({ paymentId: providerId('pay'), orderId: providerId('order'), amount: 100 });

describe('Razorpay webhook', () => {
  it('stores a signed delivery byte for byte and answers 200; a payment of no order of ours is UNMATCHED, not booked', async () => {
    const body = razorpayEvent('payment.captured', unknownOrderPayment());
    // The SDK's own check agrees with the signature the tests send.
    expect(Razorpay.validateWebhookSignature(body, razorpaySignature(body), RAZORPAY_WEBHOOK_SECRET)).toBe(true);
    const eventId = providerId('evt');
    const response = await processed(t, postRazorpay(t, body, { eventId }));
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ eventId, duplicate: false, status: 'PROCESSED', outcome: 'UNMATCHED' });
    const [row] = await storedEvents(eventId);
    expect(row).toMatchObject({ status: 'PROCESSED', outcome: 'UNMATCHED', signature_valid: true, event_type: 'payment.captured' });
    expect((row.raw_body as Buffer).equals(Buffer.from(body))).toBe(true);
    expect(await ledgerRows()).toBe(0);
  });

  it.each([
    ['a tampered body', (body: string) => ({ body: body.replace('"amount": 100', '"amount": 1'), signature: razorpaySignature(body) })],
    ['a re-serialised body', (body: string) => ({ body: JSON.stringify(JSON.parse(body)), signature: razorpaySignature(body) })],
    ['the wrong secret', (body: string) => ({ body, signature: razorpaySignature(body, 'not-the-secret') })],
    ['a signature of another length', (body: string) => ({ body, signature: 'abc' })],
  ])('refuses %s with 400 INVALID_SIGNATURE; the delivery is kept as IGNORED, nothing is booked', async (_label, alter) => {
    const original = razorpayEvent('payment.captured', unknownOrderPayment());
    const { body, signature } = alter(original);
    expect(body !== original || signature !== razorpaySignature(original)).toBe(true);
    const eventId = providerId('evt');
    const response = await postRazorpay(t, body, { eventId, signature });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'INVALID_SIGNATURE' } });
    const rows = (await t.query(`select status, outcome, signature_valid from inbound_webhook_events where signature_header = $1`, [signature])).rows;
    expect(rows).toEqual([{ status: 'IGNORED', outcome: 'INVALID_SIGNATURE', signature_valid: false }]);
    expect(await storedEvents(eventId)).toEqual([]);
    expect(await ledgerRows()).toBe(0);
  });

  it('refuses a delivery without x-razorpay-signature with 400 MISSING_SIGNATURE', async () => {
    const response = await postRazorpay(t, razorpayEvent('payment.captured', unknownOrderPayment()), { signature: null });
    expect(response.status).toBe(400);
    expect(response.body.error?.details.reason).toBe('MISSING_SIGNATURE');
  });

  it('a forged delivery does not take the event id: the genuine one with the same id is still processed', async () => {
    const eventId = providerId('evt');
    const body = razorpayEvent('payment.captured', unknownOrderPayment());
    expect((await postRazorpay(t, body, { eventId, signature: razorpaySignature(body, 'attacker') })).status).toBe(400);
    const genuine = await processed(t, postRazorpay(t, body, { eventId }));
    expect(genuine.status).toBe(200);
    expect(genuine.body.data).toMatchObject({ duplicate: false, status: 'PROCESSED' });
  });

  it('stores the same event five times over as one row, sequentially and concurrently', async () => {
    const body = razorpayEvent('payment.captured', unknownOrderPayment());
    const eventId = providerId('evt');
    const sequential = [];
    for (let i = 0; i < 5; i += 1) sequential.push(await postRazorpay(t, body, { eventId }));
    expect(sequential.map((r) => [r.status, r.body.data?.duplicate])).toEqual([[200, false], [200, true], [200, true], [200, true], [200, true]]);
    expect(await storedEvents(eventId)).toHaveLength(1);

    const concurrentId = providerId('evt');
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => postRazorpay(t, body, { eventId: concurrentId })));
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(concurrent.filter((r) => r.body.data?.duplicate === false)).toHaveLength(1);
    expect(await storedEvents(concurrentId)).toHaveLength(1);
  });

  it('without x-razorpay-event-id the signed body identifies the event: a resend is a duplicate', async () => {
    const body = razorpayEvent('payment.captured', unknownOrderPayment());
    const first = await postRazorpay(t, body, { eventId: null });
    const second = await postRazorpay(t, body, { eventId: null });
    expect(first.body.data).toMatchObject({ duplicate: false });
    expect(second.body.data).toMatchObject({ duplicate: true, id: first.body.data!.id });
    expect(first.body.data!.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('answers 200 and IGNORES an event type it does not handle', async () => {
    const eventId = providerId('evt');
    const response = await postRazorpay(t, razorpayEvent('refund.processed', unknownOrderPayment()), { eventId });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ status: 'IGNORED', outcome: 'UNKNOWN_EVENT' });
    expect(await storedEvents(eventId)).toMatchObject([{ status: 'IGNORED', outcome: 'UNKNOWN_EVENT', signature_valid: true }]);
  });

  it('a signed body that is not a usable payment (no payload, an amount beyond 2^53, a bad currency) is IGNORED as MALFORMED', async () => {
    const bodies = [
      JSON.stringify({ entity: 'event', event: 'payment.captured', contains: [], payload: {}, created_at: 1 }),
      razorpayEvent('payment.captured', { ...unknownOrderPayment(), amount: 1e20 }),
      razorpayEvent('order.paid', { ...unknownOrderPayment(), currency: 'RUPEES' }),
    ];
    for (const body of bodies) {
      const response = await processed(t, postRazorpay(t, body));
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ status: 'IGNORED', outcome: 'MALFORMED' });
    }
    const notJson = await postRazorpay(t, '{"event": "payment.captured",');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error?.details.reason).toBe('INVALID_BODY');
    expect(await ledgerRows()).toBe(0);
  });

  it('limits each client IP to 50 deliveries a minute (429 with Retry-After); other IPs are unaffected', async () => {
    const ip = '10.250.250.250';
    const body = razorpayEvent('refund.processed', unknownOrderPayment());
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) statuses.push((await postRazorpay(t, body, { ip })).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const limited = await postRazorpay(t, body, { ip });
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await postRazorpay(t, body, { ip: '10.250.250.251' })).status).toBe(200);
  });
});

describe('Stripe webhook', () => {
  const intentEvent = () => stripeEvent('payment_intent.succeeded', stripeIntent({ id: providerId('pi'), amount: 2000 }));

  it('verifies with constructEvent on the raw body and stores it; a PaymentIntent of no order of ours is UNMATCHED', async () => {
    const body = intentEvent();
    const eventId = (JSON.parse(body) as { id: string }).id;
    const response = await processed(t, postStripe(t, body));
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ eventId, status: 'PROCESSED', outcome: 'UNMATCHED', duplicate: false });
    const [row] = await storedEvents(eventId);
    expect((row.raw_body as Buffer).equals(Buffer.from(body))).toBe(true);
  });

  it.each([
    ['a tampered body', (body: string) => ({ body: body.replace('"amount": 2000', '"amount": 20'), header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_WEBHOOK_SECRET }) })],
    ['a re-serialised body', (body: string) => ({ body: JSON.stringify(JSON.parse(body)), header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_WEBHOOK_SECRET }) })],
    ['the wrong secret', (body: string) => ({ body, header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_wrong' }) })],
    ['a timestamp older than 300 s', (body: string) => ({ body, header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) - 301 }) })],
    ['a header without v1', (body: string) => ({ body, header: `t=${Math.floor(Date.now() / 1000)}` })],
  ])('refuses %s with 400 INVALID_SIGNATURE, nothing booked', async (_label, alter) => {
    const { body, header } = alter(intentEvent());
    const response = await postStripe(t, body, { signature: header });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'BAD_USER_INPUT', details: { reason: 'INVALID_SIGNATURE' } });
    expect((await t.query('select signature_valid, status from inbound_webhook_events where signature_header = $1', [header])).rows).toEqual([{ signature_valid: false, status: 'IGNORED' }]);
    expect(await ledgerRows()).toBe(0);
  });

  it('accepts a timestamp just inside the 300 s tolerance', async () => {
    const response = await postStripe(t, intentEvent(), { timestamp: Math.floor(Date.now() / 1000) - 280 });
    expect(response.status).toBe(200);
  });

  it('refuses a delivery without stripe-signature with 400 MISSING_SIGNATURE', async () => {
    const response = await postStripe(t, intentEvent(), { signature: null });
    expect(response.status).toBe(400);
    expect(response.body.error?.details.reason).toBe('MISSING_SIGNATURE');
  });

  it('dedupes on the event id, also five concurrent deliveries', async () => {
    const body = intentEvent();
    const eventId = (JSON.parse(body) as { id: string }).id;
    const responses = await Promise.all(Array.from({ length: 5 }, () => postStripe(t, body)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.filter((r) => !r.body.data!.duplicate)).toHaveLength(1);
    expect(await storedEvents(eventId)).toHaveLength(1);
  });

  it('IGNORES an event type it does not handle, and a checkout session that is not paid', async () => {
    const unknown = await postStripe(t, stripeEvent('customer.created', { id: providerId('cus'), object: 'customer' }));
    expect(unknown.body.data).toMatchObject({ status: 'IGNORED', outcome: 'UNKNOWN_EVENT' });
    const unpaid = await processed(
      t,
      postStripe(
      t,
      stripeEvent('checkout.session.completed', { id: providerId('cs'), object: 'checkout.session', amount_total: 3000, currency: 'inr', mode: 'payment', payment_intent: providerId('pi'), payment_status: 'unpaid', status: 'complete', metadata: {} }),
      ),
    );
    expect(unpaid.body.data).toMatchObject({ status: 'IGNORED', outcome: 'IGNORED' });
  });
});

describe('answering fast', () => {
  const statusOf = async (server: TestServer, id: string) => (await server.query<{ status: string }>('select status from inbound_webhook_events where id = $1', [id])).rows[0].status;

  it('answers 200 RECEIVED as soon as the event is stored; this instance processes it afterwards', async () => {
    const eventId = providerId('evt');
    const response = await postRazorpay(t, razorpayEvent('payment.captured', unknownOrderPayment()), { eventId });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ eventId, status: 'RECEIVED', outcome: null, duplicate: false });
    expect((await processed(t, response)).body.data).toMatchObject({ status: 'PROCESSED', outcome: 'UNMATCHED' });
  });

  it('an instance without processors stores and answers; the next instance woken by a delivery of its own processes what it left RECEIVED', async () => {
    const storeOnly = await startTestServer({ db: t.db, env: providerEnv(stub.url, { WEBHOOK_PROCESS_CONCURRENCY: '0' }) });
    try {
      const left = await postRazorpay(storeOnly, razorpayEvent('payment.captured', unknownOrderPayment()));
      expect(left.body.data).toMatchObject({ status: 'RECEIVED', duplicate: false });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await statusOf(t, left.body.data!.id)).toBe('RECEIVED');
      const own = await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: providerId('pi'), amount: 2000 }))));
      expect(own.body.data).toMatchObject({ status: 'PROCESSED', outcome: 'UNMATCHED' });
      expect((await processed(t, left)).body.data).toMatchObject({ status: 'PROCESSED', outcome: 'UNMATCHED' });
    } finally {
      await storeOnly.close();
    }
  });

  it('with WEBHOOK_PROCESS_WAIT_MS the answer waits for the outcome when this instance processes the event in time', async () => {
    const patient = await startTestServer({ db: t.db, env: providerEnv(stub.url, { WEBHOOK_PROCESS_WAIT_MS: '20000' }) });
    try {
      const response = await postRazorpay(patient, razorpayEvent('payment.captured', unknownOrderPayment()));
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ status: 'PROCESSED', outcome: 'UNMATCHED', duplicate: false });
      expect(await statusOf(t, response.body.data!.id)).toBe('PROCESSED');
    } finally {
      await patient.close();
    }
  });
});
