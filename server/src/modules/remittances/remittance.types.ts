import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf } from '../../graphql/connection';
import { MoneyType } from '../../graphql/money.type';
import { ActorType } from '../activity/activity.types';
import { ApprovalRequestType } from '../approvals/approval.types';
import { RemittanceStatus } from './remittance.entities';

registerEnumType(RemittanceStatus, {
  name: 'RemittanceStatus',
  description: 'PENDING_APPROVAL → APPROVED (funds reserved) → PROCESSING → COMPLETED | FAILED (funds released); or REJECTED | CANCELLED',
});

@ObjectType('Recipient', { description: 'Someone abroad the group pays. The bank account is stored encrypted and only ever shown masked.' })
export class RecipientType {
  @Field(() => ID, { description: 'Recipient id' })
  id: string;

  @Field({ description: 'Name as on the bank account' })
  name: string;

  @Field({ description: 'ISO 3166-1 alpha-2' })
  country: string;

  @Field({ description: 'ISO 4217: what the recipient receives' })
  currency: string;

  @Field({ description: 'Masked: *****5678' })
  bankAccountMasked: string;

  @Field(() => String, { nullable: true, description: 'The bank, as given' })
  bankName: string | null;

  @Field(() => String, { nullable: true, description: 'SWIFT/BIC' })
  swiftCode: string | null;

  @Field(() => String, { nullable: true, description: 'Free text for the group' })
  notes: string | null;

  @Field({ description: 'When added' })
  createdAt: Date;

  @Field({ description: 'Last change' })
  updatedAt: Date;
}

export const RecipientConnection = connectionOf('Recipient', RecipientType);

@InputType({ description: 'A new recipient; names and free text are stripped of markup and length-limited' })
export class CreateRecipientInput {
  @Field(() => ID, { description: 'The group that pays this recipient' })
  groupId: string;

  @Field({ description: '1 to 200 characters' })
  name: string;

  @Field({ description: 'ISO 3166-1 alpha-2, e.g. RS; must be a supported corridor for the group\'s currency' })
  country: string;

  @Field({ description: 'ISO 4217 the recipient receives, e.g. RSD' })
  currency: string;

  @Field({ description: 'Account number or IBAN, 6 to 34 letters or digits (spaces and dashes ignored); stored encrypted' })
  bankAccount: string;

  @Field(() => String, { nullable: true, description: 'At most 200 characters' })
  bankName?: string | null;

  @Field(() => String, { nullable: true, description: 'SWIFT/BIC, 8 or 11 characters' })
  swiftCode?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 1000 characters' })
  notes?: string | null;
}

@InputType({ description: 'Only the fields given change' })
export class UpdateRecipientInput {
  @Field(() => String, { nullable: true, description: '1 to 200 characters' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217' })
  currency?: string | null;

  @Field(() => String, { nullable: true, description: 'Replaces the stored (encrypted) account' })
  bankAccount?: string | null;

  @Field(() => String, { nullable: true, description: 'Null clears it' })
  bankName?: string | null;

  @Field(() => String, { nullable: true, description: 'Null clears it' })
  swiftCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Null clears it' })
  notes?: string | null;
}

@ObjectType('RemittanceCorridor', { description: 'A supported route: from a group currency to a country and currency' })
export class RemittanceCorridorType {
  @Field({ description: "The sending group's currency" })
  sourceCurrency: string;

  @Field({ description: 'ISO 3166-1 alpha-2' })
  country: string;

  @Field({ description: 'What the recipient receives' })
  currency: string;

  @Field({ description: 'Both ends inside the European Economic Area' })
  eea: boolean;

  @Field(() => MoneyType, { description: 'Smallest send amount' })
  minAmount: MoneyType;

  @Field(() => MoneyType, { description: 'Largest send amount' })
  maxAmount: MoneyType;

  @Field({ description: 'Expected arrival, e.g. "1–2 business days"' })
  eta: string;
}

@ObjectType('ExchangeRate', { description: '1 base = rate quote' })
export class ExchangeRateType {
  @Field({ description: 'ISO 4217: one unit of this' })
  base: string;

  @Field({ description: 'ISO 4217: is worth rate units of this' })
  quote: string;

  @Field({ description: 'Decimal string, e.g. "117.2034"' })
  rate: string;

  @Field({ description: 'OFFLINE_SEED, MANUAL, IDENTITY or the provider host' })
  source: string;

  @Field({ description: 'A seeded reference rate, not market data' })
  offline: boolean;

  @Field({ description: 'When the rate was last set or refreshed' })
  updatedAt: Date;

  @Field({ description: 'Older than the configured maximum age: cannot be quoted' })
  stale: boolean;
}

@ObjectType('RemittanceQuote', { description: 'Everything a remittance would cost, shown before anything moves; the rate is held until expiresAt' })
export class RemittanceQuoteType {
  @Field(() => ID, { description: 'Give it to createRemittance' })
  id: string;

  @Field(() => MoneyType, { description: "What is converted and sent, in the group's currency" })
  sendAmount: MoneyType;

  @Field(() => MoneyType, { description: 'Our fee, rounded down to the minor unit' })
  fee: MoneyType;

  @Field({ description: 'The fee rate applied, e.g. "0.50"' })
  feePercent: string;

  @Field(() => MoneyType, { description: 'Send amount plus fee: what leaves the group' })
  totalDebited: MoneyType;

  @Field({ description: '1 unit of the send currency = rate units of the receive currency' })
  rate: string;

  @Field({ description: 'Where the rate came from' })
  rateSource: string;

  @Field({ description: 'The rate is a seeded offline reference rate' })
  rateOffline: boolean;

  @Field(() => MoneyType, { description: 'What the recipient receives' })
  receiveAmount: MoneyType;

  @Field({ description: '"1–2 business days" inside the EEA, "2–4 business days" outside' })
  eta: string;

  @Field({ description: 'After this, createRemittance rejects the quote' })
  expiresAt: Date;

  @Field({ description: 'When quoted' })
  createdAt: Date;
}

@ObjectType('RemittanceTimelineEntry', { description: 'One status a remittance reached, when, and who moved it there' })
export class RemittanceTimelineEntryType {
  @Field(() => RemittanceStatus, { description: 'The status reached' })
  status: RemittanceStatus;

  @Field({ description: 'When' })
  at: Date;

  @Field(() => ActorType, { description: 'Who: a person, an API key, or the system (payout steps)' })
  actor: ActorType;

  @Field(() => String, { nullable: true, description: 'e.g. the failure reason' })
  note: string | null;
}

@ObjectType('Remittance', { description: 'Money sent from the group to a recipient abroad' })
export class RemittanceType {
  @Field(() => ID, { description: 'Remittance id' })
  id: string;

  @Field(() => RemittanceStatus, { description: 'Where it is now' })
  status: RemittanceStatus;

  @Field(() => String, { nullable: true, description: 'Shown to the recipient' })
  reference: string | null;

  @Field({ description: 'Quoted rate' })
  rate: string;

  @Field({ description: 'Expected arrival when quoted' })
  eta: string;

  @Field(() => String, { nullable: true, description: 'Why it failed (FAILED only)' })
  failureReason: string | null;

  @Field(() => ID, { nullable: true, description: 'The approval request a second admin decides' })
  approvalRequestId: string | null;

  @Field(() => ID, { nullable: true, description: 'The CASH_OUT transaction that reserved the funds' })
  ledgerTransactionId: string | null;

  @Field(() => String, { nullable: true, description: "The payout provider's reference; null while PROCESSING when the provider's answer was lost (reconciliation asks it)" })
  providerPayoutId: string | null;

  @Field({ description: 'When created' })
  createdAt: Date;

  @Field({ description: 'Last change' })
  updatedAt: Date;

  // Resolved: recipient, sendAmount, fee, totalDebited, receiveAmount, createdBy, timeline, viewerCanCancel.
}

export const RemittanceConnection = connectionOf('Remittance', RemittanceType);

@ObjectType('CreateRemittancePayload', { description: 'What createRemittance did' })
export class CreateRemittancePayload {
  @Field(() => RemittanceType, { description: 'The new (or replayed) remittance, PENDING_APPROVAL' })
  remittance: RemittanceType;

  @Field(() => ApprovalRequestType, { nullable: true, description: 'The request another admin must approve' })
  approval: ApprovalRequestType | null;

  @Field({ description: 'True when an earlier call with the same idempotency key answered' })
  replayed: boolean;
}

@ObjectType('RemittanceEvent', { description: 'A remittance of the group changed status' })
export class RemittanceEventType {
  @Field(() => RemittanceStatus, { description: 'The status the remittance reached' })
  status: RemittanceStatus;

  @Field(() => RemittanceType, { description: 'The remittance as it is now' })
  remittance: RemittanceType;
}

@ObjectType('RemittanceSettings', { description: "A group's remittance fee" })
export class RemittanceSettingsType {
  @Field(() => Int, { description: '50 = 0.5 %' })
  feeBasisPoints: number;

  @Field({ description: 'e.g. "0.50"' })
  feePercent: string;

  @Field({ description: 'True while the group uses the configured default' })
  isDefault: boolean;
}
