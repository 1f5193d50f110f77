import { conflict, forbidden, notFound } from '../../shared/domain-error';
import { Role } from '../../shared/roles';
import type { ServiceContext } from '../../shared/service-context';
import { ActorKind } from '../activity/activity-log.entity';
import { actorName } from '../activity/activity.service';
import { ApprovalAction, ApprovalEntityType, ApprovalRequest, ApprovalRequestStatus } from '../approvals/approval-request.entity';
import { requireId, requireSignedIn, viewerRoleIn } from '../auth/authorization';
import { LedgerTransaction } from './ledger.entities';
import { ApprovalSource, ApprovalStatus, TransactionType } from './ledger.enums';
import type { ReceiptData } from './receipt';

/** Why a transaction has no receipt; null when it has one. */
export function noReceiptReason(txn: LedgerTransaction): string | null {
  if (txn.type !== TransactionType.CASH_IN) return 'Only money in has a receipt';
  if (txn.approvalStatus !== ApprovalStatus.APPROVED) return `A ${txn.approvalStatus.toLowerCase()} transaction has no receipt`;
  if (txn.reverses) return 'A reversal has no receipt';
  if (txn.reversedBy) return 'This transaction was reversed: its receipt is void';
  if (!txn.receiptNumber) return 'This transaction has no receipt number';
  return null;
}

/** The person who paid: the transaction's member, or the primary member who pays for a sub-member. */
function isPayer(ctx: ServiceContext, txn: LedgerTransaction): boolean {
  if (ctx.viewer.kind !== 'user' || !txn.member) return false;
  const userId = ctx.viewer.user.id;
  return txn.member.user?.id === userId || txn.member.primaryMember?.user?.id === userId;
}

/**
 * A receipt is for the group's admins and operators and for the member who
 * paid (even after they left the group: it is their payment). Another member
 * of the group is FORBIDDEN; anyone outside it gets NOT_FOUND.
 */
export async function assertCanReadReceipt(ctx: ServiceContext, txn: LedgerTransaction): Promise<void> {
  requireSignedIn(ctx);
  const role = await viewerRoleIn(ctx, txn.group.id);
  if (role === Role.ADMIN || role === Role.OPERATOR) return;
  if (isPayer(ctx, txn)) return;
  if (role === Role.MEMBER) throw forbidden('Only the paying member and the group\'s admins and operators can see this receipt');
  throw notFound('Transaction');
}

const SOURCE_LABELS: Partial<Record<ApprovalSource, string>> = {
  [ApprovalSource.RAZORPAY_WEBHOOK]: 'Razorpay (automatic)',
  [ApprovalSource.STRIPE_WEBHOOK]: 'Stripe (automatic)',
  [ApprovalSource.PAYMENT_VERIFICATION]: 'Payment verification (automatic)',
};

/**
 * Who confirmed the money: the admin who approved the request to record it;
 * else whoever recorded it, since an admin's own transaction posts at once
 * (after an approved correction that is the approver too); else, for money a
 * provider's webhook posted, the provider.
 */
async function confirmedBy(ctx: ServiceContext, txn: LedgerTransaction): Promise<string | null> {
  const approval = await ctx.em.findOne(ApprovalRequest, {
    group: txn.group.id,
    entityType: ApprovalEntityType.TRANSACTION,
    action: ApprovalAction.CREATE,
    targetId: txn.id,
    status: ApprovalRequestStatus.APPROVED,
  });
  const actor = approval?.decidedByKind ? { kind: approval.decidedByKind, id: approval.decidedById } : { kind: txn.createdByKind, id: txn.createdById };
  if (actor.kind === ActorKind.SYSTEM || actor.id === null) return SOURCE_LABELS[txn.approvalSource] ?? null;
  return actorName(ctx, actor);
}

/**
 * The receipt of an approved money-in transaction. Access is checked before
 * the status, so an outsider learns nothing about a transaction; then a
 * transaction without a receipt (pending, rejected, reversed, a reversal,
 * money out) is CONFLICT with reason NO_RECEIPT.
 */
export async function getReceipt(ctx: ServiceContext, id: string): Promise<ReceiptData> {
  requireSignedIn(ctx);
  const txn = await ctx.em.findOne(LedgerTransaction, { id: requireId(id, 'Transaction') }, { populate: ['group', 'member.primaryMember'] });
  if (!txn) throw notFound('Transaction');
  await assertCanReadReceipt(ctx, txn);
  return receiptOf(ctx, txn);
}

/**
 * The receipt behind a signed link from a message: the token (checked by the
 * caller) is the permission, so there is no viewer to check.
 */
export async function getReceiptForSignedLink(ctx: ServiceContext, transactionId: string): Promise<ReceiptData> {
  const txn = await ctx.em.findOne(LedgerTransaction, { id: requireId(transactionId, 'Transaction') }, { populate: ['group', 'member.primaryMember'] });
  if (!txn) throw notFound('Transaction');
  return receiptOf(ctx, txn);
}

async function receiptOf(ctx: ServiceContext, txn: LedgerTransaction): Promise<ReceiptData> {
  const reason = noReceiptReason(txn);
  if (reason) throw conflict(reason, 'NO_RECEIPT');
  const foreign = txn.currency !== txn.group.currency;
  return {
    groupName: txn.group.name,
    receiptNumber: txn.receiptNumber!,
    payerName: txn.member?.name ?? txn.senderName,
    memberNumber: txn.member?.memberNumber ?? null,
    amount: { amountMinor: txn.amountMinor, currency: txn.currency },
    groupAmount: foreign ? { amountMinor: txn.groupAmountMinor, currency: txn.group.currency } : null,
    fxRate: foreign ? txn.fxRate : null,
    paymentMode: txn.paymentMode,
    category: txn.category,
    description: txn.description,
    occurredAt: txn.occurredAt,
    confirmedBy: await confirmedBy(ctx, txn),
  };
}
