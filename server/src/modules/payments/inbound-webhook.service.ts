import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type Stripe from 'stripe';
import type { CofferConfig } from '../../config';
import { DeferredEventBus, EventBus } from '../../shared/event-bus';
import { createLoaders } from '../../shared/loaders';
import type { Logger } from '../../shared/logger';
import type { ServiceContext } from '../../shared/service-context';
import { anonymousViewer } from '../auth/viewer';
import { ApprovalSource, PaymentProvider } from '../ledger/ledger.enums';
import { InboundWebhookStatus } from './payment.entities';
import { applyPaymentAction, PaymentOutcome } from './payment-crediting';
import { constructStripeEvent, providerName, providerSettings, razorpayWebhookSignatureValid } from './provider-gateways';
import { MalformedEventError, parseRazorpayEvent, parseStripeEvent, PaymentEventAction, RAZORPAY_EVENTS, STRIPE_EVENTS } from './provider-events';

/*
 * Inbound provider webhooks: every delivery is stored first (body byte for
 * byte), answered 2xx, and processed idempotently. Processing locks the
 * event's row and commits its status together with what it booked, so an
 * event is applied once even when the inline attempt and the retry job race.
 */

export interface PaymentDeps {
  orm: MikroORM;
  config: CofferConfig;
  events: EventBus;
  logger?: Logger;
}

export interface WebhookDelivery {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  sourceIp: string | null;
}

export type ReceiveResult =
  | { accepted: true; id: string; eventId: string; duplicate: boolean; status: InboundWebhookStatus; outcome: string | null }
  | { accepted: false; reason: 'MISSING_SIGNATURE' | 'INVALID_SIGNATURE' | 'INVALID_BODY' | 'PROVIDER_NOT_CONFIGURED'; message: string };

/** Without keys and without the sandbox nobody can sign a delivery we should accept. */
function notConfigured(deps: PaymentDeps, provider: PaymentProvider): ReceiveResult | null {
  if (providerSettings(deps.config, provider).available) return null;
  return { accepted: false, reason: 'PROVIDER_NOT_CONFIGURED', message: `${providerName(provider)} is not configured on this server` };
}

/** An event processed by nobody (a crashed instance) is picked up by the retry job after this long. */
const STALE_RECEIVED_SECONDS = 60;
const MAX_BACKOFF_SECONDS = 3600;

/** Webhooks and jobs act as the system; events wait for the commit. */
export function systemContext(deps: PaymentDeps, em: EntityManager, events: EventBus): ServiceContext {
  return { em, viewer: anonymousViewer, config: deps.config, events, loaders: createLoaders(em, anonymousViewer) };
}

function header(delivery: WebhookDelivery, name: string): string | null {
  const value = delivery.headers[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single && single.trim() !== '' ? single : null;
}

async function storeRejected(deps: PaymentDeps, provider: PaymentProvider, delivery: WebhookDelivery, signatureHeader: string | null, reason: string, error: string | null): Promise<void> {
  await deps.orm.em.fork().execute(
    `insert into "inbound_webhook_events" ("id", "created_at", "updated_at", "provider", "raw_body", "signature_header", "signature_valid", "status", "outcome", "last_error", "source_ip", "received_at")
     values (gen_random_uuid(), now(), now(), ?, ?, ?, false, 'IGNORED', ?, ?, ?, now())`,
    [provider, delivery.rawBody, signatureHeader?.slice(0, 2000) ?? null, reason, error, delivery.sourceIp],
  );
}

interface SignedEvent {
  provider: PaymentProvider;
  eventId: string;
  eventType: string;
  known: boolean;
  signatureHeader: string;
}

/** Inserts a verified delivery unless its event id is already stored; then processes it. */
async function storeAndProcess(deps: PaymentDeps, event: SignedEvent, delivery: WebhookDelivery): Promise<ReceiveResult> {
  const em = deps.orm.em.fork();
  const status = event.known ? InboundWebhookStatus.RECEIVED : InboundWebhookStatus.IGNORED;
  const inserted: { id: string }[] = await em.execute(
    `insert into "inbound_webhook_events" ("id", "created_at", "updated_at", "provider", "event_id", "event_type", "raw_body", "signature_header", "signature_valid", "status", "outcome",
       "source_ip", "received_at", "next_attempt_at", "processed_at")
     values (gen_random_uuid(), now(), now(), ?, ?, ?, ?, ?, true, ?, ?, ?, now(), ${event.known ? `now() + interval '${STALE_RECEIVED_SECONDS} seconds'` : 'null'}, ${event.known ? 'null' : 'now()'})
     on conflict ("provider", "event_id") where "signature_valid" do nothing
     returning "id"`,
    [event.provider, event.eventId, event.eventType, delivery.rawBody, event.signatureHeader.slice(0, 2000), status, event.known ? null : 'UNKNOWN_EVENT', delivery.sourceIp],
  );
  if (inserted.length === 0) {
    const rows: { id: string; status: InboundWebhookStatus; outcome: string | null }[] = await em.execute(
      `select "id", "status", "outcome" from "inbound_webhook_events" where "provider" = ? and "event_id" = ? and "signature_valid"`,
      [event.provider, event.eventId],
    );
    return { accepted: true, id: rows[0].id, eventId: event.eventId, duplicate: true, status: rows[0].status, outcome: rows[0].outcome };
  }
  const id = inserted[0].id;
  if (!event.known) return { accepted: true, id, eventId: event.eventId, duplicate: false, status, outcome: 'UNKNOWN_EVENT' };
  // Usually done in milliseconds, so the answer says what happened; under overload the provider still gets
  // its 2xx in time and processing finishes on its own (or, if this instance dies, by the retry job).
  const processing = processInboundEvent(deps, id).catch((error: unknown) => {
    deps.logger?.error('Webhook processing failed to record its failure', { id, error: error instanceof Error ? error.message : String(error) });
    return null;
  });
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'waiting'>((resolve) => {
    timer = setTimeout(() => resolve('waiting'), deps.config.payments.webhookProcessWaitMs);
  });
  const processed = await Promise.race([processing, waited]);
  clearTimeout(timer);
  if (processed === 'waiting') return { accepted: true, id, eventId: event.eventId, duplicate: false, status, outcome: null };
  return { accepted: true, id, eventId: event.eventId, duplicate: false, status: processed?.status ?? status, outcome: processed?.outcome ?? null };
}

/** POST /api/webhooks/razorpay: x-razorpay-signature over the raw body; the event id travels in x-razorpay-event-id. */
export async function receiveRazorpayWebhook(deps: PaymentDeps, delivery: WebhookDelivery): Promise<ReceiveResult> {
  const off = notConfigured(deps, PaymentProvider.RAZORPAY);
  if (off) return off;
  const signature = header(delivery, 'x-razorpay-signature');
  if (!signature) {
    await storeRejected(deps, PaymentProvider.RAZORPAY, delivery, null, 'MISSING_SIGNATURE', null);
    return { accepted: false, reason: 'MISSING_SIGNATURE', message: 'x-razorpay-signature header is missing' };
  }
  if (!razorpayWebhookSignatureValid(deps.config, delivery.rawBody, signature)) {
    await storeRejected(deps, PaymentProvider.RAZORPAY, delivery, signature, 'INVALID_SIGNATURE', null);
    return { accepted: false, reason: 'INVALID_SIGNATURE', message: 'x-razorpay-signature does not match the body' };
  }
  let type: string;
  try {
    const body = JSON.parse(delivery.rawBody.toString('utf8')) as { event?: unknown };
    if (typeof body?.event !== 'string') throw new MalformedEventError('no event name');
    type = body.event;
  } catch (error) {
    await storeRejected(deps, PaymentProvider.RAZORPAY, delivery, signature, 'INVALID_BODY', (error as Error).message);
    return { accepted: false, reason: 'INVALID_BODY', message: 'The body is not a Razorpay event' };
  }
  // Razorpay sends the same x-razorpay-event-id on every retry of an event; without one the signed body itself identifies it.
  const eventId = header(delivery, 'x-razorpay-event-id') ?? `sha256:${createHash('sha256').update(delivery.rawBody).digest('hex')}`;
  return storeAndProcess(deps, { provider: PaymentProvider.RAZORPAY, eventId: eventId.slice(0, 255), eventType: type.slice(0, 100), known: (RAZORPAY_EVENTS as readonly string[]).includes(type), signatureHeader: signature }, delivery);
}

/** POST /api/webhooks/stripe: stripe.webhooks.constructEvent on the raw body, 300 s tolerance. */
export async function receiveStripeWebhook(deps: PaymentDeps, delivery: WebhookDelivery): Promise<ReceiveResult> {
  const off = notConfigured(deps, PaymentProvider.STRIPE);
  if (off) return off;
  const signature = header(delivery, 'stripe-signature');
  if (!signature) {
    await storeRejected(deps, PaymentProvider.STRIPE, delivery, null, 'MISSING_SIGNATURE', null);
    return { accepted: false, reason: 'MISSING_SIGNATURE', message: 'stripe-signature header is missing' };
  }
  let event: Stripe.Event;
  try {
    event = constructStripeEvent(deps.config, delivery.rawBody, signature);
  } catch (error) {
    const invalidJson = error instanceof SyntaxError;
    await storeRejected(deps, PaymentProvider.STRIPE, delivery, signature, invalidJson ? 'INVALID_BODY' : 'INVALID_SIGNATURE', (error as Error).message);
    if (invalidJson) return { accepted: false, reason: 'INVALID_BODY', message: 'The body is not JSON' };
    return { accepted: false, reason: 'INVALID_SIGNATURE', message: 'stripe-signature does not verify (wrong secret, altered body or too old)' };
  }
  if (typeof event?.id !== 'string' || typeof event.type !== 'string') {
    await storeRejected(deps, PaymentProvider.STRIPE, delivery, signature, 'INVALID_BODY', 'no id or type');
    return { accepted: false, reason: 'INVALID_BODY', message: 'The body is not a Stripe event' };
  }
  return storeAndProcess(deps, { provider: PaymentProvider.STRIPE, eventId: event.id.slice(0, 255), eventType: event.type.slice(0, 100), known: (STRIPE_EVENTS as readonly string[]).includes(event.type), signatureHeader: signature }, delivery);
}

function parseStored(provider: PaymentProvider, rawBody: Buffer): PaymentEventAction {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedEventError('stored body is not JSON');
  }
  if (provider === PaymentProvider.RAZORPAY) return parseRazorpayEvent(body).action;
  const event = body as { type?: unknown; data?: { object?: unknown } };
  if (typeof event?.type !== 'string' || typeof event.data !== 'object' || event.data === null) throw new MalformedEventError('not a Stripe event');
  return parseStripeEvent({ type: event.type, data: { object: event.data.object } });
}

const sourceFor = (provider: PaymentProvider): ApprovalSource => (provider === PaymentProvider.RAZORPAY ? ApprovalSource.RAZORPAY_WEBHOOK : ApprovalSource.STRIPE_WEBHOOK);

/**
 * Applies one stored event. Returns null when another worker holds it or it
 * is already done. A failure leaves it FAILED with a backoff; a malformed
 * body leaves it IGNORED (retrying cannot help).
 */
export async function processInboundEvent(deps: PaymentDeps, id: string): Promise<{ status: InboundWebhookStatus; outcome: string | null } | null> {
  const em = deps.orm.em.fork();
  const events = new DeferredEventBus(deps.events);
  let result: { status: InboundWebhookStatus; outcome: PaymentOutcome } | null;
  try {
    result = await em.transactional(async (tx) => {
      const rows: { provider: PaymentProvider; raw_body: Buffer }[] = await tx.execute(
        `select "provider", "raw_body" from "inbound_webhook_events" where "id" = ? and "status" in ('RECEIVED', 'FAILED') for update skip locked`,
        [id],
      );
      if (rows.length === 0) return null;
      const { provider, raw_body: rawBody } = rows[0];
      const action = parseStored(provider, rawBody);
      const applied = await applyPaymentAction(systemContext(deps, tx, events), action, sourceFor(provider), id);
      const status = applied.outcome === 'IGNORED' ? InboundWebhookStatus.IGNORED : InboundWebhookStatus.PROCESSED;
      const paymentId = action.kind === 'credit' ? action.payment.providerPaymentId : action.kind === 'ignore' ? null : action.providerPaymentId;
      const orderId = action.kind === 'credit' ? action.payment.providerOrderId : action.kind === 'failed' ? action.providerOrderId : null;
      await tx.execute(
        `update "inbound_webhook_events" set "status" = ?, "outcome" = ?, "flag_reason" = ?, "provider_payment_id" = ?, "provider_order_id" = ?, "group_id" = ?, "transaction_id" = ?,
           "attempts" = "attempts" + 1, "last_error" = ?, "processed_at" = now(), "next_attempt_at" = null, "updated_at" = now() where "id" = ?`,
        [status, applied.outcome, applied.flagReason ? `${applied.flagReason}: ${applied.detail}` : null, paymentId, orderId, applied.groupId, applied.transactionId, applied.outcome === 'UNMATCHED' ? applied.detail : null, id],
      );
      return { status, outcome: applied };
    });
  } catch (error) {
    const malformed = error instanceof MalformedEventError;
    const message = error instanceof Error ? error.message : String(error);
    const rows: { status: InboundWebhookStatus; outcome: string | null }[] = await deps.orm.em.fork().execute(
      malformed
        ? `update "inbound_webhook_events" set "status" = 'IGNORED', "outcome" = 'MALFORMED', "last_error" = ?, "attempts" = "attempts" + 1, "processed_at" = now(), "next_attempt_at" = null, "updated_at" = now()
           where "id" = ? and "status" in ('RECEIVED', 'FAILED') returning "status", "outcome"`
        : `update "inbound_webhook_events" set "status" = 'FAILED', "last_error" = ?, "attempts" = "attempts" + 1, "updated_at" = now(),
             "next_attempt_at" = now() + make_interval(secs => least(${MAX_BACKOFF_SECONDS}, 30 * power(2, least("attempts", 20))) * (0.75 + random() * 0.5))
           where "id" = ? and "status" in ('RECEIVED', 'FAILED') returning "status", "outcome"`,
      [message.slice(0, 4000), id],
    );
    return rows[0] ?? null;
  }
  if (!result) return null;
  await events.flush();
  return { status: result.status, outcome: result.outcome.outcome };
}

export interface RetryReport {
  attempted: number;
  processed: number;
  ignored: number;
  failed: number;
}

/**
 * Retries stored events whose processing failed (after their backoff) or that
 * nobody processed (an instance died after storing). Safe to run on every
 * instance at once: each event is claimed with FOR UPDATE SKIP LOCKED.
 */
export async function retryFailedInboundWebhooks(deps: PaymentDeps, options: { limit?: number; now?: Date } = {}): Promise<RetryReport> {
  const rows: { id: string }[] = await deps.orm.em.fork().execute(
    `select "id" from "inbound_webhook_events"
      where "status" in ('RECEIVED', 'FAILED') and "signature_valid" and "next_attempt_at" <= ?
      order by "next_attempt_at" limit ?`,
    [options.now ?? new Date(), options.limit ?? 100],
  );
  const report: RetryReport = { attempted: 0, processed: 0, ignored: 0, failed: 0 };
  for (const { id } of rows) {
    const result = await processInboundEvent(deps, id);
    if (!result) continue;
    report.attempted += 1;
    if (result.status === InboundWebhookStatus.PROCESSED) report.processed += 1;
    else if (result.status === InboundWebhookStatus.IGNORED) report.ignored += 1;
    else report.failed += 1;
  }
  return report;
}
