import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../../shared/service-context';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { approvePendingTransaction, deleteTransaction, deserializeChanges, rejectPendingTransaction, updateTransaction } from '../ledger/ledger.service';
import { Member, MemberStatus } from '../members/member.entity';
import { applyRemittanceApproval, discardRemittanceApproval, dispatchAfterApproval, lockRemittanceRow, remittanceVersion } from '../remittances/remittance.service';
import { addMember, AddMemberData, addSubMember, AddSubMemberData, removeMember, updateMember, UpdateMemberData } from '../members/member.service';
import { confirmPayment, discardDueConfirmation, dueVersion, lockDueRow } from '../dues/due.service';
import { approvePendingTerm, discardPendingTerm, membershipTermVersion } from '../dues/membership.service';
import { ApprovalEntityType, ApprovalRequest } from './approval-request.entity';

/**
 * How each kind of request is carried out. `apply` runs as the approving
 * admin inside the approval's database transaction (ctx.em, ctx.approving);
 * `discard` undoes any placeholder the request created (a pending transaction).
 */
export interface ApprovalHandler {
  /** The target's version now, or null when it is gone (both make a request stale). */
  currentVersion(em: EntityManager, targetId: string): Promise<number | null>;
  /**
   * Locks the target's row, before the request's, for a target that other
   * paths lock before its pending request: a provider payment locks the due,
   * then settles the member's "I've paid" for it; cancelling a remittance
   * locks it, then withdraws its request. Deciding the request takes the two
   * in that same order, so the paths never deadlock (PostgreSQL would abort
   * one of them after a second). In an attempt of withRowLock, `wait: false`
   * is NOWAIT. A target that is gone is no error here (apply finds it stale).
   */
  lockTarget?(em: EntityManager, targetId: string, wait: boolean): Promise<void>;
  apply(ctx: ServiceContext, request: ApprovalRequest): Promise<void>;
  discard(ctx: ServiceContext, request: ApprovalRequest, decision: 'REJECTED' | 'CANCELLED'): Promise<void>;
  /** After an approval committed: start what follows it outside the request's transaction. Must not throw. */
  afterApproved?(ctx: ServiceContext, request: ApprovalRequest): void;
}

interface StoredOperation {
  operation: string;
  input: Record<string, unknown>;
}

const operationOf = (request: ApprovalRequest): StoredOperation => request.proposedData as unknown as StoredOperation;

const memberHandler: ApprovalHandler = {
  async currentVersion(em, targetId) {
    const member = await em.findOne(Member, { id: targetId, status: MemberStatus.ACTIVE }, { refresh: true });
    return member?.version ?? null;
  },
  async apply(ctx, request) {
    const { operation, input } = operationOf(request);
    switch (operation) {
      case 'addMember':
        await addMember(ctx, input as unknown as AddMemberData);
        return;
      case 'addSubMember':
        await addSubMember(ctx, input as unknown as AddSubMemberData);
        return;
      case 'updateMember':
        await updateMember(ctx, request.targetId!, input as UpdateMemberData);
        return;
      case 'removeMember':
        await removeMember(ctx, request.targetId!);
        return;
      default:
        throw new Error(`Unknown member operation ${operation}`);
    }
  },
  async discard() {
    // Member requests change nothing until approved.
  },
};

const transactionHandler: ApprovalHandler = {
  async currentVersion(em, targetId) {
    const txn = await em.findOne(LedgerTransaction, { id: targetId }, { refresh: true });
    return txn?.version ?? null;
  },
  async apply(ctx, request) {
    const { operation, input } = operationOf(request);
    switch (operation) {
      case 'recordTransaction':
        await approvePendingTransaction(ctx, request.targetId!);
        return;
      case 'updateTransaction':
        await updateTransaction(ctx, request.targetId!, deserializeChanges(input));
        return;
      case 'deleteTransaction':
        await deleteTransaction(ctx, request.targetId!);
        return;
      default:
        throw new Error(`Unknown transaction operation ${operation}`);
    }
  },
  async discard(ctx, request) {
    if (operationOf(request).operation === 'recordTransaction') await rejectPendingTransaction(ctx, request.targetId!);
  },
};

/** A member's "I've paid": approving confirms the payment (CASH_IN + PAID), rejecting reopens the due. */
const dueHandler: ApprovalHandler = {
  currentVersion: (em, targetId) => dueVersion(em, targetId),
  lockTarget: (em, targetId, wait) => lockDueRow(em, targetId, wait),
  async apply(ctx, request) {
    // ctx.em is the approval's transaction: confirmPayment's transactional() joins it.
    await confirmPayment(ctx, request.targetId!, { action: 'CONFIRM' });
  },
  async discard(ctx, request) {
    await discardDueConfirmation(ctx, request.targetId!);
  },
};

const membershipTermHandler: ApprovalHandler = {
  currentVersion: (em, targetId) => membershipTermVersion(em, targetId),
  async apply(ctx, request) {
    await approvePendingTerm(ctx, request.targetId!, operationOf(request).input);
  },
  async discard(ctx, request) {
    await discardPendingTerm(ctx, request.targetId!);
  },
};

/** Approving reserves the funds; the payout follows after the commit. */
const remittanceHandler: ApprovalHandler = {
  currentVersion: (em, targetId) => remittanceVersion(em, targetId),
  lockTarget: (em, targetId, wait) => lockRemittanceRow(em, targetId, wait),
  apply: (ctx, request) => applyRemittanceApproval(ctx, request),
  discard: (ctx, request, decision) => discardRemittanceApproval(ctx, request, decision),
  afterApproved: (ctx, request) => dispatchAfterApproval(ctx, request),
};

export const approvalHandlers: Record<ApprovalEntityType, ApprovalHandler> = {
  [ApprovalEntityType.MEMBER]: memberHandler,
  [ApprovalEntityType.TRANSACTION]: transactionHandler,
  [ApprovalEntityType.DUE]: dueHandler,
  [ApprovalEntityType.MEMBERSHIP_TERM]: membershipTermHandler,
  [ApprovalEntityType.REMITTANCE]: remittanceHandler,
};
