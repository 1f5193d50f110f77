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

  @Field(() => NotificationChannel)
  channel: NotificationChannel;

  @Field({ description: 'Template key, e.g. reminder.due, notify.manual' })
  template: string;

  @Field({ description: 'E-mail address, phone number, or user id (in-app)' })
  recipient: string;

  @Field(() => ID, { nullable: true, description: 'The member it is for, when it is for a member' })
  memberId: string | null;

  @Field(() => NotificationStatus)
  status: NotificationStatus;

  @Field(() => Int, { description: 'Delivery attempts so far' })
  attempts: number;

  @Field({ description: 'When it is (or was) next due to be tried' })
  nextRunAt: Date;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (or why it was skipped)' })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  completedAt: Date | null;

  @Field()
  createdAt: Date;
}

export const NotificationTaskConnection = connectionOf('NotificationTask', NotificationTaskType);

@ObjectType('NotificationCounts', { description: 'Tasks of a group by status' })
export class NotificationCountsType {
  @Field(() => Int)
  pending: number;

  @Field(() => Int)
  locked: number;

  @Field(() => Int)
  completed: number;

  @Field(() => Int)
  failed: number;

  @Field(() => Int)
  skipped: number;
}

@ObjectType('NotifyResult')
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

  @Field(() => ID)
  taskId: string;

  @Field(() => NotificationChannel)
  channel: NotificationChannel;

  @Field()
  recipient: string;

  @Field()
  subject: string;

  @Field()
  bodyText: string;

  @Field()
  createdAt: Date;
}

export const OutboxMessageConnection = connectionOf('OutboxMessage', OutboxMessageType);

@ObjectType('InAppNotification', { description: "A message in the viewer's in-app inbox" })
export class InAppNotificationType {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true })
  groupId: string | null;

  @Field({ description: 'Template key, e.g. reminder.due' })
  template: string;

  @Field()
  title: string;

  @Field()
  body: string;

  @Field(() => String, { nullable: true, description: 'The signed action link (pay, confirm, receipt), if any' })
  link: string | null;

  @Field(() => Date, { nullable: true })
  readAt: Date | null;

  @Field()
  createdAt: Date;
}

export const InAppNotificationConnection = connectionOf('InAppNotification', InAppNotificationType);

@ObjectType('ReminderSchedule', { description: 'Remind members N days before or after a date, on these channels' })
export class ReminderScheduleType {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  groupId: string;

  @Field(() => ReminderType)
  reminderType: ReminderType;

  @Field(() => ReminderDirection)
  direction: ReminderDirection;

  @Field(() => Int, { description: '0 to 365' })
  offsetDays: number;

  @Field(() => [NotificationChannel])
  channels: NotificationChannel[];

  @Field(() => ReminderScheduleStatus)
  status: ReminderScheduleStatus;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

@InputType({ description: 'Fields of a reminder schedule to change; the others stay' })
export class UpdateReminderScheduleInput {
  @Field(() => ReminderScheduleStatus, { nullable: true })
  status?: ReminderScheduleStatus | null;

  @Field(() => Int, { nullable: true, description: '0 to 365' })
  offsetDays?: number | null;

  @Field(() => ReminderDirection, { nullable: true })
  direction?: ReminderDirection | null;

  @Field(() => ReminderType, { nullable: true })
  reminderType?: ReminderType | null;

  @Field(() => [NotificationChannel], { nullable: true })
  channels?: NotificationChannel[] | null;
}
