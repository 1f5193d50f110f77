import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { connectionOf, ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import type { CofferEvent } from '../../shared/event-bus';
import { Role } from '../../shared/roles';
import type { ServiceContext } from '../../shared/service-context';
import { ActorType } from '../activity/activity.types';
import { actorName } from '../activity/activity.service';
import { ADMIN_ONLY, assertGroupRole, viewerRoleIn } from '../auth/authorization';
import { ApprovalEntityType, ApprovalRequest, ApprovalRequestStatus } from './approval-request.entity';
import * as approvals from './approval.service';
import { ApprovalEventType, ApprovalRequestType } from './approval.types';

export const ApprovalConnection = connectionOf('Approval', ApprovalRequestType);

interface GroupArgs {
  groupId: string;
}

/**
 * Passes events on only while the subscriber is still an admin of the group:
 * checked for every event, so someone demoted or removed mid-subscription
 * stops receiving them (the stream ends).
 */
export async function* whileAdmin(ctx: ServiceContext, groupId: string, events: AsyncIterableIterator<CofferEvent>): AsyncGenerator<CofferEvent> {
  try {
    for await (const event of events) {
      ctx.loaders.viewerRoleByGroup.clearAll();
      if ((await viewerRoleIn(ctx, groupId)) !== Role.ADMIN) return;
      yield event;
    }
  } finally {
    await events.return?.();
  }
}

@Resolver(() => ApprovalRequestType)
export class ApprovalResolver {
  @Query(() => ApprovalConnection, { description: 'Newest first. Admins see every request; operators their own.' })
  async approvals(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('status', () => ApprovalRequestStatus, { nullable: true }) status: ApprovalRequestStatus | null,
    @Arg('entityType', () => ApprovalEntityType, { nullable: true }) entityType: ApprovalEntityType | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<ApprovalRequest>> {
    return toConnection(await approvals.listApprovals(ctx, { groupId, status, entityType, first, after }));
  }

  @Query(() => ApprovalRequestType)
  async approval(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ApprovalRequest> {
    return approvals.getApproval(ctx, id);
  }

  @Query(() => Int, { description: "Requests waiting for a decision (the admins' inbox badge)" })
  async pendingApprovalCount(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID) groupId: string): Promise<number> {
    return approvals.pendingApprovalCount(ctx, groupId);
  }

  @Mutation(() => ApprovalRequestType, { description: 'Applies the change in the same database transaction. Not your own request; CONFLICT if already decided or stale.' })
  async approve(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('notes', () => String, { nullable: true }) notes: string | null): Promise<ApprovalRequest> {
    return approvals.approve(ctx, id, notes);
  }

  @Mutation(() => ApprovalRequestType, { description: 'Nothing is applied; a pending transaction becomes REJECTED' })
  async reject(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('notes', () => String, { nullable: true }) notes: string | null): Promise<ApprovalRequest> {
    return approvals.reject(ctx, id, notes);
  }

  @Mutation(() => ApprovalRequestType, { description: 'The requester withdraws their own pending request' })
  async cancelApproval(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ApprovalRequest> {
    return approvals.cancelApproval(ctx, id);
  }

  @Subscription(() => ApprovalEventType, {
    description: "New and decided requests of a group, with the pending count; for the group's admins only",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, GroupArgs, GraphQLContext>) => {
      await assertGroupRole(context, args.groupId, ADMIN_ONLY);
      return whileAdmin(context, args.groupId, context.events.subscribe(approvals.APPROVAL_EVENTS_TOPIC, args.groupId));
    },
  })
  async approvalEvents(
    @Root() event: CofferEvent,
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
  ): Promise<{ type: string; approval: ApprovalRequest; pendingCount: number }> {
    ctx.em.clear();
    const approval = await ctx.em.findOneOrFail(ApprovalRequest, { id: event.data.approvalId });
    return { type: event.data.type, approval, pendingCount: await approvals.countPending(ctx.em, groupId) };
  }

  @FieldResolver(() => ActorType)
  async requestedBy(@Root() request: ApprovalRequest, @Ctx() ctx: GraphQLContext): Promise<ActorType> {
    const actor = { kind: request.requestedByKind, id: request.requestedById };
    return { ...actor, name: await actorName(ctx, actor) };
  }

  @FieldResolver(() => ActorType, { nullable: true })
  async decidedBy(@Root() request: ApprovalRequest, @Ctx() ctx: GraphQLContext): Promise<ActorType | null> {
    if (!request.decidedByKind) return null;
    const actor = { kind: request.decidedByKind, id: request.decidedById };
    return { ...actor, name: await actorName(ctx, actor) };
  }

  @FieldResolver(() => Boolean, { description: 'Show the Approve button' })
  async viewerCanApprove(@Root() request: ApprovalRequest, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return approvals.viewerCanDecide(ctx, request);
  }

  @FieldResolver(() => Boolean, { description: 'Show the Reject button' })
  async viewerCanReject(@Root() request: ApprovalRequest, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return approvals.viewerCanDecide(ctx, request);
  }

  @FieldResolver(() => Boolean, { description: 'Show the Cancel button (the requester, while pending)' })
  viewerCanCancel(@Root() request: ApprovalRequest, @Ctx() ctx: GraphQLContext): boolean {
    return approvals.viewerCanCancel(ctx, request);
  }
}

