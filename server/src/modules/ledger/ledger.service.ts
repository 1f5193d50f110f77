import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, DomainError, ErrorCode, notFound } from '../../shared/domain-error';
import { DeferredEventBus } from '../../shared/event-bus';
import { convertAmount, isCurrencyCode, parseAmount } from '../../shared/money';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { Role } from '../../shared/roles';
import { preparedAs } from '../../db/prepared-statements';
import { readBeforeLock, readLocked, withRowLock } from '../../shared/row-lock';
import { knexOf, ServiceContext } from '../../shared/service-context';
import { FieldValidator, isUpiId, isUuid } from '../../shared/validation';
import { ActorKind } from '../activity/activity-log.entity';
import { recordActivity } from '../activity/activity.service';
import { ApprovalAction, ApprovalEntityType, ApprovalRequest } from '../approvals/approval-request.entity';
import { publishApprovalEvent, requestApproval } from '../approvals/approval.service';
import { recordAudit } from '../audit/audit.service';
import { ANY_ROLE, assertGroupRole, requireId, STAFF_ROLES, viewerRoleIn } from '../auth/authorization';
import { Group } from '../groups/group.entity';
import { assertGroupActive, MoneyInputData } from '../groups/group.service';
import { Member, MemberStatus } from '../members/member.entity';
import { MEMBER_VIEW_COLUMNS, memberView, MemberViewRow } from '../../shared/loaders';
import { enqueueIntegratorEvent } from '../webhooks/webhook-outbox';
import { IntegratorEventType } from '../webhooks/webhook.entities';
import { PaymentTargetKind, paymentTargetHandler, targetsPaidBy } from '../payments/payment-target';
import { IdempotencyKey, LedgerAccount, LedgerEntry, LedgerTransaction } from './ledger.entities';
import { AccountKind, ApprovalSource, ApprovalStatus, PaymentMode, PaymentProvider, TransactionCategory, TransactionType } from './ledger.enums';
import { AccountSpec, PostingLeg, postingFor } from './posting';

export const TRANSACTION_CHANGED_TOPIC = 'transactionChanged';
export type TransactionChange = 'RECORDED' | 'APPROVED' | 'REJECTED' | 'REVERSED' | 'UPDATED';

export interface TransactionInputData {
  type: TransactionType;
  category: TransactionCategory;
  amount: MoneyInputData;
  /** Group currency per unit of amount.currency; required when they differ. */
  fxRate?: string | null;
  paymentMode: PaymentMode;
  description?: string | null;
  memberId?: string | null;
  senderName?: string | null;
  senderUpiId?: string | null;
  senderBankAccount?: string | null;
  occurredAt?: Date | null;
}

export interface RecordTransactionData extends TransactionInputData {
  groupId: string;
  idempotencyKey?: string | null;
}

/** Everything about a transaction that a change could alter, for logs and stale checks. */
export function transactionSnapshot(txn: LedgerTransaction): Record<string, unknown> {
  return {
    id: txn.id,
    type: txn.type,
    category: txn.category,
    amountMinor: txn.amountMinor.toString(),
    currency: txn.currency,
    fxRate: txn.fxRate,
    groupAmountMinor: txn.groupAmountMinor.toString(),
    paymentMode: txn.paymentMode,
    description: txn.description,
    memberId: txn.member?.id ?? null,
    senderName: txn.senderName,
    senderUpiId: txn.senderUpiId,
    senderBankAccountMasked: txn.senderBankAccountMasked,
    provider: txn.provider,
    providerPaymentId: txn.providerPaymentId,
    receiptNumber: txn.receiptNumber,
    approvalStatus: txn.approvalStatus,
    approvalSource: txn.approvalSource,
    reversesId: txn.reverses?.id ?? null,
    reversedById: txn.reversedBy?.id ?? null,
    occurredAt: txn.occurredAt.toISOString(),
    version: txn.version,
  };
}

function actorOf(ctx: ServiceContext): { kind: ActorKind; id: string | null } {
  const { viewer } = ctx;
  if (viewer.kind === 'user') return { kind: ActorKind.USER, id: viewer.user.id };
  if (viewer.kind === 'apiKey') return { kind: ActorKind.API_KEY, id: viewer.apiKey.id };
  return { kind: ActorKind.SYSTEM, id: null };
}

interface ValidatedInput {
  amountMinor: bigint;
  currency: string;
  fxRate: string | null;
  groupAmountMinor: bigint;
  member: Member | null;
  senderBankAccountMasked: string | null;
}

/**
 * No group keeps books older than this: an earlier occurredAt is a typo (0001 for 2001), and
 * would sort before every real row. The upper bound is now, with five minutes for clock skew.
 */
const EARLIEST_OCCURRED_AT = new Date('2000-01-01T00:00:00Z');

/** Checks a transaction's fields against its group; every bad field is reported at once. */
async function validateInput(em: EntityManager, group: Group, input: TransactionInputData): Promise<ValidatedInput> {
  const validator = new FieldValidator();
  const currency = input.amount.currency;
  validator.check('amount.currency', isCurrencyCode(currency), 'Use an ISO 4217 code such as INR');
  let amountMinor: bigint | undefined;
  if (isCurrencyCode(currency)) {
    amountMinor = validator.attempt(() => parseAmount(input.amount.amount, currency, 'amount.amount'));
    if (amountMinor !== undefined) validator.check('amount.amount', amountMinor > 0n, 'Amount must be greater than zero');
  }
  const foreign = isCurrencyCode(currency) && currency !== group.currency;
  if (foreign) validator.check('fxRate', Boolean(input.fxRate), `Give the rate to ${group.currency}: the amount is in ${currency}`);
  if (!foreign && input.fxRate) validator.check('fxRate', false, 'Only for amounts in another currency than the group\'s');
  let groupAmountMinor = amountMinor;
  if (foreign && input.fxRate && amountMinor !== undefined && amountMinor > 0n) {
    groupAmountMinor = validator.attempt(() => convertAmount({ amountMinor: amountMinor!, currency }, input.fxRate!, group.currency, 'fxRate').amountMinor);
    if (groupAmountMinor !== undefined) validator.check('fxRate', groupAmountMinor > 0n, 'The converted amount rounds to zero');
  }
  if (input.description) validator.check('description', input.description.length <= 2000, 'At most 2000 characters');
  if (input.senderName) validator.check('senderName', input.senderName.length <= 200, 'At most 200 characters');
  if (input.senderUpiId) validator.check('senderUpiId', isUpiId(input.senderUpiId), 'Not a UPI id like name@bank');
  const bank = input.senderBankAccount?.replace(/\s/g, '') ?? null;
  if (bank) validator.check('senderBankAccount', /^[0-9A-Z]{4,34}$/.test(bank), 'Use 4 to 34 digits or capital letters');
  if (input.occurredAt) {
    validator.check('occurredAt', input.occurredAt.getTime() >= EARLIEST_OCCURRED_AT.getTime(), `Must not be before ${EARLIEST_OCCURRED_AT.toISOString().slice(0, 10)}`);
    validator.check('occurredAt', input.occurredAt.getTime() <= Date.now() + 5 * 60_000, 'Cannot be in the future');
  }
  let member: Member | null = null;
  if (input.memberId) {
    member = isUuid(input.memberId) ? await em.findOne(Member, { id: input.memberId, group, status: MemberStatus.ACTIVE }) : null;
    validator.check('memberId', member !== null, 'No active member of this group has this id');
  }
  validator.throwIfInvalid();
  return {
    amountMinor: amountMinor!,
    currency,
    fxRate: foreign ? input.fxRate!.trim() : null,
    groupAmountMinor: groupAmountMinor!,
    member,
    senderBankAccountMasked: bank ? `XXXX${bank.slice(-4)}` : null,
  };
}

/** Admins' own changes apply at once, unless they exceed the group's approval threshold. */
export function needsApproval(role: Role, group: Group, groupAmountMinor: bigint): boolean {
  if (role !== Role.ADMIN) return true;
  return group.approvalThresholdMinor !== null && groupAmountMinor > group.approvalThresholdMinor;
}

/**
 * Account ids by group and code, for accounts seen to exist before the
 * transaction that looked them up (so never one a rollback could undo);
 * ledger accounts are never deleted. Saves an upsert per leg on hot groups.
 */
const knownAccountIds = new Map<string, string>();
const MAX_KNOWN_ACCOUNTS = 50_000;

/** Each spec's account id by code, creating the missing accounts: one statement for all of them, none when all are known. */
async function accountIds(em: EntityManager, groupId: string, specs: AccountSpec[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const missing = new Map<string, AccountSpec>();
  for (const spec of specs) {
    const known = knownAccountIds.get(`${groupId}:${spec.code}`);
    if (known) ids.set(spec.code, known);
    else missing.set(spec.code, spec);
  }
  if (missing.size === 0) return ids;
  // In code order, so two transactions creating the same accounts wait for each other in the same order.
  const wanted = [...missing.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  // DO NOTHING takes no lock on an existing account (a lock there would deadlock with another transaction's
  // foreign-key check of its entries); the select sees accounts committed before this statement started.
  const codes = wanted.map((spec) => spec.code);
  const rows: { id: string; code: string; created: boolean }[] = await em.execute(
    `with "inserted" as (
       insert into "ledger_accounts" ("id", "group_id", "code", "name", "kind", "created_at")
       values ${wanted.map(() => '(gen_random_uuid(), ?, ?, ?, ?, now())').join(', ')}
       on conflict ("group_id", "code") do nothing
       returning "id", "code"
     )
     select "id", "code", true as "created" from "inserted"
     union all
     select "id", "code", false as "created" from "ledger_accounts" where "group_id" = ? and "code" in (${codes.map(() => '?').join(', ')})`,
    [...wanted.flatMap((spec) => [groupId, spec.code, spec.name, spec.kind]), groupId, ...codes],
  );
  // An account another transaction committed while this statement ran: neither inserted nor seen above.
  const late = codes.filter((code) => !rows.some((row) => row.code === code));
  if (late.length > 0) {
    const found: { id: string; code: string }[] = await em.execute(`select "id", "code" from "ledger_accounts" where "group_id" = ? and "code" in (${late.map(() => '?').join(', ')})`, [groupId, ...late]);
    rows.push(...found.map((row) => ({ ...row, created: false })));
  }
  if (knownAccountIds.size + rows.length > MAX_KNOWN_ACCOUNTS) knownAccountIds.clear();
  for (const row of rows) {
    ids.set(row.code, row.id);
    if (!row.created) knownAccountIds.set(`${groupId}:${row.code}`, row.id);
  }
  return ids;
}

async function postLegs(em: EntityManager, txn: LedgerTransaction, legs: { accountId: string; amountMinor: bigint }[]): Promise<void> {
  for (const leg of legs) {
    em.persist(em.create(LedgerEntry, { transaction: txn, account: em.getReference(LedgerAccount, leg.accountId), amountMinor: leg.amountMinor }));
  }
}

/** Adds legs to a transaction, each account found (or created) by code. The caller keeps them balanced; the database checks at commit. */
export async function postPosting(em: EntityManager, txn: LedgerTransaction, legs: PostingLeg[]): Promise<void> {
  const ids = await accountIds(em, txn.group.id, legs.map((leg) => leg.account));
  await postLegs(em, txn, legs.map((leg) => ({ accountId: ids.get(leg.account.code)!, amountMinor: leg.amountMinor })));
}

async function allocateReceiptNumber(em: EntityManager, txn: LedgerTransaction): Promise<string> {
  const year = txn.occurredAt.getUTCFullYear();
  const rows: { last_number: number }[] = await em.execute(
    `insert into "receipt_counters" ("group_id", "year", "last_number") values (?, ?, 1)
     on conflict ("group_id", "year") do update set "last_number" = "receipt_counters"."last_number" + 1
     returning "last_number"`,
    [txn.group.id, year],
  );
  return `R-${year}-${String(rows[0].last_number).padStart(6, '0')}`;
}

/**
 * Makes a pending (or new) transaction real: balanced entries, a receipt
 * number for money in, status APPROVED. Call inside the database transaction
 * that also records the decision.
 */
export async function postApprovedTransaction(em: EntityManager, txn: LedgerTransaction, source: ApprovalSource): Promise<void> {
  await postPosting(em, txn, postingFor(txn));
  if (txn.type === TransactionType.CASH_IN) txn.receiptNumber = await allocateReceiptNumber(em, txn);
  txn.approvalStatus = ApprovalStatus.APPROVED;
  txn.approvalSource = source;
  txn.decidedAt = new Date();
  emitTransactionRecorded(em, txn);
}

/** `transaction.recorded` means "now in the books": posted, reversals and corrections included. Pending ones are announced as approval.queued. */
function emitTransactionRecorded(em: EntityManager, txn: LedgerTransaction): void {
  enqueueIntegratorEvent(em, { groupId: txn.group.id, type: IntegratorEventType.TRANSACTION_RECORDED, data: { transaction: transactionSnapshot(txn) } });
}

/** A pending transaction that will never be posted. */
export function markRejected(txn: LedgerTransaction): void {
  if (txn.approvalStatus !== ApprovalStatus.PENDING) throw conflict('Only a pending transaction can be rejected', 'NOT_PENDING');
  txn.approvalStatus = ApprovalStatus.REJECTED;
  txn.decidedAt = new Date();
}

export interface ReversalOptions {
  /**
   * Date the reversal on the original's occurredAt rather than now: for a
   * deletion or a correction, which say the original should never have been
   * booked as it was, so the month it sits in shows the truth (a correction's
   * corrected transaction keeps that date too). A refund or a released
   * reservation happened now, and is dated now (the default).
   */
  datedAsOriginal?: boolean;
}

/**
 * Cancels an approved transaction with a new one whose entries negate it leg
 * for leg. History stays as it was; balances return to what they were.
 */
export async function reverseTransaction(
  ctx: ServiceContext,
  em: EntityManager,
  original: LedgerTransaction,
  reason: string,
  options: ReversalOptions = {},
): Promise<LedgerTransaction> {
  if (original.approvalStatus !== ApprovalStatus.APPROVED) throw conflict('Only an approved transaction can be reversed', 'NOT_APPROVED');
  if (original.reversedBy || original.reverses) throw conflict('This transaction is already reversed or is itself a reversal', 'ALREADY_REVERSED');
  const actor = actorOf(ctx);
  const reversal = em.create(LedgerTransaction, {
    group: original.group,
    type: original.type,
    category: original.category,
    amountMinor: original.amountMinor,
    currency: original.currency,
    fxRate: original.fxRate,
    groupAmountMinor: original.groupAmountMinor,
    paymentMode: original.paymentMode,
    description: reason,
    member: original.member,
    approvalStatus: ApprovalStatus.APPROVED,
    approvalSource: ApprovalSource.ADMIN_DIRECT,
    reverses: original,
    occurredAt: options.datedAsOriginal ? original.occurredAt : new Date(),
    createdByKind: actor.kind,
    createdById: actor.id,
    decidedAt: new Date(),
  });
  em.persist(reversal);
  const entries = await em.find(LedgerEntry, { transaction: original });
  await postLegs(em, reversal, entries.map((entry) => ({ accountId: entry.account.id, amountMinor: -entry.amountMinor })));
  original.reversedBy = reversal;
  emitTransactionRecorded(em, reversal);
  return reversal;
}

export async function publishChange(ctx: ServiceContext, txn: LedgerTransaction, action: TransactionChange): Promise<void> {
  await ctx.events.publish({ topic: TRANSACTION_CHANGED_TOPIC, key: txn.group.id, data: { transactionId: txn.id, action } });
}

/** Every change to money goes to the append-only audit log with the full transaction. */
function auditTransaction(ctx: ServiceContext, em: EntityManager, txn: LedgerTransaction, action: string, previous: Record<string, unknown> | null): void {
  const snapshot = transactionSnapshot(txn);
  recordAudit({ ...ctx, em }, { groupId: txn.group.id, entityType: 'Transaction', entityId: txn.id, action, previousData: previous, newData: snapshot, snapshot });
}

function requestHash(data: RecordTransactionData): string {
  const { idempotencyKey: _key, ...rest } = data;
  const canonical = JSON.stringify(rest, Object.keys(rest).sort());
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ApprovedCashInData {
  group: Group;
  category: TransactionCategory;
  amountMinor: bigint;
  paymentMode: PaymentMode;
  source: ApprovalSource;
  description: string;
  member?: Member | null;
  provider?: PaymentProvider | null;
  providerPaymentId?: string | null;
  senderName?: string | null;
  senderUpiId?: string | null;
  occurredAt?: Date;
}

/**
 * Money in that is already decided: an admin confirming a member's payment,
 * or a provider's verified payment. Posts balanced entries and a receipt
 * number at once, with activity and audit, inside the caller's database
 * transaction (which also marks what was paid). Always in the group's
 * currency: callers check the currency before crediting. The caller
 * publishes the change after commit (`publishChange(ctx, txn, 'APPROVED')`).
 * With `flush: false` the rows are only queued: the caller flushes them with
 * its own changes (one insert per table for all of them).
 */
export async function recordApprovedCashIn(ctx: ServiceContext, em: EntityManager, data: ApprovedCashInData, options: { flush?: boolean } = {}): Promise<LedgerTransaction> {
  const actor = actorOf(ctx);
  const txn = em.create(LedgerTransaction, {
    group: data.group,
    type: TransactionType.CASH_IN,
    category: data.category,
    amountMinor: data.amountMinor,
    currency: data.group.currency,
    groupAmountMinor: data.amountMinor,
    paymentMode: data.paymentMode,
    description: data.description,
    member: data.member ?? null,
    provider: data.provider ?? null,
    providerPaymentId: data.providerPaymentId ?? null,
    senderName: data.senderName ?? null,
    senderUpiId: data.senderUpiId ?? null,
    approvalStatus: ApprovalStatus.PENDING,
    approvalSource: data.source,
    occurredAt: data.occurredAt ?? new Date(),
    createdByKind: actor.kind,
    createdById: actor.id,
  });
  em.persist(txn);
  await postApprovedTransaction(em, txn, data.source);
  recordActivity({ ...ctx, em }, { groupId: data.group.id, action: 'transaction.record', entityType: 'Transaction', entityId: txn.id, after: transactionSnapshot(txn) });
  auditTransaction(ctx, em, txn, 'transaction.record', null);
  if (options.flush !== false) await em.flush();
  return txn;
}

export interface RecordOutcome {
  transaction: LedgerTransaction;
  /** True when the change waits for an approver. */
  pendingApproval: boolean;
  approval: ApprovalRequest | null;
  /** True when an earlier request with the same idempotency key answered. */
  replayed: boolean;
}

/**
 * Records money in or out. Admins' transactions post at once; operators'
 * (and anything over the threshold) are stored PENDING, without entries,
 * until approved. With an idempotency key the first answer is replayed.
 */
export async function recordTransaction(ctx: ServiceContext, data: RecordTransactionData): Promise<RecordOutcome> {
  const role = await assertGroupRole(ctx, data.groupId, STAFF_ROLES);
  const key = data.idempotencyKey?.trim() || null;
  if (key !== null) new FieldValidator().check('idempotencyKey', key.length <= 200, 'At most 200 characters').throwIfInvalid();
  const hash = requestHash(data);
  const outcome = await ctx.em.transactional(async (em) => {
    const group = await em.findOneOrFail(Group, { id: data.groupId });
    assertGroupActive(group);
    if (key !== null) {
      // A concurrent request with the same key blocks here until the first commits, then sees its row.
      const inserted: unknown[] = await em.execute(
        `insert into "idempotency_keys" ("group_id", "key", "request_hash", "created_at") values (?, ?, ?, now()) on conflict do nothing returning "key"`,
        [group.id, key, hash],
      );
      if (inserted.length === 0) {
        const existing = await em.findOneOrFail(IdempotencyKey, { groupId: group.id, key });
        if (existing.requestHash !== hash) throw conflict('This idempotency key was used for a different request', 'IDEMPOTENCY_KEY_REUSED');
        const first = await em.findOneOrFail(LedgerTransaction, { id: existing.transactionId! });
        const approval = await em.findOne(ApprovalRequest, { targetId: first.id, entityType: ApprovalEntityType.TRANSACTION, action: ApprovalAction.CREATE });
        return { transaction: first, pendingApproval: first.approvalStatus === ApprovalStatus.PENDING, approval, replayed: true };
      }
    }
    const valid = await validateInput(em, group, data);
    const actor = actorOf(ctx);
    const pending = !ctx.approving && needsApproval(role, group, valid.groupAmountMinor);
    const txn = em.create(LedgerTransaction, {
      group,
      type: data.type,
      category: data.category,
      amountMinor: valid.amountMinor,
      currency: valid.currency,
      fxRate: valid.fxRate,
      groupAmountMinor: valid.groupAmountMinor,
      paymentMode: data.paymentMode,
      description: data.description?.trim() || null,
      member: valid.member,
      senderName: data.senderName?.trim() || null,
      senderUpiId: data.senderUpiId?.trim() || null,
      senderBankAccountMasked: valid.senderBankAccountMasked,
      approvalStatus: ApprovalStatus.PENDING,
      approvalSource: ApprovalSource.MANUAL,
      occurredAt: data.occurredAt ?? new Date(),
      createdByKind: actor.kind,
      createdById: actor.id,
    });
    em.persist(txn);
    if (!pending) await postApprovedTransaction(em, txn, ApprovalSource.ADMIN_DIRECT);
    recordActivity({ ...ctx, em }, { groupId: group.id, action: 'transaction.record', entityType: 'Transaction', entityId: txn.id, after: transactionSnapshot(txn) });
    auditTransaction(ctx, em, txn, 'transaction.record', null);
    // One flush for the transaction and its approval request: one insert per table, not two rounds of them.
    const approval = pending
      ? requestApproval(ctx, em, {
          groupId: group.id,
          entityType: ApprovalEntityType.TRANSACTION,
          action: ApprovalAction.CREATE,
          targetId: txn.id,
          targetVersion: txn.version,
          proposedData: { operation: 'recordTransaction', input: transactionSnapshot(txn) },
        })
      : null;
    await em.flush();
    if (key !== null) await em.nativeUpdate(IdempotencyKey, { groupId: group.id, key }, { transactionId: txn.id });
    return { transaction: txn, pendingApproval: pending, approval, replayed: false };
  });
  if (!outcome.replayed) {
    // Published together: the event bus sends events published in the same tick in one statement, in this order.
    await Promise.all([
      publishChange(ctx, outcome.transaction, outcome.pendingApproval ? 'RECORDED' : 'APPROVED'),
      outcome.approval ? publishApprovalEvent(ctx, outcome.approval, 'QUEUED') : undefined,
    ]);
  }
  return outcome;
}

/** Sources of money a provider took: changed only by the provider's own word (a refund). */
const PROVIDER_SOURCES: readonly ApprovalSource[] = [ApprovalSource.RAZORPAY_WEBHOOK, ApprovalSource.STRIPE_WEBHOOK, ApprovalSource.PAYMENT_VERIFICATION];

/**
 * A payment a provider took: a refund arrives from the provider and reverses
 * it by its provider payment id, so a hand-made correction (a copy without
 * that id) or deletion would leave the provider's clearing account wrong and
 * turn the refund into a no-op.
 */
function isProviderPayment(txn: Pick<TransactionView, 'provider' | 'providerPaymentId' | 'approvalSource'>): boolean {
  return txn.provider !== null || txn.providerPaymentId !== null || PROVIDER_SOURCES.includes(txn.approvalSource);
}

/** Why no one may correct or delete the transaction by hand, or null; the same rule feeds viewerCanChange. */
function unchangeableReason(txn: Pick<TransactionView, 'approvalStatus' | 'approvalSource' | 'reversedBy' | 'reverses' | 'provider' | 'providerPaymentId'>): { message: string; reason: string } | null {
  if (txn.approvalStatus === ApprovalStatus.REJECTED) return { message: 'A rejected transaction cannot change', reason: 'REJECTED' };
  if (txn.reversedBy || txn.reverses) return { message: 'A reversed transaction or a reversal cannot change', reason: 'ALREADY_REVERSED' };
  if (txn.approvalSource === ApprovalSource.REMITTANCE) return { message: 'This transaction belongs to a remittance; cancel the remittance instead', reason: 'MANAGED_BY_REMITTANCE' };
  if (isProviderPayment(txn)) {
    return { message: 'This payment was taken by a payment provider; refund it with the provider, and its refund reverses it here', reason: 'MANAGED_BY_PROVIDER' };
  }
  return null;
}

/** What makes a transaction unchangeable; checked before the lock (a click on one already reversed is answered at once) and again under it. */
function assertChangeable(txn: LedgerTransaction): void {
  const refused = unchangeableReason(txn);
  if (refused) throw conflict(refused.message, refused.reason);
}

const TARGET_NAMES: Record<PaymentTargetKind, { what: string; redo: string }> = {
  [PaymentTargetKind.DUE]: { what: 'a due', redo: 'delete it to reopen the due, then confirm the payment again' },
  [PaymentTargetKind.MEMBERSHIP_TERM]: { what: 'a membership term', redo: 'delete it to cancel the term, then record the membership again' },
  [PaymentTargetKind.SPONSOR_LINK]: { what: 'a sponsor link', redo: 'delete it to reopen the link' },
};

/**
 * A transaction that paid a due, a membership term or a sponsor link is not
 * corrected: the target would stay paid by the reversed original (or, moved
 * to the correction, by a different amount). CONFLICT PAYS_TARGET, saying how.
 */
async function assertPaysNothing(em: EntityManager, txn: LedgerTransaction): Promise<void> {
  if (txn.approvalStatus !== ApprovalStatus.APPROVED) return;
  const [target] = await targetsPaidBy(em, txn);
  if (!target) return;
  const names = TARGET_NAMES[target.kind];
  throw new DomainError(ErrorCode.CONFLICT, `This transaction paid ${names.what}, so it cannot be corrected: ${names.redo}`, {
    reason: 'PAYS_TARGET',
    extra: { targetKind: target.kind, targetId: target.id },
  });
}

/**
 * Who may change the transaction, checked before it is locked: the role check
 * reads through the request's loaders, on a connection of its own, which is
 * never waited for under the lock (shared/row-lock.ts). Read outside the
 * identity map, as withRowLock asks. A transaction's group never changes.
 */
async function checkChange(ctx: ServiceContext, id: string): Promise<{ id: string; role: Role }> {
  const seen = await readBeforeLock(ctx.em, LedgerTransaction, { id: requireId(id, 'Transaction') }, 'Transaction');
  const role = await assertGroupRole(ctx, seen.group.id, STAFF_ROLES, 'Transaction');
  assertChangeable(seen);
  return { id: seen.id, role };
}

/** In an attempt of withRowLock (`wait: false` is NOWAIT): the transaction locked, so two corrections of it run one after the other. */
async function lockForChange(em: EntityManager, id: string, wait: boolean): Promise<{ txn: LedgerTransaction; group: Group }> {
  const txn = await readLocked(em, LedgerTransaction, { id }, 'Transaction', wait);
  const group = await em.findOneOrFail(Group, { id: txn.group.id });
  assertGroupActive(group);
  assertChangeable(txn);
  return { txn, group };
}

/** A change to money waits for a second person when an operator makes it, or when it exceeds the threshold. */
function changeNeedsApproval(ctx: ServiceContext, role: Role, group: Group, ...amounts: bigint[]): boolean {
  if (ctx.approving) return false;
  return amounts.some((amount) => needsApproval(role, group, amount));
}

export interface TransactionChangeOutcome {
  /** The transaction as it now stands (the corrected one after a correction). */
  transaction: LedgerTransaction;
  /** Set when the change waits for an admin instead. */
  approval: ApprovalRequest | null;
}

/** Inputs stored in an approval request are JSON: dates travel as ISO strings. */
export function serializeChanges(changes: Partial<TransactionInputData>): Record<string, unknown> {
  return { ...changes, occurredAt: changes.occurredAt ? changes.occurredAt.toISOString() : changes.occurredAt };
}

export function deserializeChanges(stored: Record<string, unknown>): Partial<TransactionInputData> {
  const { occurredAt, ...rest } = stored as Partial<TransactionInputData> & { occurredAt?: string | null };
  return { ...rest, ...(occurredAt !== undefined ? { occurredAt: occurredAt === null ? null : new Date(occurredAt) } : {}) };
}

function queueTransactionChange(
  ctx: ServiceContext,
  em: EntityManager,
  txn: LedgerTransaction,
  action: ApprovalAction,
  proposedData: Record<string, unknown>,
): ApprovalRequest {
  return requestApproval(ctx, em, {
    groupId: txn.group.id,
    entityType: ApprovalEntityType.TRANSACTION,
    action,
    targetId: txn.id,
    targetVersion: txn.version,
    proposedData,
    previousData: transactionSnapshot(txn),
  });
}

/**
 * Corrects a transaction. Approved ones are never edited in place: the old
 * one is reversed and a corrected one recorded, in one database transaction.
 * Only admins correct approved transactions here (operators go through approvals).
 */
export async function updateTransaction(ctx: ServiceContext, id: string, changes: Partial<TransactionInputData>): Promise<TransactionChangeOutcome> {
  const { id: txnId, role } = await checkChange(ctx, id);
  // Clicked twice (or by two admins): one attempt corrects it, the others find it reversed (withRowLock).
  const result = await withRowLock(ctx.em, async (em, wait) => {
    const { txn, group } = await lockForChange(em, txnId, wait);
    await assertPaysNothing(em, txn);
    const before = transactionSnapshot(txn);
    const merged: TransactionInputData = {
      type: changes.type ?? txn.type,
      category: changes.category ?? txn.category,
      amount: changes.amount ?? { amount: '', currency: txn.currency },
      fxRate: changes.fxRate !== undefined ? changes.fxRate : txn.fxRate,
      paymentMode: changes.paymentMode ?? txn.paymentMode,
      description: changes.description !== undefined ? changes.description : txn.description,
      memberId: changes.memberId !== undefined ? changes.memberId : (txn.member?.id ?? null),
      senderName: changes.senderName !== undefined ? changes.senderName : txn.senderName,
      senderUpiId: changes.senderUpiId !== undefined ? changes.senderUpiId : txn.senderUpiId,
      occurredAt: changes.occurredAt ?? txn.occurredAt,
    };
    const valid = await validateAmountless(em, txn, merged, changes.amount !== undefined);
    if (changeNeedsApproval(ctx, role, group, txn.groupAmountMinor, valid.groupAmountMinor)) {
      const approval = queueTransactionChange(ctx, em, txn, ApprovalAction.UPDATE, { operation: 'updateTransaction', input: serializeChanges(changes) });
      await em.flush();
      return { changed: txn, reversed: null, approval };
    }
    if (txn.approvalStatus === ApprovalStatus.PENDING) {
      Object.assign(txn, fieldsFrom(merged, valid));
      recordActivity({ ...ctx, em }, { groupId: txn.group.id, action: 'transaction.update', entityType: 'Transaction', entityId: txn.id, before, after: transactionSnapshot(txn) });
      auditTransaction(ctx, em, txn, 'transaction.update', before);
      await em.flush();
      return { changed: txn, reversed: null, approval: null };
    }
    const reversal = await reverseTransaction(ctx, em, txn, `Correction of ${txn.receiptNumber ?? txn.id}`, { datedAsOriginal: true });
    const actor = actorOf(ctx);
    const corrected = em.create(LedgerTransaction, {
      group: txn.group,
      ...fieldsFrom(merged, valid),
      senderBankAccountMasked: changes.senderBankAccount !== undefined ? valid.senderBankAccountMasked : txn.senderBankAccountMasked,
      approvalStatus: ApprovalStatus.PENDING,
      approvalSource: ApprovalSource.ADMIN_DIRECT,
      createdByKind: actor.kind,
      createdById: actor.id,
    });
    em.persist(corrected);
    await postApprovedTransaction(em, corrected, ApprovalSource.ADMIN_DIRECT);
    recordActivity({ ...ctx, em }, { groupId: txn.group.id, action: 'transaction.correct', entityType: 'Transaction', entityId: corrected.id, before, after: transactionSnapshot(corrected) });
    auditTransaction(ctx, em, txn, 'transaction.reverse', before);
    auditTransaction(ctx, em, reversal, 'transaction.record-reversal', null);
    auditTransaction(ctx, em, corrected, 'transaction.record-correction', null);
    await em.flush();
    return { changed: corrected, reversed: reversal, approval: null };
  });
  if (result.approval) {
    await publishApprovalEvent(ctx, result.approval, 'QUEUED');
    return { transaction: result.changed, approval: result.approval };
  }
  if (result.reversed) await publishChange(ctx, result.reversed, 'REVERSED');
  await publishChange(ctx, result.changed, result.reversed ? 'APPROVED' : 'UPDATED');
  return { transaction: result.changed, approval: null };
}

async function validateAmountless(em: EntityManager, txn: LedgerTransaction, merged: TransactionInputData, amountGiven: boolean): Promise<ValidatedInput> {
  if (amountGiven) return validateInput(em, txn.group, merged);
  // Keep the stored amount exactly: re-validate the rest against a copy with the original amount.
  const valid = await validateInput(em, txn.group, { ...merged, amount: { amount: '1', currency: txn.group.currency }, fxRate: null });
  return { ...valid, amountMinor: txn.amountMinor, currency: txn.currency, fxRate: txn.fxRate, groupAmountMinor: txn.groupAmountMinor };
}

function fieldsFrom(input: TransactionInputData, valid: ValidatedInput) {
  return {
    type: input.type,
    category: input.category,
    amountMinor: valid.amountMinor,
    currency: valid.currency,
    fxRate: valid.fxRate,
    groupAmountMinor: valid.groupAmountMinor,
    paymentMode: input.paymentMode,
    description: input.description?.trim() || null,
    member: valid.member,
    senderName: input.senderName?.trim() || null,
    senderUpiId: input.senderUpiId?.trim() || null,
    occurredAt: input.occurredAt ?? new Date(),
  };
}

/**
 * Deleting an approved transaction reverses it; a pending one is rejected. Admins only here.
 * What it paid (a due, a membership term) is reopened in the same database transaction.
 */
export async function deleteTransaction(ctx: ServiceContext, id: string): Promise<TransactionChangeOutcome> {
  const { id: txnId, role } = await checkChange(ctx, id);
  const result = await withRowLock(ctx.em, async (em, wait) => {
    const { txn, group } = await lockForChange(em, txnId, wait);
    const before = transactionSnapshot(txn);
    if (changeNeedsApproval(ctx, role, group, txn.groupAmountMinor)) {
      const approval = queueTransactionChange(ctx, em, txn, ApprovalAction.DELETE, { operation: 'deleteTransaction', input: {} });
      await em.flush();
      return { txn, reversal: null, approval, events: null };
    }
    if (txn.approvalStatus === ApprovalStatus.PENDING) {
      markRejected(txn);
      recordActivity({ ...ctx, em }, { groupId: txn.group.id, action: 'transaction.delete', entityType: 'Transaction', entityId: txn.id, before, after: transactionSnapshot(txn) });
      auditTransaction(ctx, em, txn, 'transaction.reject', before);
      await em.flush();
      return { txn, reversal: null, approval: null, events: null };
    }
    // Locked after the transaction (as a refund does), before anything changes.
    const paid = await targetsPaidBy(em, txn, wait ? 'wait' : 'nowait');
    const reversal = await reverseTransaction(ctx, em, txn, `Deletion of ${txn.receiptNumber ?? txn.id}`, { datedAsOriginal: true });
    recordActivity({ ...ctx, em }, { groupId: txn.group.id, action: 'transaction.delete', entityType: 'Transaction', entityId: txn.id, before, after: transactionSnapshot(txn) });
    auditTransaction(ctx, em, txn, 'transaction.reverse', before);
    auditTransaction(ctx, em, reversal, 'transaction.record-reversal', null);
    // The targets' live events go out after the commit, never for a rolled-back deletion.
    const events = new DeferredEventBus(ctx.events);
    for (const target of paid) await paymentTargetHandler(target.kind).markRefunded({ ...ctx, em, events }, em, target.id, reversal);
    await em.flush();
    return { txn, reversal, approval: null, events };
  });
  if (result.approval) {
    await publishApprovalEvent(ctx, result.approval, 'QUEUED');
    return { transaction: result.txn, approval: result.approval };
  }
  await publishChange(ctx, result.reversal ?? result.txn, result.reversal ? 'REVERSED' : 'REJECTED');
  await result.events?.flush();
  return { transaction: result.txn, approval: null };
}

/** Applies an approved request to record: the pending transaction is posted. Inside the approval's transaction. */
export async function approvePendingTransaction(ctx: ServiceContext, id: string): Promise<void> {
  const txn = await ctx.em.findOne(LedgerTransaction, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!txn) throw notFound('Transaction');
  if (txn.approvalStatus !== ApprovalStatus.PENDING) throw conflict('This transaction is no longer pending', 'NOT_PENDING');
  const before = transactionSnapshot(txn);
  await postApprovedTransaction(ctx.em, txn, ApprovalSource.MANUAL);
  recordActivity(ctx, { groupId: txn.group.id, action: 'transaction.approve', entityType: 'Transaction', entityId: txn.id, before, after: transactionSnapshot(txn) });
  auditTransaction(ctx, ctx.em, txn, 'transaction.approve', before);
  await ctx.em.flush();
  await publishChange(ctx, txn, 'APPROVED');
}

/** A rejected or cancelled request to record: the pending transaction will never post. */
export async function rejectPendingTransaction(ctx: ServiceContext, id: string): Promise<void> {
  const txn = await ctx.em.findOne(LedgerTransaction, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!txn || txn.approvalStatus !== ApprovalStatus.PENDING) return;
  const before = transactionSnapshot(txn);
  markRejected(txn);
  recordActivity(ctx, { groupId: txn.group.id, action: 'transaction.reject', entityType: 'Transaction', entityId: txn.id, before, after: transactionSnapshot(txn) });
  auditTransaction(ctx, ctx.em, txn, 'transaction.reject', before);
  await ctx.em.flush();
  await publishChange(ctx, txn, 'REJECTED');
}

/** Staff see every transaction of their group; a member sees only their own. */
async function assertCanSeeTransaction(ctx: ServiceContext, txn: LedgerTransaction): Promise<void> {
  const role = await assertGroupRole(ctx, txn.group.id, ANY_ROLE, 'Transaction');
  if (role !== Role.MEMBER) return;
  const own = await ownMemberIds(ctx, txn.group.id);
  if (!txn.member || !own.includes(txn.member.id)) throw notFound('Transaction');
}

async function ownMemberIds(ctx: ServiceContext, groupId: string): Promise<string[]> {
  if (ctx.viewer.kind !== 'user') return [];
  const rows = await ctx.em.find(Member, { group: groupId, user: ctx.viewer.user.id }, { fields: ['id'] });
  return rows.map((row) => row.id);
}

export async function getTransaction(ctx: ServiceContext, id: string): Promise<LedgerTransaction> {
  const txn = await ctx.em.findOne(LedgerTransaction, { id: requireId(id, 'Transaction') });
  if (!txn) throw notFound('Transaction');
  await assertCanSeeTransaction(ctx, txn);
  return txn;
}

export interface TransactionFilter extends PageRequest {
  groupId: string;
  type?: TransactionType | null;
  category?: TransactionCategory | null;
  approvalStatus?: ApprovalStatus | null;
  memberId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export interface TransactionTotals {
  /** Approved money in minus its reversals, in the group's currency. */
  cashInMinor: bigint;
  cashOutMinor: bigint;
  currency: string;
}

/**
 * A transaction as the list reads it: plain values, references by id only, no
 * managed entity (no identity map, no change-tracking snapshot: list rows are
 * never changed). A loaded `LedgerTransaction` has the same shape, so the
 * Transaction field resolvers take either.
 */
export interface TransactionView {
  id: string;
  group: { id: string };
  type: TransactionType;
  category: TransactionCategory;
  amountMinor: bigint;
  currency: string;
  fxRate: string | null;
  groupAmountMinor: bigint;
  paymentMode: PaymentMode;
  description: string | null;
  member: { id: string } | null;
  senderName: string | null;
  senderUpiId: string | null;
  senderBankAccountMasked: string | null;
  provider: PaymentProvider | null;
  providerPaymentId: string | null;
  receiptNumber: string | null;
  approvalStatus: ApprovalStatus;
  approvalSource: ApprovalSource;
  reverses: { id: string } | null;
  reversedBy: { id: string } | null;
  occurredAt: Date;
  createdAt: Date;
  decidedAt: Date | null;
}

interface TransactionListRow {
  id: string;
  group_id: string;
  type: TransactionType;
  category: TransactionCategory;
  amount_minor: string;
  currency: string;
  fx_rate: string | null;
  group_amount_minor: string;
  payment_mode: PaymentMode;
  description: string | null;
  member_id: string | null;
  sender_name: string | null;
  sender_upi_id: string | null;
  sender_bank_account_masked: string | null;
  provider: PaymentProvider | null;
  provider_payment_id: string | null;
  receipt_number: string | null;
  approval_status: ApprovalStatus;
  approval_source: ApprovalSource;
  reverses_id: string | null;
  reversed_by_id: string | null;
  occurred_at: Date | string;
  created_at: Date | string;
  decided_at: Date | string | null;
  total_count: string;
}

const TRANSACTION_LIST_COLUMNS = [
  'id', 'group_id', 'type', 'category', 'amount_minor', 'currency', 'fx_rate', 'group_amount_minor', 'payment_mode', 'description',
  'member_id', 'sender_name', 'sender_upi_id', 'sender_bank_account_masked', 'provider', 'provider_payment_id', 'receipt_number',
  'approval_status', 'approval_source', 'reverses_id', 'reversed_by_id', 'occurred_at', 'created_at', 'decided_at',
].map((column) => `t.${column}`);

const byId = (id: string | null): { id: string } | null => (id === null ? null : { id });

const MEMBER_PREFIX = 'member__';

/** The page's select list: the transaction's columns, then its member's under prefixed aliases. */
const TRANSACTION_PAGE_SELECT = [...TRANSACTION_LIST_COLUMNS, ...MEMBER_VIEW_COLUMNS.map((column) => `pm.${column} as ${MEMBER_PREFIX}${column}`)].join(', ');

/** The joined member's columns read back from their prefixed aliases (a fixed list: no walk over the whole row). */
function pageMemberRow(row: TransactionListRow): MemberViewRow {
  const source = row as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const column of MEMBER_VIEW_COLUMNS) out[column] = source[MEMBER_PREFIX + column];
  return out as unknown as MemberViewRow;
}

function transactionView(row: TransactionListRow): TransactionView {
  return {
    id: row.id,
    group: { id: row.group_id },
    type: row.type,
    category: row.category,
    amountMinor: BigInt(row.amount_minor),
    currency: row.currency,
    fxRate: row.fx_rate,
    groupAmountMinor: BigInt(row.group_amount_minor),
    paymentMode: row.payment_mode,
    description: row.description,
    member: byId(row.member_id),
    senderName: row.sender_name,
    senderUpiId: row.sender_upi_id,
    senderBankAccountMasked: row.sender_bank_account_masked,
    provider: row.provider,
    providerPaymentId: row.provider_payment_id,
    receiptNumber: row.receipt_number,
    approvalStatus: row.approval_status,
    approvalSource: row.approval_source,
    reverses: byId(row.reverses_id),
    reversedBy: byId(row.reversed_by_id),
    occurredAt: new Date(row.occurred_at),
    createdAt: new Date(row.created_at),
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at),
  };
}

export interface TransactionPage extends Page<TransactionView> {
  /** Computed only when asked for: the sums scan every row of the filter. */
  totals: () => Promise<TransactionTotals>;
}

/** Newest first. Totals cover every page of the filter and count approved money only, reversals subtracted. */
export async function listTransactions(ctx: ServiceContext, filter: TransactionFilter): Promise<TransactionPage> {
  const role = await assertGroupRole(ctx, filter.groupId, ANY_ROLE);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'timestamp');
  if (filter.from && filter.to && filter.from > filter.to) new FieldValidator().check('to', false, 'Must not be before from').throwIfInvalid();
  if (filter.memberId && !isUuid(filter.memberId)) new FieldValidator().check('memberId', false, 'Not a member id').throwIfInvalid();
  const own = role === Role.MEMBER ? await ownMemberIds(ctx, filter.groupId) : null;
  const { where, bindings } = transactionFilterSql(filter, own);
  const knex = knexOf(ctx);
  // Written as SQL rather than through the query builder: compiling the builder (quoting some forty
  // identifiers) was a measurable share of this list's CPU, and the filter's text is reused below.
  // The filter's count rides on every page row: an uncorrelated subquery, which PostgreSQL runs once.
  // So does each row's member, for the member field (primed into memberViewById).
  // Each filter shape has its own text, prepared once per connection (db/prepared-statements.ts).
  const pageSql = `select ${TRANSACTION_PAGE_SELECT}, (select count(*) from transactions t where ${where}) as total_count
         from transactions t left join members pm on pm.id = t.member_id
        where ${where}${after ? ' and (t.occurred_at, t.id) < (cast(? as timestamptz), cast(? as uuid))' : ''}
        order by t.occurred_at desc, t.id desc
        limit ?`;
  const rows = (
    await knex.raw<{ rows: TransactionListRow[] }>(pageSql, [...bindings, ...bindings, ...(after ? [after.sort, after.id] : []), size + 1]).options(preparedAs(pageSql))
  ).rows;
  // A page past the end (or an empty filter) has no row to carry the count; only then is it counted on its own.
  const countSql = `select count(*) as count from transactions t where ${where}`;
  const totalCount =
    rows.length > 0 ? Number(rows[0].total_count) : Number((await knex.raw<{ rows: { count: string }[] }>(countSql, bindings).options(preparedAs(countSql))).rows[0].count);
  const transactions = rows.map((row) => {
    if (row.member_id !== null) ctx.loaders.memberViewById.prime(row.member_id, memberView(pageMemberRow(row)));
    return transactionView(row);
  });
  const page = toPage(transactions, size, (t) => ({ sort: t.occurredAt.toISOString(), id: t.id }), totalCount, after);
  let totals: Promise<TransactionTotals> | undefined;
  const computeTotals = async (): Promise<TransactionTotals> => {
    const totalsSql = `select coalesce(sum(case when t.approval_status = 'APPROVED' and t.type = 'CASH_IN' then (case when t.reverses_id is null then 1 else -1 end) * t.group_amount_minor end), 0)::text as cash_in,
                coalesce(sum(case when t.approval_status = 'APPROVED' and t.type = 'CASH_OUT' then (case when t.reverses_id is null then 1 else -1 end) * t.group_amount_minor end), 0)::text as cash_out
           from transactions t where ${where}`;
    const [sums, group] = await Promise.all([
      knex.raw<{ rows: { cash_in: string; cash_out: string }[] }>(totalsSql, bindings).options(preparedAs(totalsSql)),
      ctx.loaders.groupById.load(filter.groupId),
    ]);
    const row = sums.rows[0];
    return { cashInMinor: BigInt(row.cash_in), cashOutMinor: BigInt(row.cash_out), currency: group!.currency };
  };
  // Added to the page rather than spread from it: a spread would read the lazy `cursors` getter and encode every cursor.
  return Object.assign(page, { totals: () => (totals ??= computeTotals()) });
}

/**
 * The list's filter as a SQL condition on `transactions t`, with its bindings in order. `ownMembers`
 * (for a member, who sees only their own rows) limits it to those member ids; none matches nothing.
 */
export function transactionFilterSql(filter: TransactionFilter, ownMembers: readonly string[] | null): { where: string; bindings: (string | Date)[] } {
  const clauses = ['t.group_id = ?'];
  const bindings: (string | Date)[] = [filter.groupId];
  const add = (clause: string, value: string | Date): void => {
    clauses.push(clause);
    bindings.push(value);
  };
  if (filter.type) add('t.type = ?', filter.type);
  if (filter.category) add('t.category = ?', filter.category);
  if (filter.approvalStatus) add('t.approval_status = ?', filter.approvalStatus);
  if (filter.memberId) add('t.member_id = ?', filter.memberId);
  if (filter.from) add('t.occurred_at >= ?', filter.from);
  if (filter.to) add('t.occurred_at < ?', filter.to);
  if (ownMembers) {
    if (ownMembers.length === 0) clauses.push('false');
    else {
      clauses.push(`t.member_id in (${ownMembers.map(() => '?').join(', ')})`);
      bindings.push(...ownMembers);
    }
  }
  return { where: clauses.join(' and '), bindings };
}

export interface AccountBalance {
  code: string;
  name: string;
  kind: AccountKind;
  balanceMinor: bigint;
}

/** Balances derived from entries, never stored. Assets are positive when the group holds money. */
export async function groupBalance(ctx: ServiceContext, groupId: string): Promise<{ currency: string; accounts: AccountBalance[]; cashPositionMinor: bigint }> {
  await assertGroupRole(ctx, groupId, STAFF_ROLES);
  const rows: { code: string; name: string; kind: AccountKind; balance: string }[] = await ctx.em.execute(
    `select a."code", a."name", a."kind", coalesce(sum(e."amount_minor"), 0)::text as balance
       from "ledger_accounts" a left join "ledger_entries" e on e."account_id" = a."id"
      where a."group_id" = ?
      group by a."id" order by a."kind", a."code"`,
    [groupId],
  );
  const group = await ctx.loaders.groupById.load(groupId);
  const accounts = rows.map((row) => ({ code: row.code, name: row.name, kind: row.kind, balanceMinor: BigInt(row.balance) }));
  const cashPositionMinor = accounts.filter((a) => a.kind === AccountKind.ASSET && a.code !== 'REMITTANCES_IN_TRANSIT').reduce((sum, a) => sum + a.balanceMinor, 0n);
  return { currency: group!.currency, accounts, cashPositionMinor };
}

/**
 * Whether to offer correct and delete: staff, on a transaction that is not
 * refused outright (rejected, reversed, a remittance's or a provider's). One
 * that paid a due or a term is still offered: deleting it reopens the target,
 * and a correction answers PAYS_TARGET saying so.
 */
export async function viewerCanChangeTransaction(ctx: ServiceContext, txn: TransactionView): Promise<boolean> {
  const role = await viewerRoleIn(ctx, txn.group.id);
  if (role !== Role.ADMIN && role !== Role.OPERATOR) return false;
  return unchangeableReason(txn) === null;
}

