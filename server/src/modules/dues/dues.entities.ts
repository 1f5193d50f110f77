import { BigIntType, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { Group } from '../groups/group.entity';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { Member } from '../members/member.entity';

export enum BillingPeriodStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

export enum DueStatus {
  UNPAID = 'UNPAID',
  MEMBER_CONFIRMED = 'MEMBER_CONFIRMED',
  PAID = 'PAID',
  WAIVED = 'WAIVED',
  OVERDUE = 'OVERDUE',
}

export enum MembershipTermType {
  MONTHLY = 'MONTHLY',
  ANNUAL = 'ANNUAL',
  LIFETIME = 'LIFETIME',
  APPLICATION_FEE = 'APPLICATION_FEE',
}

export enum MembershipTermStatus {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
}

/**
 * One billing cycle of a group: what it costs in total and when it is due.
 * Unique per group and start date, so opening a period twice (two cron runs,
 * two instances) creates it once.
 */
@Entity({ tableName: 'billing_periods' })
@Unique({ properties: ['group', 'periodStart'] })
export class BillingPeriod extends BaseEntity<'status' | 'notes' | 'totalMinor' | 'remainderMember' | 'closedAt' | 'version'> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @Property({ type: 'string', length: 100 })
  label: string;

  /** Calendar dates (no time of day), inclusive. */
  @Property({ type: 'date' })
  periodStart: string;

  @Property({ type: 'date' })
  periodEnd: string;

  @Property({ type: 'date' })
  dueDate: string;

  /** The total split among members; null in modes where each member's amount is their own (custom amounts). */
  @Property({ type: new BigIntType('bigint'), nullable: true })
  totalMinor: bigint | null = null;

  @Property({ type: 'string', length: 3 })
  currency: string;

  /** Who carries the minor units an equal split cannot divide, so shares add up to the total exactly. */
  @ManyToOne(() => Member, { nullable: true, deleteRule: 'restrict' })
  remainderMember: Member | null = null;

  @Enum({ items: () => BillingPeriodStatus, nativeEnumName: 'billing_period_status' })
  status: BillingPeriodStatus = BillingPeriodStatus.OPEN;

  @Property({ type: 'text', nullable: true })
  notes: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  closedAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version: number = 1;
}

/** One member's share of a billing period. */
@Entity({ tableName: 'dues' })
@Unique({ properties: ['period', 'member'] })
@Index({ properties: ['group', 'status', 'dueDate'] })
export class Due extends BaseEntity<
  'status' | 'paidTransaction' | 'memberConfirmedAt' | 'paidAt' | 'waivedAt' | 'waivedReason' | 'decisionNotes' | 'overdueAt' | 'version'
> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @ManyToOne(() => BillingPeriod, { deleteRule: 'restrict' })
  period: BillingPeriod;

  @ManyToOne(() => Member, { deleteRule: 'restrict' })
  member: Member;

  @Property({ type: new BigIntType('bigint') })
  amountMinor: bigint;

  @Property({ type: 'string', length: 3 })
  currency: string;

  @Property({ type: 'date' })
  dueDate: string;

  @Enum({ items: () => DueStatus, nativeEnumName: 'due_status' })
  status: DueStatus = DueStatus.UNPAID;

  /** The approved CASH_IN that paid it; cleared again if that payment is refunded. */
  @ManyToOne(() => LedgerTransaction, { nullable: true, deleteRule: 'restrict' })
  paidTransaction: LedgerTransaction | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  memberConfirmedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  paidAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  overdueAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  waivedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  waivedReason: string | null = null;

  /** The admin's note on the last confirm or reject. */
  @Property({ type: 'text', nullable: true })
  decisionNotes: string | null = null;

  @Property({ type: 'integer', version: true })
  version: number = 1;
}

/** A paid (or to-be-paid) stretch of club membership. */
@Entity({ tableName: 'membership_terms' })
@Index({ properties: ['member', 'status'] })
export class MembershipTerm extends BaseEntity<'status' | 'endsOn' | 'paidTransaction' | 'paidAt' | 'cancelledAt' | 'version'> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @ManyToOne(() => Member, { deleteRule: 'restrict' })
  member: Member;

  @Enum({ items: () => MembershipTermType, nativeEnumName: 'membership_term_type' })
  type: MembershipTermType;

  @Property({ type: new BigIntType('bigint') })
  amountMinor: bigint;

  @Property({ type: 'string', length: 3 })
  currency: string;

  /** Inclusive calendar dates; a pending term's dates are recomputed from the payment date when it is paid. */
  @Property({ type: 'date' })
  startsOn: string;

  /** Null for a lifetime membership. */
  @Property({ type: 'date', nullable: true })
  endsOn: string | null = null;

  @Enum({ items: () => MembershipTermStatus, nativeEnumName: 'membership_term_status' })
  status: MembershipTermStatus = MembershipTermStatus.PENDING;

  @ManyToOne(() => LedgerTransaction, { nullable: true, deleteRule: 'restrict' })
  paidTransaction: LedgerTransaction | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  paidAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version: number = 1;
}
