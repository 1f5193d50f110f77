import { BigIntType, BlobType, Entity, Enum, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { PaymentProvider } from '../ledger/ledger.enums';
import { PaymentTargetKind } from './payment-target';

export enum InboundWebhookStatus {
  RECEIVED = 'RECEIVED',
  PROCESSED = 'PROCESSED',
  FAILED = 'FAILED',
  IGNORED = 'IGNORED',
}

export enum ProviderCheckoutStatus {
  CREATED = 'CREATED',
  PAID = 'PAID',
  FAILED = 'FAILED',
  REFUNDED = 'REFUNDED',
}

export enum PaymentFlagStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}

/** Why a payment that arrived was not credited. */
export enum PaymentFlagReason {
  AMOUNT_MISMATCH = 'AMOUNT_MISMATCH',
  CURRENCY_MISMATCH = 'CURRENCY_MISMATCH',
  /** Money arrived for something already paid, waived or closed. */
  TARGET_NOT_PAYABLE = 'TARGET_NOT_PAYABLE',
  /** Only part of a credited payment was refunded: an admin decides what the books say. */
  PARTIAL_REFUND = 'PARTIAL_REFUND',
}

/**
 * One delivery to a provider webhook endpoint, stored before anything else
 * happens to it, with the body byte for byte (signatures cover the raw bytes,
 * and a retry re-parses exactly what arrived).
 */
@Entity({ tableName: 'inbound_webhook_events' })
export class InboundWebhookEvent extends BaseEntity<
  'eventId' | 'eventType' | 'signatureHeader' | 'attempts' | 'lastError' | 'outcome' | 'flagReason' | 'providerPaymentId' | 'providerOrderId' | 'groupId' | 'transactionId' | 'sourceIp' | 'processedAt' | 'nextAttemptAt' | 'receivedAt'
> {
  @Enum({ items: () => PaymentProvider, nativeEnumName: 'payment_provider' })
  provider: PaymentProvider;

  /** Stripe's event id, Razorpay's x-razorpay-event-id; unique per provider among signed deliveries. */
  @Property({ type: 'string', length: 255, nullable: true })
  eventId: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  eventType: string | null = null;

  /** Exactly as received; null once the retention job cleared a settled event's body. */
  @Property({ type: BlobType, nullable: true })
  rawBody: Buffer | null = null;

  @Property({ type: 'text', nullable: true })
  signatureHeader: string | null = null;

  @Property({ type: 'boolean' })
  signatureValid: boolean;

  @Enum({ items: () => InboundWebhookStatus, nativeEnumName: 'inbound_webhook_status' })
  status: InboundWebhookStatus;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  /** What processing did: CREDITED, DUPLICATE, FLAGGED, REFUNDED, UNMATCHED, UNKNOWN_EVENT, … */
  @Property({ type: 'string', length: 40, nullable: true })
  outcome: string | null = null;

  @Property({ type: 'text', nullable: true })
  flagReason: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  providerPaymentId: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  providerOrderId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  groupId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  transactionId: string | null = null;

  @Property({ type: 'string', length: 128, nullable: true })
  sourceIp: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  receivedAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  processedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null = null;
}

/** A Razorpay order or Stripe PaymentIntent we created, and what it pays for. */
@Entity({ tableName: 'provider_checkouts' })
export class ProviderCheckout extends BaseEntity<'providerOrderId' | 'description' | 'providerPaymentId' | 'transactionId' | 'lastError' | 'createdById'> {
  @Enum({ items: () => PaymentProvider, nativeEnumName: 'payment_provider' })
  provider: PaymentProvider;

  /** Razorpay `order_…` or Stripe `pi_…`; null only while the provider has not answered yet. */
  @Property({ type: 'string', length: 200, nullable: true })
  providerOrderId: string | null = null;

  @Property({ type: 'boolean' })
  sandbox: boolean;

  @Property({ type: 'string', length: 32 })
  targetKind: PaymentTargetKind;

  @Property({ type: 'uuid' })
  targetId: string;

  @Property({ type: 'uuid' })
  groupId: string;

  @Property({ type: new BigIntType('bigint') })
  amountMinor: bigint;

  @Property({ type: 'string', length: 3 })
  currency: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Enum({ items: () => ProviderCheckoutStatus, nativeEnumName: 'provider_checkout_status' })
  status: ProviderCheckoutStatus;

  @Property({ type: 'string', length: 200, nullable: true })
  providerPaymentId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  transactionId: string | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'string', length: 16 })
  createdByKind: string;

  @Property({ type: 'uuid', nullable: true })
  createdById: string | null = null;
}

/** A payment that arrived but was not credited; an admin looks at it. */
@Entity({ tableName: 'payment_flags' })
export class PaymentFlag extends BaseEntity<
  'providerOrderId' | 'checkoutId' | 'targetKind' | 'targetId' | 'expectedAmountMinor' | 'expectedCurrency' | 'inboundEventId' | 'resolvedAt' | 'resolvedById' | 'resolutionNote' | 'status'
> {
  @Property({ type: 'uuid' })
  groupId: string;

  @Enum({ items: () => PaymentProvider, nativeEnumName: 'payment_provider' })
  provider: PaymentProvider;

  @Property({ type: 'string', length: 200 })
  providerPaymentId: string;

  @Property({ type: 'string', length: 200, nullable: true })
  providerOrderId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  checkoutId: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  targetKind: PaymentTargetKind | null = null;

  @Property({ type: 'uuid', nullable: true })
  targetId: string | null = null;

  @Property({ type: 'string', length: 40 })
  reason: PaymentFlagReason;

  @Property({ type: new BigIntType('bigint'), nullable: true })
  expectedAmountMinor: bigint | null = null;

  @Property({ type: 'string', length: 3, nullable: true })
  expectedCurrency: string | null = null;

  @Property({ type: new BigIntType('bigint') })
  receivedAmountMinor: bigint;

  @Property({ type: 'string', length: 3 })
  receivedCurrency: string;

  @Property({ type: 'text' })
  details: string;

  @Property({ type: 'uuid', nullable: true })
  inboundEventId: string | null = null;

  @Enum({ items: () => PaymentFlagStatus, nativeEnumName: 'payment_flag_status' })
  status: PaymentFlagStatus = PaymentFlagStatus.OPEN;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  resolvedAt: Date | null = null;

  @Property({ type: 'uuid', nullable: true })
  resolvedById: string | null = null;

  @Property({ type: 'text', nullable: true })
  resolutionNote: string | null = null;
}
