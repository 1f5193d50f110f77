import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { ActorKind } from '../activity/activity-log.entity';

/**
 * One change to money: a transaction, an approval, a balance. Rows are only
 * ever inserted; the database refuses UPDATE, DELETE and TRUNCATE (see
 * Migration20261121100000_audit), so nothing here is meant to be changed
 * after the flush that writes it.
 */
@Entity({ tableName: 'audit_logs' })
export class AuditLog {
  [OptionalProps]?: 'createdAt' | 'previousData' | 'newData' | 'snapshot';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  groupId: string;

  /** e.g. Transaction, Approval, Balance */
  @Property({ type: 'string', length: 64 })
  entityType: string;

  @Property({ type: 'uuid' })
  entityId: string;

  /** e.g. transaction.record, transaction.approve */
  @Property({ type: 'string', length: 64 })
  action: string;

  @Property({ type: 'string', length: 16 })
  actorKind: ActorKind;

  /** A user's or an API key's id; null for SYSTEM. */
  @Property({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Property({ type: 'json', nullable: true })
  previousData: Record<string, unknown> | null = null;

  @Property({ type: 'json', nullable: true })
  newData: Record<string, unknown> | null = null;

  /** The whole transaction as it stood after the change, when the entity is (or belongs to) a transaction. */
  @Property({ type: 'json', nullable: true })
  snapshot: Record<string, unknown> | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
