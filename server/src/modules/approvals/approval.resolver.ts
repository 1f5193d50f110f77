import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { connectionOf, ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import type { CofferEvent } from '../../shared/event-bus';
import { admittedEvents, AdmittedEvents } from '../../shared/admitted-events';
import { Role } from '../../shared/roles';
import { createLoaders } from '../../shared/loaders';
import { oncePerEvent } from '../../shared/once-per-event';
import type { ServiceContext } from '../../shared/service-context';
import { ActorKind } from '../activity/activity-log.entity';
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

/** The group's admins as of this event, read once per event and server instance (see oncePerEvent). */
function adminUserIdsAt(ctx: ServiceContext, groupId: string, event: CofferEvent): Promise<Set<string>> {
  return oncePerEvent(event, `admins:${groupId}`, async () => {
    const rows: { user_id: string }[] = await ctx.em
      .fork()
      .getKnex()('members')
      .select('user_id')
      .where({ group_id: groupId, role: Role.ADMIN, status: 'ACTIVE' })
      .whereNotNull('user_id');
    return new Set(rows.map((row) => row.user_id));
  });
}

/**
 * The group's events on a topic, passed on only while the subscriber is still
 * an admin of the group: checked for every event, so someone demoted or
 * removed mid-subscription stops receiving them (the stream ends). People are
 * checked against the admin list read once per event for all subscribers; an
 * API key's role is its own. The answer primes the subscriber's role loader,
 * so the event's `viewerCan…` fields need no query of their own. `preload`
 * starts, once per event, what the admitted subscribers' results will read.
 */
export function whileAdmin(ctx: ServiceContext, groupId: string, topic: string, options: { preload?: (event: CofferEvent) => Promise<unknown> } = {}): AdmittedEvents {
  return admittedEvents({
    events: ctx.events,
    topic,
    key: groupId,
    prepare: (event) => {
      // Started alongside the admin list rather than after it: one database round trip less before the first delivery.
      // Nothing of it reaches a subscriber who is not admitted; a failure here is retried where the data is used.
      options.preload?.(event).catch(() => undefined);
      return adminUserIdsAt(ctx, groupId, event);
    },
    admit: (_event, admins) => {
      const roles = ctx.loaders.viewerRoleByGroup;
      if (ctx.viewer.kind !== 'user' || !admins.has(ctx.viewer.user.id)) {
        roles.clearAll();
        return ctx.viewer.kind === 'user' ? false : viewerRoleIn(ctx, groupId).then((role) => role === Role.ADMIN);
      }
      // From the second event on the loader usually holds just this answer already: nothing to reset, for each of
      // a thousand subscribers.
      if (!roles.holdsOnly(groupId, Role.ADMIN)) roles.clearAll().prime(groupId, Role.ADMIN);
      return true;
    },
  });
}

/**
 * What makes two admins' approvalEvents results differ: only whether the
 * viewer asked for the request, in person or through an API key they created
 * (viewerCanApprove / viewerCanCancel). Every other admin signed in as a
 * person shares one execution of the event; API keys and the requester
 * execute their own. A key's request whose creator the event does not name
 * is executed by everyone on their own.
 */
export function approvalEventShareKey(event: CofferEvent, context: GraphQLContext): string | undefined {
  if (context.viewer.kind !== 'user') return undefined;
  const viewerId = context.viewer.user.id;
  switch (event.data.requestedByKind) {
    case ActorKind.USER:
      return event.data.requestedById === viewerId ? undefined : 'another-admin';
    case ActorKind.API_KEY:
      if (!event.data.requestedByKeyCreatorId) return undefined;
      return event.data.requestedByKeyCreatorId === viewerId ? undefined : 'another-admin';
    default:
      return 'another-admin';
  }
}

interface ApprovalEventSnapshot {
  approval: ApprovalRequest;
  pendingCount: number;
  /** Display names of the requester and decider, keyed by user or API key id. */
  userNames: Map<string, string | null>;
  apiKeyNames: Map<string, string | null>;
}

/** The requester and decider an approval event names (see publishApprovalEvent); events from older publishers may name neither. */
function actorsAnnouncedBy(event: CofferEvent): { kind: ActorKind; id: string }[] {
  const actors: { kind: ActorKind; id: string }[] = [];
  const { requestedByKind, requestedById, decidedByKind, decidedById } = event.data;
  if (requestedByKind && requestedById) actors.push({ kind: requestedByKind as ActorKind, id: requestedById });
  if (decidedByKind && decidedById) actors.push({ kind: decidedByKind as ActorKind, id: decidedById });
  return actors;
}

/** What every subscriber's event shows, loaded once per event and instance on a fork of its own. */
function approvalEventSnapshot(ctx: ServiceContext, groupId: string, event: CofferEvent): Promise<ApprovalEventSnapshot> {
  return oncePerEvent(event, `approval:${groupId}`, async () => {
    const em = ctx.em.fork();
    const loaders = createLoaders(em, ctx.viewer);
    // The event says who asked and who decided (publishApprovalEvent): their names are read alongside the request
    // instead of after it, one round trip less. What is shown is still the request's own actors, below; the
    // loaders answer those from these loads, and a name read for anyone else is simply not used.
    for (const actor of actorsAnnouncedBy(event)) void actorName({ ...ctx, em, loaders }, actor).catch(() => undefined);
    const [approval, pendingCount] = await Promise.all([
      em.findOneOrFail(ApprovalRequest, { id: event.data.approvalId }),
      approvals.countPending(em, groupId),
    ]);
    const userNames = new Map<string, string | null>();
    const apiKeyNames = new Map<string, string | null>();
    const actors = [
      { kind: approval.requestedByKind, id: approval.requestedById },
      { kind: approval.decidedByKind, id: approval.decidedById },
    ].filter((actor): actor is { kind: ActorKind; id: string } => Boolean(actor.kind && actor.id));
    // Together, so a decided request's two names cost one round trip (the loaders batch them), if not read already.
    const names = await Promise.all(actors.map((actor) => actorName({ ...ctx, em, loaders }, actor)));
    actors.forEach((actor, index) => (actor.kind === ActorKind.API_KEY ? apiKeyNames : userNames).set(actor.id, names[index]));
    return { approval, pendingCount, userNames, apiKeyNames };
  });
}

@Resolver(() => ApprovalRequestType)
export class ApprovalResolver {
  @Query(() => ApprovalConnection, { description: 'Newest first. Admins see every request; operators their own.' })
  async approvals(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('status', () => ApprovalRequestStatus, { nullable: true }) status: ApprovalRequestStatus | null,
    @Arg('entityType', () => ApprovalEntityType, { nullable: true, description: 'Only requests about this kind of record' }) entityType: ApprovalEntityType | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<ApprovalRequest>> {
    return toConnection(await approvals.listApprovals(ctx, { groupId, status, entityType, first, after }));
  }

  @Query(() => ApprovalRequestType, { description: "One request: admins see any of the group's; others only their own (else NOT_FOUND)" })
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
      return whileAdmin(context, args.groupId, approvals.APPROVAL_EVENTS_TOPIC, { preload: (event) => approvalEventSnapshot(context, args.groupId, event) });
    },
  })
  async approvalEvents(
    @Root() event: CofferEvent,
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
  ): Promise<{ type: string; approval: ApprovalRequest; pendingCount: number }> {
    const snapshot = await approvalEventSnapshot(ctx, groupId, event);
    // The names resolve from this subscriber's own loaders, primed: no query per subscriber.
    for (const [id, name] of snapshot.userNames) ctx.loaders.userNameById.clear(id).prime(id, name);
    for (const [id, name] of snapshot.apiKeyNames) ctx.loaders.apiKeyNameById.clear(id).prime(id, name);
    return { type: event.data.type, approval: snapshot.approval, pendingCount: snapshot.pendingCount };
  }

  @FieldResolver(() => ActorType, { description: 'Who asked for the change (the maker)' })
  async requestedBy(@Root() request: ApprovalRequest, @Ctx() ctx: GraphQLContext): Promise<ActorType> {
    const actor = { kind: request.requestedByKind, id: request.requestedById };
    return { ...actor, name: await actorName(ctx, actor) };
  }

  @FieldResolver(() => ActorType, { nullable: true, description: 'Who approved or rejected it (the checker), or the requester who cancelled it; null while PENDING' })
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

