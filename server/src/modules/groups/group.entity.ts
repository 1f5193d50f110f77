import { BigIntType, Entity, Enum, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';

export enum GroupKind {
  CLUB = 'CLUB',
  SUBSCRIPTION_SHARE = 'SUBSCRIPTION_SHARE',
  SOCIETY = 'SOCIETY',
  OTHER = 'OTHER',
}

export enum GroupStatus {
  ACTIVE = 'ACTIVE',
  DEACTIVATED = 'DEACTIVATED',
}

export enum BillingMode {
  EQUAL_SPLIT = 'EQUAL_SPLIT',
  CUSTOM_AMOUNTS = 'CUSTOM_AMOUNTS',
  VARIABLE_TOTAL = 'VARIABLE_TOTAL',
  MEMBERSHIP_FEE = 'MEMBERSHIP_FEE',
}

export enum BillingCycle {
  MONTHLY = 'MONTHLY',
  QUARTERLY = 'QUARTERLY',
  ANNUAL = 'ANNUAL',
}

/** How a club's membership terms are dated. */
export enum MembershipTermRule {
  /** A term runs from the payment date for its length (a month, a year). */
  ROLLING = 'ROLLING',
  /** Annual terms all end on the group's fixed annual date; paying inside the renewal window buys the next year. */
  FIXED_ANNUAL = 'FIXED_ANNUAL',
}

/** Fees per membership term type, minor units as decimal strings; null = not offered. */
export interface MembershipFeesData {
  monthlyMinor: string | null;
  annualMinor: string | null;
  lifetimeMinor: string | null;
  applicationFeeMinor: string | null;
}

/**
 * Stored as JSON: settings are read and written whole, never queried by
 * field. Fields added after the first release are optional here; readers use
 * `billingSettingsOf` for the defaults.
 */
export interface BillingSettingsData {
  mode: BillingMode;
  cycle: BillingCycle;
  /** Minor units as a decimal string: JSON has no bigint. */
  priceMinor: string | null;
  dueDay: number | null;
  graceDays: number;
  /** MM-DD of the fixed annual date (annual dues, FIXED_ANNUAL membership terms). */
  annualDueDate?: string | null;
  termRule?: MembershipTermRule;
  /** Days before the fixed annual date from which a payment renews for the following year. */
  renewalWindowDays?: number;
  membershipFees?: MembershipFeesData;
  /** IANA time zone the group's days are counted in (due dates, reminders, overdue); UTC when unset. */
  timeZone?: string | null;
}

export const NO_MEMBERSHIP_FEES: MembershipFeesData = { monthlyMinor: null, annualMinor: null, lifetimeMinor: null, applicationFeeMinor: null };

/** The settings with every optional field filled in. */
export function billingSettingsOf(group: Pick<Group, 'billingSettings'>): Required<BillingSettingsData> {
  const settings = group.billingSettings;
  return {
    ...settings,
    annualDueDate: settings.annualDueDate ?? null,
    termRule: settings.termRule ?? MembershipTermRule.ROLLING,
    renewalWindowDays: settings.renewalWindowDays ?? 30,
    membershipFees: settings.membershipFees ?? NO_MEMBERSHIP_FEES,
    timeZone: settings.timeZone ?? null,
  };
}

export interface PaymentSettingsData {
  upiId: string | null;
  /** AES-GCM ciphertext (see shared/crypto.ts); only ever shown masked. */
  bankAccountNumberEncrypted: string | null;
  bankAccountLast4: string | null;
  bankIfsc: string | null;
  razorpayEnabled: boolean;
  stripeEnabled: boolean;
}

@Entity({ tableName: 'groups' })
export class Group extends BaseEntity<'status' | 'service' | 'memberSequence' | 'deactivatedAt' | 'approvalThresholdMinor'> {
  @Property({ type: 'string', length: 200 })
  name: string;

  @Enum({ items: () => GroupKind, nativeEnumName: 'group_kind' })
  kind: GroupKind;

  @Property({ type: 'string', length: 200, nullable: true })
  service: string | null = null;

  /** ISO 4217; every amount of the group is in this currency unless an FX rate says otherwise. */
  @Property({ type: 'string', length: 3 })
  currency: string;

  @Enum({ items: () => GroupStatus, nativeEnumName: 'group_status' })
  status: GroupStatus = GroupStatus.ACTIVE;

  @Property({ type: 'string', length: 12 })
  memberNumberPrefix: string;

  /** Last NNNN handed out; bumped with UPDATE … RETURNING so concurrent adds never collide. */
  @Property({ type: new BigIntType('number') })
  memberSequence: number = 0;

  @Property({ type: 'json' })
  billingSettings: BillingSettingsData;

  @Property({ type: 'json' })
  paymentSettings: PaymentSettingsData;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deactivatedAt: Date | null = null;

  /** Money changes above this (in the group's currency) wait for a second person's approval, whoever makes them. */
  @Property({ type: new BigIntType('bigint'), nullable: true })
  approvalThresholdMinor: bigint | null = null;
}
