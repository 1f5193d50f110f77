import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf } from '../../graphql/connection';
import { MoneyInput } from '../../graphql/money.type';
import { PaymentMode } from '../ledger/ledger.enums';
import { TransactionType_ } from '../ledger/ledger.types';
import { BillingPeriod, BillingPeriodStatus, Due, DueStatus, MembershipTerm, MembershipTermType } from './dues.entities';

export enum PaymentDecision {
  CONFIRM = 'CONFIRM',
  REJECT = 'REJECT',
}
registerEnumType(PaymentDecision, {
  name: 'PaymentDecision',
  description: 'CONFIRM records the payment (CASH_IN) and marks the due PAID; REJECT sends a member-confirmed due back to UNPAID',
});

/*
 * Object types are declared on the entities' shapes; computed fields
 * (money, member, links, permissions) come from field resolvers in dues.resolver.ts.
 */

@ObjectType('BillingPeriod', { description: "One billing cycle of a group and what it costs; each member's share is a Due" })
export class BillingPeriodType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Name shown to members, e.g. "December 2026"' })
  label: string;

  @Field({ description: 'First day, YYYY-MM-DD' })
  periodStart: string;

  @Field({ description: 'Last day, YYYY-MM-DD' })
  periodEnd: string;

  @Field({ description: 'When the dues fall due, YYYY-MM-DD' })
  dueDate: string;

  @Field(() => BillingPeriodStatus, { description: 'OPEN, or CLOSED by an admin (for good)' })
  status: BillingPeriodStatus;

  @Field(() => String, { nullable: true, description: "The admins' note on the period; null when none" })
  notes: string | null;

  @Field(() => Date, { nullable: true, description: 'When an admin closed the period; null while OPEN' })
  closedAt: Date | null;

  @Field()
  createdAt: Date;
}

@ObjectType('Due', { description: "A member's share of a billing period" })
export class DueType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'YYYY-MM-DD' })
  dueDate: string;

  @Field(() => DueStatus, { description: 'Where the payment stands (see DueStatus)' })
  status: DueStatus;

  @Field(() => Date, { nullable: true, description: 'When the member said they paid' })
  memberConfirmedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the payment was recorded (provider or admin); null until PAID' })
  paidAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When an admin waived it; null unless WAIVED' })
  waivedAt: Date | null;

  @Field(() => String, { nullable: true, description: "The admin's reason for waiving it; null unless WAIVED" })
  waivedReason: string | null;

  @Field(() => String, { nullable: true, description: "The admin's note on the last confirm or reject" })
  decisionNotes: string | null;

  @Field()
  createdAt: Date;
}

@ObjectType('MembershipTerm', { description: 'A paid (or to-be-paid) stretch of club membership' })
export class MembershipTermObject {
  @Field(() => ID)
  id: string;

  @Field(() => MembershipTermType, { description: 'Which kind of membership the term buys' })
  type: MembershipTermType;

  @Field({ description: 'First day, YYYY-MM-DD (recomputed from the payment day when a pending term is paid)' })
  startsOn: string;

  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD; null for lifetime' })
  endsOn: string | null;

  @Field(() => Date, { nullable: true, description: 'When the fee was recorded as paid; null while PENDING' })
  paidAt: Date | null;

  @Field()
  createdAt: Date;
}

export const BillingPeriodConnection = connectionOf('BillingPeriod', BillingPeriodType);
export const DueConnection = connectionOf('Due', DueType);
export const MembershipTermConnection = connectionOf('MembershipTerm', MembershipTermObject);

@InputType({ description: "A new billing period; every active primary member's due is created with it" })
export class CreateBillingPeriodInput {
  @Field(() => ID, { description: 'The group; admins only' })
  groupId: string;

  @Field({ description: 'e.g. "December 2026"; at most 100 characters' })
  label: string;

  @Field(() => MoneyInput, {
    nullable: true,
    description:
      "Required in VARIABLE_TOTAL mode; defaults to the group's price in EQUAL_SPLIT (required when that price is not set or zero); ignored for custom amounts and membership fees, which bill the group's price: without one (or with members left without an amount) the period is refused with BAD_USER_INPUT on `billingSettings.price`, reason NO_MEMBERSHIP_FEE, NO_PRICE or NOTHING_TO_BILL, and nothing is written",
  })
  totalPrice?: MoneyInput | null;

  @Field({
    description:
      "YYYY-MM-DD. A group's periods never share a day (both ends are included: 2026-11-01..2026-11-30 and 2026-12-01..2026-12-31 are fine side by side): CONFLICT PERIOD_EXISTS when a period starts the same day, PERIOD_OVERLAP when one shares another day; `extensions.period` names it (id, label, periodStart, periodEnd)",
  })
  periodStart: string;

  @Field({ description: 'YYYY-MM-DD, not before the start; a period lasts at most a year, both days included (2026-03-15 to 2027-03-14 at the longest)' })
  periodEnd: string;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD, not before the period starts; defaults to the group's due day in the period's first month" })
  dueDate?: string | null;

  @Field(() => ID, { nullable: true, description: 'Who carries the minor units an equal split cannot divide; defaults to the primary member with the lowest member number' })
  remainderMemberId?: string | null;

  @Field(() => String, { nullable: true, description: 'A note for the admins, at most 2000 characters' })
  notes?: string | null;
}

@InputType({ description: 'Changes to a billing period: omitted fields stay as they are' })
export class UpdateBillingPeriodInput {
  @Field(() => String, { nullable: true, description: 'A note for the admins, at most 2000 characters; null or empty clears it' })
  notes?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true closes the period (dues stay as they are); a closed period cannot reopen' })
  close?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      "YYYY-MM-DD, a new first day for an open period (CONFLICT PERIOD_CLOSED otherwise), not after its due date; its dues stay as they are. Sharing a day with another of the group's periods is CONFLICT PERIOD_OVERLAP (PERIOD_EXISTS when that one starts the same day), `extensions.period` naming it, and nothing changes",
  })
  periodStart?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, a new last day (included) for an open period: not before its start, at most a year after it; overlaps are refused as for periodStart' })
  periodEnd?: string | null;
}

@InputType({ description: 'A membership term for one member; its amount and dates follow the group\'s billing settings' })
export class CreateMembershipTermInput {
  @Field(() => ID, { description: 'The active member it is for; members may only give their own id' })
  memberId: string;

  @Field(() => MembershipTermType, {
    description:
      'Must have a fee in the group\'s billing settings, else BAD_USER_INPUT. A member with a lifetime membership gets no other MONTHLY, ANNUAL or LIFETIME term (CONFLICT LIFETIME_EXISTS, also for a second LIFETIME while one waits for payment); the APPLICATION_FEE is charged once unless cancelled or refunded (CONFLICT APPLICATION_FEE_PAID)',
  })
  type: MembershipTermType;

  @Field(() => PaymentMode, {
    nullable: true,
    description: 'Staff collected the fee this way: the term is paid now (at once for admins, after approval for operators). Leave out to let the member pay online.',
  })
  paymentMode?: PaymentMode | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Retry-safe, at most 200 characters: the same key and input return the first result (replayed), a different input is CONFLICT IDEMPOTENCY_KEY_REUSED. Without a key, the same type for the same member again within two minutes of their latest term is CONFLICT DUPLICATE_TERM (extensions.termId names it); a new key records another term on purpose.',
  })
  idempotencyKey?: string | null;
}

@ObjectType({ description: 'The period opened and how many dues it created' })
export class CreateBillingPeriodPayload {
  @Field(() => BillingPeriodType, { description: 'The new period, OPEN' })
  period: BillingPeriod;

  @Field(() => Int, { description: 'Dues created for the period' })
  dueCount: number;
}

@ObjectType({ description: "The due after an admin's decision, and the payment it recorded" })
export class DueDecisionPayload {
  @Field(() => DueType, { description: 'The due: PAID after CONFIRM, UNPAID after REJECT' })
  due: Due;

  @Field(() => TransactionType_, { nullable: true, description: 'The CASH_IN recorded on CONFIRM' })
  transaction: unknown;
}

@ObjectType({ description: 'The new membership term, and the payment when it was recorded at once' })
export class MembershipTermPayload {
  @Field(() => MembershipTermObject, { description: 'The term: ACTIVE when paid now, else PENDING' })
  term: MembershipTerm;

  @Field({ description: "True when an operator's collected fee waits for an admin's approval" })
  pendingApproval: boolean;

  @Field(() => TransactionType_, { nullable: true, description: 'The CASH_IN when the fee was recorded at once' })
  transaction: unknown;

  @Field({ description: 'True when this answer replays an earlier request with the same idempotency key' })
  replayed: boolean;
}

@ObjectType('PaymentInstructions', { description: "How to pay the group directly: its UPI id (with a deep link and QR code for this amount) and its bank account, masked" })
export class PaymentInstructionsType {
  @Field(() => String, { nullable: true, description: "The group's UPI id (VPA); null when it has none" })
  upiId: string | null;

  @Field(() => String, { nullable: true, description: 'upi://pay link for exactly this amount (INR groups only); opens the payer\'s UPI app' })
  upiDeepLink: string | null;

  @Field(() => String, { nullable: true, description: 'The same link as a QR code (an SVG data URL), to scan from another phone' })
  upiQrCode: string | null;

  @Field(() => String, { nullable: true, description: "The group's bank account, only its last four digits shown, e.g. XXXXXXXX1234" })
  bankAccountMasked: string | null;

  @Field(() => String, { nullable: true, description: "The bank's IFSC code" })
  bankIfsc: string | null;
}

@ObjectType('DueChangedEvent', { description: 'A due or billing period of the group changed' })
export class DueChangedEvent {
  @Field(() => ID, { description: 'The group of the due or period' })
  groupId: string;

  @Field({ description: 'CREATED (a period and its dues), MEMBER_CONFIRMED, PAID, REJECTED, WAIVED, OVERDUE or REOPENED' })
  change: string;

  @Field(() => DueType, { nullable: true, description: 'The due, when one due changed' })
  due: Due | null;

  @Field(() => ID, { nullable: true, description: 'The period, when a period was opened' })
  periodId: string | null;
}

