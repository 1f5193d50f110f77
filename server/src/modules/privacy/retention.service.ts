import type { EntityManager } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../../config';
import { pruneRateLimitCounters } from '../../shared/rate-limit';
import { SIGN_IN_WINDOW_SECONDS } from '../auth/auth.service';

/**
 * Tables holding raw provider bodies, and how long each keeps them. A table
 * that does not exist yet (its module is not installed) is skipped, so adding
 * one is one line here.
 */
export const RAW_BODY_TABLES: readonly { table: string; bodyColumn: string; receivedAtColumn: string; settledWhere: string }[] = [
  // Only settled events: a FAILED or RECEIVED one still needs its body to be retried.
  { table: 'inbound_webhook_events', bodyColumn: 'raw_body', receivedAtColumn: 'received_at', settledWhere: `"status" in ('PROCESSED', 'IGNORED')` },
];

export interface RetentionReport {
  rateLimitCounters: number;
  signInFailures: number;
  notificationPayloads: number;
  /** Per table: bodies removed, or null when the table (or its columns) is not there. */
  webhookBodies: Record<string, number | null>;
}

async function affected(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  const result: { affectedRows?: number } = await em.getConnection().execute(sql, params, 'run');
  return result.affectedRows ?? 0;
}

async function hasColumns(em: EntityManager, table: string, columns: string[]): Promise<boolean> {
  const rows: { count: string }[] = await em.getConnection().execute(
    `select count(*) as count from information_schema.columns where table_schema = current_schema() and table_name = ? and column_name in (${columns.map(() => '?').join(', ')})`,
    [table, ...columns],
  );
  return Number(rows[0].count) === columns.length;
}

/**
 * Removes what is past its retention; safe to run on every instance at once
 * and as often as wanted (a second run finds nothing to do). Financial data —
 * the ledger, the audit log, dues, terms — is never touched here.
 * - expired rate-limit windows and failed sign-ins older than their window (they hold e-mails);
 * - payloads of sent or failed notifications older than NOTIFICATION_PAYLOAD_RETENTION_DAYS
 *   (the task row stays, so dedupe keys keep working);
 * - raw inbound webhook bodies older than WEBHOOK_BODY_RETENTION_DAYS (the event row stays, so replays are still refused).
 */
export async function runDataRetention(em: EntityManager, config: Pick<CofferConfig, 'notificationPayloadRetentionDays' | 'webhookBodyRetentionDays'>): Promise<RetentionReport> {
  const rateLimitCounters = await pruneRateLimitCounters(em);
  const signInFailures = await affected(em, `delete from sign_in_failures where attempted_at < now() - make_interval(secs => ?)`, [SIGN_IN_WINDOW_SECONDS]);
  const notificationPayloads = await affected(
    em,
    `update notification_tasks set payload = '{}'::jsonb
     where status in ('COMPLETED', 'FAILED') and updated_at < now() - make_interval(days => ?) and payload <> '{}'::jsonb`,
    [config.notificationPayloadRetentionDays],
  );
  const webhookBodies: Record<string, number | null> = {};
  for (const { table, bodyColumn, receivedAtColumn, settledWhere } of RAW_BODY_TABLES) {
    if (!(await hasColumns(em, table, [bodyColumn, receivedAtColumn]))) {
      webhookBodies[table] = null;
      continue;
    }
    webhookBodies[table] = await affected(
      em,
      `update "${table}" set "${bodyColumn}" = null where "${bodyColumn}" is not null and ${settledWhere} and "${receivedAtColumn}" < now() - make_interval(days => ?)`,
      [config.webhookBodyRetentionDays],
    );
  }
  return { rateLimitCounters, signInFailures, notificationPayloads, webhookBodies };
}
