import type { Page } from '../../shared/pagination';
import type { ServiceContext } from '../../shared/service-context';
import { actorOf } from '../activity/activity.service';
import { LogPageFilter, newestFirstPage } from '../activity/log-page';
import { assertGroupRole, STAFF_ROLES } from '../auth/authorization';
import { AuditLog } from './audit-log.entity';

export interface AuditInput {
  groupId: string;
  /** e.g. Transaction, Approval, Balance */
  entityType: string;
  entityId: string;
  /** e.g. transaction.record, transaction.approve */
  action: string;
  previousData?: Record<string, unknown> | null;
  newData?: Record<string, unknown> | null;
  /** The full transaction after the change, when the entity is (or belongs to) a transaction. */
  snapshot?: Record<string, unknown> | null;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Money is bigint and JSON has no bigint (JSON.stringify throws on one);
 * amounts become decimal strings of minor units, dates ISO strings, so a
 * ledger row can be passed as it is and reads back exactly.
 */
function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined && typeof item !== 'function') out[key] = toJson(item);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

function toJsonObject(value: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  return value ? (toJson(value) as Record<string, unknown>) : null;
}

/**
 * Queues an audit entry on the request's EntityManager, so it is written in
 * the same flush (and transaction) as the change it describes: if the change
 * rolls back, so does its audit entry, and no change commits without one.
 * Call it with the transaction's EntityManager (`{ ...ctx, em }`) inside
 * `em.transactional`.
 */
export function recordAudit(ctx: ServiceContext, input: AuditInput): AuditLog {
  const actor = actorOf(ctx.viewer);
  const entry = ctx.em.create(AuditLog, {
    groupId: input.groupId,
    entityType: input.entityType,
    entityId: input.entityId,
    action: input.action,
    actorKind: actor.kind,
    actorId: actor.id,
    previousData: toJsonObject(input.previousData),
    newData: toJsonObject(input.newData),
    snapshot: toJsonObject(input.snapshot),
  });
  ctx.em.persist(entry);
  return entry;
}

/** The money trail is for the people who handle the money: admins and operators. */
export async function assertMayReadAuditLog(ctx: ServiceContext, groupId: string): Promise<void> {
  await assertGroupRole(ctx, groupId, STAFF_ROLES);
}

export interface ListAuditFilter extends LogPageFilter {
  /** Exact entity type, e.g. Transaction */
  entityType?: string | null;
}

/** A group's audit entries, newest first. */
export async function listAudit(ctx: ServiceContext, filter: ListAuditFilter): Promise<Page<AuditLog>> {
  await assertMayReadAuditLog(ctx, filter.groupId);
  const { entityType } = filter;
  return newestFirstPage(ctx, AuditLog, 'audit_logs', filter, {
    narrow: (query) => {
      if (entityType) query.andWhere({ entity_type: entityType });
    },
  });
}
