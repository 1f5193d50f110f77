import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { ActorKind } from '../activity/activity-log.entity';
import { Group } from '../groups/group.entity';

export enum ApprovalEntityType {
  MEMBER = 'MEMBER',
  TRANSACTION = 'TRANSACTION',
  /** A member said they paid a due: confirming it records the payment. */
  DUE = 'DUE',
  MEMBERSHIP_TERM = 'MEMBERSHIP_TERM',
  REMITTANCE = 'REMITTANCE',
}

export enum ApprovalAction {
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
}

export enum ApprovalRequestStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
}

/**
 * Maker–checker: a change someone asked for, waiting for an admin other than
 * the requester. Approving applies it in the same database transaction.
 */
@Entity({ tableName: 'approval_requests' })
@Index({ properties: ['group', 'status', 'createdAt'] })
export class ApprovalRequest extends BaseEntity<
  'status' | 'targetId' | 'targetVersion' | 'previousData' | 'notes' | 'decidedById' | 'decidedByKind' | 'decidedAt' | 'decisionNotes' | 'requestedById'
> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @Enum({ items: () => ApprovalEntityType, nativeEnumName: 'approval_entity_type' })
  entityType: ApprovalEntityType;

  @Enum({ items: () => ApprovalAction, nativeEnumName: 'approval_action' })
  action: ApprovalAction;

  /** The member or transaction the change is about (for a new transaction: the pending one). */
  @Property({ type: 'uuid', nullable: true })
  targetId: string | null = null;

  /** The target's version when asked: approving fails as stale if it moved since. */
  @Property({ type: 'integer', nullable: true })
  targetVersion: number | null = null;

  /** The change, as the requester's validated input (JSON). */
  @Property({ type: 'json' })
  proposedData: Record<string, unknown>;

  /** What the change would replace. */
  @Property({ type: 'json', nullable: true })
  previousData: Record<string, unknown> | null = null;

  @Property({ type: 'string', length: 16 })
  requestedByKind: ActorKind;

  @Property({ type: 'uuid', nullable: true })
  requestedById: string | null = null;

  @Property({ type: 'text', nullable: true })
  notes: string | null = null;

  @Enum({ items: () => ApprovalRequestStatus, nativeEnumName: 'approval_request_status' })
  status: ApprovalRequestStatus = ApprovalRequestStatus.PENDING;

  @Property({ type: 'string', length: 16, nullable: true })
  decidedByKind: ActorKind | null = null;

  @Property({ type: 'uuid', nullable: true })
  decidedById: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  decidedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  decisionNotes: string | null = null;
}
