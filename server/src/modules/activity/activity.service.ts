import type { ServiceContext } from '../../shared/service-context';
import { ActivityLog, ActorKind } from './activity-log.entity';

export interface ActivityInput {
  groupId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Queues an activity entry on the request's EntityManager, so it is written
 * in the same flush (and transaction) as the change it describes.
 */
export function recordActivity(ctx: ServiceContext, input: ActivityInput): ActivityLog {
  const { viewer } = ctx;
  const entry = ctx.em.create(ActivityLog, {
    groupId: input.groupId,
    actorKind: viewer.kind === 'user' ? ActorKind.USER : viewer.kind === 'apiKey' ? ActorKind.API_KEY : ActorKind.SYSTEM,
    actorId: viewer.kind === 'user' ? viewer.user.id : viewer.kind === 'apiKey' ? viewer.apiKey.id : null,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    before: input.before ?? null,
    after: input.after ?? null,
  });
  ctx.em.persist(entry);
  return entry;
}
