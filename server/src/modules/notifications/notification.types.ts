import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf } from '../../graphql/connection';
import { ReminderDirection, ReminderScheduleStatus, ReminderType } from './notification.entities';
import { NotificationChannel, NotificationStatus } from './notification-task.entity';
import { NotifyType } from './notification.service';

registerEnumType(NotificationChannel, { name: 'NotificationChannel', description: 'How a message is delivered' });
registerEnumType(NotificationStatus, { name: 'NotificationStatus', description: 'PENDING → LOCKED (a worker holds it) → COMPLETED | FAILED | SKIPPED (channel not configured)' });
registerEnumType(NotifyType, { name: 'NotifyType', description: "The kind of an admin's message, shown as its subject" });
registerEnumType(ReminderType, { name: 'ReminderType', description: 'The date a reminder is counted from' });
registerEnumType(ReminderDirection, { name: 'ReminderDirection', description: 'Before or after that date' });
registerEnumType(ReminderScheduleStatus, { name: 'ReminderScheduleStatus', description: 'PAUSED schedules send nothing' });

@ObjectType('NotificationTask', { description: 'One message to one recipient on one channel, and its delivery state' })
export class NotificationTaskType {
  @Field(() => ID)
  id: string;

  @Field(() => NotificationChannel, { description: 'How it is sent: EMAIL, WHATSAPP, IN_APP or WEBHOOK' })
  channel: NotificationChannel;

  @Field({ description: 'Template key, e.g. reminder.due, notify.manual' })
  template: string;

  @Field({ description: 'E-mail address, phone number, or user id (in-app)' })
  recipient: string;

  @Field(() => ID, { nullable: true, description: 'The member it is for, when it is for a member' })
  memberId: string | null;

  @Field(() => NotificationStatus, { description: 'PENDING (waiting for its time), LOCKED (a worker is sending it), COMPLETED, FAILED (gave up after the last attempt) or SKIPPED (channel not configured, or no consent)' })
  status: NotificationStatus;

  @Field(() => Int, { description: 'Delivery attempts so far' })
  attempts: number;

  @Field({ description: 'When it is (or was) next due to be tried' })
  nextRunAt: Date;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (or why it was skipped)' })
  lastError: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was sent; null until then' })
  completedAt: Date | null;

  @Field()
  createdAt: Date;
}

export const NotificationTaskConnection = connectionOf('NotificationTask', NotificationTaskType);

@ObjectType('NotificationCounts', { description: 'Tasks of a group by status' })
export class NotificationCountsType {
  @Field(() => Int, { description: 'Waiting to be sent (including retries not yet due)' })
  pending: number;

  @Field(() => Int, { description: 'Being sent by a worker right now (reclaimed if its lease runs out)' })
  locked: number;

  @Field(() => Int, { description: 'Sent' })
  completed: number;

  @Field(() => Int, { description: 'Given up after the last attempt; the last error is kept and an admin can retry' })
  failed: number;

  @Field(() => Int, { description: 'Not sent on purpose: the channel is not configured or the person did not consent' })
  skipped: number;
}

@ObjectType('NotifyResult', { description: 'What notify queued, and who could not be reached on a channel' })
export class NotifyResultType {
  @Field(() => Int, { description: 'Tasks queued (one per member and channel)' })
  enqueued: number;

  @Field(() => Int, { description: 'Member–channel pairs left out: no e-mail, no phone, or no account for in-app' })
  unreachable: number;
}

@ObjectType('OutboxMessage', { description: 'An e-mail kept here because no SMTP server is configured' })
export class OutboxMessageType {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The notification task that produced it' })
  taskId: string;

  @Field(() => NotificationChannel, { description: 'Always EMAIL for now' })
  channel: NotificationChannel;

  @Field({ description: 'E-mail address it was addressed to' })
  recipient: string;

  @Field({ description: 'Subject line' })
  subject: string;

  @Field({ description: 'Plain-text body, as it would have been sent' })
  bodyText: string;

  @Field({ description: 'When it was rendered' })
  createdAt: Date;
}

export const OutboxMessageConnection = connectionOf('OutboxMessage', OutboxMessageType);

@ObjectType('InAppNotification', { description: "A message in the viewer's in-app inbox" })
export class InAppNotificationType {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true, description: 'The group it is about; null for messages about the account itself' })
  groupId: string | null;

  @Field({ description: 'Template key, e.g. reminder.due' })
  template: string;

  @Field({ description: 'One-line heading' })
  title: string;

  @Field({ description: 'The message text' })
  body: string;

  @Field(() => String, { nullable: true, description: 'The signed action link (pay, confirm, receipt), if any' })
  link: string | null;

  @Field(() => Date, { nullable: true, description: 'When the viewer marked it read; null while unread' })
  readAt: Date | null;

  @Field({ description: 'When it arrived' })
  createdAt: Date;
}

export const InAppNotificationConnection = connectionOf('InAppNotification', InAppNotificationType);

@ObjectType('ReminderSchedule', { description: 'Remind members N days before or after a date, on these channels' })
export class ReminderScheduleType {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { description: 'The group the schedule belongs to' })
  groupId: string;

  @Field(() => ReminderType, { description: 'What the reminder is about (a due date, a membership expiring, …)' })
  reminderType: ReminderType;

  @Field(() => ReminderDirection, { description: 'BEFORE or AFTER the date' })
  direction: ReminderDirection;

  @Field(() => Int, { description: '0 to 365' })
  offsetDays: number;

  @Field(() => [NotificationChannel], { description: 'Where reminders go (at least one)' })
  channels: NotificationChannel[];

  @Field(() => ReminderScheduleStatus, { description: 'ACTIVE schedules send; PAUSED ones are kept but send nothing' })
  status: ReminderScheduleStatus;

  @Field()
  createdAt: Date;

  @Field({ description: 'When it last changed' })
  updatedAt: Date;
}

@InputType({ description: 'Fields of a reminder schedule to change; the others stay' })
export class UpdateReminderScheduleInput {
  @Field(() => ReminderScheduleStatus, { nullable: true, description: 'ACTIVE or PAUSED' })
  status?: ReminderScheduleStatus | null;

  @Field(() => Int, { nullable: true, description: '0 to 365' })
  offsetDays?: number | null;

  @Field(() => ReminderDirection, { nullable: true, description: 'BEFORE or AFTER the date' })
  direction?: ReminderDirection | null;

  @Field(() => ReminderType, { nullable: true, description: 'What the reminder is about' })
  reminderType?: ReminderType | null;

  @Field(() => [NotificationChannel], { nullable: true, description: 'Where reminders go (at least one); replaces the current list' })
  channels?: NotificationChannel[] | null;
}
