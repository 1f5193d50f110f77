import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { ActorKind } from '../activity/activity-log.entity';
import { Group } from '../groups/group.entity';

export enum RemittanceStatus {
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  APPROVED = 'APPROVED',
  PROCESSING = 'PROCESSING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
}

/** Someone abroad a group pays. The bank account is stored encrypted; only its last four characters in the clear. */
@Entity({ tableName: 'remittance_recipients' })
@Index({ properties: ['group', 'createdAt'] })
export class Recipient extends BaseEntity<'bankName' | 'swiftCode' | 'notes' | 'deletedAt' | 'version'> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @Property({ type: 'string', length: 200 })
  name: string;

  @Property({ type: 'string', length: 2 })
  country: string;

  @Property({ type: 'string', length: 3 })
  currency: string;

  /** AES-GCM ciphertext (shared/crypto.ts); never leaves the server except to the payout provider. */
  @Property({ type: 'text', hidden: true })
  bankAccountEncrypted: string;

  @Property({ type: 'string', length: 4 })
  bankAccountLast4: string;

  @Property({ type: 'string', length: 200, nullable: true })
  bankName: string | null = null;

  @Property({ type: 'string', length: 11, nullable: true })
  swiftCode: string | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  notes: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version: number = 1;
}

/** 1 base = rate quote. Rates are decimal strings: no float ever touches an amount. */
@Entity({ tableName: 'exchange_rates' })
export class ExchangeRate {
  [OptionalProps]?: 'updatedAt' | 'offline';

  @PrimaryKey({ type: 'string', length: 3 })
  base: string;

  @PrimaryKey({ type: 'string', length: 3 })
  quote: string;

  @Property({ type: 'string', length: 32 })
  rate: string;

  /** Where the rate came from: OFFLINE_SEED, MANUAL:<email>, or the provider's host. */
  @Property({ type: 'string', length: 200 })
  source: string;

  /** Seeded reference rates, not market data. */
  @Property({ type: 'boolean' })
  offline: boolean = false;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}

/** A group's own fee; without a row the configured default applies. */
@Entity({ tableName: 'remittance_settings' })
export class RemittanceSettings {
  [OptionalProps]?: 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  groupId: string;

  @Property({ type: 'integer' })
  feeBasisPoints: number;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt: Date = new Date();
}

/**
 * The priced amounts a quote discloses and its remittance keeps, all in minor
 * units: send + fee = total in the group's currency, receive in the recipient's.
 */
export abstract class PricedRemittance<Optional = never> extends BaseEntity<'createdById' | Optional> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @ManyToOne(() => Recipient, { deleteRule: 'restrict' })
  recipient: Recipient;

  @Property({ type: new BigIntType('bigint') })
  sendMinor: bigint;

  @Property({ type: 'string', length: 3 })
  sendCurrency: string;

  @Property({ type: new BigIntType('bigint') })
  feeMinor: bigint;

  @Property({ type: new BigIntType('bigint') })
  totalMinor: bigint;

  @Property({ type: 'string', length: 32 })
  rate: string;

  @Property({ type: new BigIntType('bigint') })
  receiveMinor: bigint;

  @Property({ type: 'string', length: 3 })
  receiveCurrency: string;

  @Property({ type: 'string', length: 60 })
  eta: string;

  @Property({ type: 'string', length: 16 })
  createdByKind: ActorKind;

  @Property({ type: 'uuid', nullable: true })
  createdById: string | null = null;
}

/** What a remittance would cost, as shown before anything moves; the rate is held until expiresAt. */
@Entity({ tableName: 'remittance_quotes' })
export class RemittanceQuote extends PricedRemittance {
  @Property({ type: 'integer' })
  feeBasisPoints: number;

  @Property({ type: 'string', length: 200 })
  rateSource: string;

  @Property({ type: 'boolean' })
  rateOffline: boolean;

  @Property({ type: 'boolean' })
  eea: boolean;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt: Date;
}

/** Money sent from a group to a recipient; amounts are copied from its quote. */
@Entity({ tableName: 'remittances' })
@Unique({ properties: ['group', 'idempotencyKey'] })
export class Remittance extends PricedRemittance<
  | 'status' | 'reference' | 'approvalRequestId' | 'ledgerTransactionId' | 'provider' | 'providerPayoutId' | 'failureReason'
  | 'approvedAt' | 'processingAt' | 'completedAt' | 'failedAt' | 'cancelledAt' | 'version'
> {
  @ManyToOne(() => RemittanceQuote, { deleteRule: 'restrict', unique: true })
  quote: RemittanceQuote;

  @Property({ type: 'string', length: 200 })
  idempotencyKey: string;

  @Property({ type: 'string', length: 140, nullable: true })
  reference: string | null = null;

  @Enum({ items: () => RemittanceStatus, nativeEnumName: 'remittance_status' })
  status: RemittanceStatus = RemittanceStatus.PENDING_APPROVAL;

  @Property({ type: 'uuid', nullable: true })
  approvalRequestId: string | null = null;

  /** The CASH_OUT that reserved the funds (set when approved). */
  @Property({ type: 'uuid', nullable: true })
  ledgerTransactionId: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  provider: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  providerPayoutId: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  failureReason: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  approvedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  processingAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  failedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  cancelledAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version: number = 1;
}

/** One step of a remittance's timeline: which status, when, and who (or the system) moved it there. */
@Entity({ tableName: 'remittance_events' })
@Index({ properties: ['remittance', 'occurredAt'] })
export class RemittanceEvent {
  [OptionalProps]?: 'occurredAt' | 'actorId' | 'note';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Remittance, { deleteRule: 'restrict' })
  remittance: Remittance;

  @Enum({ items: () => RemittanceStatus, nativeEnumName: 'remittance_status' })
  status: RemittanceStatus;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  occurredAt: Date = new Date();

  @Property({ type: 'string', length: 16 })
  actorKind: ActorKind;

  @Property({ type: 'uuid', nullable: true })
  actorId: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  note: string | null = null;
}
