import { createHmac, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { TestServer } from './test-server';

/*
 * Provider payloads in the shapes Razorpay and Stripe document, signed the
 * way they sign them, and a local HTTP stub standing in for their APIs (the
 * edge of the world: the SDKs talk to it over real HTTP).
 */

export const RAZORPAY_WEBHOOK_SECRET = 'rzp_webhook_secret_for_tests';
export const RAZORPAY_KEY_SECRET = 'rzp_key_secret_for_tests';
export const STRIPE_WEBHOOK_SECRET = 'whsec_test_secret_for_tests';

/** Provider keys for a test server whose SDK clients call `stubUrl`. Webhook IPs come from X-Forwarded-For. */
export function providerEnv(stubUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    RAZORPAY_KEY_ID: 'rzp_test_keyid',
    RAZORPAY_KEY_SECRET,
    RAZORPAY_WEBHOOK_SECRET,
    RAZORPAY_API_URL: stubUrl,
    STRIPE_SECRET_KEY: 'sk_test_for_tests',
    STRIPE_PUBLISHABLE_KEY: 'pk_test_for_tests',
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stubUrl,
    TRUST_PROXY_HOPS: '1',
    ...extra,
  };
}

export const providerId = (prefix: string): string => `${prefix}_${randomBytes(7).toString('hex')}`;
/** A fresh client address per call, so tests do not share a rate-limit window unless they mean to. */
export const randomIp = (): string => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

export interface RazorpayPaymentFields {
  paymentId: string;
  orderId: string | null;
  amount: number;
  currency?: string;
  method?: string;
  notes?: Record<string, string> | [];
  status?: string;
}

function razorpayPaymentEntity(fields: RazorpayPaymentFields) {
  const failed = fields.status === 'failed';
  return {
    id: fields.paymentId,
    entity: 'payment',
    amount: fields.amount,
    currency: fields.currency ?? 'INR',
    base_amount: fields.amount,
    status: fields.status ?? 'captured',
    order_id: fields.orderId,
    invoice_id: null,
    international: false,
    method: fields.method ?? 'upi',
    amount_refunded: 0,
    amount_transferred: 0,
    refund_status: null,
    captured: !failed,
    description: null,
    card_id: null,
    bank: null,
    wallet: null,
    vpa: 'gaurav.kumar@exampleupi',
    email: 'gaurav.kumar@example.com',
    contact: '+919876543210',
    notes: fields.notes ?? [],
    fee: 2,
    tax: 0,
    error_code: failed ? 'BAD_REQUEST_ERROR' : null,
    error_description: failed ? 'Payment failed' : null,
    error_source: failed ? 'customer' : null,
    error_step: failed ? 'payment_authorization' : null,
    error_reason: failed ? 'payment_failed' : null,
    acquirer_data: { rrn: '322206890934' },
    created_at: Math.floor(Date.now() / 1000) - 5,
  };
}

/** payment.captured / payment.failed / order.paid as Razorpay's webhook docs show them (notes as [] when empty). */
export function razorpayEvent(type: 'payment.captured' | 'payment.failed' | 'order.paid' | string, fields: RazorpayPaymentFields): string {
  const payment = razorpayPaymentEntity(fields);
  const payload: Record<string, unknown> = { payment: { entity: payment } };
  const contains = ['payment'];
  if (type === 'order.paid') {
    contains.push('order');
    payload.order = {
      entity: { id: fields.orderId, entity: 'order', amount: fields.amount, amount_paid: fields.amount, amount_due: 0, currency: fields.currency ?? 'INR', receipt: 'rcptid #1', offer_id: null, status: 'paid', attempts: 1, notes: [], created_at: payment.created_at - 30 },
    };
  }
  return JSON.stringify({ entity: 'event', account_id: 'acc_BFQ7uQEaa7j2z7', event: type, contains, payload, created_at: Math.floor(Date.now() / 1000) }, null, 2);
}

/** virtual_account.credited, linked to its target through the virtual account's notes. */
export function razorpayVirtualAccountEvent(fields: RazorpayPaymentFields & { accountNotes: Record<string, string> | [] }): string {
  const payment = { ...razorpayPaymentEntity({ ...fields, orderId: null, method: 'bank_transfer' }), description: 'Virtual account payment' };
  return JSON.stringify({
    entity: 'event',
    account_id: 'acc_BFQ7uQEaa7j2z7',
    event: 'virtual_account.credited',
    contains: ['payment', 'virtual_account', 'bank_transfer'],
    payload: {
      payment: { entity: payment },
      virtual_account: { entity: { id: providerId('va'), name: 'Acme Corp', entity: 'virtual_account', status: 'active', description: 'Dues', amount_expected: null, notes: fields.accountNotes, amount_paid: fields.amount, customer_id: null, close_by: null, closed_at: null, created_at: payment.created_at - 100, receivers: [] } },
      bank_transfer: { entity: { id: providerId('bt'), entity: 'bank_transfer', payment_id: fields.paymentId, mode: 'NEFT', bank_reference: '157414364471', amount: fields.amount, virtual_account_id: 'va_x' } },
    },
    created_at: Math.floor(Date.now() / 1000),
  });
}

/** Razorpay's scheme: hex HMAC-SHA256 of the exact body bytes. */
export const razorpaySignature = (body: string, secret = RAZORPAY_WEBHOOK_SECRET): string => createHmac('sha256', secret).update(body).digest('hex');

export interface WebhookResponse {
  status: number;
  body: { data?: { id: string; eventId: string; duplicate: boolean; status: string; outcome: string | null }; error?: { code: string; message: string; details: Record<string, unknown> } };
  headers: Headers;
}

async function post(t: TestServer, path: string, body: string, headers: Record<string, string>, ip: string): Promise<WebhookResponse> {
  const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...headers }, body });
  return { status: response.status, body: (await response.json()) as WebhookResponse['body'], headers: response.headers };
}

export function postRazorpay(t: TestServer, body: string, options: { eventId?: string | null; signature?: string | null; secret?: string; ip?: string } = {}): Promise<WebhookResponse> {
  const headers: Record<string, string> = {};
  const signature = options.signature === undefined ? razorpaySignature(body, options.secret) : options.signature;
  if (signature !== null) headers['x-razorpay-signature'] = signature;
  const eventId = options.eventId === undefined ? providerId('evt') : options.eventId;
  if (eventId !== null) headers['x-razorpay-event-id'] = eventId;
  return post(t, '/api/webhooks/razorpay', body, headers, options.ip ?? randomIp());
}

/** t.query's one client takes one query at a time: concurrent waits for outcomes queue their polls here. */
const pollQueues = new WeakMap<TestServer, Promise<unknown>>();
function serialQuery(t: TestServer, text: string, params: unknown[]): Promise<{ rows: { status: string; outcome: string | null }[] }> {
  const result = (pollQueues.get(t) ?? Promise.resolve()).then(() => t.query<{ status: string; outcome: string | null }>(text, params));
  pollQueues.set(t, result.catch(() => undefined));
  return result;
}

/**
 * Webhooks are answered as soon as they are stored and processed afterwards:
 * waits until the delivery's stored event is no longer RECEIVED and returns
 * the response with the stored status and outcome in place of the answer's.
 */
export async function processed(t: TestServer, delivery: WebhookResponse | Promise<WebhookResponse>, timeoutMs = 30_000): Promise<WebhookResponse> {
  const response = await delivery;
  if (response.status !== 200 || !response.body.data) return response;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await serialQuery(t, 'select status, outcome from inbound_webhook_events where id = $1', [response.body.data.id]);
    if (rows[0].status !== 'RECEIVED' || Date.now() > deadline) return { ...response, body: { data: { ...response.body.data, status: rows[0].status, outcome: rows[0].outcome } } };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A Stripe event envelope (current API shape) around `object`. */
export function stripeEvent(type: string, object: Record<string, unknown>, id = providerId('evt')): string {
  return JSON.stringify(
    { id, object: 'event', api_version: '2025-10-29.clover', created: Math.floor(Date.now() / 1000), data: { object }, livemode: false, pending_webhooks: 1, request: { id: providerId('req'), idempotency_key: null }, type },
    null,
    2,
  );
}

export function stripeIntent(fields: { id: string; amount: number; currency?: string; status?: string; metadata?: Record<string, string> }): Record<string, unknown> {
  const succeeded = (fields.status ?? 'succeeded') === 'succeeded';
  return {
    id: fields.id,
    object: 'payment_intent',
    amount: fields.amount,
    amount_capturable: 0,
    amount_received: succeeded ? fields.amount : 0,
    capture_method: 'automatic',
    client_secret: `${fields.id}_secret_abc`,
    created: Math.floor(Date.now() / 1000) - 10,
    currency: fields.currency ?? 'inr',
    description: null,
    last_payment_error: succeeded ? null : { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', type: 'card_error' },
    latest_charge: succeeded ? providerId('ch') : null,
    livemode: false,
    metadata: fields.metadata ?? {},
    payment_method: providerId('pm'),
    payment_method_types: ['card'],
    receipt_email: null,
    shipping: null,
    status: fields.status ?? 'succeeded',
  };
}

export function stripeCharge(fields: { intentId: string | null; amount: number; refunded: number; currency?: string }): Record<string, unknown> {
  return {
    id: providerId('ch'),
    object: 'charge',
    amount: fields.amount,
    amount_captured: fields.amount,
    amount_refunded: fields.refunded,
    captured: true,
    currency: fields.currency ?? 'inr',
    metadata: {},
    paid: true,
    payment_intent: fields.intentId,
    refunded: fields.refunded === fields.amount,
    refunds: { object: 'list', data: [{ id: providerId('re'), object: 'refund', amount: fields.refunded, charge: 'ch_x', currency: fields.currency ?? 'inr', payment_intent: fields.intentId, status: 'succeeded' }], has_more: false, total_count: 1 },
    status: 'succeeded',
  };
}

/** Signed with Stripe's own test helper, as Stripe signs: t=<timestamp>,v1=HMAC(secret, "t.body"). */
export function postStripe(t: TestServer, body: string, options: { secret?: string; timestamp?: number; signature?: string | null; ip?: string } = {}): Promise<WebhookResponse> {
  const headers: Record<string, string> = {};
  const signature =
    options.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.secret ?? STRIPE_WEBHOOK_SECRET, ...(options.timestamp ? { timestamp: options.timestamp } : {}) })
      : options.signature;
  if (signature !== null) headers['stripe-signature'] = signature;
  return post(t, '/api/webhooks/stripe', body, headers, options.ip ?? randomIp());
}

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface ProviderStub {
  url: string;
  requests: StubRequest[];
  /** Makes the next n requests answer with this status and a provider-style error. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

/**
 * Razorpay's POST /v1/orders and Stripe's POST /v1/payment_intents (the two
 * calls Coffer makes), answered as the providers answer them. Stripe's
 * idempotency key replays the first answer, as Stripe does.
 */
export async function startProviderStub(): Promise<ProviderStub> {
  const requests: StubRequest[] = [];
  const replays = new Map<string, string>();
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      const send = (status: number, payload: unknown) => {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': providerId('req') });
        res.end(text);
      };
      if (failures.count > 0) {
        failures.count -= 1;
        send(failures.status, { error: { code: 'BAD_REQUEST_ERROR', description: 'The stub refused', type: 'api_error', message: 'The stub refused' } });
        return;
      }
      if (req.method === 'POST' && path === '/v1/orders') {
        const input = JSON.parse(body) as { amount: number; currency: string; receipt?: string; notes?: Record<string, string> };
        send(200, { id: providerId('order'), entity: 'order', amount: input.amount, amount_paid: 0, amount_due: input.amount, currency: input.currency, receipt: input.receipt ?? null, offer_id: null, status: 'created', attempts: 0, notes: input.notes ?? [], created_at: Math.floor(Date.now() / 1000) });
        return;
      }
      if (req.method === 'POST' && path === '/v1/payment_intents') {
        const key = String(req.headers['idempotency-key'] ?? '');
        if (key && replays.has(key)) {
          res.writeHead(200, { 'content-type': 'application/json', 'idempotent-replayed': 'true' });
          res.end(replays.get(key));
          return;
        }
        const form = new URLSearchParams(body);
        const metadata: Record<string, string> = {};
        for (const [name, value] of form) {
          const match = /^metadata\[(.+)\]$/.exec(name);
          if (match) metadata[match[1]] = value;
        }
        const id = providerId('pi');
        const intent = { id, object: 'payment_intent', amount: Number(form.get('amount')), currency: form.get('currency'), metadata, status: 'requires_payment_method', client_secret: `${id}_secret_${providerId('s')}`, livemode: false };
        const text = JSON.stringify(intent);
        if (key) replays.set(key, text);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
        return;
      }
      send(404, { error: { code: 'NOT_FOUND', description: `No stub for ${req.method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failNext: (count, status) => {
      failures = { count, status };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
