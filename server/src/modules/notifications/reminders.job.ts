import { GROUP_TODAY_CTE } from '../../jobs/group-calendar';
import { withJobLock } from '../../jobs/job-runner';
import type { JobDeps } from '../../jobs/job-types';
import { RECIPIENT_SQL } from './notification.service';
import { runNotificationWorker, workerSummary } from './notification-worker';

/*
 * The reminders job: active schedules become notification tasks, one per
 * member, schedule, occurrence (the due or the membership term) and channel,
 * in two INSERT … SELECT statements whatever the number of dues. The dedupe
 * key (schedule, its offset and direction, occurrence, channel) makes every
 * run after the first, and every other instance, insert nothing more.
 *
 * "The day" is the group's calendar date (group-calendar.ts); a reminder
 * missed because no run happened that day is still sent up to
 * CATCH_UP_DAYS later, and a BEFORE reminder never after the date itself.
 * Paid, waived and member-confirmed dues are never reminded.
 */

const CATCH_UP_DAYS = 2;

/** Days from the event to the reminder: negative before, positive after. */
const SHIFT = `(case s.direction when 'BEFORE' then -s.offset_days else s.offset_days end)`;

const DUE_KEY = `'reminder:' || s.id || ':' || s.direction || s.offset_days || ':' || d.id || ':' || c.channel`;
const TERM_KEY = `'reminder:' || s.id || ':' || s.direction || s.offset_days || ':' || t.id || ':' || c.channel`;
/** Skipping what is queued already by an index lookup is cheaper than letting each row hit the conflict. */
const notQueued = (key: string): string => `not exists (select 1 from notification_tasks x where x.dedupe_key = ${key})`;

const TASK_COLUMNS = `(id, created_at, updated_at, group_id, member_id, channel, template, recipient, payload, dedupe_key, status, attempts, next_run_at)`;

const DUE_REMINDERS = `with ${GROUP_TODAY_CTE}
insert into notification_tasks ${TASK_COLUMNS}
select gen_random_uuid(), now(), now(), d.group_id, m.id, c.channel, 'reminder.due', ${RECIPIENT_SQL},
  jsonb_build_object('groupName', g.name, 'name', m.name, 'periodLabel', p.label, 'amountMinor', d.amount_minor::text,
    'currency', d.currency, 'dueDate', d.due_date::text, 'dueId', d.id),
  ${DUE_KEY}, 'PENDING', 0, now()
from reminder_schedules s
join group_today gt on gt.group_id = s.group_id
join groups g on g.id = s.group_id
join dues d on d.group_id = s.group_id and d.status in ('UNPAID', 'OVERDUE')
  and d.due_date between gt.today - ${SHIFT} - ${CATCH_UP_DAYS} and gt.today - ${SHIFT}
join billing_periods p on p.id = d.period_id
join members m on m.id = d.member_id and m.status = 'ACTIVE'
cross join lateral unnest(s.channels) as c(channel)
where s.status = 'ACTIVE' and s.reminder_type = 'DUE_DATE'
  and (s.direction = 'AFTER' or gt.today <= d.due_date)
  and ${RECIPIENT_SQL} is not null
  and ${notQueued(DUE_KEY)}
on conflict (dedupe_key) do nothing`;

/** Terms that end (or ended) on the schedule's day, unless the member has already renewed. */
const MEMBERSHIP_REMINDERS = `with ${GROUP_TODAY_CTE}
insert into notification_tasks ${TASK_COLUMNS}
select gen_random_uuid(), now(), now(), t.group_id, m.id, c.channel, 'reminder.membership-expiry', ${RECIPIENT_SQL},
  jsonb_build_object('groupName', g.name, 'name', m.name, 'expiresOn', t.ends_on::text, 'termId', t.id),
  ${TERM_KEY}, 'PENDING', 0, now()
from reminder_schedules s
join group_today gt on gt.group_id = s.group_id
join groups g on g.id = s.group_id
join membership_terms t on t.group_id = s.group_id and t.status in ('ACTIVE', 'EXPIRED') and t.ends_on is not null
  and t.ends_on between gt.today - ${SHIFT} - ${CATCH_UP_DAYS} and gt.today - ${SHIFT}
join members m on m.id = t.member_id and m.status = 'ACTIVE'
cross join lateral unnest(s.channels) as c(channel)
where s.status = 'ACTIVE' and s.reminder_type = 'MEMBERSHIP_EXPIRY'
  and (s.direction = 'AFTER' or gt.today <= t.ends_on)
  and not exists (
    select 1 from membership_terms r
    where r.member_id = t.member_id and r.id <> t.id and r.status in ('ACTIVE', 'PENDING') and (r.ends_on is null or r.ends_on > t.ends_on)
  )
  and ${RECIPIENT_SQL} is not null
  and ${notQueued(TERM_KEY)}
on conflict (dedupe_key) do nothing`;

/** Queues what is due today; returns how many tasks were new. Safe to run any number of times. */
export async function enqueueReminders(deps: Pick<JobDeps, 'pool'>): Promise<number> {
  // Serialised across instances so an overlapping run reports 0 rather than a share of the work.
  return withJobLock(deps.pool, 'reminders', async () => {
    const dues = await deps.pool.query(DUE_REMINDERS);
    const terms = await deps.pool.query(MEMBERSHIP_REMINDERS);
    return (dues.rowCount ?? 0) + (terms.rowCount ?? 0);
  });
}

/** The reminders job and cron route: enqueue, then send. */
export async function remindersJob(deps: JobDeps): Promise<Record<string, unknown>> {
  const enqueued = await enqueueReminders(deps);
  return { enqueued, worker: workerSummary(await runNotificationWorker(deps)) };
}
