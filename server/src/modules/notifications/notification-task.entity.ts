import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';

export enum NotificationChannel {
  EMAIL = 'EMAIL',
  WHATSAPP = 'WHATSAPP',
  IN_APP = 'IN_APP',
  WEBHOOK = 'WEBHOOK',
}

export enum NotificationStatus {
  PENDING = 'PENDING',
  LOCKED = 'LOCKED',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  /** The channel is not configured (WhatsApp without credentials): nothing was sent, and nothing is wrong. */
  SKIPPED = 'SKIPPED',
}

/**
 * One message to send. The worker (notification-worker.ts) claims rows with
 * FOR UPDATE SKIP LOCKED under a lease; the dedupe key makes enqueueing
 * idempotent. `recipient` is an e-mail address (EMAIL), a phone number
 * (WHATSAPP) or a user id (IN_APP).
 */
@Entity({ tableName: 'notification_tasks' })
@Index({ properties: ['status', 'nextRunAt'] })
export class NotificationTask extends BaseEntity<
  'status' | 'attempts' | 'nextRunAt' | 'lastError' | 'groupId' | 'memberId' | 'lockedUntil' | 'lockToken' | 'lockedBy' | 'completedAt'
> {
  @Property({ type: 'uuid', nullable: true })
  groupId: string | null = null;

  @Property({ type: 'uuid', nullable: true })
  memberId: string | null = null;

  @Enum({ items: () => NotificationChannel, nativeEnumName: 'notification_channel' })
  channel: NotificationChannel;

  /** A key of templates in notification-templates.ts, e.g. member.welcome */
  @Property({ type: 'string', length: 64 })
  template: string;

  @Property({ type: 'string', length: 320 })
  recipient: string;

  /** Secrets inside (a temporary password) are encrypted with shared/crypto.ts. */
  @Property({ type: 'json' })
  payload: Record<string, unknown>;

  @Property({ type: 'string', length: 200 })
  @Unique()
  dedupeKey: string;

  @Enum({ items: () => NotificationStatus, nativeEnumName: 'notification_status' })
  status: NotificationStatus = NotificationStatus.PENDING;

  /** Claims so far (a claim counts whether the send then succeeds, fails or the worker dies). */
  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  nextRunAt: Date = new Date();

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  /** While LOCKED: past this, another worker may reclaim the task. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lockedUntil: Date | null = null;

  /** Fencing token of the current claim: a worker whose lease was taken over cannot complete the task. */
  @Property({ type: 'uuid', nullable: true })
  lockToken: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  lockedBy: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;
}
