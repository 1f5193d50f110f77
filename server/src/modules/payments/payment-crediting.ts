import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { formatAmount } from '../../shared/money';
import type { ServiceContext } from '../../shared/service-context';
import { recordActivity } from '../activity/activity.service';
import { recordAudit } from '../audit/audit.service';
import { Group } from '../groups/group.entity';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { ApprovalSource, PaymentProvider } from '../ledger/ledger.enums';
import { publishChange, recordApprovedCashIn, reverseTransaction, transactionSnapshot } from '../ledger/ledger.service';
import { Member } from '../members/member.entity';
import { NotificationChannel } from '../notifications/notification-task.entity';
import { PaymentFlagReason, ProviderCheckout, ProviderCheckoutStatus } from './payment.entities';
import { PaymentTargetRef, paymentTargetHandler, targetsPaidBy } from './payment-target';
import type { PaymentEventAction, ProviderPayment } from './provider-events';

/*
 * Applying a provider's word to the books. Every function here runs inside
 * the caller's database transaction (ctx.em is the transaction's manager) and
 * is safe to run again for the same payment: rows are locked in one order
 * (the checkout, then the target, then what hangs off the target — a due's
 * pending "I've paid" request, which every other path also locks after the
 * due — then the transaction) and the ledger's unique (provider, provider
 * payment id) is the last line of defence.
 * ctx.events must be a DeferredEventBus the caller flushes after commit, so
 * a rolled-back credit never announces itself.
 */

export type PaymentOutcomeKind = 'CREDITED' | 'DUPLICATE' | 'FLAGGED' | 'UNMATCHED' | 'REFUNDED' | 'PAYMENT_FAILED' | 'IGNORED';

export interface PaymentOutcome {
  outcome: PaymentOutcomeKind;
  groupId: string | null;
  transactionId: string | null;
  flagReason: PaymentFlagReason | null;
  detail: string | null;
}

const outcome = (kind: PaymentOutcomeKind, fields: Partial<PaymentOutcome> = {}): PaymentOutcome => ({
  outcome: kind,
  groupId: null,
  transactionId: null,
  flagReason: null,
  detail: null,
  ...fields,
});

/** Thrown when an event cannot be applied yet (e.g. a refund before its payment was credited); the event is retried. */
export class NotYetApplicableError extends Error {}

async function lockCheckout(em: EntityManager, provider: PaymentProvider, orderId: string | null): Promise<ProviderCheckout | null> {
  if (!orderId) return null;
  return em.findOne(ProviderCheckout, { provider, providerOrderId: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** What an earlier event or verification already did with this payment: its transaction, or the reason it was flagged. */
async function earlierOutcome(em: EntityManager, provider: PaymentProvider, providerPaymentId: string): Promise<{ transactionId: string; groupId: string } | { flagReason: PaymentFlagReason } | null> {
  const rows: { transaction_id: string | null; group_id: string | null; reason: PaymentFlagReason | null }[] = await em.execute(
    `select "id" as "transaction_id", "group_id", null as "reason" from "transactions" where "provider" = ? and "provider_payment_id" = ?
     union all
     (select null, null, "reason" from "payment_flags" where "provider" = ? and "provider_payment_id" = ? and "reason" <> ? limit 1)`,
    [provider, providerPaymentId, provider, providerPaymentId, PaymentFlagReason.PARTIAL_REFUND],
  );
  const credited = rows.find((row) => row.transaction_id !== null);
  if (credited) return { transactionId: credited.transaction_id!, groupId: credited.group_id! };
  return rows[0]?.reason ? { flagReason: rows[0].reason } : null;
}

interface FlagInput {
  groupId: string;
  provider: PaymentProvider;
  providerPaymentId: string;
  providerOrderId: string | null;
  checkout: ProviderCheckout | null;
  target: PaymentTargetRef | null;
  reason: PaymentFlagReason;
  expected: { amountMinor: bigint; currency: string } | null;
  received: { amountMinor: bigint; currency: string };
  details: string;
  inboundEventId: string | null;
}

/** Records a payment an admin must look at; once per payment and reason however often it is delivered. */
async function flagPayment(ctx: ServiceContext, input: FlagInput): Promise<PaymentOutcome> {
  const rows: { id: string }[] = await ctx.em.execute(
    `insert into "payment_flags" ("id", "created_at", "updated_at", "group_id", "provider", "provider_payment_id", "provider_order_id", "checkout_id",
       "target_kind", "target_id", "reason", "expected_amount_minor", "expected_currency", "received_amount_minor", "received_currency", "details", "inbound_event_id", "status")
     values (gen_random_uuid(), date_trunc('milliseconds', now()), now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN')
     on conflict ("provider", "provider_payment_id", "reason") do nothing returning "id"`,
    [
      input.groupId,
      input.provider,
      input.providerPaymentId,
      input.providerOrderId,
      input.checkout?.id ?? null,
      input.target?.kind ?? null,
      input.target?.id ?? null,
      input.reason,
      input.expected?.amountMinor.toString() ?? null,
      input.expected?.currency ?? null,
      input.received.amountMinor.toString(),
      input.received.currency,
      input.details,
      input.inboundEventId,
    ],
  );
  if (rows.length > 0) {
    // Every admin of the group with an email hears about it once.
    await ctx.em.execute(
      `insert into "notification_tasks" ("id", "created_at", "updated_at", "group_id", "channel", "template", "recipient", "payload", "dedupe_key", "status", "attempts", "next_run_at")
       select gen_random_uuid(), now(), now(), m."group_id", 'EMAIL', 'payment.flagged', m."email", ?::jsonb, 'payment.flagged:' || ? || ':' || m."id", 'PENDING', 0, now()
         from "members" m where m."group_id" = ? and m."role" = 'ADMIN' and m."status" = 'ACTIVE' and m."email" is not null
       on conflict ("dedupe_key") do nothing`,
      [JSON.stringify({ flagId: rows[0].id, reason: input.reason, provider: input.provider, providerPaymentId: input.providerPaymentId, details: input.details }), rows[0].id, input.groupId],
    );
    recordActivity(ctx, {
      groupId: input.groupId,
      action: 'payment.flag',
      entityType: 'PaymentFlag',
      entityId: rows[0].id,
      after: { reason: input.reason, provider: input.provider, providerPaymentId: input.providerPaymentId, details: input.details },
    });
  }
  return outcome('FLAGGED', { groupId: input.groupId, flagReason: input.reason, detail: input.details });
}

/**
 * The member hears about their payment once, whichever event or verification
 * credited it: by e-mail when they have one, and in their in-app inbox when
 * they can sign in. The dedupe key (provider payment id and channel) keeps it once.
 */
async function queuePaymentNotification(ctx: ServiceContext, txn: LedgerTransaction, payment: ProviderPayment, memberId: string | null): Promise<void> {
  const member = memberId ? await ctx.em.findOne(Member, { id: memberId }) : null;
  const group = await ctx.em.findOneOrFail(Group, { id: txn.group.id });
  const email = member?.email ?? payment.payerEmail;
  const payload = {
    transactionId: txn.id,
    receiptNumber: txn.receiptNumber,
    name: member?.name ?? payment.payerName ?? '',
    groupName: group.name,
    amountMinor: txn.amountMinor.toString(),
    currency: txn.currency,
    description: txn.description,
    memberId,
    provider: payment.provider,
  };
  const deliveries: [NotificationChannel, string][] = [];
  if (email) deliveries.push([NotificationChannel.EMAIL, email]);
  if (member?.user) deliveries.push([NotificationChannel.IN_APP, member.user.id]);
  if (deliveries.length === 0) return;
  const json = JSON.stringify(payload);
  // Every channel in one statement.
  await ctx.em.execute(
    `insert into "notification_tasks" ("id", "created_at", "updated_at", "group_id", "member_id", "channel", "template", "recipient", "payload", "dedupe_key", "status", "attempts", "next_run_at")
     values ${deliveries.map(() => `(gen_random_uuid(), now(), now(), ?, ?, ?, 'payment.received', ?, ?::jsonb, ?, 'PENDING', 0, now())`).join(', ')}
     on conflict ("dedupe_key") do nothing`,
    deliveries.flatMap(([channel, recipient]) => [txn.group.id, memberId, channel, recipient, json, `payment.received:${payment.provider}:${payment.providerPaymentId}:${channel}`]),
  );
}

/**
 * Credits one provider payment exactly once: CASH_IN auto-approved with its
 * source, receipt number, audit and activity, the member's notification and
 * the target marked paid. A payment that does not match what is owed is
 * flagged instead, and nothing is booked.
 */
export async function creditPayment(ctx: ServiceContext, payment: ProviderPayment, source: ApprovalSource, inboundEventId: string | null): Promise<PaymentOutcome> {
  const { em } = ctx;
  const checkout = await lockCheckout(em, payment.provider, payment.providerOrderId);
  // A payment of an order of ours is credited only under its checkout's lock (webhooks and verification alike):
  // what is committed now is final, so a second event for it stops here without reading its target.
  if (checkout) {
    const earlier = await earlierOutcome(em, payment.provider, payment.providerPaymentId);
    if (earlier && 'transactionId' in earlier) return outcome('DUPLICATE', { groupId: earlier.groupId, transactionId: earlier.transactionId });
    if (earlier) return outcome('DUPLICATE', { groupId: checkout.groupId, flagReason: earlier.flagReason });
  }
  const target: PaymentTargetRef | null = checkout ? { kind: checkout.targetKind, id: checkout.targetId } : payment.target;
  if (!target) return outcome('UNMATCHED', { detail: 'No order of ours and no target in the notes' });
  const handler = paymentTargetHandler(target.kind);
  const description = await handler.describe(em, target.id, { forUpdate: true, checkoutOpenedAt: checkout?.createdAt });
  if (!description) return outcome('UNMATCHED', { detail: `No ${target.kind} ${target.id}` });
  const groupId = description.groupId;
  if (checkout && checkout.groupId !== groupId) return outcome('UNMATCHED', { detail: 'The order belongs to another group than its target' });

  // Without an order of ours the target's lock is what serialises credits of this payment; and a target that is
  // no longer payable may have been paid by this very payment through a path without the order (checked under its lock).
  if (!checkout || !description.payable) {
    const earlier = await earlierOutcome(em, payment.provider, payment.providerPaymentId);
    if (earlier && 'transactionId' in earlier) return outcome('DUPLICATE', { groupId: earlier.groupId, transactionId: earlier.transactionId });
    if (earlier) return outcome('DUPLICATE', { groupId, flagReason: earlier.flagReason });
  }

  const group = await em.findOneOrFail(Group, { id: groupId });
  const received = { amountMinor: payment.amountMinor, currency: payment.currency };
  const expected = { amountMinor: description.amountMinor, currency: description.currency };
  const flag = (reason: PaymentFlagReason, details: string) =>
    flagPayment(ctx, { groupId, provider: payment.provider, providerPaymentId: payment.providerPaymentId, providerOrderId: payment.providerOrderId, checkout, target, reason, expected, received, details, inboundEventId });
  if (payment.currency !== description.currency || description.currency !== group.currency) {
    return flag(PaymentFlagReason.CURRENCY_MISMATCH, `Received ${payment.currency}, expected ${description.currency} (group books in ${group.currency})`);
  }
  if (payment.amountMinor !== description.amountMinor) {
    return flag(
      PaymentFlagReason.AMOUNT_MISMATCH,
      `Received ${formatAmount(payment.amountMinor, payment.currency)} ${payment.currency}, expected ${formatAmount(description.amountMinor, description.currency)} ${description.currency}`,
    );
  }
  if (!description.payable) return flag(PaymentFlagReason.TARGET_NOT_PAYABLE, `Money arrived for something not payable (${description.notPayableReason ?? 'not payable'})`);

  const txn = await recordApprovedCashIn(ctx, em, {
    group,
    category: description.category,
    amountMinor: payment.amountMinor,
    paymentMode: payment.paymentMode,
    source,
    description: description.description,
    member: description.memberId ? em.getReference(Member, description.memberId) : null,
    provider: payment.provider,
    providerPaymentId: payment.providerPaymentId,
    senderName: payment.payerName ?? description.payerName,
    senderUpiId: payment.payerUpiId,
    occurredAt: payment.occurredAt.getTime() <= Date.now() ? payment.occurredAt : new Date(),
  }, { flush: false });
  await handler.markPaid(ctx, em, target.id, txn);
  if (checkout) {
    checkout.status = ProviderCheckoutStatus.PAID;
    checkout.providerPaymentId = payment.providerPaymentId;
    checkout.transactionId = txn.id;
  }
  await queuePaymentNotification(ctx, txn, payment, description.memberId);
  // The transaction, its entries, the target's change, and their activity, audit and integrator rows: one insert per table.
  await em.flush();
  await publishChange(ctx, txn, 'APPROVED');
  return outcome('CREDITED', { groupId, transactionId: txn.id });
}

/** A payment attempt that failed: nothing is booked; the order stays open for another attempt. */
export async function recordFailedPayment(ctx: ServiceContext, action: Extract<PaymentEventAction, { kind: 'failed' }>): Promise<PaymentOutcome> {
  const checkout = await lockCheckout(ctx.em, action.provider, action.providerOrderId);
  if (!checkout) return outcome('UNMATCHED', { detail: 'No order of ours' });
  checkout.lastError = action.reason.slice(0, 2000);
  recordActivity(ctx, {
    groupId: checkout.groupId,
    action: 'payment.failed',
    entityType: 'ProviderCheckout',
    entityId: checkout.id,
    after: { provider: action.provider, providerPaymentId: action.providerPaymentId, reason: action.reason },
  });
  await ctx.em.flush();
  return outcome('PAYMENT_FAILED', { groupId: checkout.groupId, detail: action.reason });
}

/**
 * A full refund reverses the credited transaction (entries negated leg for
 * leg) and reopens what was paid; a partial one is flagged for an admin.
 */
export async function refundPayment(ctx: ServiceContext, action: Extract<PaymentEventAction, { kind: 'refund' }>, source: ApprovalSource, inboundEventId: string | null): Promise<PaymentOutcome> {
  const { em } = ctx;
  if (!action.providerPaymentId) return outcome('UNMATCHED', { detail: 'The refunded charge names no PaymentIntent' });
  const checkout = await lockCheckout(em, action.provider, action.providerPaymentId);
  const txn = await em.findOne(LedgerTransaction, { provider: action.provider, providerPaymentId: action.providerPaymentId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!txn) {
    // Events arrive out of order: the refund of a payment of ours waits (retried) until the payment is credited.
    if (checkout && checkout.status !== ProviderCheckoutStatus.FAILED && (await earlierOutcome(em, action.provider, action.providerPaymentId)) === null) {
      throw new NotYetApplicableError('The refunded payment is not credited yet');
    }
    return outcome('UNMATCHED', { groupId: checkout?.groupId ?? null, detail: 'No credited transaction for this payment' });
  }
  const groupId = txn.group.id;
  if (txn.reversedBy) return outcome('DUPLICATE', { groupId, transactionId: txn.reversedBy.id });
  if (action.refundedMinor < txn.amountMinor || action.currency !== txn.currency) {
    return flagPayment(ctx, {
      groupId,
      provider: action.provider,
      providerPaymentId: action.providerPaymentId,
      providerOrderId: checkout?.providerOrderId ?? null,
      checkout,
      target: checkout ? { kind: checkout.targetKind, id: checkout.targetId } : null,
      reason: PaymentFlagReason.PARTIAL_REFUND,
      expected: { amountMinor: txn.amountMinor, currency: txn.currency },
      received: { amountMinor: action.refundedMinor, currency: action.currency },
      details: `Refunded ${formatAmount(action.refundedMinor, action.currency)} ${action.currency} of ${formatAmount(txn.amountMinor, txn.currency)} ${txn.currency}; not reversed automatically`,
      inboundEventId,
    });
  }
  const paidCheckout = checkout ?? (await em.findOne(ProviderCheckout, { transactionId: txn.id }, { lockMode: LockMode.PESSIMISTIC_WRITE }));
  // What the payment paid, from the link the target keeps to it: a payment matched by an order of ours and one
  // matched only by its metadata or notes (no checkout) alike. Locked before anything changes.
  const paid = await targetsPaidBy(em, txn, 'wait');
  const before = transactionSnapshot(txn);
  // Dated now: the refund happened now, whenever the payment was.
  const reversal = await reverseTransaction(ctx, em, txn, `Refund of ${txn.receiptNumber ?? txn.id} by ${action.provider}`);
  reversal.approvalSource = source;
  recordActivity(ctx, { groupId, action: 'transaction.refund', entityType: 'Transaction', entityId: txn.id, before, after: transactionSnapshot(txn) });
  recordAudit(ctx, { groupId, entityType: 'Transaction', entityId: txn.id, action: 'transaction.reverse', previousData: before, newData: transactionSnapshot(txn), snapshot: transactionSnapshot(txn) });
  recordAudit(ctx, { groupId, entityType: 'Transaction', entityId: reversal.id, action: 'transaction.record-reversal', previousData: null, newData: transactionSnapshot(reversal), snapshot: transactionSnapshot(reversal) });
  for (const target of paid) await paymentTargetHandler(target.kind).markRefunded(ctx, em, target.id, reversal);
  if (paidCheckout) paidCheckout.status = ProviderCheckoutStatus.REFUNDED;
  await resolvePartialRefundFlags(ctx, action.provider, action.providerPaymentId, txn);
  await em.flush();
  await publishChange(ctx, reversal, 'REVERSED');
  return outcome('REFUNDED', { groupId, transactionId: reversal.id });
}

/**
 * A partial refund flagged earlier is settled once the rest is refunded and
 * the payment reversed: nothing is left for an admin to decide. Closed by the
 * system, with a note saying why.
 */
async function resolvePartialRefundFlags(ctx: ServiceContext, provider: PaymentProvider, providerPaymentId: string, txn: LedgerTransaction): Promise<void> {
  const note = `Resolved automatically: the payment was refunded in full and ${txn.receiptNumber ?? 'its transaction'} reversed`;
  const rows: { id: string; group_id: string }[] = await ctx.em.execute(
    `update "payment_flags" set "status" = 'RESOLVED', "resolved_at" = now(), "updated_at" = now(), "resolved_by_id" = null, "resolution_note" = ?
      where "provider" = ? and "provider_payment_id" = ? and "reason" = ? and "status" = 'OPEN'
      returning "id", "group_id"`,
    [note, provider, providerPaymentId, PaymentFlagReason.PARTIAL_REFUND],
  );
  for (const row of rows) {
    recordActivity(ctx, { groupId: row.group_id, action: 'payment.flag.resolve', entityType: 'PaymentFlag', entityId: row.id, after: { note, automatic: true } });
  }
}

/** Dispatches a parsed event; `source` says which path (webhook or verification) it came by. */
export async function applyPaymentAction(ctx: ServiceContext, action: PaymentEventAction, source: ApprovalSource, inboundEventId: string | null): Promise<PaymentOutcome> {
  switch (action.kind) {
    case 'credit':
      return creditPayment(ctx, action.payment, source, inboundEventId);
    case 'failed':
      return recordFailedPayment(ctx, action);
    case 'refund':
      return refundPayment(ctx, action, source, inboundEventId);
    default:
      return outcome('IGNORED', { detail: action.reason });
  }
}
