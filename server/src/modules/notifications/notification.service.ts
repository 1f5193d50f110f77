import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '../../shared/domain-error';
import type { Page, PageRequest } from '../../shared/pagination';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isUuid } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { newestFirstPage } from '../activity/log-page';
import { ADMIN_ONLY, assertGroupRole, requireId, requireUser } from '../auth/authorization';
import { InAppNotification, OutboxMessage } from './notification.entities';
import { NotificationChannel, NotificationStatus, NotificationTask } from './notification-task.entity';

export enum NotifyType {
  ANNOUNCEMENT = 'ANNOUNCEMENT',
  REMINDER = 'REMINDER',
  PAYMENT = 'PAYMENT',
  MEETING = 'MEETING',
  /** Offers and news: sent only to people whose latest marketing consent is a grant (the worker checks at send time). */
  MARKETING = 'MARKETING',
  OTHER = 'OTHER',
}

const NOTIFY_TYPE_LABELS: Record<NotifyType, string> = {
  [NotifyType.ANNOUNCEMENT]: 'Announcement',
  [NotifyType.REMINDER]: 'Reminder',
  [NotifyType.PAYMENT]: 'Payment',
  [NotifyType.MEETING]: 'Meeting',
  [NotifyType.MARKETING]: 'News',
  [NotifyType.OTHER]: 'Message',
};

/** Channels a person can be reached on (webhooks are for integrators, not members). */
export const MEMBER_CHANNELS = [NotificationChannel.EMAIL, NotificationChannel.WHATSAPP, NotificationChannel.IN_APP] as const;
const MAX_MESSAGE = 2000;
const MAX_MEMBER_IDS = 1000;

/** A Postgres array literal for values already checked to be uuids or enum members (no quoting needed). */
export const pgArray = (values: readonly string[]): string => `{${values.join(',')}}`;

/**
 * How each channel reaches a member, as SQL over `members m`: the e-mail,
 * the phone, or the user id for in-app. Null when the member cannot be
 * reached that way (no e-mail, no phone, no account): no task is made.
 */
export const RECIPIENT_SQL = `case c.channel when 'EMAIL' then m.email when 'WHATSAPP' then m.phone when 'IN_APP' then m.user_id::text end`;

export function checkChannels(validator: FieldValidator, channels: readonly NotificationChannel[] | null | undefined, field = 'channels'): void {
  if (!channels) return;
  validator.check(field, channels.length > 0, 'Choose at least one channel');
  validator.check(field, channels.every((channel) => (MEMBER_CHANNELS as readonly string[]).includes(channel)), 'Members are reached by EMAIL, WHATSAPP or IN_APP');
  validator.check(field, new Set(channels).size === channels.length, 'A channel is listed twice');
}

export interface NotifyInput {
  groupId: string;
  type: NotifyType;
  message: string;
  channels: NotificationChannel[];
  /** Everyone active in the group when absent. */
  memberIds?: string[] | null;
}

export interface NotifyOutcome {
  enqueued: number;
  /** Members asked for who cannot be reached on a chosen channel. */
  unreachable: number;
}

/** An admin's message to members: one task per member and channel, sent by the notification worker. */
export async function notify(ctx: ServiceContext, input: NotifyInput): Promise<NotifyOutcome> {
  await assertGroupRole(ctx, input.groupId, ADMIN_ONLY);
  const message = input.message.trim();
  const memberIds = input.memberIds ?? null;
  const validator = new FieldValidator()
    .check('message', message.length > 0, 'Write a message')
    .check('message', message.length <= MAX_MESSAGE, `At most ${MAX_MESSAGE} characters`);
  checkChannels(validator, input.channels);
  if (memberIds) {
    validator.check('memberIds', memberIds.length > 0, 'Name at least one member, or leave memberIds out for everyone');
    validator.check('memberIds', memberIds.length <= MAX_MEMBER_IDS, `At most ${MAX_MEMBER_IDS} members at once`);
  }
  validator.throwIfInvalid();
  const uniqueIds = memberIds ? [...new Set(memberIds)] : null;
  if (uniqueIds) {
    // Another group's member, a removed one or a malformed id: all the same to the caller.
    if (!uniqueIds.every(isUuid)) throw notFound('Member');
    const found = await ctx.em.execute<{ count: string }[]>(
      `select count(*) as count from members where group_id = ? and status = 'ACTIVE' and id = any(?::uuid[])`,
      [input.groupId, pgArray(uniqueIds)],
    );
    if (Number(found[0].count) !== uniqueIds.length) throw notFound('Member');
  }
  const batch = randomUUID();
  return ctx.em.transactional(async (em) => {
    const inserted = await em.execute<{ id: string }[]>(
      `insert into notification_tasks (id, created_at, updated_at, group_id, member_id, channel, template, recipient, payload, dedupe_key, status, attempts, next_run_at)
       select gen_random_uuid(), now(), now(), m.group_id, m.id, c.channel, 'notify.manual', ${RECIPIENT_SQL},
         jsonb_build_object('groupName', g.name, 'name', m.name, 'message', ?::text, 'type', ?::text, 'typeLabel', ?::text),
         'notify:' || ?::text || ':' || m.id || ':' || c.channel, 'PENDING', 0, now()
       from members m
       join groups g on g.id = m.group_id
       cross join unnest(?::notification_channel[]) as c(channel)
       where m.group_id = ? and m.status = 'ACTIVE' and (?::uuid[] is null or m.id = any(?::uuid[]))
         and ${RECIPIENT_SQL} is not null
       on conflict (dedupe_key) do nothing
       returning id`,
      [message, input.type, NOTIFY_TYPE_LABELS[input.type], batch, pgArray(input.channels), input.groupId, uniqueIds && pgArray(uniqueIds), uniqueIds && pgArray(uniqueIds)],
    );
    const reachable = await em.execute<{ count: string }[]>(
      `select count(*) as count from members where group_id = ? and status = 'ACTIVE' and (?::uuid[] is null or id = any(?::uuid[]))`,
      [input.groupId, uniqueIds && pgArray(uniqueIds), uniqueIds && pgArray(uniqueIds)],
    );
    const possible = Number(reachable[0].count) * input.channels.length;
    recordActivity({ ...ctx, em }, {
      groupId: input.groupId,
      action: 'notification.notify',
      entityType: 'NotificationBatch',
      entityId: batch,
      after: { type: input.type, channels: input.channels, members: uniqueIds?.length ?? 'all', enqueued: inserted.length },
    });
    return { enqueued: inserted.length, unreachable: possible - inserted.length };
  });
}

export interface TaskFilter extends PageRequest {
  groupId: string;
  status?: NotificationStatus | null;
}

/** A group's notification log, newest first (admins). */
export async function listNotificationTasks(ctx: ServiceContext, filter: TaskFilter): Promise<Page<NotificationTask>> {
  await assertGroupRole(ctx, filter.groupId, ADMIN_ONLY);
  return newestFirstPage(ctx, NotificationTask, 'notification_tasks', filter, {
    narrow: (query) => {
      if (filter.status) query.andWhere({ status: filter.status });
    },
  });
}

export async function notificationCounts(ctx: ServiceContext, groupId: string): Promise<Record<string, number>> {
  await assertGroupRole(ctx, groupId, ADMIN_ONLY);
  const rows = await ctx.em.execute<{ status: string; count: string }[]>(
    `select status, count(*) as count from notification_tasks where group_id = ? group by status`,
    [groupId],
  );
  const counts: Record<string, number> = { pending: 0, locked: 0, completed: 0, failed: 0, skipped: 0 };
  for (const row of rows) counts[row.status.toLowerCase()] = Number(row.count);
  return counts;
}

/** Sends a FAILED (or SKIPPED) task again from scratch: the console's Retry button. */
export async function retryNotificationTask(ctx: ServiceContext, id: string): Promise<NotificationTask> {
  const task = await ctx.em.findOne(NotificationTask, { id: requireId(id, 'Notification task') });
  if (!task || !task.groupId) throw notFound('Notification task');
  await assertGroupRole(ctx, task.groupId, ADMIN_ONLY, 'Notification task');
  return ctx.em.transactional(async (em) => {
    // Conditional update: two admins pressing Retry at once reset it once.
    const updated = await em.nativeUpdate(
      NotificationTask,
      { id: task.id, status: { $in: [NotificationStatus.FAILED, NotificationStatus.SKIPPED] } },
      { status: NotificationStatus.PENDING, attempts: 0, nextRunAt: new Date(), lockToken: null, lockedUntil: null },
    );
    if (updated !== 1) throw conflict(`Only failed or skipped tasks can be retried; this one is ${task.status}`, 'NOT_RETRYABLE');
    recordActivity({ ...ctx, em }, { groupId: task.groupId, action: 'notification.retry', entityType: 'NotificationTask', entityId: task.id, before: { status: task.status, lastError: task.lastError } });
    await em.refresh(task);
    return task;
  });
}

/** E-mails kept locally because no SMTP server is configured (admins). */
export async function listOutbox(ctx: ServiceContext, filter: PageRequest & { groupId: string }): Promise<Page<OutboxMessage>> {
  await assertGroupRole(ctx, filter.groupId, ADMIN_ONLY);
  return newestFirstPage(ctx, OutboxMessage, 'outbox_messages', filter, { narrow: () => undefined });
}

export async function listMyNotifications(ctx: ServiceContext, filter: PageRequest & { unreadOnly?: boolean | null }): Promise<Page<InAppNotification>> {
  const user = requireUser(ctx);
  return newestFirstPage(ctx, InAppNotification, 'in_app_notifications', { ...filter, groupId: '', scope: { user_id: user.id } }, {
    narrow: (query) => {
      if (filter.unreadOnly) query.whereNull('read_at');
    },
  });
}

export async function unreadNotificationCount(ctx: ServiceContext): Promise<number> {
  const user = requireUser(ctx);
  return ctx.em.count(InAppNotification, { userId: user.id, readAt: null });
}

/** Marks one of the viewer's own notifications read; someone else's is not found. */
export async function markNotificationRead(ctx: ServiceContext, id: string): Promise<InAppNotification> {
  const user = requireUser(ctx);
  const notification = await ctx.em.findOne(InAppNotification, { id: requireId(id, 'Notification'), userId: user.id });
  if (!notification) throw notFound('Notification');
  if (!notification.readAt) {
    notification.readAt = new Date();
    await ctx.em.flush();
  }
  return notification;
}

/** The viewer's own notification, for the subscription; null when it is not theirs. */
export async function loadMyNotification(ctx: ServiceContext, id: string): Promise<InAppNotification | null> {
  const user = requireUser(ctx);
  return ctx.em.findOne(InAppNotification, { id, userId: user.id });
}
