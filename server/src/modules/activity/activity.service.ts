import type { ServiceContext } from '../../shared/service-context';
import type { Page } from '../../shared/pagination';
import { isUuid } from '../../shared/validation';
import { assertGroupRole, STAFF_ROLES } from '../auth/authorization';
import type { Viewer } from '../auth/viewer';
import { ActivityLog, ActorKind } from './activity-log.entity';
import { LogPageFilter, newestFirstPage } from './log-page';

export interface ActivityInput {
  groupId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface Actor {
  kind: ActorKind;
  /** The user's or API key's id; null for SYSTEM. */
  id: string | null;
}

/** Who a log entry is attributed to: the signed-in person, the API key, or the system (jobs, webhooks). */
export function actorOf(viewer: Viewer): Actor {
  if (viewer.kind === 'user') return { kind: ActorKind.USER, id: viewer.user.id };
  if (viewer.kind === 'apiKey') return { kind: ActorKind.API_KEY, id: viewer.apiKey.id };
  return { kind: ActorKind.SYSTEM, id: null };
}

/**
 * Queues an activity entry on the request's EntityManager, so it is written
 * in the same flush (and transaction) as the change it describes.
 */
export function recordActivity(ctx: ServiceContext, input: ActivityInput): ActivityLog {
  const actor = actorOf(ctx.viewer);
  const entry = ctx.em.create(ActivityLog, {
    groupId: input.groupId,
    actorKind: actor.kind,
    actorId: actor.id,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    before: input.before ?? null,
    after: input.after ?? null,
  });
  ctx.em.persist(entry);
  return entry;
}

/** The actor's display name: the user's name or the API key's name; null for SYSTEM or a row that no longer exists. */
export async function actorName(ctx: ServiceContext, actor: Actor): Promise<string | null> {
  if (actor.id === null) return null;
  if (actor.kind === ActorKind.USER) return ctx.loaders.userNameById.load(actor.id);
  if (actor.kind === ActorKind.API_KEY) return ctx.loaders.apiKeyNameById.load(actor.id);
  return null;
}

/** The activity log shows who did what to whom; it is for the people who run the group. */
export async function assertMayReadActivityLog(ctx: ServiceContext, groupId: string): Promise<void> {
  await assertGroupRole(ctx, groupId, STAFF_ROLES);
}

export interface ListActivityFilter extends LogPageFilter {
  /** Only what this user did (not API keys or the system). */
  userId?: string | null;
  /** Exact action, e.g. member.add */
  action?: string | null;
}

/** A group's activity, newest first. */
export async function listActivity(ctx: ServiceContext, filter: ListActivityFilter): Promise<Page<ActivityLog>> {
  await assertMayReadActivityLog(ctx, filter.groupId);
  const { userId, action } = filter;
  return newestFirstPage(ctx, ActivityLog, 'activity_logs', filter, {
    // A malformed id would fail the uuid cast in SQL; say which argument is wrong instead.
    validate: (validator) => validator.check('userId', !userId || isUuid(userId), 'Not a user id'),
    narrow: (query) => {
      if (userId) query.andWhere({ actor_kind: ActorKind.USER, actor_id: userId });
      if (action) query.andWhere({ action });
    },
  });
}
