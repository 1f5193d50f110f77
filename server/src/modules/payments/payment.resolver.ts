import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { MoneyType } from '../../graphql/money.type';
import { PaymentProvider } from '../ledger/ledger.enums';
import * as checkouts from './checkout.service';
import { PaymentFlag, PaymentFlagStatus } from './payment.entities';
import { PaymentCheckoutType, PaymentFlagConnection, PaymentFlagType, PaymentProvidersType, PaymentVerificationType } from './payment.types';

function checkoutPayload(result: checkouts.CheckoutResult): PaymentCheckoutType {
  const { checkout } = result;
  return {
    id: checkout.id,
    provider: checkout.provider,
    providerOrderId: checkout.providerOrderId!,
    sandbox: checkout.sandbox,
    targetKind: checkout.targetKind,
    targetId: checkout.targetId,
    amount: MoneyType.from({ amountMinor: checkout.amountMinor, currency: checkout.currency }),
    description: checkout.description,
    status: checkout.status,
    keyId: result.keyId,
    clientSecret: result.clientSecret,
    publishableKey: result.publishableKey,
    checkoutUrl: result.checkoutUrl,
    createdAt: checkout.createdAt,
  };
}

function flagPayload(flag: PaymentFlag): PaymentFlagType {
  return {
    ...flag,
    expected: flag.expectedAmountMinor !== null && flag.expectedCurrency ? MoneyType.from({ amountMinor: flag.expectedAmountMinor, currency: flag.expectedCurrency }) : null,
    received: MoneyType.from({ amountMinor: flag.receivedAmountMinor, currency: flag.receivedCurrency }),
  };
}

@Resolver()
export class PaymentResolver {
  @Mutation(() => PaymentCheckoutType, { description: 'Opens a Razorpay order (amount in paise) for a due or a membership term: give exactly one id. CONFLICT with a reason when it cannot be paid.' })
  async createRazorpayOrder(
    @Ctx() ctx: GraphQLContext,
    @Arg('dueId', () => ID, { nullable: true, description: 'A due' }) dueId: string | null,
    @Arg('termId', () => ID, { nullable: true, description: 'A membership term' }) termId: string | null,
  ): Promise<PaymentCheckoutType> {
    return checkoutPayload(await checkouts.createCheckoutForViewer(ctx, PaymentProvider.RAZORPAY, { dueId, termId }));
  }

  @Mutation(() => PaymentCheckoutType, { description: 'Opens a Stripe PaymentIntent (minor units) for a due or a membership term: give exactly one id. CONFLICT with a reason when it cannot be paid.' })
  async createStripePaymentIntent(
    @Ctx() ctx: GraphQLContext,
    @Arg('dueId', () => ID, { nullable: true, description: 'A due' }) dueId: string | null,
    @Arg('termId', () => ID, { nullable: true, description: 'A membership term' }) termId: string | null,
  ): Promise<PaymentCheckoutType> {
    return checkoutPayload(await checkouts.createCheckoutForViewer(ctx, PaymentProvider.STRIPE, { dueId, termId }));
  }

  @Mutation(() => PaymentVerificationType, { description: "Razorpay Checkout's success callback: verified with the key secret, the payment is credited at once (the webhook for it then finds it credited)" })
  async verifyRazorpayPayment(
    @Ctx() ctx: GraphQLContext,
    @Arg('orderId', { description: 'razorpay_order_id' }) orderId: string,
    @Arg('paymentId', { description: 'razorpay_payment_id' }) paymentId: string,
    @Arg('signature', { description: 'razorpay_signature' }) signature: string,
  ): Promise<PaymentVerificationType> {
    return checkouts.verifyRazorpayPayment(ctx, { orderId, paymentId, signature });
  }

  @Query(() => PaymentProvidersType, { description: 'Which providers take payments, and whether each is the sandbox. With groupId, `enabled` also follows that group\'s payment settings.' })
  async paymentProviders(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID, { nullable: true }) groupId: string | null): Promise<PaymentProvidersType> {
    return checkouts.paymentProviders(ctx, groupId);
  }

  @Query(() => PaymentFlagConnection, { description: 'Payments that arrived but were not credited (amount or currency mismatch, already paid, partial refund), newest first. Admins only.' })
  async flaggedPayments(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('status', () => PaymentFlagStatus, { nullable: true }) status: PaymentFlagStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    const page = await checkouts.listPaymentFlags(ctx, { groupId, status, first, after });
    return toConnection({ ...page, nodes: page.nodes.map(flagPayload) });
  }

  @Mutation(() => PaymentFlagType, { description: 'An admin records what was done about a flagged payment; it leaves the OPEN list' })
  async resolvePaymentFlag(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('note', { description: 'What was done, e.g. "refunded in the Razorpay dashboard"' }) note: string): Promise<PaymentFlagType> {
    return flagPayload(await checkouts.resolvePaymentFlag(ctx, id, note));
  }
}
