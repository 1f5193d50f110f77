import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { MoneyType } from '../../graphql/money.type';
import type { CofferEvent } from '../../shared/event-bus';
import { Role } from '../../shared/roles';
import { assertGroupRole, STAFF_ROLES, viewerRoleIn } from '../auth/authorization';
import { Group } from '../groups/group.entity';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { PaymentMode } from '../ledger/ledger.enums';
import { TransactionType_ } from '../ledger/ledger.types';
import { Member } from '../members/member.entity';
import { MemberType } from '../members/member.types';
import { qrCodeDataUrl, upiDeepLink } from '../../shared/upi';
import { confirmLinkFor } from './confirm-link';
import * as dues from './due.service';
import { BillingPeriod, BillingPeriodStatus, Due, DueStatus, MembershipTerm, MembershipTermStatus } from './dues.entities';
import {
  BillingPeriodConnection,
  BillingPeriodType,
  CreateBillingPeriodInput,
  CreateBillingPeriodPayload,
  CreateMembershipTermInput,
  DueChangedEvent,
  DueConnection,
  DueDecisionPayload,
  DueType,
  MembershipTermConnection,
  MembershipTermObject,
  MembershipTermPayload,
  PaymentDecision,
  PaymentInstructionsType,
  UpdateBillingPeriodInput,
} from './dues.types';
import * as memberships from './membership.service';

const money = (amountMinor: bigint | null, currency: string): MoneyType | null => (amountMinor === null ? null : MoneyType.from({ amountMinor, currency }));

interface GroupArgs {
  groupId: string;
}

@Resolver(() => BillingPeriodType)
export class BillingPeriodResolver {
  @Mutation(() => CreateBillingPeriodPayload, {
    description:
      "Admins: opens a period and creates every active primary member's due in one step. Never a period that shares a day with another of the group's (CONFLICT PERIOD_OVERLAP or PERIOD_EXISTS), nor one the group's billing settings would leave without the dues it stands for (BAD_USER_INPUT)",
  })
  async createBillingPeriod(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateBillingPeriodInput) input: CreateBillingPeriodInput) {
    return dues.createBillingPeriod(ctx, input);
  }

  @Mutation(() => BillingPeriodType, { description: "Admins: notes, an open period's dates, or close the period" })
  async updateBillingPeriod(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('input', () => UpdateBillingPeriodInput) input: UpdateBillingPeriodInput): Promise<BillingPeriod> {
    return dues.updateBillingPeriod(ctx, id, input);
  }

  @Query(() => BillingPeriodConnection, { description: 'Latest period first' })
  async billingPeriods(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('status', () => BillingPeriodStatus, { nullable: true }) status: BillingPeriodStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return toConnection(await dues.listBillingPeriods(ctx, { groupId, status, first, after }));
  }

  @Query(() => BillingPeriodType, { description: 'One billing period; any role in the group may read it' })
  async billingPeriod(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<BillingPeriod> {
    return dues.getBillingPeriod(ctx, id);
  }

  @FieldResolver(() => MoneyType, { nullable: true, description: 'The total split among members; null when each member owes their own amount' })
  total(@Root() period: BillingPeriod): MoneyType | null {
    return money(period.totalMinor, period.currency);
  }

  @FieldResolver(() => MemberType, { nullable: true, description: 'Who carries the minor units an equal split cannot divide' })
  async remainderMember(@Root() period: BillingPeriod, @Ctx() ctx: GraphQLContext): Promise<Member | null> {
    return period.remainderMember ? ctx.loaders.memberById.load(period.remainderMember.id) : null;
  }
}

@Resolver(() => DueType)
export class DueResolver {
  @Query(() => DueConnection, { description: 'Latest due date first. Staff see every due of the group; a member only their own.' })
  async dues(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('periodId', () => ID, { nullable: true, description: 'Only the dues of this billing period' }) periodId: string | null,
    @Arg('memberId', () => ID, { nullable: true }) memberId: string | null,
    @Arg('status', () => DueStatus, { nullable: true }) status: DueStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return toConnection(await dues.listDues(ctx, { groupId, periodId, memberId, status, first, after }));
  }

  @Query(() => DueType, { description: 'One due; staff see any of the group, a member only their own (else NOT_FOUND)' })
  async due(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Due> {
    return dues.getDue(ctx, id);
  }

  @Mutation(() => DueDecisionPayload, { description: 'Admins: CONFIRM records the CASH_IN and marks the due PAID in one database transaction; REJECT sends a member-confirmed due back to UNPAID' })
  async confirmPayment(
    @Ctx() ctx: GraphQLContext,
    @Arg('dueId', () => ID, { description: 'The due; CONFIRM takes an UNPAID, OVERDUE or MEMBER_CONFIRMED one, else CONFLICT' }) dueId: string,
    @Arg('action', () => PaymentDecision, { description: 'CONFIRM the payment or REJECT the member\'s claim' }) action: PaymentDecision,
    @Arg('notes', () => String, { nullable: true }) notes: string | null,
    @Arg('paymentMode', () => PaymentMode, { nullable: true, description: 'How the member paid (CONFIRM only); default UPI' }) paymentMode: PaymentMode | null,
  ): Promise<dues.DueDecisionOutcome> {
    return dues.confirmPayment(ctx, dueId, { action, notes, paymentMode });
  }

  @Mutation(() => DueType, { description: 'Admins: the member owes nothing for this due; the reason is kept' })
  async waiveDue(
    @Ctx() ctx: GraphQLContext,
    @Arg('dueId', () => ID, { description: 'An UNPAID, OVERDUE or MEMBER_CONFIRMED due; a settled one is CONFLICT' }) dueId: string,
    @Arg('reason', () => String, { description: 'Why it is waived, 1 to 2000 characters; shown with the due' }) reason: string,
  ): Promise<Due> {
    return dues.waiveDue(ctx, dueId, reason);
  }

  @Subscription(() => DueChangedEvent, {
    description: "Dues of a group changing status, and periods opening (admins and operators). Re-checks the viewer's role for every event.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, GroupArgs, GraphQLContext>) => {
      await assertGroupRole(context, args.groupId, STAFF_ROLES);
      return context.events.subscribe(dues.DUE_CHANGED_TOPIC, args.groupId);
    },
  })
  async dueEvents(@Root() event: CofferEvent, @Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID) groupId: string): Promise<DueChangedEvent> {
    ctx.em.clear();
    ctx.loaders.viewerRoleByGroup.clearAll();
    await assertGroupRole(ctx, groupId, STAFF_ROLES);
    const data = event.data as { dueId?: string; periodId?: string; change: string };
    const due = data.dueId ? await ctx.em.findOne(Due, { id: data.dueId }) : null;
    return { groupId: event.key, change: data.change, due, periodId: data.periodId ?? due?.period.id ?? null };
  }

  @FieldResolver(() => MoneyType, { description: "What the member owes, in the group's currency" })
  amount(@Root() due: Due): MoneyType {
    return MoneyType.from({ amountMinor: due.amountMinor, currency: due.currency });
  }

  @FieldResolver(() => BillingPeriodType, { description: 'The billing period it belongs to' })
  async period(@Root() due: Due, @Ctx() ctx: GraphQLContext): Promise<BillingPeriod> {
    return (await ctx.loaders.billingPeriodById.load(due.period.id))!;
  }

  @FieldResolver(() => MemberType, { description: 'The member who owes it (a primary member)' })
  async member(@Root() due: Due, @Ctx() ctx: GraphQLContext): Promise<Member> {
    return (await ctx.loaders.memberById.load(due.member.id))!;
  }

  @FieldResolver(() => TransactionType_, { nullable: true, description: 'The CASH_IN that paid it' })
  async paidTransaction(@Root() due: Due, @Ctx() ctx: GraphQLContext): Promise<LedgerTransaction | null> {
    return due.paidTransaction ? ctx.loaders.transactionById.load(due.paidTransaction.id) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The signed "I\'ve paid" link for the member (valid CONFIRM_LINK_TTL_DAYS); null once the due is settled' })
  iHavePaidLink(@Root() due: Due, @Ctx() ctx: GraphQLContext): string | null {
    if (due.status !== DueStatus.UNPAID && due.status !== DueStatus.OVERDUE) return null;
    return confirmLinkFor(ctx.config, due.id);
  }

  @FieldResolver(() => PaymentInstructionsType, { nullable: true, description: 'How to pay the group directly for this due; null once it is settled or when the group has neither a UPI id nor a bank account' })
  async howToPay(@Root() due: Due, @Ctx() ctx: GraphQLContext): Promise<PaymentInstructionsType | null> {
    if (due.status !== DueStatus.UNPAID && due.status !== DueStatus.OVERDUE) return null;
    const group = (await ctx.loaders.groupById.load(due.group.id))!;
    const { upiId, bankAccountLast4, bankIfsc } = group.paymentSettings;
    if (!upiId && !bankAccountLast4) return null;
    const period = await ctx.loaders.billingPeriodById.load(due.period.id);
    // UPI settles in rupees only.
    const upiDeepLinkText =
      upiId && due.currency === 'INR' ? upiDeepLink({ payeeUpiId: upiId, payeeName: group.name, amountMinor: due.amountMinor, currency: due.currency, note: period?.label ?? 'Dues' }) : null;
    return {
      upiId,
      upiDeepLink: upiDeepLinkText,
      upiQrCode: upiDeepLinkText ? await qrCodeDataUrl(upiDeepLinkText) : null,
      bankAccountMasked: bankAccountLast4 ? `XXXXXXXX${bankAccountLast4}` : null,
      bankIfsc,
    };
  }

  @FieldResolver(() => Boolean, { description: 'Whether the viewer may confirm, reject or waive it (admins, while it is open)' })
  async viewerCanDecide(@Root() due: Due, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const open = due.status === DueStatus.UNPAID || due.status === DueStatus.MEMBER_CONFIRMED || due.status === DueStatus.OVERDUE;
    return open && (await viewerRoleIn(ctx, due.group.id)) === Role.ADMIN;
  }
}

@Resolver(() => MembershipTermObject)
export class MembershipTermResolver {
  @Query(() => MembershipTermConnection, { description: 'Newest first. Staff see every term; a member their own. EXPIRED includes active terms past their end plus grace.' })
  async membershipTerms(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('memberId', () => ID, { nullable: true }) memberId: string | null,
    @Arg('status', () => MembershipTermStatus, { nullable: true }) status: MembershipTermStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return toConnection(await memberships.listMembershipTerms(ctx, { groupId, memberId, status, first, after }));
  }

  @Mutation(() => MembershipTermPayload, {
    description:
      "Amount and dates come from the group's rules. With paymentMode, staff record a fee they collected (admins at once, operators after approval); without it the term waits PENDING for an online payment. Members may create their own pending terms. A MONTHLY or ANNUAL term starts when the member's paid one ends (paying early renews ahead, never for the same days twice). CONFLICT reasons: LIFETIME_EXISTS (the member has a lifetime membership), APPLICATION_FEE_PAID, DUPLICATE_TERM (the same term again within two minutes, without an idempotency key), IDEMPOTENCY_KEY_REUSED. Paying a pending term (approval, online) checks the same again, and refuses a MONTHLY or ANNUAL term whose days were paid while it waited (CONFLICT TERM_OVERLAP).",
  })
  async createMembershipTerm(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateMembershipTermInput) input: CreateMembershipTermInput): Promise<memberships.TermOutcome> {
    return memberships.createMembershipTerm(ctx, input);
  }

  @FieldResolver(() => MembershipTermStatus, { description: 'ACTIVE until the end plus the grace days, then EXPIRED' })
  async status(@Root() term: MembershipTerm, @Ctx() ctx: GraphQLContext): Promise<MembershipTermStatus> {
    const group: Group | null = await ctx.loaders.groupById.load(term.group.id);
    return memberships.effectiveTermStatus(term, group!);
  }

  @FieldResolver(() => MoneyType, { description: "The fee for the term, from the group's billing settings when it was created" })
  amount(@Root() term: MembershipTerm): MoneyType {
    return MoneyType.from({ amountMinor: term.amountMinor, currency: term.currency });
  }

  @FieldResolver(() => MemberType, { description: 'The member it is for' })
  async member(@Root() term: MembershipTerm, @Ctx() ctx: GraphQLContext): Promise<Member> {
    return (await ctx.loaders.memberById.load(term.member.id))!;
  }

  @FieldResolver(() => TransactionType_, { nullable: true, description: 'The CASH_IN that paid it' })
  async paidTransaction(@Root() term: MembershipTerm, @Ctx() ctx: GraphQLContext): Promise<LedgerTransaction | null> {
    return term.paidTransaction ? ctx.loaders.transactionById.load(term.paidTransaction.id) : null;
  }
}
