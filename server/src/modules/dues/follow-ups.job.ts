import { GROUP_TODAY_CTE } from '../../jobs/group-calendar';
import { withJobLock } from '../../jobs/job-runner';
import type { JobDeps } from '../../jobs/job-types';
import { RECIPIENT_SQL } from '../notifications/notification.service';
import { runNotificationWorker, workerSummary } from '../notifications/notification-worker';
import { DUE_CHANGED_TOPIC, DUE_PAST_GRACE } from './due.service';

/*
 * Follow-ups: unpaid dues past their due date plus the group's grace days
 * become OVERDUE (one statement, with their activity entries, in one
 * transaction; then a live dueChanged event each), and every admin of a group
 * with overdue dues gets one digest per day (the dedupe key carries the
 * group's date), listing the oldest of them.
 */

const DIGEST_ITEMS = 50;

const MARK_OVERDUE = `with ${GROUP_TODAY_CTE},
overdue as (
  update dues d set status = 'OVERDUE', overdue_at = now(), updated_at = now(), version = d.version + 1
  from groups g, group_today gt
  where g.id = d.group_id and gt.group_id = d.group_id and d.status = 'UNPAID'
    and ${DUE_PAST_GRACE}
  returning d.id, d.group_id, d.member_id, d.version
),
logged as (
  insert into activity_logs (id, group_id, actor_kind, actor_id, action, entity_type, entity_id, before, after, created_at)
  select gen_random_uuid(), o.group_id, 'SYSTEM', null, 'due.overdue', 'Due', o.id, '{"status": "UNPAID"}'::jsonb,
    jsonb_build_object('status', 'OVERDUE', 'version', o.version), now()
  from overdue o
),
outboxed as (
  -- Integrators' due.overdue, written in the same statement (and transaction) as the change.
  insert into webhook_events (id, created_at, updated_at, group_id, type, data)
  select gen_random_uuid(), now(), now(), o.group_id, 'due.overdue',
    jsonb_build_object('id', o.id, 'memberId', o.member_id, 'status', 'OVERDUE', 'version', o.version)
  from overdue o
)
select id, group_id, member_id from overdue`;

const ADMIN_DIGESTS = `with ${GROUP_TODAY_CTE},
late as (
  select d.group_id, count(*) as n,
    (jsonb_agg(jsonb_build_object('name', m.name, 'amountMinor', d.amount_minor::text, 'currency', d.currency,
       'periodLabel', p.label, 'dueDate', d.due_date::text) order by d.due_date, m.name))
  as items
  from dues d join members m on m.id = d.member_id join billing_periods p on p.id = d.period_id
  where d.status = 'OVERDUE'
  group by d.group_id
)
insert into notification_tasks (id, created_at, updated_at, group_id, member_id, channel, template, recipient, payload, dedupe_key, status, attempts, next_run_at)
select gen_random_uuid(), now(), now(), g.id, m.id, c.channel, 'admin.overdue-digest', ${RECIPIENT_SQL},
  jsonb_build_object('groupName', g.name, 'date', gt.today::text, 'count', late.n,
    'items', (select jsonb_agg(item) from (select item from jsonb_array_elements(late.items) as item limit ${DIGEST_ITEMS}) first_items)),
  'admin.overdue-digest:' || g.id || ':' || gt.today || ':' || m.id || ':' || c.channel, 'PENDING', 0, now()
from late
join groups g on g.id = late.group_id
join group_today gt on gt.group_id = g.id
join members m on m.group_id = g.id and m.role = 'ADMIN' and m.status = 'ACTIVE'
cross join (values ('EMAIL'::notification_channel), ('IN_APP'::notification_channel)) as c(channel)
where ${RECIPIENT_SQL} is not null
on conflict (dedupe_key) do nothing`;

export async function reconcileOverdue(deps: Pick<JobDeps, 'pool' | 'events' | 'logger'>): Promise<{ overdueReconciled: number; adminNudgesEnqueued: number }> {
  const { marked, nudges } = await withJobLock(deps.pool, 'follow-ups', async () => {
    const client = await deps.pool.connect();
    try {
      await client.query('begin');
      const result = await client.query<{ id: string; group_id: string; member_id: string }>(MARK_OVERDUE);
      await client.query('commit');
      const digests = await deps.pool.query(ADMIN_DIGESTS);
      return { marked: result.rows, nudges: digests.rowCount ?? 0 };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  });
  for (const due of marked) {
    await deps.events.publish({ topic: DUE_CHANGED_TOPIC, key: due.group_id, data: { dueId: due.id, change: 'OVERDUE', memberId: due.member_id } }).catch((error: unknown) => {
      deps.logger.warn('Overdue event not published', { dueId: due.id, error: String(error) });
    });
  }
  return { overdueReconciled: marked.length, adminNudgesEnqueued: nudges };
}

/** The follow-ups job and cron route. */
export async function followUpsJob(deps: JobDeps): Promise<Record<string, unknown>> {
  const outcome = await reconcileOverdue(deps);
  return { ...outcome, worker: workerSummary(await runNotificationWorker(deps)) };
}
