import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool, PoolClient } from 'pg';
import type { NotificationSettings } from '../../config';
import type { JobDeps } from '../../jobs/job-types';
import { isUuid } from '../../shared/validation';
import { sendEmail, sendWhatsApp, whatsappConfigured } from './notification-channels';
import { NotificationChannel, NotificationStatus } from './notification-task.entity';
import { PermanentSendError, renderNotification, RenderedMessage } from './notification-templates';

/*
 * The notification worker. Tasks are claimed in batches with
 * FOR UPDATE SKIP LOCKED and held under a lease with a fencing token:
 *
 * - a task is LOCKED only while a worker holds it; past `locked_until` any
 *   worker reclaims it (back to PENDING, or FAILED once out of attempts);
 * - completing or failing a task requires the token of the claim, so a worker
 *   that lost its lease (it stalled, and someone else took over) changes
 *   nothing;
 * - messages that stay in our database (in-app, the e-mail outbox, a skipped
 *   WhatsApp) are written in the same transaction that completes the task, so
 *   they exist exactly once whatever crashes; messages that leave (SMTP,
 *   WhatsApp) are sent, then completed: a crash between the two sends that
 *   message again after the lease (at least once; the e-mail keeps its
 *   Message-ID so receivers can tell).
 */

export const MY_NOTIFICATIONS_TOPIC = 'myNotifications';
const RETRY_CAP_SECONDS = 3600;

/** The worker needs SQL, settings, the bus (in-app events) and a logger; no entities. */
export type WorkerDeps = Pick<JobDeps, 'pool' | 'config' | 'events' | 'logger'>;
const MAX_ERROR_LENGTH = 1000;
const RECLAIM_EVERY_MS = 5000;

export interface WorkerReport {
  claimed: number;
  completed: number;
  /** Gave up: FAILED. */
  failed: number;
  /** Failed this time, scheduled again with backoff. */
  retrying: number;
  skipped: number;
  /** Expired leases taken back from stopped workers. */
  reclaimed: number;
}

/** What the reminders and follow-ups routes report of the worker run that follows their enqueueing. */
export function workerSummary(report: WorkerReport): Record<string, number> {
  const { claimed, completed, failed, retrying, skipped } = report;
  return { claimed, completed, failed, retrying, skipped };
}

export interface StatusCounts {
  pending: number;
  locked: number;
  completed: number;
  failed: number;
  skipped: number;
}

interface ClaimedTask {
  id: string;
  group_id: string | null;
  channel: NotificationChannel;
  template: string;
  recipient: string;
  payload: Record<string, unknown>;
  attempts: number;
  lock_token: string;
}

type LocalDelivery =
  | { kind: 'outbox'; task: ClaimedTask; rendered: RenderedMessage }
  | { kind: 'inApp'; task: ClaimedTask; rendered: RenderedMessage }
  | { kind: 'skipped'; task: ClaimedTask; note: string };

const emptyReport = (): WorkerReport => ({ claimed: 0, completed: 0, failed: 0, retrying: 0, skipped: 0, reclaimed: 0 });

export function addReports(a: WorkerReport, b: WorkerReport): WorkerReport {
  return {
    claimed: a.claimed + b.claimed,
    completed: a.completed + b.completed,
    failed: a.failed + b.failed,
    retrying: a.retrying + b.retrying,
    skipped: a.skipped + b.skipped,
    reclaimed: a.reclaimed + b.reclaimed,
  };
}

/** Backoff before the next attempt: base·2^(attempt−1), capped, with "equal jitter" (half fixed, half random). */
export function retryDelaySeconds(settings: NotificationSettings, attempts: number): number {
  const exponential = Math.min(RETRY_CAP_SECONDS, settings.retryBaseSeconds * 2 ** Math.max(0, attempts - 1));
  return exponential / 2 + (Math.random() * exponential) / 2;
}

const truncate = (message: string): string => (message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message);

/** Takes back tasks whose worker's lease ran out: PENDING again, or FAILED when out of attempts. */
async function reclaimExpired(pool: Pool, settings: NotificationSettings): Promise<number> {
  const result = await pool.query(
    `with expired as (
       select id from notification_tasks where status = 'LOCKED' and locked_until < now()
       order by locked_until limit 1000 for update skip locked
     )
     update notification_tasks t set
       status = (case when t.attempts >= $1 then 'FAILED' else 'PENDING' end)::notification_status,
       last_error = case when t.attempts >= $1 then 'Gave up: the worker stopped before finishing, ' || t.attempts || ' times'
                    else 'The worker stopped before finishing (lease expired)' end,
       lock_token = null, locked_until = null, locked_by = null, next_run_at = now(), updated_at = now()
     from expired where t.id = expired.id`,
    [settings.maxAttempts],
  );
  return result.rowCount ?? 0;
}

async function claim(pool: Pool, settings: NotificationSettings, workerId: string, limit: number): Promise<ClaimedTask[]> {
  const result = await pool.query<ClaimedTask>(
    `with next as (
       select id from notification_tasks where status = 'PENDING' and next_run_at <= now()
       order by next_run_at limit $1 for update skip locked
     )
     update notification_tasks t set
       status = 'LOCKED', attempts = t.attempts + 1, lock_token = gen_random_uuid(),
       locked_until = now() + make_interval(secs => $2), locked_by = $3, updated_at = now()
     from next where t.id = next.id
     returning t.id, t.group_id, t.channel, t.template, t.recipient, t.payload, t.attempts, t.lock_token`,
    [limit, settings.leaseSeconds, workerId],
  );
  return result.rows;
}

/** Completes the local deliveries of a batch in one transaction, writing their messages only for tasks still ours. */
async function completeLocal(deps: WorkerDeps, deliveries: LocalDelivery[]): Promise<{ completed: number; skipped: number; inApp: { id: string; userId: string }[] }> {
  if (deliveries.length === 0) return { completed: 0, skipped: 0, inApp: [] };
  const client: PoolClient = await deps.pool.connect();
  try {
    await client.query('begin');
    const fenced = await client.query<{ id: string }>(
      `update notification_tasks t set status = v.status::notification_status, completed_at = now(), last_error = v.note,
         lock_token = null, locked_until = null, updated_at = now()
       from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as v(id, token, status, note)
       where t.id = v.id and t.lock_token = v.token and t.status = 'LOCKED'
       returning t.id`,
      [
        deliveries.map((d) => d.task.id),
        deliveries.map((d) => d.task.lock_token),
        deliveries.map((d) => (d.kind === 'skipped' ? NotificationStatus.SKIPPED : NotificationStatus.COMPLETED)),
        deliveries.map((d) => (d.kind === 'skipped' ? d.note : null)),
      ],
    );
    const ours = new Set(fenced.rows.map((row) => row.id));
    const kept = deliveries.filter((d) => ours.has(d.task.id));
    const outbox = kept.filter((d): d is Extract<LocalDelivery, { kind: 'outbox' }> => d.kind === 'outbox');
    if (outbox.length > 0) {
      await client.query(
        `insert into outbox_messages (id, created_at, group_id, task_id, channel, recipient, subject, body_text)
         select gen_random_uuid(), now(), v.group_id, v.task_id, 'EMAIL', v.recipient, v.subject, v.body
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) as v(group_id, task_id, recipient, subject, body)
         on conflict (task_id) do nothing`,
        [outbox.map((d) => d.task.group_id), outbox.map((d) => d.task.id), outbox.map((d) => d.task.recipient), outbox.map((d) => d.rendered.subject.slice(0, 300)), outbox.map((d) => d.rendered.text)],
      );
    }
    const inApp = kept.filter((d): d is Extract<LocalDelivery, { kind: 'inApp' }> => d.kind === 'inApp');
    let inserted: { id: string; user_id: string }[] = [];
    if (inApp.length > 0) {
      const result = await client.query<{ id: string; user_id: string }>(
        `insert into in_app_notifications (id, created_at, user_id, group_id, task_id, template, title, body, link)
         select gen_random_uuid(), now(), v.user_id, v.group_id, v.task_id, v.template, v.title, v.body, v.link
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[]) as v(user_id, group_id, task_id, template, title, body, link)
         on conflict (task_id) do nothing
         returning id, user_id`,
        [
          inApp.map((d) => d.task.recipient),
          inApp.map((d) => d.task.group_id),
          inApp.map((d) => d.task.id),
          inApp.map((d) => d.task.template),
          inApp.map((d) => d.rendered.subject.slice(0, 300)),
          inApp.map((d) => d.rendered.text),
          inApp.map((d) => d.rendered.link),
        ],
      );
      inserted = result.rows;
    }
    await client.query('commit');
    const skipped = kept.filter((d) => d.kind === 'skipped').length;
    return { completed: kept.length - skipped, skipped, inApp: inserted.map((row) => ({ id: row.id, userId: row.user_id })) };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function completeOne(pool: Pool, task: ClaimedTask): Promise<boolean> {
  const result = await pool.query(
    `update notification_tasks set status = 'COMPLETED', completed_at = now(), last_error = null, lock_token = null, locked_until = null, updated_at = now()
     where id = $1 and lock_token = $2 and status = 'LOCKED'`,
    [task.id, task.lock_token],
  );
  return result.rowCount === 1;
}

/** Records a failed attempt: PENDING again after a backoff, or FAILED (permanent error, or out of attempts). */
async function failOne(pool: Pool, settings: NotificationSettings, task: ClaimedTask, error: unknown): Promise<'failed' | 'retrying' | 'lost'> {
  const permanent = error instanceof PermanentSendError;
  const giveUp = permanent || task.attempts >= settings.maxAttempts;
  const message = truncate(error instanceof Error ? error.message : String(error));
  const result = await pool.query(
    `update notification_tasks set status = $3::notification_status, last_error = $4,
       next_run_at = now() + make_interval(secs => $5), lock_token = null, locked_until = null, updated_at = now()
     where id = $1 and lock_token = $2 and status = 'LOCKED'`,
    [task.id, task.lock_token, giveUp ? NotificationStatus.FAILED : NotificationStatus.PENDING, message, giveUp ? 0 : retryDelaySeconds(settings, task.attempts)],
  );
  if (result.rowCount !== 1) return 'lost';
  return giveUp ? 'failed' : 'retrying';
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

/** Marketing messages carry `type: MARKETING` in their payload (notify with type MARKETING). */
const isMarketing = (task: ClaimedTask): boolean => (task.payload as { type?: unknown } | null)?.type === 'MARKETING';

/**
 * The recipients (e-mail, phone, or user id for in-app) of this batch's
 * marketing tasks whose latest MARKETING consent is a grant: one statement
 * per batch. Marketing is never sent without consent (see modules/privacy).
 */
async function marketingConsenters(pool: Pool, tasks: ClaimedTask[]): Promise<Set<string>> {
  const recipients = [...new Set(tasks.filter(isMarketing).map((task) => task.recipient))];
  if (recipients.length === 0) return new Set();
  const { rows } = await pool.query<{ id: string; email: string | null; phone: string | null }>(
    `select u.id::text as id, u.email, u.phone from users u
      where u.deleted_at is null and (u.email = any($1::text[]) or u.phone = any($1::text[]) or u.id::text = any($1::text[]))
        and (select c.granted from consents c where c.user_id = u.id and c.type = 'MARKETING' order by c.created_at desc, c.id desc limit 1) is true`,
    [recipients],
  );
  return new Set(rows.flatMap((row) => [row.id, row.email, row.phone].filter((value): value is string => value !== null)));
}

/** Decides where each claimed task goes; the ones that leave the building are returned for sending. */
function route(deps: WorkerDeps, tasks: ClaimedTask[], consenters: Set<string>) {
  const settings = deps.config.notifications;
  const local: LocalDelivery[] = [];
  const remote: { task: ClaimedTask; rendered: RenderedMessage }[] = [];
  const broken: { task: ClaimedTask; error: unknown }[] = [];
  for (const task of tasks) {
    try {
      if (isMarketing(task) && !consenters.has(task.recipient)) {
        local.push({ kind: 'skipped', task, note: 'No marketing consent' });
        continue;
      }
      if (task.channel === NotificationChannel.WHATSAPP && !whatsappConfigured(settings)) {
        local.push({ kind: 'skipped', task, note: 'WhatsApp is not configured' });
        continue;
      }
      const rendered = renderNotification(task.template, task.payload, deps.config);
      if (task.channel === NotificationChannel.IN_APP) {
        if (!isUuid(task.recipient)) throw new PermanentSendError('An in-app recipient must be a user id');
        local.push({ kind: 'inApp', task, rendered });
      } else if (task.channel === NotificationChannel.EMAIL) {
        if (settings.smtpUrl) remote.push({ task, rendered });
        else local.push({ kind: 'outbox', task, rendered });
      } else if (task.channel === NotificationChannel.WHATSAPP) {
        remote.push({ task, rendered });
      } else {
        throw new PermanentSendError(`No sender for channel ${task.channel}`);
      }
    } catch (error) {
      broken.push({ task, error });
    }
  }
  return { local, remote, broken };
}

/** One batch: reclaim expired leases (when asked), claim, deliver. */
export async function runWorkerBatch(deps: WorkerDeps, workerId: string, reclaim = true): Promise<WorkerReport> {
  const settings = deps.config.notifications;
  const limit = settings.batchSize;
  const report = emptyReport();
  if (reclaim) report.reclaimed = await reclaimExpired(deps.pool, settings);
  const tasks = await claim(deps.pool, settings, workerId, limit);
  report.claimed = tasks.length;
  if (tasks.length === 0) return report;
  const { local, remote, broken } = route(deps, tasks, await marketingConsenters(deps.pool, tasks));
  const count = (outcome: 'failed' | 'retrying' | 'lost'): void => {
    if (outcome !== 'lost') report[outcome] += 1;
  };
  for (const { task, error } of broken) count(await failOne(deps.pool, settings, task, error));
  // An in-app message needs its user: a task for one that does not exist fails alone, not with its batch.
  const inAppUsers = local.filter((d) => d.kind === 'inApp').map((d) => d.task.recipient);
  const knownUsers = inAppUsers.length === 0 ? new Set<string>() : new Set((await deps.pool.query<{ id: string }>('select id from users where id = any($1::uuid[])', [inAppUsers])).rows.map((row) => row.id));
  const deliverable = local.filter((d) => d.kind !== 'inApp' || knownUsers.has(d.task.recipient));
  for (const d of local) {
    if (!deliverable.includes(d)) count(await failOne(deps.pool, settings, d.task, new PermanentSendError('No such user for an in-app message')));
  }
  const done = await completeLocal(deps, deliverable);
  report.completed += done.completed;
  report.skipped += done.skipped;
  for (const notification of done.inApp) {
    await deps.events.publish({ topic: MY_NOTIFICATIONS_TOPIC, key: notification.userId, data: { notificationId: notification.id } }).catch((error: unknown) => {
      deps.logger.warn('In-app notification event not published', { error: String(error) });
    });
  }
  await eachLimited(remote, settings.concurrency, async ({ task, rendered }) => {
    try {
      const message = { taskId: task.id, recipient: task.recipient, rendered };
      if (task.channel === NotificationChannel.EMAIL) await sendEmail(settings, message);
      else await sendWhatsApp(settings, message);
    } catch (error) {
      count(await failOne(deps.pool, settings, task, error));
      return;
    }
    if (await completeOne(deps.pool, task)) report.completed += 1;
  });
  return report;
}

export interface DrainOptions {
  /** Stop starting new batches after this long. */
  budgetMs?: number;
  workerId?: string;
}

/** Batches until nothing is due or the time budget is spent: the notification-tasks job and cron route. */
export async function runNotificationWorker(deps: WorkerDeps, options: DrainOptions = {}): Promise<WorkerReport> {
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const deadline = Date.now() + (options.budgetMs ?? 20_000);
  let total = emptyReport();
  let lastReclaim = 0;
  for (;;) {
    // Leases are seconds to minutes long: looking for expired ones every few seconds is enough, not every batch.
    const reclaim = Date.now() - lastReclaim >= RECLAIM_EVERY_MS;
    if (reclaim) lastReclaim = Date.now();
    const batch = await runWorkerBatch(deps, workerId, reclaim);
    total = addReports(total, batch);
    if (batch.claimed < deps.config.notifications.batchSize || Date.now() >= deadline) return total;
  }
}

export async function countTasksByStatus(pool: Pool, groupId?: string): Promise<StatusCounts> {
  const result = await pool.query<{ status: NotificationStatus; count: string }>(
    `select status, count(*) as count from notification_tasks ${groupId ? 'where group_id = $1' : ''} group by status`,
    groupId ? [groupId] : [],
  );
  const counts: StatusCounts = { pending: 0, locked: 0, completed: 0, failed: 0, skipped: 0 };
  for (const row of result.rows) counts[row.status.toLowerCase() as keyof StatusCounts] = Number(row.count);
  return counts;
}
