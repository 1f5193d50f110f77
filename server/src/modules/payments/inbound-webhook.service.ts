import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type Stripe from 'stripe';
import type { CofferConfig } from '../../config';
import { DeferredEventBus, EventBus } from '../../shared/event-bus';
import type { Logger } from '../../shared/logger';
import { assertWithinLimit, consumeRateLimit, RateLimitRule, rateLimitUpsert } from '../../shared/rate-limit';
import { systemContext } from '../../shared/service-context';
import { ApprovalSource, PaymentProvider } from '../ledger/ledger.enums';
import type { InboundWebhookProcessor } from './inbound-webhook-processor';
import { InboundWebhookStatus } from './payment.entities';
import { applyPaymentAction, PaymentOutcome } from './payment-crediting';
import { constructStripeEvent, providerName, providerSettings, razorpayWebhookSignatureValid } from './provider-gateways';
import { MalformedEventError, parseRazorpayEvent, parseStripeEvent, PaymentEventAction, RAZORPAY_EVENTS, STRIPE_EVENTS } from './provider-events';

/*
 * Inbound provider webhooks: every delivery is stored first (body byte for
 * byte, in the same statement that counts it against the per-IP limit),
 * answered 2xx once that insert has committed, and processed idempotently
 * afterwards by this instance's processor (inbound-webhook-processor.ts), by
 * any other instance's, or by the retry job. Processing locks the event's row
 * (FOR UPDATE SKIP LOCKED) and commits its status together with what it
 * booked, so an event is applied once whoever gets to it.
 */

export interface PaymentDeps {
  orm: MikroORM;
  config: CofferConfig;
  events: EventBus;
  logger?: Logger;
}

/** What the webhook routes need besides PaymentDeps: this instance's processor, told about every new event. */
export interface ReceiveDeps extends PaymentDeps {
  inboundWebhooks: Pick<InboundWebhookProcessor, 'wake' | 'waitFor'>;
}

export interface ProcessResult {
  status: InboundWebhookStatus;
  outcome: string | null;
}

export interface WebhookDelivery {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  sourceIp: string | null;
}

export type ReceiveResult =
  | { accepted: true; id: string; eventId: string; duplicate: boolean; status: InboundWebhookStatus; outcome: string | null }
  | { accepted: false; reason: 'MISSING_SIGNATURE' | 'INVALID_SIGNATURE' | 'INVALID_BODY' | 'PROVIDER_NOT_CONFIGURED'; message: string };

/** Per client IP, shared by every instance; Razorpay and Stripe count separately. */
function limitRule(deps: PaymentDeps, provider: PaymentProvider): RateLimitRule {
  return { bucket: `webhooks:${provider.toLowerCase()}`, limit: deps.config.payments.webhookRateLimitPerMinute, windowSeconds: 60 };
}

const limitKey = (delivery: WebhookDelivery): string => delivery.sourceIp ?? 'unknown';

/** Without keys and without the sandbox nobody can sign a delivery we should accept (the attempt still counts against the limit). */
async function notConfigured(deps: PaymentDeps, provider: PaymentProvider, delivery: WebhookDelivery): Promise<ReceiveResult | null> {
  if (providerSettings(deps.config, provider).available) return null;
  await consumeRateLimit(deps.orm.em.fork(), limitRule(deps, provider), limitKey(delivery));
  return { accepted: false, reason: 'PROVIDER_NOT_CONFIGURED', message: `${providerName(provider)} is not configured on this server` };
}

/** An event processed by nobody (a crashed instance) is picked up by the retry job after this long. */
const STALE_RECEIVED_SECONDS = 60;
const MAX_BACKOFF_SECONDS = 3600;

function header(delivery: WebhookDelivery, name: string): string | null {
  const value = delivery.headers[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single && single.trim() !== '' ? single : null;
}

/** Counts the delivery against the per-IP limit and, within it, keeps the refused delivery (as IGNORED) in the same statement. */
async function storeRejected(deps: PaymentDeps, provider: PaymentProvider, delivery: WebhookDelivery, signatureHeader: string | null, reason: string, error: string | null): Promise<void> {
  const rule = limitRule(deps, provider);
  const counted = rateLimitUpsert(rule, limitKey(delivery));
  const rows: { hits: number; reset_seconds: number }[] = await deps.orm.em.fork().execute(
    `with "counted" as (${counted.sql}), "stored" as (
       insert into "inbound_webhook_events" ("id", "created_at", "updated_at", "provider", "raw_body", "signature_header", "signature_valid", "status", "outcome", "last_error", "source_ip", "received_at")
       select gen_random_uuid(), now(), now(), ?, ?, ?, false, 'IGNORED', ?, ?, ?, now() from "counted" where "counted"."hits" <= ?
     )
     select "hits", "reset_seconds" from "counted"`,
    [...counted.params, provider, delivery.rawBody, signatureHeader?.slice(0, 2000) ?? null, reason, error, delivery.sourceIp, rule.limit],
  );
  assertWithinLimit(rule, rows[0]);
}

interface SignedEvent {
  provider: PaymentProvider;
  eventId: string;
  eventType: string;
  known: boolean;
  signatureHeader: string;
}

/**
 * Counts the delivery against the per-IP limit and, within it, inserts it
 * unless its event id is already stored, in one statement (and so one
 * commit): the answer is sent only after that. Processing happens after the
 * answer, by this instance's processor (woken here) or any other's.
 */
async function store(deps: ReceiveDeps, event: SignedEvent, delivery: WebhookDelivery): Promise<ReceiveResult> {
  const em = deps.orm.em.fork();
  const rule = limitRule(deps, event.provider);
  const counted = rateLimitUpsert(rule, limitKey(delivery));
  const status = event.known ? InboundWebhookStatus.RECEIVED : InboundWebhookStatus.IGNORED;
  // "earlier" reads the statement's snapshot, so it sees an event stored by an earlier delivery, never the row this statement inserts.
  const rows: { hits: number; reset_seconds: number; stored_id: string | null; earlier_id: string | null; earlier_status: InboundWebhookStatus | null; earlier_outcome: string | null }[] = await em.execute(
    `with "counted" as (${counted.sql}), "stored" as (
       insert into "inbound_webhook_events" ("id", "created_at", "updated_at", "provider", "event_id", "event_type", "raw_body", "signature_header", "signature_valid", "status", "outcome",
         "source_ip", "received_at", "next_attempt_at", "processed_at")
       select gen_random_uuid(), now(), now(), ?, ?, ?, ?, ?, true, ?, ?, ?, now(), ${event.known ? `now() + interval '${STALE_RECEIVED_SECONDS} seconds'` : 'null'}, ${event.known ? 'null' : 'now()'}
         from "counted" where "counted"."hits" <= ?
       on conflict ("provider", "event_id") where "signature_valid" do nothing
       returning "id"
     ), "earlier" as (
       select "id", "status", "outcome" from "inbound_webhook_events" where "provider" = ? and "event_id" = ? and "signature_valid"
     )
     select c."hits", c."reset_seconds", s."id" as "stored_id", e."id" as "earlier_id", e."status" as "earlier_status", e."outcome" as "earlier_outcome"
       from "counted" c left join "stored" s on true left join "earlier" e on true`,
    [
      ...counted.params,
      event.provider, event.eventId, event.eventType, delivery.rawBody, event.signatureHeader.slice(0, 2000), status, event.known ? null : 'UNKNOWN_EVENT', delivery.sourceIp, rule.limit,
      event.provider, event.eventId,
    ],
  );
  const row = rows[0];
  assertWithinLimit(rule, row);
  if (!row.stored_id) {
    let earlier = row.earlier_id ? { id: row.earlier_id, status: row.earlier_status!, outcome: row.earlier_outcome } : null;
    // A concurrent delivery of the same event committed after this statement's snapshot was taken: read it now.
    earlier ??= (
      await em.execute<{ id: string; status: InboundWebhookStatus; outcome: string | null }[]>(
        `select "id", "status", "outcome" from "inbound_webhook_events" where "provider" = ? and "event_id" = ? and "signature_valid"`,
        [event.provider, event.eventId],
      )
    )[0];
    return { accepted: true, id: earlier.id, eventId: event.eventId, duplicate: true, status: earlier.status, outcome: earlier.outcome };
  }
  const id = row.stored_id;
  if (!event.known) return { accepted: true, id, eventId: event.eventId, duplicate: false, status, outcome: 'UNKNOWN_EVENT' };
  deps.inboundWebhooks.wake();
  // Providers only need the 2xx; with WEBHOOK_PROCESS_WAIT_MS > 0 the answer also reports the outcome when this instance processes the event that quickly.
  const waitMs = deps.config.payments.webhookProcessWaitMs;
  const processed = waitMs > 0 ? await deps.inboundWebhooks.waitFor(id, waitMs) : null;
  return { accepted: true, id, eventId: event.eventId, duplicate: false, status: processed?.status ?? status, outcome: processed?.outcome ?? null };
}

/** POST /api/webhooks/razorpay: x-razorpay-signature over the raw body; the event id travels in x-razorpay-event-id. */
export async function receiveRazorpayWebhook(deps: ReceiveDeps, delivery: WebhookDelivery): Promise<ReceiveResult> {
  const off = await notConfigured(deps, PaymentProvider.RAZORPAY, delivery);
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
  return store(deps, { provider: PaymentProvider.RAZORPAY, eventId: eventId.slice(0, 255), eventType: type.slice(0, 100), known: (RAZORPAY_EVENTS as readonly string[]).includes(type), signatureHeader: signature }, delivery);
}

/** POST /api/webhooks/stripe: stripe.webhooks.constructEvent on the raw body, 300 s tolerance. */
export async function receiveStripeWebhook(deps: ReceiveDeps, delivery: WebhookDelivery): Promise<ReceiveResult> {
  const off = await notConfigured(deps, PaymentProvider.STRIPE, delivery);
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
  return store(deps, { provider: PaymentProvider.STRIPE, eventId: event.id.slice(0, 255), eventType: event.type.slice(0, 100), known: (STRIPE_EVENTS as readonly string[]).includes(event.type), signatureHeader: signature }, delivery);
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

interface ClaimedEvent {
  id: string;
  provider: PaymentProvider;
  raw_body: Buffer;
}

/**
 * Applies one stored event, claimed by `claim` inside the processing
 * transaction (a row lock held until the commit). Returns null when there was
 * nothing to claim (another worker holds it, or it is done). A failure leaves
 * the event FAILED with a backoff; a malformed body leaves it IGNORED
 * (retrying cannot help).
 */
async function processClaimed(deps: PaymentDeps, claim: (tx: EntityManager) => Promise<ClaimedEvent | null>): Promise<({ id: string } & ProcessResult) | null> {
  const em = deps.orm.em.fork();
  const events = new DeferredEventBus(deps.events);
  let claimedId: string | null = null;
  let result: { id: string; status: InboundWebhookStatus; outcome: PaymentOutcome } | null;
  try {
    result = await em.transactional(async (tx) => {
      const claimed = await claim(tx);
      if (!claimed) return null;
      const { id, provider, raw_body: rawBody } = claimed;
      claimedId = id;
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
      return { id, status, outcome: applied };
    });
  } catch (error) {
    // Nothing claimed means the claim itself failed (e.g. the database went away): nothing to record.
    if (claimedId === null) throw error;
    const malformed = error instanceof MalformedEventError;
    const message = error instanceof Error ? error.message : String(error);
    const rows: ProcessResult[] = await deps.orm.em.fork().execute(
      malformed
        ? `update "inbound_webhook_events" set "status" = 'IGNORED', "outcome" = 'MALFORMED', "last_error" = ?, "attempts" = "attempts" + 1, "processed_at" = now(), "next_attempt_at" = null, "updated_at" = now()
           where "id" = ? and "status" in ('RECEIVED', 'FAILED') returning "status", "outcome"`
        : `update "inbound_webhook_events" set "status" = 'FAILED', "last_error" = ?, "attempts" = "attempts" + 1, "updated_at" = now(),
             "next_attempt_at" = now() + make_interval(secs => least(${MAX_BACKOFF_SECONDS}, 30 * power(2, least("attempts", 20))) * (0.75 + random() * 0.5))
           where "id" = ? and "status" in ('RECEIVED', 'FAILED') returning "status", "outcome"`,
      [message.slice(0, 4000), claimedId],
    );
    return rows[0] ? { id: claimedId, ...rows[0] } : null;
  }
  if (!result) return null;
  await events.flush();
  return { id: result.id, status: result.status, outcome: result.outcome.outcome };
}

/** Applies the stored event `id` if it is still to be processed and nobody else holds it (the retry job's way). */
export async function processInboundEvent(deps: PaymentDeps, id: string): Promise<ProcessResult | null> {
  const result = await processClaimed(deps, async (tx) => {
    const rows: ClaimedEvent[] = await tx.execute(
      `select "id", "provider", "raw_body" from "inbound_webhook_events" where "id" = ? and "status" in ('RECEIVED', 'FAILED') for update skip locked`,
      [id],
    );
    return rows[0] ?? null;
  });
  return result && { status: result.status, outcome: result.outcome };
}

/**
 * Claims the oldest RECEIVED event nobody is processing, whichever instance
 * stored it, and applies it; null when there is none. FAILED events wait for
 * their backoff and the retry job.
 */
export async function processNextReceived(deps: PaymentDeps): Promise<({ id: string } & ProcessResult) | null> {
  return processClaimed(deps, async (tx) => {
    const rows: ClaimedEvent[] = await tx.execute(
      `select "id", "provider", "raw_body" from "inbound_webhook_events" where "status" = 'RECEIVED' and "signature_valid"
        order by "next_attempt_at" limit 1 for update skip locked`,
    );
    return rows[0] ?? null;
  });
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
