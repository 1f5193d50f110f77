import { isCurrencyCode } from '../../shared/money';
import { PaymentMode, PaymentProvider } from '../ledger/ledger.enums';
import { PaymentTargetKind, PaymentTargetRef } from './payment-target';

/*
 * Provider webhook bodies reduced to what Coffer acts on. The parsers read
 * defensively: the published samples differ by API version and payment
 * method (Razorpay `notes` as [] or an object, Stripe PaymentIntents with or
 * without `charges`, refunds of legacy charges without a PaymentIntent).
 */

/** Keys in Razorpay notes / Stripe metadata that link a provider object to what it pays for. */
export const TARGET_KIND_NOTE = 'coffer_target_kind';
export const TARGET_ID_NOTE = 'coffer_target_id';
export const CHECKOUT_ID_NOTE = 'coffer_checkout_id';

export interface ProviderPayment {
  provider: PaymentProvider;
  /** Razorpay `pay_…`; for Stripe the PaymentIntent id `pi_…`, which all its events share. */
  providerPaymentId: string;
  /** Razorpay `order_…`, Stripe `pi_…`: the key of our ProviderCheckout, when we created it. */
  providerOrderId: string | null;
  amountMinor: bigint;
  currency: string;
  paymentMode: PaymentMode;
  payerName: string | null;
  payerEmail: string | null;
  payerUpiId: string | null;
  /** From notes / metadata, for payments made outside an order we created. */
  target: PaymentTargetRef | null;
  occurredAt: Date;
}

export type PaymentEventAction =
  | { kind: 'credit'; payment: ProviderPayment }
  | { kind: 'failed'; provider: PaymentProvider; providerPaymentId: string | null; providerOrderId: string | null; reason: string }
  | { kind: 'refund'; provider: PaymentProvider; providerPaymentId: string | null; amountMinor: bigint; refundedMinor: bigint; currency: string }
  | { kind: 'ignore'; reason: string };

export const RAZORPAY_EVENTS = ['payment.captured', 'order.paid', 'payment.failed', 'virtual_account.credited'] as const;
export const STRIPE_EVENTS = ['payment_intent.succeeded', 'payment_intent.payment_failed', 'checkout.session.completed', 'charge.refunded'] as const;

type Json = Record<string, unknown>;

export class MalformedEventError extends Error {}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function objectAt(root: unknown, ...path: string[]): Json | null {
  let node: unknown = root;
  for (const key of path) {
    // Arrays too, so a path can step through a list by index ("0").
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Json)[key];
  }
  return isObject(node) ? node : null;
}

const stringOf = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

function requireString(object: Json, key: string): string {
  const value = stringOf(object[key]);
  if (value === null) throw new MalformedEventError(`${key} is missing`);
  return value;
}

/** Provider amounts are integers in minor units; anything else is not a payment we can book. */
function minorAmount(value: unknown, field: string): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new MalformedEventError(`${field} is not a whole number of minor units`);
  return BigInt(value);
}

function currencyOf(value: unknown): string {
  const code = typeof value === 'string' ? value.toUpperCase() : '';
  if (!isCurrencyCode(code)) throw new MalformedEventError('currency is not an ISO 4217 code');
  return code;
}

const epochDate = (value: unknown): Date => (typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000) : new Date());

/** Notes and metadata: an object of strings, or Razorpay's `[]` when empty. */
function notesOf(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const notes: Record<string, string> = {};
  for (const [key, note] of Object.entries(value)) if (typeof note === 'string') notes[key] = note;
  return notes;
}

export function targetFromNotes(...sources: Record<string, string>[]): PaymentTargetRef | null {
  for (const notes of sources) {
    const kind = notes[TARGET_KIND_NOTE];
    const id = notes[TARGET_ID_NOTE];
    if (id && Object.values(PaymentTargetKind).includes(kind as PaymentTargetKind)) return { kind: kind as PaymentTargetKind, id };
  }
  return null;
}

function razorpayMode(method: unknown): PaymentMode {
  switch (method) {
    case 'upi':
      return PaymentMode.UPI;
    case 'card':
      return PaymentMode.CARD;
    case 'netbanking':
    case 'bank_transfer':
    case 'emandate':
    case 'nach':
      return PaymentMode.BANK_TRANSFER;
    default:
      return PaymentMode.OTHER;
  }
}

/** A Razorpay event body (already signature-checked). */
export function parseRazorpayEvent(body: unknown): { type: string; action: PaymentEventAction } {
  if (!isObject(body) || typeof body.event !== 'string') throw new MalformedEventError('not a Razorpay event');
  const type = body.event;
  if (!(RAZORPAY_EVENTS as readonly string[]).includes(type)) return { type, action: { kind: 'ignore', reason: 'UNKNOWN_EVENT' } };
  const payment = objectAt(body, 'payload', 'payment', 'entity');
  if (!payment) throw new MalformedEventError('payload.payment.entity is missing');
  const paymentId = requireString(payment, 'id');
  const orderId = stringOf(payment.order_id);
  if (type === 'payment.failed') {
    const reason = stringOf(payment.error_description) ?? stringOf(payment.error_reason) ?? stringOf(payment.error_code) ?? 'Payment failed';
    return { type, action: { kind: 'failed', provider: PaymentProvider.RAZORPAY, providerPaymentId: paymentId, providerOrderId: orderId, reason } };
  }
  const virtualAccount = objectAt(body, 'payload', 'virtual_account', 'entity');
  const card = objectAt(payment, 'card');
  return {
    type,
    action: {
      kind: 'credit',
      payment: {
        provider: PaymentProvider.RAZORPAY,
        providerPaymentId: paymentId,
        providerOrderId: orderId,
        amountMinor: minorAmount(payment.amount, 'payment.amount'),
        currency: currencyOf(payment.currency),
        paymentMode: razorpayMode(payment.method),
        payerName: stringOf(card?.name) ?? stringOf(virtualAccount?.name),
        payerEmail: stringOf(payment.email),
        payerUpiId: stringOf(payment.vpa),
        target: targetFromNotes(notesOf(payment.notes), notesOf(virtualAccount?.notes)),
        occurredAt: epochDate(payment.created_at),
      },
    },
  };
}

function stripeMode(types: unknown): PaymentMode {
  const first = Array.isArray(types) ? types[0] : null;
  if (first === 'card') return PaymentMode.CARD;
  if (first === 'upi') return PaymentMode.UPI;
  if (first === 'us_bank_account' || first === 'sepa_debit' || first === 'bacs_debit' || first === 'customer_balance') return PaymentMode.BANK_TRANSFER;
  return first ? PaymentMode.OTHER : PaymentMode.CARD;
}

/** A Stripe event (already verified by constructEvent). */
export function parseStripeEvent(event: { type: string; data: { object: unknown } }): PaymentEventAction {
  const object = isObject(event.data?.object) ? event.data.object : null;
  if (!(STRIPE_EVENTS as readonly string[]).includes(event.type)) return { kind: 'ignore', reason: 'UNKNOWN_EVENT' };
  if (!object) throw new MalformedEventError('data.object is missing');
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intentId = requireString(object, 'id');
      const billing = objectAt(object, 'charges', 'data', '0', 'billing_details');
      return {
        kind: 'credit',
        payment: {
          provider: PaymentProvider.STRIPE,
          providerPaymentId: intentId,
          providerOrderId: intentId,
          amountMinor: minorAmount(object.amount_received ?? object.amount, 'amount_received'),
          currency: currencyOf(object.currency),
          paymentMode: stripeMode(object.payment_method_types),
          payerName: stringOf(billing?.name) ?? stringOf(objectAt(object, 'shipping')?.name),
          payerEmail: stringOf(object.receipt_email) ?? stringOf(billing?.email),
          payerUpiId: null,
          target: targetFromNotes(notesOf(object.metadata)),
          occurredAt: epochDate(object.created),
        },
      };
    }
    case 'payment_intent.payment_failed': {
      const intentId = requireString(object, 'id');
      const reason = stringOf(objectAt(object, 'last_payment_error')?.message) ?? 'Payment failed';
      return { kind: 'failed', provider: PaymentProvider.STRIPE, providerPaymentId: intentId, providerOrderId: intentId, reason };
    }
    case 'checkout.session.completed': {
      // Older API versions have no payment_status; an unpaid session (delayed methods) is credited by its PaymentIntent's own event.
      if (object.payment_status !== undefined && object.payment_status !== 'paid') return { kind: 'ignore', reason: 'SESSION_NOT_PAID' };
      const intentId = stringOf(object.payment_intent);
      if (!intentId || object.amount_total === undefined || object.amount_total === null) return { kind: 'ignore', reason: 'SESSION_WITHOUT_PAYMENT' };
      const customer = objectAt(object, 'customer_details');
      return {
        kind: 'credit',
        payment: {
          provider: PaymentProvider.STRIPE,
          providerPaymentId: intentId,
          providerOrderId: intentId,
          amountMinor: minorAmount(object.amount_total, 'amount_total'),
          currency: currencyOf(object.currency),
          paymentMode: stripeMode(object.payment_method_types),
          payerName: stringOf(customer?.name),
          payerEmail: stringOf(customer?.email) ?? stringOf(object.customer_email),
          payerUpiId: null,
          target: targetFromNotes(notesOf(object.metadata)),
          occurredAt: epochDate(object.created),
        },
      };
    }
    default: {
      // charge.refunded
      return {
        kind: 'refund',
        provider: PaymentProvider.STRIPE,
        providerPaymentId: stringOf(object.payment_intent),
        amountMinor: minorAmount(object.amount, 'amount'),
        refundedMinor: minorAmount(object.amount_refunded, 'amount_refunded'),
        currency: currencyOf(object.currency),
      };
    }
  }
}
