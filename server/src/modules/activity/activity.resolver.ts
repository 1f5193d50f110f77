import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { ActivityLog } from './activity-log.entity';
import * as activity from './activity.service';
import { ActivityLogType, ActorType } from './activity.types';

export const ActivityLogConnection = connectionOf('ActivityLog', ActivityLogType);

@Resolver(() => ActivityLogType)
export class ActivityResolver {
  @Query(() => ActivityLogConnection, { description: "A group's activity, newest first (admins and operators)" })
  async activityLog(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('userId', () => ID, { nullable: true, description: "Only this user's own actions" }) userId: string | null,
    @Arg('action', () => String, { nullable: true, description: 'Exact action, e.g. member.add' }) action: string | null,
    @Arg('from', () => Date, { nullable: true, description: 'Inclusive' }) from: Date | null,
    @Arg('to', () => Date, { nullable: true, description: 'Exclusive; not before from' }) to: Date | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<ActivityLog>> {
    return toConnection(await activity.listActivity(ctx, { groupId, userId, action, from, to, first, after }));
  }

  @FieldResolver(() => ActorType, { description: 'Who did it' })
  async actor(@Root() entry: ActivityLog, @Ctx() ctx: GraphQLContext): Promise<ActorType> {
    const actor = { kind: entry.actorKind, id: entry.actorId };
    return { ...actor, name: await activity.actorName(ctx, actor) };
  }
}
