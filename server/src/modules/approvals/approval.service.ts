import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, forbidden, notFound } from '../../shared/domain-error';
import { CofferEvent, DeferredEventBus } from '../../shared/event-bus';
import { createLoaders } from '../../shared/loaders';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { Role } from '../../shared/roles';
import { readBeforeLock, readLocked, transactionKnex, withRowLock } from '../../shared/row-lock';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator } from '../../shared/validation';
import { ActorKind } from '../activity/activity-log.entity';
import { recordActivity } from '../activity/activity.service';
import { recordAudit } from '../audit/audit.service';
import { ADMIN_ONLY, assertGroupRole, requireId, requireSignedIn, viewerRoleIn } from '../auth/authorization';
import { ApprovalAction, ApprovalEntityType, ApprovalRequest, ApprovalRequestStatus } from './approval-request.entity';
import { approvalHandlers } from './approval-handlers';
import { enqueueIntegratorEvent } from '../webhooks/webhook-outbox';
import { IntegratorEventType } from '../webhooks/webhook.entities';

export const APPROVAL_EVENTS_TOPIC = 'approvalEvents';
export type ApprovalEventType = 'QUEUED' | 'APPROVED' | 'REJECTED' | 'CANCELLED';

export interface ApprovalRequestInput {
  groupId: string;
  entityType: ApprovalEntityType;
  action: ApprovalAction;
  targetId?: string | null;
  targetVersion?: number | null;
  proposedData: Record<string, unknown>;
  previousData?: Record<string, unknown> | null;
  notes?: string | null;
}

export function actorOf(ctx: ServiceContext): { kind: ActorKind; id: string | null } {
  const { viewer } = ctx;
  if (viewer.kind === 'user') return { kind: ActorKind.USER, id: viewer.user.id };
  if (viewer.kind === 'apiKey') return { kind: ActorKind.API_KEY, id: viewer.apiKey.id };
  return { kind: ActorKind.SYSTEM, id: null };
}

function isRequester(ctx: ServiceContext, request: ApprovalRequest): boolean {
  const actor = actorOf(ctx);
  return actor.id !== null && actor.kind === request.requestedByKind && actor.id === request.requestedById;
}

/**
 * Four eyes means two people: a request made through an API key counts as
 * made by the person who created that key, so they cannot approve it signed
 * in as themselves.
 */
async function isRequesterInPerson(ctx: ServiceContext, request: ApprovalRequest): Promise<boolean> {
  if (isRequester(ctx, request)) return true;
  if (request.requestedByKind !== ActorKind.API_KEY || !request.requestedById || ctx.viewer.kind !== 'user') return false;
  // Batched: a page of approvals costs one lookup for all its keys, not one per row.
  return (await ctx.loaders.apiKeyCreatorById.load(request.requestedById)) === ctx.viewer.user.id;
}

function approvalSnapshot(request: ApprovalRequest): Record<string, unknown> {
  return {
    entityType: request.entityType,
    action: request.action,
    targetId: request.targetId,
    targetVersion: request.targetVersion,
    proposedData: request.proposedData,
    status: request.status,
    notes: request.notes,
    decisionNotes: request.decisionNotes,
  };
}

/**
 * Integrators hear of a request when it is queued and when it is decided. The proposed data stays
 * out of the event (it can hold unmasked details such as a bank account); approval(id) has it.
 */
function emitApprovalEvent(em: EntityManager, groupId: string, request: ApprovalRequest, type: IntegratorEventType): void {
  const { entityType, action, targetId, status, notes, decisionNotes } = request;
  const approval = { id: request.id, entityType, action, targetId, status, notes, decisionNotes, decidedAt: request.decidedAt?.toISOString() ?? null };
  enqueueIntegratorEvent(em, { groupId, type, data: { approval } });
}

/**
 * Queues a change for an admin's approval, on the caller's EntityManager (so
 * in the same database transaction as anything the caller writes). The
 * caller publishes QUEUED after its commit with publishApprovalEvent.
 */
export function requestApproval(ctx: ServiceContext, em: EntityManager, input: ApprovalRequestInput): ApprovalRequest {
  const actor = actorOf(ctx);
  const request = em.create(ApprovalRequest, {
    group: input.groupId,
    entityType: input.entityType,
    action: input.action,
    targetId: input.targetId ?? null,
    targetVersion: input.targetVersion ?? null,
    proposedData: input.proposedData,
    previousData: input.previousData ?? null,
    requestedByKind: actor.kind,
    requestedById: actor.id,
    notes: input.notes?.trim() || null,
  });
  em.persist(request);
  recordActivity({ ...ctx, em }, { groupId: input.groupId, action: 'approval.request', entityType: 'ApprovalRequest', entityId: request.id, after: approvalSnapshot(request) });
  recordAudit({ ...ctx, em }, { groupId: input.groupId, entityType: 'ApprovalRequest', entityId: request.id, action: 'approval.request', newData: approvalSnapshot(request) });
  emitApprovalEvent(em, input.groupId, request, IntegratorEventType.APPROVAL_QUEUED);
  return request;
}

export async function publishApprovalEvent(ctx: ServiceContext, request: ApprovalRequest, type: ApprovalEventType): Promise<void> {
  // Who asked travels with the event: subscribers' results differ only in whether they asked, themselves or
  // through a key they created (see approvalEventShareKey), so a key's request names its creator too.
  const keyCreator = request.requestedByKind === ActorKind.API_KEY && request.requestedById ? await ctx.loaders.apiKeyCreatorById.load(request.requestedById) : null;
  const event: CofferEvent = {
    topic: APPROVAL_EVENTS_TOPIC,
    key: request.group.id,
    data: {
      approvalId: request.id,
      type,
      requestedByKind: request.requestedByKind,
      requestedById: request.requestedById ?? '',
      ...(keyCreator ? { requestedByKeyCreatorId: keyCreator } : {}),
      // Lets subscribers read the decider's name alongside the request (approvalEventSnapshot).
      ...(request.decidedByKind && request.decidedById ? { decidedByKind: request.decidedByKind, decidedById: request.decidedById } : {}),
    },
  };
  await ctx.events.publish(event);
}

function assertPending(request: ApprovalRequest): void {
  if (request.status !== ApprovalRequestStatus.PENDING) {
    throw conflict(`This request was already ${request.status.toLowerCase()}`, 'ALREADY_DECIDED');
  }
}

/** The named check behind approve and viewerCanApprove. */
export async function assertCanApprove(ctx: ServiceContext, request: ApprovalRequest): Promise<void> {
  await assertGroupRole(ctx, request.group.id, ADMIN_ONLY, 'Approval');
  if (await isRequesterInPerson(ctx, request)) throw forbidden('You cannot approve or reject your own request (or one made with your API key)');
}

/** Refuses to apply a request whose target changed (or vanished) since it was made. */
async function assertNotStale(em: EntityManager, request: ApprovalRequest): Promise<void> {
  if (request.targetId === null || request.targetVersion === null) return;
  const current = await approvalHandlers[request.entityType].currentVersion(em, request.targetId);
  if (current !== request.targetVersion) {
    throw conflict('The record changed after this request was made; reject it and ask again', 'STALE_REQUEST');
  }
}

type Decision = 'APPROVED' | 'REJECTED' | 'CANCELLED';

async function assertMayDecide(ctx: ServiceContext, request: ApprovalRequest, decision: Decision): Promise<void> {
  if (decision !== 'CANCELLED') return assertCanApprove(ctx, request);
  if (!isRequester(ctx, request)) {
    await assertGroupRole(ctx, request.group.id, [Role.ADMIN, Role.OPERATOR, Role.MEMBER], 'Approval');
    throw forbidden('Only the person who asked can cancel a request');
  }
}

async function decide(ctx: ServiceContext, id: string, decision: Decision, notes: string | null | undefined): Promise<ApprovalRequest> {
  requireSignedIn(ctx);
  if (notes) new FieldValidator().check('notes', notes.length <= 2000, 'At most 2000 characters').throwIfInvalid();
  // Who may decide, and whether anything is left to decide, are checked before the lock (shared/row-lock.ts): the
  // checks read through the request's loaders, on connections of their own. Who asked and the group never change;
  // a click on a request already decided is answered here, without a transaction.
  const seen = await readBeforeLock(ctx.em, ApprovalRequest, { id: requireId(id, 'Approval') }, 'Approval');
  await assertMayDecide(ctx, seen, decision);
  assertPending(seen);
  const { request, events } = await withRowLock(ctx.em, (em, wait) => decideLocked(ctx, em, seen, decision, notes, wait));
  await events.flush();
  await publishApprovalEvent(ctx, request, decision);
  if (decision === 'APPROVED') approvalHandlers[request.entityType].afterApproved?.(ctx, request);
  return request;
}

/** One attempt at the decision, in the database transaction `em`; see withRowLock. */
async function decideLocked(
  ctx: ServiceContext,
  em: EntityManager,
  seen: ApprovalRequest,
  decision: Decision,
  notes: string | null | undefined,
  wait: boolean,
): Promise<{ request: ApprovalRequest; events: DeferredEventBus }> {
  // Events of the applied change wait for the commit, like the decision's own (and go with a failed attempt).
  const events = new DeferredEventBus(ctx.events);
  const handler = approvalHandlers[seen.entityType];
  // The target first, where other paths lock it before its request (see ApprovalHandler.lockTarget): locks taken
  // in one order never deadlock. The request's target never changes, so the copy read before the lock names it.
  if (seen.targetId !== null && handler.lockTarget) await handler.lockTarget(em, seen.targetId, wait);
  // The row lock makes concurrent decisions one after the other: the second sees the first's outcome.
  const locked = await readLocked(em, ApprovalRequest, { id: seen.id }, 'Approval', wait);
  assertPending(locked);
  const before = approvalSnapshot(locked);
  // The change is applied on this transaction's connection only: the services' role checks and loaders
  // included, which would otherwise each take another connection from the pool while this one holds the lock.
  const knex = transactionKnex(em);
  const applyCtx: ServiceContext = { ...ctx, em, knex, events, loaders: createLoaders(em, ctx.viewer, knex), approving: true };
  if (decision === 'APPROVED') {
    await assertNotStale(em, locked);
    await handler.apply(applyCtx, locked);
  } else {
    await handler.discard(applyCtx, locked, decision);
  }
  const actor = actorOf(ctx);
  locked.status = ApprovalRequestStatus[decision];
  locked.decidedByKind = actor.kind;
  locked.decidedById = actor.id;
  locked.decidedAt = new Date();
  locked.decisionNotes = notes?.trim() || null;
  const action = `approval.${decision.toLowerCase()}`;
  recordActivity(applyCtx, { groupId: locked.group.id, action, entityType: 'ApprovalRequest', entityId: locked.id, before, after: approvalSnapshot(locked) });
  recordAudit(applyCtx, { groupId: locked.group.id, entityType: 'ApprovalRequest', entityId: locked.id, action, previousData: before, newData: approvalSnapshot(locked) });
  emitApprovalEvent(em, locked.group.id, locked, IntegratorEventType.APPROVAL_RESOLVED);
  await em.flush();
  return { request: locked, events };
}

export const approve = (ctx: ServiceContext, id: string, notes?: string | null): Promise<ApprovalRequest> => decide(ctx, id, 'APPROVED', notes);
export const reject = (ctx: ServiceContext, id: string, notes?: string | null): Promise<ApprovalRequest> => decide(ctx, id, 'REJECTED', notes);
export const cancelApproval = (ctx: ServiceContext, id: string): Promise<ApprovalRequest> => decide(ctx, id, 'CANCELLED', null);

/** Admins see every request of the group; operators and API keys their own. */
async function assertCanSee(ctx: ServiceContext, request: ApprovalRequest): Promise<void> {
  const role = await assertGroupRole(ctx, request.group.id, [Role.ADMIN, Role.OPERATOR, Role.MEMBER], 'Approval');
  if (role !== Role.ADMIN && !isRequester(ctx, request)) throw notFound('Approval');
}

export async function getApproval(ctx: ServiceContext, id: string): Promise<ApprovalRequest> {
  const request = await ctx.em.findOne(ApprovalRequest, { id: requireId(id, 'Approval') });
  if (!request) throw notFound('Approval');
  await assertCanSee(ctx, request);
  return request;
}

export interface ApprovalFilter extends PageRequest {
  groupId: string;
  status?: ApprovalRequestStatus | null;
  entityType?: ApprovalEntityType | null;
}

/** Newest first. */
export async function listApprovals(ctx: ServiceContext, filter: ApprovalFilter): Promise<Page<ApprovalRequest>> {
  const role = await assertGroupRole(ctx, filter.groupId, [Role.ADMIN, Role.OPERATOR]);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'timestamp');
  const knex = ctx.em.getKnex();
  const base = knex('approval_requests as a').where('a.group_id', filter.groupId);
  if (filter.status) base.andWhere('a.status', filter.status);
  if (filter.entityType) base.andWhere('a.entity_type', filter.entityType);
  if (role !== Role.ADMIN) {
    const actor = actorOf(ctx);
    base.andWhere({ 'a.requested_by_kind': actor.kind, 'a.requested_by_id': actor.id });
  }
  const pageQuery = base.clone().select('a.*').orderBy([{ column: 'a.created_at', order: 'desc' }, { column: 'a.id', order: 'desc' }]).limit(size + 1);
  if (after) pageQuery.whereRaw('(a.created_at, a.id) < (cast(? as timestamptz), cast(? as uuid))', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const requests = (rows as Record<string, unknown>[]).map((row) => ctx.em.map(ApprovalRequest, row));
  return toPage(requests, size, (r) => ({ sort: r.createdAt.toISOString(), id: r.id }), Number((countRows[0] as { count: string }).count), after);
}

export async function countPending(em: EntityManager, groupId: string): Promise<number> {
  return em.count(ApprovalRequest, { group: groupId, status: ApprovalRequestStatus.PENDING });
}

export async function pendingApprovalCount(ctx: ServiceContext, groupId: string): Promise<number> {
  await assertGroupRole(ctx, groupId, ADMIN_ONLY);
  return countPending(ctx.em, groupId);
}

/** For the dashboard: admins count the group's pending requests, everyone else their own. */
export async function pendingApprovalsFor(ctx: ServiceContext, groupId: string): Promise<number> {
  const role = await assertGroupRole(ctx, groupId, [Role.ADMIN, Role.OPERATOR]);
  if (role === Role.ADMIN) return countPending(ctx.em, groupId);
  const actor = actorOf(ctx);
  return ctx.em.count(ApprovalRequest, { group: groupId, status: ApprovalRequestStatus.PENDING, requestedByKind: actor.kind, requestedById: actor.id });
}

export async function viewerCanDecide(ctx: ServiceContext, request: ApprovalRequest): Promise<boolean> {
  if (request.status !== ApprovalRequestStatus.PENDING) return false;
  return (await viewerRoleIn(ctx, request.group.id)) === Role.ADMIN && !(await isRequesterInPerson(ctx, request));
}

export function viewerCanCancel(ctx: ServiceContext, request: ApprovalRequest): boolean {
  return request.status === ApprovalRequestStatus.PENDING && isRequester(ctx, request);
}
