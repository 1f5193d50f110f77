import { BigIntType, Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { ActorKind } from '../activity/activity-log.entity';
import { Group } from '../groups/group.entity';
import { LedgerTransaction } from '../ledger/ledger.entities';

/** A company or person that sponsors the group. Never hard-deleted: links and transactions point at it. */
@Entity({ tableName: 'sponsors' })
@Index({ properties: ['group', 'name'] })
export class Sponsor extends BaseEntity<'contactEmail' | 'contactPhone' | 'notes' | 'deletedAt' | 'version'> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @Property({ type: 'string', length: 200 })
  name: string;

  /** Lower-cased. */
  @Property({ type: 'string', length: 320, nullable: true })
  contactEmail: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  contactPhone: string | null = null;

  @Property({ type: 'text', nullable: true })
  notes: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deletedAt: Date | null = null;

  @Property({ type: 'integer', version: true })
  version: number = 1;
}

/** What is stored; EXPIRED is never stored, it is ACTIVE past `expiresAt` (see effectiveLinkStatus). */
export enum SponsorLinkStatus {
  ACTIVE = 'ACTIVE',
  PAID = 'PAID',
  INACTIVE = 'INACTIVE',
  EXPIRED = 'EXPIRED',
}

/**
 * A public, expiring page asking for one amount: UPI and bank details for a
 * transfer, and (through the payments module) an online payment that records
 * a SPONSORSHIP transaction. A link is paid at most once.
 */
@Entity({ tableName: 'sponsor_links' })
@Index({ properties: ['group', 'createdAt'] })
export class SponsorLink extends BaseEntity<
  | 'sponsor' | 'upiId' | 'bankAccountName' | 'bankAccountNumberEncrypted' | 'bankAccountLast4' | 'bankIfsc' | 'bankName'
  | 'status' | 'paidAt' | 'paidTransaction' | 'deactivatedAt' | 'createdById' | 'version'
> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @ManyToOne(() => Sponsor, { nullable: true, deleteRule: 'restrict' })
  sponsor: Sponsor | null = null;

  /**
   * The bearer of the public URL (24 random bytes, base64url). Kept readable
   * so staff can copy the URL again later: it opens a page meant to be shared,
   * and grants nothing but paying the stated amount.
   */
  @Property({ type: 'string', length: 64, unique: true })
  token: string;

  /** In the group's currency. */
  @Property({ type: new BigIntType('bigint') })
  amountMinor: bigint;

  @Property({ type: 'string', length: 3 })
  currency: string;

  @Property({ type: 'text' })
  purpose: string;

  @Property({ type: 'string', length: 260, nullable: true })
  upiId: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  bankAccountName: string | null = null;

  /** AES-GCM ciphertext (shared/crypto.ts); only the last four digits are ever shown. */
  @Property({ type: 'text', nullable: true })
  bankAccountNumberEncrypted: string | null = null;

  @Property({ type: 'string', length: 4, nullable: true })
  bankAccountLast4: string | null = null;

  @Property({ type: 'string', length: 11, nullable: true })
  bankIfsc: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  bankName: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt: Date;

  @Enum({ items: () => SponsorLinkStatus, nativeEnumName: 'sponsor_link_status' })
  status: SponsorLinkStatus = SponsorLinkStatus.ACTIVE;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  paidAt: Date | null = null;

  @ManyToOne(() => LedgerTransaction, { nullable: true, deleteRule: 'restrict' })
  paidTransaction: LedgerTransaction | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deactivatedAt: Date | null = null;

  @Property({ type: 'string', length: 16 })
  createdByKind: ActorKind;

  @Property({ type: 'uuid', nullable: true })
  createdById: string | null = null;

  @Property({ type: 'integer', version: true })
  version: number = 1;
}
