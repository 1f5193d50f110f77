import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../graphql/connection';
import { MoneyInput, MoneyType } from '../../graphql/money.type';
import { ApprovalRequestType } from '../approvals/approval.types';
import { AccountKind, ApprovalSource, ApprovalStatus, PaymentMode, PaymentProvider, TransactionCategory, TransactionType } from './ledger.enums';

registerEnumType(TransactionType, { name: 'TransactionType' });
registerEnumType(TransactionCategory, { name: 'TransactionCategory' });
registerEnumType(PaymentMode, { name: 'PaymentMode' });
registerEnumType(ApprovalStatus, { name: 'ApprovalStatus', description: 'PENDING transactions have no ledger entries yet' });
registerEnumType(ApprovalSource, { name: 'ApprovalSource' });
registerEnumType(PaymentProvider, { name: 'PaymentProvider' });
registerEnumType(AccountKind, { name: 'AccountKind' });

@ObjectType('Transaction', { description: 'Money in or out. Approved transactions are never edited: corrections are reversals.' })
export class TransactionType_ {
  @Field(() => ID)
  id: string;

  @Field(() => TransactionType)
  type: TransactionType;

  @Field(() => TransactionCategory)
  category: TransactionCategory;

  @Field(() => PaymentMode)
  paymentMode: PaymentMode;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => String, { nullable: true })
  senderName: string | null;

  @Field(() => String, { nullable: true })
  senderUpiId: string | null;

  @Field(() => String, { nullable: true, description: 'Only the last four characters, e.g. XXXX1234' })
  senderBankAccountMasked: string | null;

  @Field(() => PaymentProvider, { nullable: true })
  provider: PaymentProvider | null;

  @Field(() => String, { nullable: true })
  providerPaymentId: string | null;

  @Field(() => String, { nullable: true, description: 'Sequential per group and year; set when money in is approved' })
  receiptNumber: string | null;

  @Field(() => ApprovalStatus)
  approvalStatus: ApprovalStatus;

  @Field(() => ApprovalSource)
  approvalSource: ApprovalSource;

  @Field(() => String, { nullable: true, description: 'Group currency per unit of the amount\'s currency' })
  fxRate: string | null;

  @Field()
  occurredAt: Date;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;

  // Resolved in TransactionResolver: amount, groupAmount, member, reverses, reversedBy, viewerCanChange.
}

@ObjectType('TransactionEdge')
export class TransactionEdge {
  @Field()
  cursor: string;

  @Field(() => TransactionType_)
  node: TransactionType_;
}

@ObjectType('TransactionTotals', { description: 'Approved money only, reversals subtracted, in the group currency' })
export class TransactionTotalsType {
  @Field(() => MoneyType)
  cashIn: MoneyType;

  @Field(() => MoneyType)
  cashOut: MoneyType;

  @Field(() => MoneyType, { description: 'cashIn − cashOut' })
  net: MoneyType;
}

@ObjectType('TransactionConnection')
export class TransactionConnection {
  @Field(() => [TransactionEdge])
  edges: TransactionEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Matches of the filter, across all pages' })
  totalCount: number;

  // `totals` is resolved in TransactionConnectionResolver, only when selected.
  loadTotals: () => Promise<TransactionTotalsType>;
}

@ObjectType('RecordTransactionPayload')
export class RecordTransactionPayload {
  @Field(() => TransactionType_)
  transaction: TransactionType_;

  @Field({ description: 'True when the transaction waits for an admin\'s approval (no ledger entries yet)' })
  pendingApproval: boolean;

  @Field({ description: 'True when this answer replays an earlier request with the same idempotency key' })
  replayed: boolean;

  @Field(() => ApprovalRequestType, { nullable: true, description: 'The approval request, when the transaction waits for one' })
  approval: ApprovalRequestType | null;
}

@ObjectType('TransactionChangePayload', { description: "An admin's correction applies at once; an operator's (or one over the threshold) waits for approval" })
export class TransactionChangePayload {
  @Field(() => TransactionType_, { description: 'After a correction: the corrected transaction; when waiting: the unchanged one' })
  transaction: TransactionType_;

  @Field(() => ApprovalRequestType, { nullable: true })
  approval: ApprovalRequestType | null;

  @Field()
  pendingApproval: boolean;
}

@ObjectType('AccountBalance')
export class AccountBalanceType {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => AccountKind)
  kind: AccountKind;

  @Field(() => MoneyType, { description: 'Debits minus credits: positive for money the group holds and for expenses' })
  balance: MoneyType;
}

@ObjectType('GroupBalance')
export class GroupBalanceType {
  @Field(() => MoneyType, { description: 'Cash, bank and provider clearing together' })
  cashPosition: MoneyType;

  @Field(() => [AccountBalanceType])
  accounts: AccountBalanceType[];
}

@ObjectType('TransactionChangedEvent')
export class TransactionChangedEvent {
  @Field(() => ID)
  groupId: string;

  @Field({ description: 'RECORDED, APPROVED, REJECTED, REVERSED or UPDATED' })
  action: string;

  @Field(() => TransactionType_)
  transaction: TransactionType_;
}

@InputType()
export class TransactionInput {
  @Field(() => TransactionType)
  type: TransactionType;

  @Field(() => TransactionCategory)
  category: TransactionCategory;

  @Field(() => MoneyInput, { description: "In the group's currency, or another one with fxRate" })
  amount: MoneyInput;

  @Field(() => String, { nullable: true, description: 'Group currency per unit of amount.currency, e.g. "83.12"; required when the currencies differ' })
  fxRate?: string | null;

  @Field(() => PaymentMode)
  paymentMode: PaymentMode;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true })
  memberId?: string | null;

  @Field(() => String, { nullable: true })
  senderName?: string | null;

  @Field(() => String, { nullable: true })
  senderUpiId?: string | null;

  @Field(() => String, { nullable: true, description: 'Stored masked: only the last four characters are kept' })
  senderBankAccount?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the money moved; defaults to now' })
  occurredAt?: Date | null;
}

@InputType()
export class RecordTransactionInput extends TransactionInput {
  @Field(() => ID)
  groupId: string;

  @Field(() => String, { nullable: true, description: 'Retry-safe: the same key and input return the first result; a different input is CONFLICT' })
  idempotencyKey?: string | null;
}

@InputType()
export class UpdateTransactionInput {
  @Field(() => TransactionType, { nullable: true })
  type?: TransactionType;

  @Field(() => TransactionCategory, { nullable: true })
  category?: TransactionCategory;

  @Field(() => MoneyInput, { nullable: true })
  amount?: MoneyInput;

  @Field(() => String, { nullable: true })
  fxRate?: string | null;

  @Field(() => PaymentMode, { nullable: true })
  paymentMode?: PaymentMode;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true })
  memberId?: string | null;

  @Field(() => String, { nullable: true })
  senderName?: string | null;

  @Field(() => String, { nullable: true })
  senderUpiId?: string | null;

  @Field(() => String, { nullable: true })
  senderBankAccount?: string | null;

  @Field(() => Date, { nullable: true })
  occurredAt?: Date | null;
}
