import { Reference } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { MoneyType } from '../../graphql/money.type';
import type { CofferEvent } from '../../shared/event-bus';
import { parseAmount } from '../../shared/money';
import { actorName } from '../activity/activity.service';
import { ActorType } from '../activity/activity.types';
import { whileAdmin } from '../approvals/approval.resolver';
import { ADMIN_ONLY, assertGroupRole, requireSignedIn, STAFF_ROLES } from '../auth/authorization';
import { corridorsFrom, etaFor } from './corridors';
import * as rates from './exchange-rate.service';
import * as recipients from './recipient.service';
import { ExchangeRate, Recipient, Remittance, RemittanceQuote, RemittanceStatus } from './remittance.entities';
import * as remittances from './remittance.service';
import {
  CreateRecipientInput,
  CreateRemittancePayload,
  ExchangeRateType,
  RecipientConnection,
  RecipientType,
  RemittanceConnection,
  RemittanceCorridorType,
  RemittanceEventType,
  RemittanceQuoteType,
  RemittanceSettingsType,
  RemittanceTimelineEntryType,
  RemittanceType,
  UpdateRecipientInput,
} from './remittance.types';

const money = (amountMinor: bigint, currency: string): MoneyType => MoneyType.from({ amountMinor, currency });
const percent = (basisPoints: number): string => `${Math.floor(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}`;

const settingsView = (view: remittances.RemittanceSettingsView): RemittanceSettingsType => ({ ...view, feePercent: percent(view.feeBasisPoints) });

interface GroupArgs {
  groupId: string;
}

@Resolver(() => RecipientType)
export class RecipientResolver {
  @Query(() => RecipientConnection, { description: "The group's recipients, newest first (admins and operators)" })
  async recipients(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID, { description: 'The group' }) groupId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1 to 100' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after: string | null,
  ): Promise<ConnectionShape<Recipient>> {
    return toConnection(await recipients.listRecipients(ctx, { groupId, first, after }));
  }

  @Query(() => RecipientType, { description: 'One live recipient (admins and operators of its group)' })
  async recipient(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'Recipient id' }) id: string): Promise<Recipient> {
    return recipients.getRecipient(ctx, id);
  }

  @Mutation(() => RecipientType, { description: 'Admins only. The corridor from the group currency must be supported.' })
  async createRecipient(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateRecipientInput, { description: 'The recipient' }) input: CreateRecipientInput): Promise<Recipient> {
    const { groupId, ...data } = input;
    return recipients.createRecipient(ctx, groupId, data);
  }

  @Mutation(() => RecipientType, { description: 'Admins only. Notes can always change; the payout details (name, country, currency, account, bank, SWIFT) not while a remittance to the recipient is PENDING_APPROVAL, APPROVED or PROCESSING (CONFLICT RECIPIENT_IN_USE, with remittanceId).' })
  async updateRecipient(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'Recipient id' }) id: string, @Arg('input', () => UpdateRecipientInput, { description: 'The fields to change' }) input: UpdateRecipientInput): Promise<Recipient> {
    return recipients.updateRecipient(ctx, id, input);
  }

  @Mutation(() => RecipientType, { description: 'Soft delete (admins only): past remittances keep it, new quotes cannot name it. CONFLICT RECIPIENT_IN_USE (with remittanceId) while a remittance to it is PENDING_APPROVAL, APPROVED or PROCESSING.' })
  async deleteRecipient(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'Recipient id' }) id: string): Promise<Recipient> {
    return recipients.deleteRecipient(ctx, id);
  }

  @FieldResolver(() => String, { description: 'Masked: *****5678' })
  bankAccountMasked(@Root() recipient: Recipient): string {
    return recipients.maskAccount(recipient.bankAccountLast4);
  }
}

@Resolver(() => ExchangeRateType)
export class ExchangeRateResolver {
  @Query(() => [ExchangeRateType], { description: 'Every stored rate from a base currency' })
  async exchangeRates(@Ctx() ctx: GraphQLContext, @Arg('base', { description: 'ISO 4217, e.g. INR' }) base: string): Promise<ExchangeRate[]> {
    return rates.listExchangeRates(ctx, base);
  }

  @Query(() => ExchangeRateType, { description: 'One rate; NOT_FOUND when none is stored' })
  async exchangeRate(@Ctx() ctx: GraphQLContext, @Arg('base', { description: 'ISO 4217, e.g. INR' }) base: string, @Arg('quote', { description: 'ISO 4217, e.g. RSD' }) quote: string): Promise<ExchangeRate> {
    return rates.getExchangeRate(ctx, base, quote);
  }

  @Mutation(() => ExchangeRateType, { description: 'Platform rate administrators only (EXCHANGE_RATE_ADMIN_EMAILS)' })
  async setExchangeRate(@Ctx() ctx: GraphQLContext, @Arg('base', { description: 'ISO 4217' }) base: string, @Arg('quote', { description: 'ISO 4217, not base' }) quote: string, @Arg('rate', { description: 'Decimal string' }) rate: string): Promise<ExchangeRate> {
    return rates.setExchangeRate(ctx, base, quote, rate);
  }

  @FieldResolver(() => Boolean)
  stale(@Root() rate: ExchangeRate, @Ctx() ctx: GraphQLContext): boolean {
    return rates.isStale(rate, ctx.config.remittances);
  }
}

@Resolver(() => RemittanceQuoteType)
export class RemittanceQuoteResolver {
  @FieldResolver(() => MoneyType)
  sendAmount(@Root() q: RemittanceQuote): MoneyType {
    return money(q.sendMinor, q.sendCurrency);
  }

  @FieldResolver(() => MoneyType)
  fee(@Root() q: RemittanceQuote): MoneyType {
    return money(q.feeMinor, q.sendCurrency);
  }

  @FieldResolver(() => String)
  feePercent(@Root() q: RemittanceQuote): string {
    return percent(q.feeBasisPoints);
  }

  @FieldResolver(() => MoneyType)
  totalDebited(@Root() q: RemittanceQuote): MoneyType {
    return money(q.totalMinor, q.sendCurrency);
  }

  @FieldResolver(() => MoneyType)
  receiveAmount(@Root() q: RemittanceQuote): MoneyType {
    return money(q.receiveMinor, q.receiveCurrency);
  }

  @FieldResolver(() => RecipientType, { description: 'Also when deleted since' })
  async recipient(@Root() q: RemittanceQuote): Promise<Recipient> {
    return Reference.create(q.recipient).loadOrFail();
  }
}

@Resolver(() => RemittanceType)
export class RemittanceResolver {
  @Query(() => [RemittanceCorridorType], { description: 'Supported corridors; with groupId, only those from that group\'s currency' })
  async remittanceCorridors(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID, { nullable: true, description: 'Only the corridors from this group\'s currency' }) groupId: string | null): Promise<RemittanceCorridorType[]> {
    requireSignedIn(ctx);
    let source: string | null = null;
    if (groupId) {
      await assertGroupRole(ctx, groupId, STAFF_ROLES);
      source = (await ctx.loaders.groupById.load(groupId))!.currency;
    }
    return corridorsFrom(ctx.config.remittances, source).map((c) => ({
      sourceCurrency: c.sourceCurrency,
      country: c.country,
      currency: c.currency,
      eea: c.eea,
      minAmount: money(parseAmount(c.min, c.sourceCurrency), c.sourceCurrency),
      maxAmount: money(parseAmount(c.max, c.sourceCurrency), c.sourceCurrency),
      eta: etaFor(c),
    }));
  }

  @Query(() => RemittanceSettingsType, { description: "The group's remittance fee (admins and operators)" })
  async remittanceSettings(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID, { description: 'The group' }) groupId: string): Promise<RemittanceSettingsType> {
    return settingsView(await remittances.getRemittanceSettings(ctx, groupId));
  }

  @Mutation(() => RemittanceSettingsType, { description: "Sets the group's remittance fee (admins only), e.g. \"0.5\" for 0.5 %" })
  async setRemittanceFee(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID, { description: 'The group' }) groupId: string, @Arg('feePercent', { description: '0 to 10, at most two decimals' }) feePercent: string): Promise<RemittanceSettingsType> {
    return settingsView(await remittances.setRemittanceFee(ctx, groupId, feePercent));
  }

  @Mutation(() => RemittanceQuoteType, { description: 'Prices a remittance and holds the rate (stored, so a mutation). Amount in the group\'s currency.' })
  async remittanceQuote(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID, { description: 'The sending group' }) groupId: string,
    @Arg('recipientId', () => ID, { description: 'One of the group\'s recipients' }) recipientId: string,
    @Arg('amount', { description: 'Decimal string in the group\'s currency, e.g. "1500.00"' }) amount: string,
  ): Promise<RemittanceQuote> {
    return remittances.createQuote(ctx, groupId, recipientId, amount);
  }

  @Query(() => RemittanceQuoteType, { description: 'A stored quote (admins and operators of its group)' })
  async remittanceQuoteById(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'Quote id' }) id: string): Promise<RemittanceQuote> {
    return remittances.getQuote(ctx, id);
  }

  @Mutation(() => CreateRemittancePayload, { description: 'From a live quote; waits for a second admin, who must approve before the quote expires (else CONFLICT QUOTE_EXPIRED). CONFLICT reasons: QUOTE_EXPIRED, QUOTE_USED, QUOTE_RECIPIENT_CHANGED (the recipient changed after the quote), INSUFFICIENT_FUNDS (with shortfall), IDEMPOTENCY_KEY_REUSED.' })
  async createRemittance(
    @Ctx() ctx: GraphQLContext,
    @Arg('quoteId', () => ID, { description: 'From remittanceQuote, before it expires' }) quoteId: string,
    @Arg('idempotencyKey', { description: 'The same on a retry: the first answer is replayed' }) idempotencyKey: string,
    @Arg('reference', () => String, { nullable: true, description: 'Shown to the recipient, at most 140 characters' }) reference: string | null,
  ): Promise<remittances.CreateRemittanceOutcome> {
    return remittances.createRemittance(ctx, quoteId, idempotencyKey, reference);
  }

  @Mutation(() => RemittanceType, { description: 'Before PROCESSING only (a payout the provider may have, even one whose answer was lost, cannot be cancelled); an approved one has its reservation released' })
  async cancelRemittance(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'Remittance id' }) id: string, @Arg('reason', () => String, { nullable: true, description: 'Kept on the timeline, at most 500 characters' }) reason: string | null): Promise<Remittance> {
    return remittances.cancelRemittance(ctx, id, reason);
  }

  @Query(() => RemittanceConnection, { description: 'Newest first (admins and operators)' })
  async remittances(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID, { description: 'The group' }) groupId: string,
    @Arg('status', () => RemittanceStatus, { nullable: true, description: 'Only this status' }) status: RemittanceStatus | null,
    @Arg('recipientId', () => ID, { nullable: true, description: 'Only to this recipient' }) recipientId: string | null,
    @Arg('from', () => Date, { nullable: true, description: 'createdAt ≥ from' }) from: Date | null,
    @Arg('to', () => Date, { nullable: true, description: 'createdAt < to' }) to: Date | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1 to 100' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after: string | null,
  ): Promise<ConnectionShape<Remittance>> {
    return toConnection(await remittances.listRemittances(ctx, { groupId, status, recipientId, from, to, first, after }));
  }

  @Query(() => RemittanceType, { description: 'One remittance with its timeline (admins and operators of its group)' })
  async remittance(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID, { description: 'Remittance id' }) id: string): Promise<Remittance> {
    return remittances.getRemittance(ctx, id);
  }

  @Subscription(() => RemittanceEventType, {
    description: "Status changes of the group's remittances; for the group's admins only (checked for every event)",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, GroupArgs, GraphQLContext>) => {
      await assertGroupRole(context, args.groupId, ADMIN_ONLY);
      return whileAdmin(context, args.groupId, remittances.REMITTANCE_EVENTS_TOPIC);
    },
  })
  async remittanceEvents(@Root() event: CofferEvent, @Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID, { description: 'The group' }) _groupId: string): Promise<{ status: RemittanceStatus; remittance: Remittance }> {
    ctx.em.clear();
    const remittance = await ctx.em.findOneOrFail(Remittance, { id: event.data.remittanceId });
    return { status: event.data.status as RemittanceStatus, remittance };
  }

  @FieldResolver(() => RecipientType, { description: 'Also when deleted since. A page of remittances loads its recipients in one query.' })
  async recipient(@Root() r: Remittance): Promise<Recipient> {
    return Reference.create(r.recipient).loadOrFail();
  }

  @FieldResolver(() => MoneyType, { description: "Converted and sent, in the group's currency" })
  sendAmount(@Root() r: Remittance): MoneyType {
    return money(r.sendMinor, r.sendCurrency);
  }

  @FieldResolver(() => MoneyType, { description: 'Our fee, in the group\'s currency' })
  fee(@Root() r: Remittance): MoneyType {
    return money(r.feeMinor, r.sendCurrency);
  }

  @FieldResolver(() => MoneyType, { description: 'Send amount plus fee' })
  totalDebited(@Root() r: Remittance): MoneyType {
    return money(r.totalMinor, r.sendCurrency);
  }

  @FieldResolver(() => MoneyType, { description: 'What the recipient receives' })
  receiveAmount(@Root() r: Remittance): MoneyType {
    return money(r.receiveMinor, r.receiveCurrency);
  }

  @FieldResolver(() => ActorType, { description: 'Who created it (never its approver)' })
  async createdBy(@Root() r: Remittance, @Ctx() ctx: GraphQLContext): Promise<ActorType> {
    const actor = { kind: r.createdByKind, id: r.createdById };
    return { ...actor, name: await actorName(ctx, actor) };
  }

  @FieldResolver(() => [RemittanceTimelineEntryType], { description: 'Every status reached, oldest first' })
  async timeline(@Root() r: Remittance, @Ctx() ctx: GraphQLContext): Promise<RemittanceTimelineEntryType[]> {
    const events = await remittances.timelineOf(ctx.em, r.id);
    return Promise.all(
      events.map(async (event) => {
        const actor = { kind: event.actorKind, id: event.actorId };
        return { status: event.status, at: event.occurredAt, note: event.note, actor: { ...actor, name: await actorName(ctx, actor) } };
      }),
    );
  }

  @FieldResolver(() => Boolean, { description: 'Show the Cancel button' })
  async viewerCanCancel(@Root() r: Remittance, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return remittances.viewerCanCancelRemittance(ctx, r);
  }
}
