import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf } from '../../graphql/connection';
import { MoneyType } from '../../graphql/money.type';
import { PaymentProvider } from '../ledger/ledger.enums';
import { PaymentFlagReason, PaymentFlagStatus, ProviderCheckoutStatus } from './payment.entities';
import { PaymentTargetKind } from './payment-target';

registerEnumType(PaymentTargetKind, {
  name: 'PaymentTargetKind',
  description: 'What a provider payment pays for',
  valuesConfig: { DUE: { description: "A member's share of a billing period" }, MEMBERSHIP_TERM: { description: 'A membership term (monthly, annual, lifetime, application fee)' }, SPONSOR_LINK: { description: "A sponsor's public payment link" } },
});
registerEnumType(ProviderCheckoutStatus, {
  name: 'PaymentCheckoutStatus',
  description: 'Where an order or intent stands',
  valuesConfig: {
    CREATED: { description: 'Open: waiting for the payment (a failed attempt leaves it open for another)' },
    PAID: { description: 'Paid and credited' },
    FAILED: { description: 'The provider refused to create it' },
    REFUNDED: { description: 'Fully refunded; the credit was reversed' },
  },
});
registerEnumType(PaymentFlagStatus, {
  name: 'PaymentFlagStatus',
  description: 'Whether an admin has dealt with a flagged payment',
  valuesConfig: { OPEN: { description: 'Waiting for an admin' }, RESOLVED: { description: 'An admin recorded what was done' } },
});
registerEnumType(PaymentFlagReason, {
  name: 'PaymentFlagReason',
  description: 'Why a payment that arrived was not credited',
  valuesConfig: {
    AMOUNT_MISMATCH: { description: 'The amount paid differs from what is owed' },
    CURRENCY_MISMATCH: { description: 'Paid in another currency than the one owed (or than the group books in)' },
    TARGET_NOT_PAYABLE: { description: 'Paid for something already paid, waived or closed' },
    PARTIAL_REFUND: { description: 'Part of a credited payment was refunded; the books were not changed automatically' },
  },
});

/** What verifying (or a webhook) did with a payment. */
export const PaymentOutcomeKind = {
  CREDITED: 'CREDITED',
  DUPLICATE: 'DUPLICATE',
  FLAGGED: 'FLAGGED',
  UNMATCHED: 'UNMATCHED',
  REFUNDED: 'REFUNDED',
  PAYMENT_FAILED: 'PAYMENT_FAILED',
  IGNORED: 'IGNORED',
} as const;
registerEnumType(PaymentOutcomeKind, {
  name: 'PaymentOutcome',
  description: 'What a webhook event or a verification did with a payment',
  valuesConfig: {
    CREDITED: { description: 'Recorded in the ledger now, and what it paid for is marked paid' },
    DUPLICATE: { description: 'Already credited (or flagged) by an earlier event or verification' },
    FLAGGED: { description: 'Not credited: the amount, currency or target did not match; an admin sees it in flaggedPayments' },
    UNMATCHED: { description: 'No order or target of ours' },
    REFUNDED: { description: 'A refund reversed the credited transaction' },
    PAYMENT_FAILED: { description: 'The attempt failed; nothing was booked' },
    IGNORED: { description: 'Nothing to do for this event' },
  },
});

@ObjectType('PaymentCheckout', { description: 'A Razorpay order or Stripe PaymentIntent opened for a due, membership term or sponsor link' })
export class PaymentCheckoutType {
  @Field(() => ID)
  id: string;

  @Field(() => PaymentProvider, { description: 'Who collects the payment' })
  provider: PaymentProvider;

  @Field({ description: 'Razorpay order id (order_…) or Stripe PaymentIntent id (pi_…)' })
  providerOrderId: string;

  @Field({ description: 'True when the built-in sandbox stands in for the provider: no real money moves' })
  sandbox: boolean;

  @Field(() => PaymentTargetKind, { description: 'What the payment is for' })
  targetKind: PaymentTargetKind;

  @Field(() => ID, { description: 'The due, membership term or sponsor link paid for' })
  targetId: string;

  @Field(() => MoneyType, { description: 'Exactly what the provider will collect' })
  amount: MoneyType;

  @Field(() => String, { nullable: true, description: 'The line the provider shows the payer' })
  description: string | null;

  @Field(() => ProviderCheckoutStatus, { description: 'Where the order or intent stands' })
  status: ProviderCheckoutStatus;

  @Field(() => String, { nullable: true, description: 'Razorpay Checkout `key` (Razorpay only)' })
  keyId: string | null;

  @Field(() => String, { nullable: true, description: "Stripe.js client secret of the PaymentIntent (Stripe only); returned only when it is created" })
  clientSecret: string | null;

  @Field(() => String, { nullable: true, description: 'Stripe publishable key for Stripe.js (Stripe only)' })
  publishableKey: string | null;

  @Field(() => String, { nullable: true, description: "The sandbox's pay page; null with a real provider" })
  checkoutUrl: string | null;

  @Field()
  createdAt: Date;
}

@ObjectType('PaymentVerification', { description: 'What verifying a Razorpay Checkout payment did' })
export class PaymentVerificationType {
  @Field(() => PaymentOutcomeKind, { description: 'CREDITED now, DUPLICATE when an earlier event or verification credited it, FLAGGED when it did not match' })
  outcome: string;

  @Field(() => ID, { nullable: true, description: 'The CASH_IN transaction of the payment (also when it was credited earlier)' })
  transactionId: string | null;

  @Field(() => PaymentFlagReason, { nullable: true, description: 'Set when the payment was flagged instead of credited' })
  flagReason: string | null;
}

@ObjectType('RazorpayProviderInfo', { description: 'How the console talks to Razorpay' })
export class RazorpayProviderInfo {
  @Field({ description: "Payments through Razorpay are possible (for a group: switched on in its payment settings)" })
  enabled: boolean;

  @Field({ description: 'No keys are configured: the built-in sandbox stands in; no real money moves' })
  sandbox: boolean;

  @Field({ description: 'Razorpay Checkout `key`' })
  keyId: string;
}

@ObjectType('StripeProviderInfo', { description: 'How the console talks to Stripe' })
export class StripeProviderInfo {
  @Field({ description: "Payments through Stripe are possible (for a group: switched on in its payment settings)" })
  enabled: boolean;

  @Field({ description: 'No keys are configured: the built-in sandbox stands in; no real money moves' })
  sandbox: boolean;

  @Field(() => String, { nullable: true, description: 'Stripe publishable key for Stripe.js' })
  publishableKey: string | null;
}

@ObjectType('PaymentProviders', { description: 'The payment providers this server takes payments through, real or sandbox' })
export class PaymentProvidersType {
  @Field(() => RazorpayProviderInfo, { description: 'Razorpay (UPI, cards, netbanking)' })
  razorpay: RazorpayProviderInfo;

  @Field(() => StripeProviderInfo, { description: 'Stripe (cards)' })
  stripe: StripeProviderInfo;
}

@ObjectType('PaymentFlag', { description: 'A payment that arrived but was not credited; an admin decides (refund, book by hand, …)' })
export class PaymentFlagType {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The group the money was meant for' })
  groupId: string;

  @Field(() => PaymentProvider, { description: 'Who collected the money' })
  provider: PaymentProvider;

  @Field({ description: 'Razorpay pay_… or Stripe pi_…' })
  providerPaymentId: string;

  @Field(() => String, { nullable: true, description: 'Razorpay order_… or Stripe pi_…, when the payment was for an order of ours' })
  providerOrderId: string | null;

  @Field(() => PaymentTargetKind, { nullable: true, description: 'What the payment was meant for' })
  targetKind: PaymentTargetKind | null;

  @Field(() => ID, { nullable: true, description: 'The due, membership term or sponsor link it was meant for' })
  targetId: string | null;

  @Field(() => PaymentFlagReason, { description: 'Why it was not credited' })
  reason: PaymentFlagReason;

  @Field(() => MoneyType, { nullable: true, description: 'What was owed (or, for a refund, what was credited)' })
  expected: MoneyType | null;

  @Field(() => MoneyType, { description: 'What the provider reported (paid or refunded)' })
  received: MoneyType;

  @Field({ description: 'What did not match, in words' })
  details: string;

  @Field(() => PaymentFlagStatus, { description: 'OPEN until an admin resolves it' })
  status: PaymentFlagStatus;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When an admin resolved it' })
  resolvedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'What the admin did about it' })
  resolutionNote: string | null;
}

export const PaymentFlagConnection = connectionOf('PaymentFlag', PaymentFlagType);
