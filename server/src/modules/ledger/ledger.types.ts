import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../graphql/connection';
import { MoneyInput, MoneyType } from '../../graphql/money.type';
import { ApprovalRequestType } from '../approvals/approval.types';
import { AccountKind, ApprovalSource, ApprovalStatus, PaymentMode, PaymentProvider, TransactionCategory, TransactionType } from './ledger.enums';

registerEnumType(TransactionType, { name: 'TransactionType', description: 'Money received by the group (CASH_IN) or paid out by it (CASH_OUT)' });
registerEnumType(TransactionCategory, {
  name: 'TransactionCategory',
  description: 'What the money was for; money in is booked to an income account and money out to an expense account of this category',
  valuesConfig: { REMITTANCE: { description: 'Money sent abroad: money out is booked to remittances in transit, not to an expense' } },
});
registerEnumType(PaymentMode, { name: 'PaymentMode', description: 'How the money moved. Without a provider, CASH and OTHER are booked to cash on hand and the rest to the bank account' });
registerEnumType(ApprovalStatus, { name: 'ApprovalStatus', description: 'PENDING transactions have no ledger entries yet' });
registerEnumType(ApprovalSource, {
  name: 'ApprovalSource',
  description: 'How a transaction came to be approved',
  valuesConfig: {
    MANUAL: { description: 'Recorded pending, then approved by an admin (maker–checker)' },
    ADMIN_DIRECT: { description: 'Recorded or confirmed by an admin, approved at once' },
    RAZORPAY_WEBHOOK: { description: 'Confirmed by a Razorpay payment notification' },
    STRIPE_WEBHOOK: { description: 'Confirmed by a Stripe payment notification' },
    PAYMENT_VERIFICATION: { description: 'Confirmed automatically by verifying the payment with its provider' },
  },
});
registerEnumType(PaymentProvider, { name: 'PaymentProvider', description: 'The online payment provider that took the money' });
registerEnumType(AccountKind, { name: 'AccountKind', description: 'The kind of ledger account: what the group holds (ASSET), owes (LIABILITY), earned (INCOME) or spent (EXPENSE)' });

// simpleResolvers: see PageInfo in graphql/connection.ts.
@ObjectType('Transaction', { description: 'Money in or out. Approved transactions are never edited: corrections are reversals.', simpleResolvers: true })
export class TransactionType_ {
  @Field(() => ID)
  id: string;

  @Field(() => TransactionType, { description: 'Money in or money out' })
  type: TransactionType;

  @Field(() => TransactionCategory, { description: 'What the money was for' })
  category: TransactionCategory;

  @Field(() => PaymentMode, { description: 'How the money moved' })
  paymentMode: PaymentMode;

  @Field(() => String, { nullable: true, description: 'Free text, at most 2000 characters; reversals say what they cancel; null when none' })
  description: string | null;

  @Field(() => String, { nullable: true, description: 'Who paid, as they named themselves (at most 200 characters); null when not known' })
  senderName: string | null;

  @Field(() => String, { nullable: true, description: "The payer's UPI id (VPA), e.g. name@bank; null when not known" })
  senderUpiId: string | null;

  @Field(() => String, { nullable: true, description: 'Only the last four characters, e.g. XXXX1234' })
  senderBankAccountMasked: string | null;

  @Field(() => PaymentProvider, { nullable: true, description: 'The online provider that took the payment; null for money recorded by hand' })
  provider: PaymentProvider | null;

  @Field(() => String, { nullable: true, description: "The provider's id for the payment, to look it up in the provider's dashboard; null without a provider" })
  providerPaymentId: string | null;

  @Field(() => String, { nullable: true, description: 'Sequential per group and year; set when money in is approved' })
  receiptNumber: string | null;

  @Field(() => ApprovalStatus, { description: 'Only APPROVED transactions are in the books (balances, totals, receipts)' })
  approvalStatus: ApprovalStatus;

  @Field(() => ApprovalSource, { description: 'How it was, or will be, approved' })
  approvalSource: ApprovalSource;

  @Field(() => String, { nullable: true, description: 'Group currency per unit of the amount\'s currency' })
  fxRate: string | null;

  @Field({ description: 'When the money moved (RFC 3339); may be earlier than createdAt' })
  occurredAt: Date;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was approved or rejected; null while PENDING' })
  decidedAt: Date | null;

  // Resolved in TransactionResolver: amount, groupAmount, member, reverses, reversedBy, viewerCanChange.
}

// simpleResolvers: see PageInfo in graphql/connection.ts.
@ObjectType('TransactionEdge', { simpleResolvers: true })
export class TransactionEdge {
  @Field()
  cursor: string;

  @Field(() => TransactionType_)
  node: TransactionType_;
}

@ObjectType('TransactionTotals', { description: 'Approved money only, reversals subtracted, in the group currency' })
export class TransactionTotalsType {
  @Field(() => MoneyType, { description: 'Sum of the approved CASH_IN transactions' })
  cashIn: MoneyType;

  @Field(() => MoneyType, { description: 'Sum of the approved CASH_OUT transactions' })
  cashOut: MoneyType;

  @Field(() => MoneyType, { description: 'cashIn − cashOut' })
  net: MoneyType;
}

// simpleResolvers: see PageInfo in graphql/connection.ts.
@ObjectType('TransactionConnection', { simpleResolvers: true })
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

@ObjectType('RecordTransactionPayload', { description: 'The recorded transaction: approved at once, or waiting for an admin' })
export class RecordTransactionPayload {
  @Field(() => TransactionType_, { description: 'The transaction, APPROVED or PENDING' })
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

  @Field(() => ApprovalRequestType, { nullable: true, description: 'The approval request, when the change waits for one; null when it applied at once' })
  approval: ApprovalRequestType | null;

  @Field({ description: 'True when nothing changed yet: an admin must approve' })
  pendingApproval: boolean;
}

@ObjectType('AccountBalance', { description: "One ledger account of the group and its balance, from the account's entries" })
export class AccountBalanceType {
  @Field({ description: 'Stable account code, e.g. CASH, BANK, CLEARING_RAZORPAY, INCOME_MEMBERSHIP_FEE, EXPENSE_OTHER' })
  code: string;

  @Field({ description: 'Readable account name, e.g. Cash on hand' })
  name: string;

  @Field(() => AccountKind, { description: 'Asset, liability, income or expense' })
  kind: AccountKind;

  @Field(() => MoneyType, { description: 'Debits minus credits: positive for money the group holds and for expenses' })
  balance: MoneyType;
}

@ObjectType('GroupBalance', { description: "The group's balances, in the group's currency" })
export class GroupBalanceType {
  @Field(() => MoneyType, { description: 'Cash, bank and provider clearing together' })
  cashPosition: MoneyType;

  @Field(() => [AccountBalanceType], { description: "The group's ledger accounts, by kind and code" })
  accounts: AccountBalanceType[];
}

@ObjectType('TransactionChangedEvent', { description: 'A transaction of the group changed (transactionEvents subscription)' })
export class TransactionChangedEvent {
  @Field(() => ID, { description: 'The group the transaction belongs to' })
  groupId: string;

  @Field({ description: 'RECORDED, APPROVED, REJECTED, REVERSED or UPDATED' })
  action: string;

  @Field(() => TransactionType_, { description: 'The transaction as it stands when the event is delivered' })
  transaction: TransactionType_;
}

@InputType()
export class TransactionInput {
  @Field(() => TransactionType, { description: 'Money in or money out' })
  type: TransactionType;

  @Field(() => TransactionCategory, { description: 'What the money was for' })
  category: TransactionCategory;

  @Field(() => MoneyInput, { description: "In the group's currency, or another one with fxRate" })
  amount: MoneyInput;

  @Field(() => String, { nullable: true, description: 'Group currency per unit of amount.currency, e.g. "83.12"; required when the currencies differ' })
  fxRate?: string | null;

  @Field(() => PaymentMode, { description: 'How the money moved' })
  paymentMode: PaymentMode;

  @Field(() => String, { nullable: true, description: 'Free text, at most 2000 characters' })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: 'The active member of the group who paid or was paid; members see the transactions that name them' })
  memberId?: string | null;

  @Field(() => String, { nullable: true, description: 'Who paid, at most 200 characters' })
  senderName?: string | null;

  @Field(() => String, { nullable: true, description: "The payer's UPI id (VPA), like name@bank" })
  senderUpiId?: string | null;

  @Field(() => String, { nullable: true, description: 'Stored masked: only the last four characters are kept' })
  senderBankAccount?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the money moved, from 2000-01-01 to now; defaults to now' })
  occurredAt?: Date | null;
}

@InputType({ description: 'A new transaction; admins and operators only' })
export class RecordTransactionInput extends TransactionInput {
  @Field(() => ID, { description: 'The group whose books it goes into' })
  groupId: string;

  @Field(() => String, { nullable: true, description: 'Retry-safe: the same key and input return the first result; a different input is CONFLICT' })
  idempotencyKey?: string | null;
}

@InputType({ description: 'A correction: fields left out keep their value; null clears the optional text fields and the member' })
export class UpdateTransactionInput {
  @Field(() => TransactionType, { nullable: true, description: 'Money in or money out' })
  type?: TransactionType;

  @Field(() => TransactionCategory, { nullable: true, description: 'What the money was for' })
  category?: TransactionCategory;

  @Field(() => MoneyInput, { nullable: true, description: "The corrected amount, greater than zero, in the group's currency or another one with fxRate" })
  amount?: MoneyInput;

  @Field(() => String, { nullable: true, description: 'Group currency per unit of amount.currency, e.g. "83.12"; only for an amount in another currency' })
  fxRate?: string | null;

  @Field(() => PaymentMode, { nullable: true, description: 'How the money moved' })
  paymentMode?: PaymentMode;

  @Field(() => String, { nullable: true, description: 'Free text, at most 2000 characters' })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: 'An active member of the group' })
  memberId?: string | null;

  @Field(() => String, { nullable: true, description: 'Who paid, at most 200 characters' })
  senderName?: string | null;

  @Field(() => String, { nullable: true, description: "The payer's UPI id (VPA), like name@bank" })
  senderUpiId?: string | null;

  @Field(() => String, { nullable: true, description: "The payer's account number, 4 to 34 digits or capital letters; only the last four characters are kept" })
  senderBankAccount?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the money moved, from 2000-01-01 to now' })
  occurredAt?: Date | null;
}
