import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { actorName } from '../activity/activity.service';
import { ActorType } from '../activity/activity.types';
import { AuditLog } from './audit-log.entity';
import * as audit from './audit.service';
import { AuditLogType } from './audit.types';

export const AuditLogConnection = connectionOf('AuditLog', AuditLogType);

@Resolver(() => AuditLogType)
export class AuditResolver {
  @Query(() => AuditLogConnection, { description: "A group's financial audit trail, newest first (admins and operators)" })
  async auditLog(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('entityType', () => String, { nullable: true, description: 'Exact entity type, e.g. Transaction' }) entityType: string | null,
    @Arg('from', () => Date, { nullable: true, description: 'Inclusive' }) from: Date | null,
    @Arg('to', () => Date, { nullable: true, description: 'Exclusive; not before from' }) to: Date | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<AuditLog>> {
    return toConnection(await audit.listAudit(ctx, { groupId, entityType, from, to, first, after }));
  }

  @FieldResolver(() => ActorType, { description: 'Who made the change: the person, the API key, or SYSTEM (e.g. a payment provider callback)' })
  async actor(@Root() entry: AuditLog, @Ctx() ctx: GraphQLContext): Promise<ActorType> {
    const actor = { kind: entry.actorKind, id: entry.actorId };
    return { ...actor, name: await actorName(ctx, actor) };
  }
}
