import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../shared/base.entity';
import { NotificationChannel } from './notification-task.entity';

/** An e-mail that was not sent because no SMTP server is configured: the console shows it instead. */
@Entity({ tableName: 'outbox_messages' })
export class OutboxMessage {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'uuid', nullable: true })
  groupId: string | null;

  @Property({ type: 'uuid' })
  taskId: string;

  @Enum({ items: () => NotificationChannel, nativeEnumName: 'notification_channel' })
  channel: NotificationChannel;

  @Property({ type: 'string', length: 320 })
  recipient: string;

  @Property({ type: 'string', length: 300 })
  subject: string;

  @Property({ type: 'text' })
  bodyText: string;
}

/** A message in a user's in-app inbox. */
@Entity({ tableName: 'in_app_notifications' })
export class InAppNotification {
  [OptionalProps]?: 'createdAt' | 'readAt' | 'link';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'uuid', nullable: true })
  groupId: string | null;

  @Property({ type: 'uuid' })
  taskId: string;

  @Property({ type: 'string', length: 64 })
  template: string;

  @Property({ type: 'string', length: 300 })
  title: string;

  @Property({ type: 'text' })
  body: string;

  @Property({ type: 'string', length: 2000, nullable: true })
  link: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  readAt: Date | null = null;
}

export enum ReminderType {
  DUE_DATE = 'DUE_DATE',
  MEMBERSHIP_EXPIRY = 'MEMBERSHIP_EXPIRY',
}

export enum ReminderDirection {
  BEFORE = 'BEFORE',
  AFTER = 'AFTER',
}

export enum ReminderScheduleStatus {
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
}

/** "Remind N days before/after the due date (or membership expiry), on these channels." */
@Entity({ tableName: 'reminder_schedules' })
export class ReminderSchedule extends BaseEntity<'status'> {
  @Property({ type: 'uuid' })
  groupId: string;

  @Enum({ items: () => ReminderType, nativeEnumName: 'reminder_type' })
  reminderType: ReminderType;

  @Enum({ items: () => ReminderDirection, nativeEnumName: 'reminder_direction' })
  direction: ReminderDirection;

  @Property({ type: 'integer' })
  offsetDays: number;

  @Enum({ items: () => NotificationChannel, array: true, nativeEnumName: 'notification_channel' })
  channels: NotificationChannel[];

  @Enum({ items: () => ReminderScheduleStatus, nativeEnumName: 'reminder_schedule_status' })
  status: ReminderScheduleStatus = ReminderScheduleStatus.ACTIVE;
}
