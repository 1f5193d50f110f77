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
}

/**
 * One message to send. The sender (a later issue) claims rows with
 * FOR UPDATE SKIP LOCKED; the dedupe key makes enqueueing idempotent.
 */
@Entity({ tableName: 'notification_tasks' })
@Index({ properties: ['status', 'nextRunAt'] })
export class NotificationTask extends BaseEntity<'status' | 'attempts' | 'nextRunAt' | 'lastError' | 'groupId'> {
  @Property({ type: 'uuid', nullable: true })
  groupId: string | null = null;

  @Enum({ items: () => NotificationChannel, nativeEnumName: 'notification_channel' })
  channel: NotificationChannel;

  /** e.g. member.welcome */
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

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  nextRunAt: Date = new Date();

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;
}
