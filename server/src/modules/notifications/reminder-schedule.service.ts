import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { conflict, notFound } from '../../shared/domain-error';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { ADMIN_ONLY, assertGroupRole, requireId } from '../auth/authorization';
import { ReminderDirection, ReminderSchedule, ReminderScheduleStatus, ReminderType } from './notification.entities';
import type { NotificationChannel } from './notification-task.entity';
import { checkChannels } from './notification.service';

export const MAX_OFFSET_DAYS = 365;

export interface ReminderScheduleFields {
  status?: ReminderScheduleStatus | null;
  offsetDays?: number | null;
  direction?: ReminderDirection | null;
  reminderType?: ReminderType | null;
  channels?: NotificationChannel[] | null;
}

function validate(fields: ReminderScheduleFields): void {
  const validator = new FieldValidator();
  if (fields.offsetDays !== undefined && fields.offsetDays !== null) {
    validator.check('offsetDays', Number.isInteger(fields.offsetDays) && fields.offsetDays >= 0 && fields.offsetDays <= MAX_OFFSET_DAYS, `Between 0 and ${MAX_OFFSET_DAYS} days`);
  }
  checkChannels(validator, fields.channels);
  validator.throwIfInvalid();
}

function snapshot(schedule: ReminderSchedule): Record<string, unknown> {
  const { reminderType, direction, offsetDays, channels, status } = schedule;
  return { reminderType, direction, offsetDays, channels, status };
}

const duplicate = () => conflict('The group already has a reminder of this type at this offset and direction', 'SCHEDULE_EXISTS');

/** Flushes, turning the unique (group, type, offset, direction) violation into CONFLICT. */
async function flushUnique(ctx: ServiceContext): Promise<void> {
  try {
    await ctx.em.flush();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw duplicate();
    throw error;
  }
}

export async function listReminderSchedules(ctx: ServiceContext, groupId: string): Promise<ReminderSchedule[]> {
  await assertGroupRole(ctx, groupId, ADMIN_ONLY);
  return ctx.em.find(ReminderSchedule, { groupId }, { orderBy: { reminderType: 'asc', direction: 'asc', offsetDays: 'asc' } });
}

export async function createReminderSchedule(
  ctx: ServiceContext,
  groupId: string,
  fields: Required<Pick<ReminderScheduleFields, 'offsetDays' | 'direction' | 'reminderType' | 'channels'>> & ReminderScheduleFields,
): Promise<ReminderSchedule> {
  await assertGroupRole(ctx, groupId, ADMIN_ONLY);
  validate(fields);
  const schedule = ctx.em.create(ReminderSchedule, {
    groupId,
    reminderType: fields.reminderType as ReminderType,
    direction: fields.direction as ReminderDirection,
    offsetDays: fields.offsetDays as number,
    channels: fields.channels as NotificationChannel[],
    status: fields.status ?? ReminderScheduleStatus.ACTIVE,
  });
  ctx.em.persist(schedule);
  recordActivity(ctx, { groupId, action: 'reminderSchedule.create', entityType: 'ReminderSchedule', entityId: schedule.id, after: snapshot(schedule) });
  await flushUnique(ctx);
  return schedule;
}

async function loadForAdmin(ctx: ServiceContext, id: string): Promise<ReminderSchedule> {
  const schedule = await ctx.em.findOne(ReminderSchedule, { id: requireId(id, 'Reminder schedule') });
  if (!schedule) throw notFound('Reminder schedule');
  await assertGroupRole(ctx, schedule.groupId, ADMIN_ONLY, 'Reminder schedule');
  return schedule;
}

/** Changes any subset of the fields; the others stay. */
export async function updateReminderSchedule(ctx: ServiceContext, id: string, fields: ReminderScheduleFields): Promise<ReminderSchedule> {
  const schedule = await loadForAdmin(ctx, id);
  validate(fields);
  const before = snapshot(schedule);
  if (fields.status) schedule.status = fields.status;
  if (fields.offsetDays !== undefined && fields.offsetDays !== null) schedule.offsetDays = fields.offsetDays;
  if (fields.direction) schedule.direction = fields.direction;
  if (fields.reminderType) schedule.reminderType = fields.reminderType;
  if (fields.channels) schedule.channels = fields.channels;
  recordActivity(ctx, { groupId: schedule.groupId, action: 'reminderSchedule.update', entityType: 'ReminderSchedule', entityId: schedule.id, before, after: snapshot(schedule) });
  await flushUnique(ctx);
  return schedule;
}

/** Deletes the schedule; reminders it already queued stay in the notification log. */
export async function deleteReminderSchedule(ctx: ServiceContext, id: string): Promise<string> {
  const schedule = await loadForAdmin(ctx, id);
  recordActivity(ctx, { groupId: schedule.groupId, action: 'reminderSchedule.delete', entityType: 'ReminderSchedule', entityId: schedule.id, before: snapshot(schedule) });
  ctx.em.remove(schedule);
  await ctx.em.flush();
  return schedule.id;
}
