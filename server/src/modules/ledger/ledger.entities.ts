import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { ActorKind } from '../activity/activity-log.entity';
import { Group } from '../groups/group.entity';
import { Member } from '../members/member.entity';
import { AccountKind, ApprovalSource, ApprovalStatus, PaymentMode, PaymentProvider, TransactionCategory, TransactionType } from './ledger.enums';

/** One account of a group's books, created the first time a posting needs it. */
@Entity({ tableName: 'ledger_accounts' })
@Unique({ properties: ['group', 'code'] })
export class LedgerAccount {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  /** Stable key, e.g. CASH, BANK, CLEARING_RAZORPAY, INCOME_DONATION, EXPENSE_EXPENSE. */
  @Property({ type: 'string', length: 64 })
  code: string;

  @Property({ type: 'string', length: 200 })
  name: string;

  @Enum({ items: () => AccountKind, nativeEnumName: 'account_kind' })
  kind: AccountKind;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}

/**
 * What people see: money in or out. Approved transactions carry balanced
 * ledger entries and are never edited: a correction is a reversal.
 */
@Entity({ tableName: 'transactions' })
@Index({ properties: ['group', 'occurredAt'] })
export class LedgerTransaction extends BaseEntity<
  | 'fxRate' | 'description' | 'member' | 'senderName' | 'senderUpiId' | 'senderBankAccountMasked' | 'provider' | 'providerPaymentId'
  | 'receiptNumber' | 'reverses' | 'reversedBy' | 'version' | 'createdById' | 'decidedAt'
> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @Enum({ items: () => TransactionType, nativeEnumName: 'transaction_type' })
  type: TransactionType;

  @Enum({ items: () => TransactionCategory, nativeEnumName: 'transaction_category' })
  category: TransactionCategory;

  /** As received or paid, in `currency`; always positive. */
  @Property({ type: new BigIntType('bigint') })
  amountMinor: bigint;

  @Property({ type: 'string', length: 3 })
  currency: string;

  /** Group currency per unit of `currency`, as a decimal string; null when the currencies match. */
  @Property({ type: 'string', length: 32, nullable: true })
  fxRate: string | null = null;

  /** What the books record, in the group's currency. */
  @Property({ type: new BigIntType('bigint') })
  groupAmountMinor: bigint;

  @Enum({ items: () => PaymentMode, nativeEnumName: 'payment_mode' })
  paymentMode: PaymentMode;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @ManyToOne(() => Member, { nullable: true, deleteRule: 'restrict' })
  member: Member | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  senderName: string | null = null;

  @Property({ type: 'string', length: 260, nullable: true })
  senderUpiId: string | null = null;

  /** Only the last four characters are ever stored. */
  @Property({ type: 'string', length: 40, nullable: true })
  senderBankAccountMasked: string | null = null;

  @Enum({ items: () => PaymentProvider, nativeEnumName: 'payment_provider', nullable: true })
  provider: PaymentProvider | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  providerPaymentId: string | null = null;

  /** Sequential per group and year, given to approved money-in when it is approved. */
  @Property({ type: 'string', length: 40, nullable: true })
  receiptNumber: string | null = null;

  @Enum({ items: () => ApprovalStatus, nativeEnumName: 'approval_status' })
  approvalStatus: ApprovalStatus;

  @Enum({ items: () => ApprovalSource, nativeEnumName: 'approval_source' })
  approvalSource: ApprovalSource;

  /** Set on a reversal: the transaction it cancels. */
  @ManyToOne(() => LedgerTransaction, { nullable: true, deleteRule: 'restrict' })
  reverses: LedgerTransaction | null = null;

  /** Set on a reversed transaction: the reversal that cancels it. */
  @ManyToOne(() => LedgerTransaction, { nullable: true, deleteRule: 'restrict' })
  reversedBy: LedgerTransaction | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  occurredAt: Date;

  @Property({ type: 'string', length: 16 })
  createdByKind: ActorKind;

  @Property({ type: 'uuid', nullable: true })
  createdById: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  decidedAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version: number = 1;
}

/** One leg of a posting: positive = debit, negative = credit. Never updated or deleted (database triggers). */
@Entity({ tableName: 'ledger_entries' })
export class LedgerEntry {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => LedgerTransaction, { deleteRule: 'restrict' })
  transaction: LedgerTransaction;

  @ManyToOne(() => LedgerAccount, { deleteRule: 'restrict' })
  account: LedgerAccount;

  @Property({ type: new BigIntType('bigint') })
  amountMinor: bigint;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}

/** The first answer to a money-creating request, replayed for the same key. */
@Entity({ tableName: 'idempotency_keys' })
export class IdempotencyKey {
  [OptionalProps]?: 'createdAt' | 'transactionId';

  @PrimaryKey({ type: 'uuid' })
  groupId: string;

  @PrimaryKey({ type: 'string', length: 200 })
  key: string;

  @Property({ type: 'string', length: 64 })
  requestHash: string;

  @Property({ type: 'uuid', nullable: true })
  transactionId: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
