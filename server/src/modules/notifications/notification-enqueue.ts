import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotificationChannel } from './notification-task.entity';

export interface NotificationInput {
  groupId: string | null;
  memberId?: string | null;
  channel: NotificationChannel;
  /** A key of notification-templates.ts, e.g. payment.received */
  template: string;
  /** E-mail address (EMAIL), phone (WHATSAPP) or user id (IN_APP). */
  recipient: string;
  /** What the template reads. Encrypt secrets (shared/crypto.ts); prefer ids (dueId) to links, which are signed at send time. */
  payload: Record<string, unknown>;
  /** Same key, same message: a second enqueue (a retried request, a replayed webhook) adds nothing. */
  dedupeKey: string;
}

/**
 * Queues one message on the caller's EntityManager, so it commits (or rolls
 * back) with the change that caused it; the notification worker sends it.
 * Returns false when a task with this dedupe key exists already.
 */
export async function enqueueNotification(em: EntityManager, input: NotificationInput): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into notification_tasks (id, created_at, updated_at, group_id, member_id, channel, template, recipient, payload, dedupe_key, status, attempts, next_run_at)
     values (gen_random_uuid(), now(), now(), ?, ?, ?, ?, ?, ?::jsonb, ?, 'PENDING', 0, now())
     on conflict (dedupe_key) do nothing returning id`,
    [input.groupId, input.memberId ?? null, input.channel, input.template, input.recipient, JSON.stringify(input.payload), input.dedupeKey],
  );
  return rows.length === 1;
}
