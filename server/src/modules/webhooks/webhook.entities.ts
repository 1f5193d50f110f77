import { ArrayType, Entity, Enum, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { Group } from '../groups/group.entity';

/** What integrators can subscribe to; the values are the `type` of the envelope. */
export enum IntegratorEventType {
  MEMBER_ADDED = 'member.added',
  MEMBER_UPDATED = 'member.updated',
  MEMBER_REMOVED = 'member.removed',
  TRANSACTION_RECORDED = 'transaction.recorded',
  APPROVAL_QUEUED = 'approval.queued',
  APPROVAL_RESOLVED = 'approval.resolved',
  DUE_PAID = 'due.paid',
  DUE_OVERDUE = 'due.overdue',
  REMITTANCE_UPDATED = 'remittance.updated',
}

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

@Entity({ tableName: 'webhook_endpoints' })
export class WebhookEndpoint extends BaseEntity<'description' | 'enabled' | 'secretRotatedAt'> {
  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group: Group;

  @Property({ type: 'string', length: 2048 })
  url: string;

  @Property({ type: 'string', length: 200, nullable: true })
  description: string | null = null;

  @Property({ type: ArrayType, columnType: 'text[]' })
  events: IntegratorEventType[];

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  /** Encrypted with shared/crypto.ts; shown in clear only when created or rotated. */
  @Property({ type: 'text', lazy: true })
  secretEncrypted: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  secretRotatedAt: Date | null = null;
}

/** The outbox row: written in the same database transaction as the change it describes. */
@Entity({ tableName: 'webhook_events' })
export class WebhookEvent extends BaseEntity<'dispatchedAt'> {
  @Property({ type: 'uuid' })
  groupId: string;

  @Property({ type: 'string', length: 64 })
  type: IntegratorEventType;

  @Property({ type: 'json' })
  data: Record<string, unknown>;

  /** Set once the event has been fanned out to the endpoints subscribed to it. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  dispatchedAt: Date | null = null;
}

/** One attempt's outcome, kept on the delivery (at most a handful per delivery). */
export interface WebhookAttemptRecord {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  /** The first bytes of the response body. */
  responseExcerpt: string | null;
  error: string | null;
}

@Entity({ tableName: 'webhook_deliveries' })
export class WebhookDelivery extends BaseEntity<
  'status' | 'attempts' | 'lockedUntil' | 'deliveredAt' | 'lastStatusCode' | 'lastError' | 'attemptLog' | 'redeliveryOfId'
> {
  @ManyToOne(() => WebhookEvent, { deleteRule: 'cascade' })
  event: WebhookEvent;

  @ManyToOne(() => WebhookEndpoint, { deleteRule: 'cascade' })
  endpoint: WebhookEndpoint;

  @Property({ type: 'string', length: 64 })
  eventType: IntegratorEventType;

  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: WebhookDeliveryStatus = WebhookDeliveryStatus.PENDING;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  nextAttemptAt: Date;

  /** While SENDING: after this, another worker may take the delivery over (the first one died). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lockedUntil: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deliveredAt: Date | null = null;

  @Property({ type: 'integer', nullable: true })
  lastStatusCode: number | null = null;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'json' })
  attemptLog: WebhookAttemptRecord[] = [];

  @Property({ type: 'uuid', nullable: true })
  redeliveryOfId: string | null = null;
}
