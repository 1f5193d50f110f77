import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { notFound } from '../../shared/domain-error';
import type { CofferEvent } from '../../shared/event-bus';
import { requireUser } from '../auth/authorization';
import { InAppNotification, OutboxMessage, ReminderDirection, ReminderSchedule, ReminderScheduleStatus, ReminderType } from './notification.entities';
import * as notifications from './notification.service';
import { NotifyType } from './notification.service';
import { NotificationChannel, NotificationStatus, NotificationTask } from './notification-task.entity';
import * as schedules from './reminder-schedule.service';
import { MY_NOTIFICATIONS_TOPIC } from './notification-worker';
import {
  InAppNotificationConnection,
  InAppNotificationType,
  NotificationCountsType,
  NotificationTaskConnection,
  NotificationTaskType,
  NotifyResultType,
  OutboxMessageConnection,
  ReminderScheduleType,
  UpdateReminderScheduleInput,
} from './notification.types';

@Resolver()
export class NotificationResolver {
  @Mutation(() => NotifyResultType, { description: 'Message members (all active ones, or those named) on the chosen channels (admins)' })
  async notify(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('type', () => NotifyType, { description: 'What kind of message it is (announcement, reminder, payment, meeting, marketing, other); it sets the subject line, and MARKETING goes only to people who consented to marketing' }) type: NotifyType,
    @Arg('message', () => String, { description: 'Up to 2000 characters' }) message: string,
    @Arg('channels', () => [NotificationChannel], { description: 'EMAIL, WHATSAPP and/or IN_APP' }) channels: NotificationChannel[],
    @Arg('memberIds', () => [ID], { nullable: true, description: 'Everyone active when absent' }) memberIds: string[] | null,
  ): Promise<notifications.NotifyOutcome> {
    return notifications.notify(ctx, { groupId, type, message, channels, memberIds });
  }

  @Query(() => NotificationTaskConnection, { description: "A group's notification log, newest first (admins)" })
  async notificationTasks(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('status', () => NotificationStatus, { nullable: true }) status: NotificationStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<NotificationTask>> {
    return toConnection(await notifications.listNotificationTasks(ctx, { groupId, status, first, after }));
  }

  @Query(() => NotificationCountsType, { description: "A group's notification tasks by status (admins)" })
  async notificationCounts(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID) groupId: string): Promise<Record<string, number>> {
    return notifications.notificationCounts(ctx, groupId);
  }

  @Mutation(() => NotificationTaskType, { description: 'Queue a FAILED or SKIPPED task again with fresh attempts (admins); CONFLICT otherwise' })
  async retryNotificationTask(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<NotificationTask> {
    return notifications.retryNotificationTask(ctx, id);
  }

  @Query(() => OutboxMessageConnection, { description: 'E-mails kept locally because no SMTP server is configured, newest first (admins)' })
  async outboxMessages(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<OutboxMessage>> {
    return toConnection(await notifications.listOutbox(ctx, { groupId, first, after }));
  }

  @Query(() => InAppNotificationConnection, { description: "The viewer's in-app notifications, newest first" })
  async myNotifications(
    @Ctx() ctx: GraphQLContext,
    @Arg('unreadOnly', () => Boolean, { nullable: true, defaultValue: false, description: 'Only messages not yet marked read' }) unreadOnly: boolean,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<InAppNotification>> {
    return toConnection(await notifications.listMyNotifications(ctx, { unreadOnly, first, after }));
  }

  @Query(() => Int, { description: "The viewer's unread in-app notifications (the bell's badge)" })
  async unreadNotificationCount(@Ctx() ctx: GraphQLContext): Promise<number> {
    return notifications.unreadNotificationCount(ctx);
  }

  @Mutation(() => InAppNotificationType, { description: "Marks one of the viewer's notifications read" })
  async markNotificationRead(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<InAppNotification> {
    return notifications.markNotificationRead(ctx, id);
  }

  @Subscription(() => InAppNotificationType, {
    name: 'myNotifications',
    description: 'New in-app notifications for the viewer, as they arrive',
    subscribe: async ({ context }: SubscribeResolverData<unknown, Record<string, never>, GraphQLContext>) => {
      const user = requireUser(context);
      return context.events.subscribe(MY_NOTIFICATIONS_TOPIC, user.id);
    },
  })
  async myNotificationsStream(@Root() event: CofferEvent, @Ctx() ctx: GraphQLContext): Promise<InAppNotification> {
    ctx.em.clear();
    const notification = await notifications.loadMyNotification(ctx, event.data.notificationId);
    if (!notification) throw notFound('Notification');
    return notification;
  }

  @Query(() => [ReminderScheduleType], { description: "A group's reminder schedules (admins)" })
  async reminderSchedules(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID) groupId: string): Promise<ReminderSchedule[]> {
    return schedules.listReminderSchedules(ctx, groupId);
  }

  @Mutation(() => ReminderScheduleType, { description: 'Unique per group, type, offset and direction (CONFLICT otherwise); admins' })
  async createReminderSchedule(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('reminderType', () => ReminderType, { description: 'What to remind about: a due date or a membership expiring' }) reminderType: ReminderType,
    @Arg('direction', () => ReminderDirection, { description: 'BEFORE or AFTER the date' }) direction: ReminderDirection,
    @Arg('offsetDays', () => Int, { description: '0 to 365' }) offsetDays: number,
    @Arg('channels', () => [NotificationChannel], { description: 'Where reminders go (at least one)' }) channels: NotificationChannel[],
    @Arg('status', () => ReminderScheduleStatus, { nullable: true, defaultValue: ReminderScheduleStatus.ACTIVE }) status: ReminderScheduleStatus,
  ): Promise<ReminderSchedule> {
    return schedules.createReminderSchedule(ctx, groupId, { reminderType, direction, offsetDays, channels, status });
  }

  @Mutation(() => ReminderScheduleType, { description: 'Changes any subset of the fields (admins)' })
  async updateReminderSchedule(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('input', () => UpdateReminderScheduleInput) input: UpdateReminderScheduleInput): Promise<ReminderSchedule> {
    return schedules.updateReminderSchedule(ctx, id, input);
  }

  @Mutation(() => ID, { description: 'Deletes a schedule and returns its id; reminders already queued stay (admins)' })
  async deleteReminderSchedule(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<string> {
    return schedules.deleteReminderSchedule(ctx, id);
  }
}
