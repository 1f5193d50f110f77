import { conflict, notFound } from '../../shared/domain-error';
import { DeferredEventBus } from '../../shared/event-bus';
import { createLoaders } from '../../shared/loaders';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { readBeforeLock, readLocked, withRowLock } from '../../shared/row-lock';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator } from '../../shared/validation';
import { actorOf, recordActivity } from '../activity/activity.service';
import { ADMIN_ONLY, ANY_ROLE, assertGroupRole, requireId } from '../auth/authorization';
import { Group } from '../groups/group.entity';
import { assertGroupActive } from '../groups/group.service';
import { ApprovalSource, PaymentMode, PaymentProvider } from '../ledger/ledger.enums';
import { PaymentFlag, PaymentFlagStatus, ProviderCheckout, ProviderCheckoutStatus } from './payment.entities';
import { creditPayment, PaymentOutcome } from './payment-crediting';
import { PaymentTargetKind, PaymentTargetRef, paymentTargetHandler } from './payment-target';
import { CHECKOUT_ID_NOTE, TARGET_ID_NOTE, TARGET_KIND_NOTE } from './provider-events';
import {
  createRazorpayOrderAtProvider,
  createStripeIntentAtProvider,
  providerName,
  providerSettings,
  razorpayPaymentSignatureValid,
  razorpaySettings,
  stripeSettings,
} from './provider-gateways';

export interface CheckoutResult {
  checkout: ProviderCheckout;
  /** Razorpay Checkout's `key`. */
  keyId: string | null;
  /** Stripe's PaymentIntent client secret for Stripe.js; only ever returned here. */
  clientSecret: string | null;
  publishableKey: string | null;
  /** The sandbox's pay page; null with a real provider. */
  checkoutUrl: string | null;
}

const TARGET_LABEL: Record<PaymentTargetKind, string> = {
  [PaymentTargetKind.DUE]: 'Due',
  [PaymentTargetKind.MEMBERSHIP_TERM]: 'Membership term',
  [PaymentTargetKind.SPONSOR_LINK]: 'Sponsor link',
};

export function sandboxCheckoutUrl(ctx: ServiceContext, provider: PaymentProvider, orderId: string): string {
  return `${ctx.config.publicApiUrl.replace(/\/+$/, '')}/api/sandbox/${provider.toLowerCase()}/checkout/${encodeURIComponent(orderId)}`;
}

/**
 * Opens a Razorpay order or Stripe PaymentIntent for what a target owes now.
 * No viewer check here: the GraphQL mutations check the viewer first
 * (assertCanPay); a public target (a sponsor link) is checked by its module.
 */
export async function createCheckout(ctx: ServiceContext, provider: PaymentProvider, target: PaymentTargetRef): Promise<CheckoutResult> {
  const label = TARGET_LABEL[target.kind];
  requireId(target.id, label);
  const description = await paymentTargetHandler(target.kind).describe(ctx.em, target.id);
  if (!description) throw notFound(label);
  if (!description.payable) throw conflict(`This ${label.toLowerCase()} cannot be paid now (${description.notPayableReason ?? 'not payable'})`, description.notPayableReason ?? 'NOT_PAYABLE');
  const group = await ctx.em.findOneOrFail(Group, { id: description.groupId });
  assertGroupActive(group);
  const enabled = provider === PaymentProvider.RAZORPAY ? group.paymentSettings.razorpayEnabled : group.paymentSettings.stripeEnabled;
  if (!enabled) throw conflict(`${providerName(provider)} is not switched on for this group`, 'PROVIDER_DISABLED');
  const { sandbox, available } = providerSettings(ctx.config, provider);
  if (!available) throw conflict(`${providerName(provider)} is not configured on this server`, 'PROVIDER_NOT_CONFIGURED');
  const actor = actorOf(ctx.viewer);
  const checkout = ctx.em.create(ProviderCheckout, {
    provider,
    sandbox,
    targetKind: target.kind,
    targetId: target.id,
    groupId: group.id,
    amountMinor: description.amountMinor,
    currency: description.currency,
    description: description.description,
    status: ProviderCheckoutStatus.CREATED,
    createdByKind: actor.kind,
    createdById: actor.id,
  });
  await ctx.em.persistAndFlush(checkout);
  const request = {
    checkoutId: checkout.id,
    amountMinor: description.amountMinor,
    currency: description.currency,
    description: description.description,
    notes: { [TARGET_KIND_NOTE]: target.kind, [TARGET_ID_NOTE]: target.id, [CHECKOUT_ID_NOTE]: checkout.id, coffer_group_id: group.id },
    payerEmail: description.payerEmail,
  };
  let clientSecret: string | null = null;
  try {
    if (provider === PaymentProvider.RAZORPAY) {
      checkout.providerOrderId = (await createRazorpayOrderAtProvider(ctx.config, request)).orderId;
    } else {
      const intent = await createStripeIntentAtProvider(ctx.config, request);
      checkout.providerOrderId = intent.intentId;
      clientSecret = intent.clientSecret;
    }
  } catch (error) {
    checkout.status = ProviderCheckoutStatus.FAILED;
    checkout.lastError = (error as Error).message.slice(0, 2000);
    await ctx.em.flush();
    throw error;
  }
  recordActivity(ctx, { groupId: group.id, action: 'payment.checkout.create', entityType: 'ProviderCheckout', entityId: checkout.id, after: { provider, providerOrderId: checkout.providerOrderId, target } });
  await ctx.em.flush();
  const stripe = stripeSettings(ctx.config);
  return {
    checkout,
    keyId: provider === PaymentProvider.RAZORPAY ? razorpaySettings(ctx.config).keyId : null,
    clientSecret,
    publishableKey: provider === PaymentProvider.STRIPE ? stripe.publishableKey : null,
    checkoutUrl: sandbox ? sandboxCheckoutUrl(ctx, provider, checkout.providerOrderId!) : null,
  };
}

/** A member (or staff) pays a due or a membership term: exactly one of the two ids. */
export async function createCheckoutForViewer(ctx: ServiceContext, provider: PaymentProvider, ids: { dueId?: string | null; termId?: string | null }): Promise<CheckoutResult> {
  const given = [ids.dueId, ids.termId].filter((id) => id !== null && id !== undefined);
  if (given.length !== 1) {
    new FieldValidator().check('dueId', false, 'Give exactly one of dueId and termId').check('termId', false, 'Give exactly one of dueId and termId').throwIfInvalid();
  }
  const target: PaymentTargetRef = ids.dueId ? { kind: PaymentTargetKind.DUE, id: ids.dueId } : { kind: PaymentTargetKind.MEMBERSHIP_TERM, id: ids.termId! };
  requireId(target.id, TARGET_LABEL[target.kind]);
  await paymentTargetHandler(target.kind).assertCanPay(ctx, target.id);
  return createCheckout(ctx, provider, target);
}

export interface VerificationResult {
  outcome: PaymentOutcome['outcome'];
  transactionId: string | null;
  flagReason: string | null;
}

/**
 * Razorpay Checkout's success callback: the signature (key secret over
 * order_id|payment_id) proves the order was paid, so it credits the order's
 * amount at once, without waiting for the webhook; whichever comes second
 * finds the payment credited.
 */
export async function verifyRazorpayPayment(ctx: ServiceContext, input: { orderId: string; paymentId: string; signature: string }): Promise<VerificationResult> {
  const validator = new FieldValidator();
  validator.check('orderId', /^[A-Za-z0-9_]{1,100}$/.test(input.orderId), 'Not a Razorpay order id');
  validator.check('paymentId', /^[A-Za-z0-9_]{1,100}$/.test(input.paymentId), 'Not a Razorpay payment id');
  validator.check('signature', /^[0-9a-fA-F]{64}$/.test(input.signature), 'Not a hex HMAC-SHA256 signature');
  validator.throwIfInvalid();
  if (!razorpayPaymentSignatureValid(ctx.config, input.orderId, input.paymentId, input.signature.toLowerCase())) {
    new FieldValidator().check('signature', false, 'Does not match this order and payment').throwIfInvalid();
  }
  const events = new DeferredEventBus(ctx.events);
  const result = await ctx.em.transactional(async (em) => {
    const checkout = await em.findOne(ProviderCheckout, { provider: PaymentProvider.RAZORPAY, providerOrderId: input.orderId });
    if (!checkout) throw notFound('Order');
    // Under the checkout's lock: the request's loaders would read on another pooled connection (shared/row-lock.ts).
    return creditPayment(
      { ...ctx, em, events, loaders: createLoaders(em, ctx.viewer) },
      {
        provider: PaymentProvider.RAZORPAY,
        providerPaymentId: input.paymentId,
        providerOrderId: input.orderId,
        // A Razorpay order is paid in full, in its currency (no partial payments are enabled on our orders).
        amountMinor: checkout.amountMinor,
        currency: checkout.currency,
        paymentMode: PaymentMode.OTHER,
        payerName: null,
        payerEmail: null,
        payerUpiId: null,
        target: null,
        occurredAt: new Date(),
      },
      ApprovalSource.PAYMENT_VERIFICATION,
      null,
    );
  });
  await events.flush();
  return { outcome: result.outcome, transactionId: result.transactionId, flagReason: result.flagReason };
}

export interface FlagFilter extends PageRequest {
  groupId: string;
  status?: PaymentFlagStatus | null;
}

/** Payments that arrived but were not credited, newest first; for the group's admins. */
export async function listPaymentFlags(ctx: ServiceContext, filter: FlagFilter): Promise<Page<PaymentFlag>> {
  await assertGroupRole(ctx, filter.groupId, ADMIN_ONLY);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'timestamp');
  const knex = ctx.em.getKnex();
  const base = knex('payment_flags as f').where('f.group_id', filter.groupId);
  if (filter.status) base.andWhere('f.status', filter.status);
  const pageQuery = base.clone().select('f.*').orderBy([{ column: 'f.created_at', order: 'desc' }, { column: 'f.id', order: 'desc' }]).limit(size + 1);
  if (after) pageQuery.whereRaw('(f.created_at, f.id) < (cast(? as timestamptz), cast(? as uuid))', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const flags = (rows as Record<string, unknown>[]).map((row) => ctx.em.map(PaymentFlag, row));
  return toPage(flags, size, (f) => ({ sort: f.createdAt.toISOString(), id: f.id }), Number((countRows[0] as { count: string }).count), after);
}

/** An admin records what they did about a flagged payment (refunded it, booked it by hand, …). */
export async function resolvePaymentFlag(ctx: ServiceContext, id: string, note: string): Promise<PaymentFlag> {
  requireId(id, 'Flagged payment');
  const trimmed = note.trim();
  new FieldValidator().check('note', trimmed.length > 0 && trimmed.length <= 2000, 'Say what was done, in at most 2000 characters').throwIfInvalid();
  // Checked before the lock: the role check reads through the request's loaders, on a connection of its own,
  // which is never waited for under the lock (shared/row-lock.ts). A flag's group never changes.
  const seen = await readBeforeLock(ctx.em, PaymentFlag, { id }, 'Flagged payment');
  await assertGroupRole(ctx, seen.groupId, ADMIN_ONLY, 'Flagged payment');
  assertFlagOpen(seen);
  // Clicked twice (or by two admins): one attempt resolves it, the others find it resolved (withRowLock).
  return withRowLock(ctx.em, async (em, wait) => {
    const flag = await readLocked(em, PaymentFlag, { id }, 'Flagged payment', wait);
    assertFlagOpen(flag);
    flag.status = PaymentFlagStatus.RESOLVED;
    flag.resolvedAt = new Date();
    flag.resolvedById = actorOf(ctx.viewer).id;
    flag.resolutionNote = trimmed;
    recordActivity({ ...ctx, em }, { groupId: flag.groupId, action: 'payment.flag.resolve', entityType: 'PaymentFlag', entityId: flag.id, after: { note: trimmed } });
    await em.flush();
    return flag;
  });
}

function assertFlagOpen(flag: PaymentFlag): void {
  if (flag.status === PaymentFlagStatus.RESOLVED) throw conflict('This flagged payment is already resolved', 'ALREADY_RESOLVED');
}

/** The console's view of the providers; with a group, `enabled` also follows its payment settings. */
export async function paymentProviders(ctx: ServiceContext, groupId: string | null) {
  let razorpayOn = true;
  let stripeOn = true;
  if (groupId !== null) {
    await assertGroupRole(ctx, requireId(groupId, 'Group'), ANY_ROLE);
    const group = await ctx.loaders.groupById.load(groupId);
    if (!group) throw notFound('Group');
    razorpayOn = group.paymentSettings.razorpayEnabled;
    stripeOn = group.paymentSettings.stripeEnabled;
  }
  const razorpay = razorpaySettings(ctx.config);
  const stripe = stripeSettings(ctx.config);
  return {
    razorpay: { enabled: razorpay.available && razorpayOn, sandbox: razorpay.sandbox, keyId: razorpay.keyId },
    stripe: { enabled: stripe.available && stripeOn, sandbox: stripe.sandbox, publishableKey: stripe.publishableKey },
  };
}
