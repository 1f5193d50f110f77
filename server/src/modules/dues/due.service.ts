import { IntegratorEventType } from '../webhooks/webhook.entities';
import { enqueueIntegratorEvent } from '../webhooks/webhook-outbox';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../../shared/domain-error';
import { parseAmount } from '../../shared/money';
import { CursorSort, decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { Role } from '../../shared/roles';
import { rowLockMode, withRowLock } from '../../shared/row-lock';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isNonBlank, isUuid } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { ApprovalAction, ApprovalEntityType, ApprovalRequest, ApprovalRequestStatus } from '../approvals/approval-request.entity';
import { actorOf as approvalActorOf, publishApprovalEvent, requestApproval } from '../approvals/approval.service';
import { recordAudit } from '../audit/audit.service';
import { ADMIN_ONLY, ANY_ROLE, assertGroupRole, requireId } from '../auth/authorization';
import { BillingMode, billingSettingsOf, Group, GroupKind } from '../groups/group.entity';
import { assertGroupActive, MoneyInputData } from '../groups/group.service';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { ApprovalSource, PaymentMode, TransactionCategory } from '../ledger/ledger.enums';
import { publishChange, recordApprovedCashIn } from '../ledger/ledger.service';
import { Member, MemberStatus } from '../members/member.entity';
import { NotificationChannel, NotificationTask } from '../notifications/notification-task.entity';
import { PaymentTargetKind, registerPaymentTarget } from '../payments/payment-target';
import { addDays, addMonths, isIsoDate } from './dates';
import { BillingPeriod, BillingPeriodStatus, Due, DueStatus } from './dues.entities';

export const DUE_CHANGED_TOPIC = 'dueChanged';
export type DueChange = 'CREATED' | 'MEMBER_CONFIRMED' | 'PAID' | 'REJECTED' | 'WAIVED' | 'OVERDUE' | 'REOPENED';

/** What a due's payment is booked as: a subscription share for shared plans, a membership fee otherwise. */
export const dueCategory = (group: Group): TransactionCategory =>
  group.kind === GroupKind.SUBSCRIPTION_SHARE ? TransactionCategory.SUBSCRIPTION_SHARE : TransactionCategory.MEMBERSHIP_FEE;

export function dueSnapshot(due: Due): Record<string, unknown> {
  return {
    id: due.id,
    periodId: due.period.id,
    memberId: due.member.id,
    amountMinor: due.amountMinor.toString(),
    currency: due.currency,
    dueDate: due.dueDate,
    status: due.status,
    paidTransactionId: due.paidTransaction?.id ?? null,
    waivedReason: due.waivedReason,
    version: due.version,
  };
}

/** Integrators hear of a paid due in the same transaction that marked it paid. */
function enqueueDuePaid(em: EntityManager, due: Due): void {
  enqueueIntegratorEvent(em, { groupId: due.group.id, type: IntegratorEventType.DUE_PAID, data: dueSnapshot(due) });
}

export async function publishDueChange(ctx: Pick<ServiceContext, 'events'>, due: Due, change: DueChange): Promise<void> {
  await ctx.events.publish({ topic: DUE_CHANGED_TOPIC, key: due.group.id, data: { dueId: due.id, change, memberId: due.member.id } });
}

// ---------------------------------------------------------------------------
// Billing periods

export interface CreateBillingPeriodData {
  groupId: string;
  label: string;
  /** Required in VARIABLE_TOTAL mode; defaults to the group's price in the split modes. */
  totalPrice?: MoneyInputData | null;
  periodStart: string;
  periodEnd: string;
  /** Defaults to the group's due day in the period's first month (or the period's start). */
  dueDate?: string | null;
  /** Carries the minor units an equal split cannot divide; defaults to the primary member with the lowest member number. */
  remainderMemberId?: string | null;
  notes?: string | null;
}

export interface OpenPeriodSpec {
  label: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  /** For the split modes; ignored in CUSTOM_AMOUNTS and MEMBERSHIP_FEE (each member owes their own amount). */
  totalMinor: bigint | null;
  remainderMemberId: string | null;
  notes: string | null;
}

/** Shares are split among active primary members: sub-members are covered by their primary. */
const ELIGIBLE_MEMBERS = `select "id", "custom_amount_minor", "member_number" from "members" where "group_id" = ? and "status" = 'ACTIVE' and "sub_index" = 0`;

/**
 * Creates a period and every member's due in three statements, whatever the
 * group's size: the dues are one INSERT … SELECT, never one flush per due.
 * Returns null when the group already has a period starting that day (a
 * second cron run, another instance): opening is idempotent.
 *
 * Splitting: each member owes floor(total / n); the remainder (< n minor
 * units) goes to one stated member, so the dues add up to the total exactly.
 */
export async function openBillingPeriod(em: EntityManager, group: Group, spec: OpenPeriodSpec): Promise<{ period: BillingPeriod; dueCount: number } | null> {
  const settings = billingSettingsOf(group);
  const split = settings.mode === BillingMode.EQUAL_SPLIT || settings.mode === BillingMode.VARIABLE_TOTAL;
  const [eligible]: { n: string; first_id: string | null }[] = await em.execute(
    `select count(*) as n, (array_agg("id" order by "member_number"))[1] as first_id from (${ELIGIBLE_MEMBERS}) m`,
    [group.id],
  );
  const memberCount = BigInt(eligible.n);
  const remainderMemberId = split ? (spec.remainderMemberId ?? eligible.first_id) : null;
  const inserted: Record<string, unknown>[] = await em.execute(
    `insert into "billing_periods" ("id", "created_at", "updated_at", "group_id", "label", "period_start", "period_end", "due_date", "total_minor", "currency", "remainder_member_id", "status", "notes", "version")
     values (gen_random_uuid(), now(), now(), ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, 1)
     on conflict ("group_id", "period_start") do nothing returning *`,
    [group.id, spec.label, spec.periodStart, spec.periodEnd, spec.dueDate, split ? spec.totalMinor : null, group.currency, remainderMemberId, spec.notes],
  );
  if (inserted.length === 0) return null;
  // The returned row becomes the managed entity: no read-back.
  const period = em.map(BillingPeriod, inserted[0]);
  const periodId = period.id;
  let amountSql: string;
  let amountParams: unknown[];
  if (split) {
    const total = spec.totalMinor ?? 0n;
    const base = memberCount === 0n ? 0n : total / memberCount;
    const remainder = memberCount === 0n ? 0n : total % memberCount;
    amountSql = `(?::bigint + case when m."id" = ?::uuid then ?::bigint else 0 end)`;
    amountParams = [base.toString(), remainderMemberId, remainder.toString()];
  } else if (settings.mode === BillingMode.CUSTOM_AMOUNTS) {
    amountSql = `coalesce(m."custom_amount_minor", ?::bigint)`;
    amountParams = [settings.priceMinor];
  } else {
    amountSql = `?::bigint`;
    amountParams = [settings.priceMinor];
  }
  const result: { affectedRows?: number } = await em.execute(
    `insert into "dues" ("id", "created_at", "updated_at", "group_id", "period_id", "member_id", "amount_minor", "currency", "due_date", "status", "version")
     select gen_random_uuid(), now(), now(), ?, ?, m."id", a."amount", ?, ?, 'UNPAID', 1
     from (${ELIGIBLE_MEMBERS}) m cross join lateral (select ${amountSql} as "amount") a
     where a."amount" > 0`,
    // Placeholders in text order: the select list, the members subquery, then the amount expression.
    [group.id, periodId, group.currency, spec.dueDate, group.id, ...amountParams],
    'run',
  );
  return { period, dueCount: result.affectedRows ?? 0 };
}

export function defaultDueDate(group: Group, periodStart: string, periodEnd: string): string {
  const { dueDay } = billingSettingsOf(group);
  if (!dueDay) return periodStart;
  const candidate = `${periodStart.slice(0, 8)}${String(dueDay).padStart(2, '0')}`;
  if (candidate < periodStart) return periodStart;
  return candidate > periodEnd ? periodEnd : candidate;
}

/** Admins open a period by hand (the billing job opens the regular ones). */
export async function createBillingPeriod(ctx: ServiceContext, data: CreateBillingPeriodData): Promise<{ period: BillingPeriod; dueCount: number }> {
  await assertGroupRole(ctx, data.groupId, ADMIN_ONLY);
  const outcome = await ctx.em.transactional(async (em) => {
    // Locks out member changes (they bump the group's counter row) while the shares are computed.
    const group = await em.findOneOrFail(Group, { id: data.groupId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    assertGroupActive(group);
    const settings = billingSettingsOf(group);
    const validator = new FieldValidator();
    validator.check('label', isNonBlank(data.label ?? '', 100), 'Give the period a label of at most 100 characters');
    validator.check('periodStart', isIsoDate(data.periodStart), 'Use a date like 2026-12-01');
    validator.check('periodEnd', isIsoDate(data.periodEnd), 'Use a date like 2026-12-31');
    const datesValid = isIsoDate(data.periodStart) && isIsoDate(data.periodEnd);
    if (datesValid) {
      validator.check('periodEnd', data.periodEnd >= data.periodStart, 'Must not be before the start');
      // At most a year, both ends included: 2026-03-15 runs to 2027-03-14 at the latest, as the billing job's annual periods do.
      const lastDay = addDays(addMonths(data.periodStart, 12), -1);
      validator.check('periodEnd', data.periodEnd <= lastDay, `A period lasts at most a year: end it by ${lastDay}`);
    }
    if (data.dueDate !== undefined && data.dueDate !== null) {
      validator.check('dueDate', isIsoDate(data.dueDate), 'Use a date like 2026-12-05');
      if (isIsoDate(data.periodStart)) validator.check('dueDate', data.dueDate >= data.periodStart, `Must not be before the period starts (${data.periodStart})`);
    }
    if (data.notes) validator.check('notes', data.notes.length <= 2000, 'At most 2000 characters');
    let totalMinor: bigint | null = settings.priceMinor === null ? null : BigInt(settings.priceMinor);
    if (data.totalPrice) {
      validator.check('totalPrice.currency', data.totalPrice.currency === group.currency, `Use the group's currency (${group.currency})`);
      const parsed = validator.attempt(() => parseAmount(data.totalPrice!.amount, group.currency, 'totalPrice.amount'));
      if (parsed !== undefined) validator.check('totalPrice.amount', parsed > 0n, 'Must be greater than zero');
      totalMinor = parsed ?? null;
    } else if (settings.mode === BillingMode.VARIABLE_TOTAL) {
      validator.check('totalPrice', false, 'The group bills a variable total: give this period\'s total');
    } else if (settings.priceMinor === null) {
      validator.check('totalPrice', false, 'The group has no price in its billing settings: give a total');
    }
    if (data.remainderMemberId) {
      const member = isUuid(data.remainderMemberId)
        ? await em.findOne(Member, { id: data.remainderMemberId, group, status: MemberStatus.ACTIVE, subIndex: 0 })
        : null;
      validator.check('remainderMemberId', member !== null, 'Not an active primary member of this group');
    }
    validator.throwIfInvalid();
    const opened = await openBillingPeriod(em, group, {
      label: data.label.trim(),
      periodStart: data.periodStart,
      periodEnd: data.periodEnd,
      dueDate: data.dueDate ?? defaultDueDate(group, data.periodStart, data.periodEnd),
      totalMinor,
      remainderMemberId: data.remainderMemberId ?? null,
      notes: data.notes?.trim() || null,
    });
    if (!opened) throw conflict('The group already has a billing period starting on this day', 'PERIOD_EXISTS');
    recordActivity({ ...ctx, em }, {
      groupId: group.id,
      action: 'billingPeriod.create',
      entityType: 'BillingPeriod',
      entityId: opened.period.id,
      after: { label: opened.period.label, periodStart: opened.period.periodStart, periodEnd: opened.period.periodEnd, totalMinor: opened.period.totalMinor?.toString() ?? null, dueCount: opened.dueCount },
    });
    await em.flush();
    return opened;
  });
  await ctx.events.publish({ topic: DUE_CHANGED_TOPIC, key: data.groupId, data: { periodId: outcome.period.id, change: 'CREATED' } });
  return outcome;
}

export interface UpdateBillingPeriodData {
  notes?: string | null;
  /** true closes the period: its dues stay as they are, nothing new is billed to it. */
  close?: boolean | null;
}

export async function updateBillingPeriod(ctx: ServiceContext, id: string, data: UpdateBillingPeriodData): Promise<BillingPeriod> {
  // Checked before the lock: the role check reads on a connection of its own (shared/row-lock.ts).
  const seen = await ctx.em.findOne(BillingPeriod, { id: requireId(id, 'Billing period') }, { disableIdentityMap: true });
  if (!seen) throw notFound('Billing period');
  await assertGroupRole(ctx, seen.group.id, ADMIN_ONLY, 'Billing period');
  return ctx.em.transactional(async (em) => {
    const period = await em.findOneOrFail(BillingPeriod, { id: seen.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (data.notes) new FieldValidator().check('notes', data.notes.length <= 2000, 'At most 2000 characters').throwIfInvalid();
    if (data.close === false && period.status === BillingPeriodStatus.CLOSED) throw conflict('A closed period stays closed', 'PERIOD_CLOSED');
    const before = { notes: period.notes, status: period.status };
    if (data.notes !== undefined) period.notes = data.notes?.trim() || null;
    if (data.close && period.status === BillingPeriodStatus.OPEN) {
      period.status = BillingPeriodStatus.CLOSED;
      period.closedAt = new Date();
    }
    recordActivity({ ...ctx, em }, { groupId: period.group.id, action: 'billingPeriod.update', entityType: 'BillingPeriod', entityId: period.id, before, after: { notes: period.notes, status: period.status } });
    await em.flush();
    return period;
  });
}

/** Newest first, keyset-paginated on (sort column, id). */
export async function keysetPage<T extends object>(
  em: EntityManager,
  entity: new () => T,
  base: Knex.QueryBuilder,
  sortColumn: string,
  cursorSort: CursorSort,
  request: PageRequest,
  sortValue: (row: T) => string,
): Promise<Page<T>> {
  const size = pageSize(request.first);
  const after = decodeCursor(request.after, cursorSort);
  const pageQuery = base.clone().select('x.*').orderBy([{ column: `x.${sortColumn}`, order: 'desc' }, { column: 'x.id', order: 'desc' }]).limit(size + 1);
  if (after) pageQuery.whereRaw(`(x.${sortColumn}, x.id) < (?, cast(? as uuid))`, [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const nodes = (rows as Record<string, unknown>[]).map((row) => em.map(entity, row));
  return toPage(nodes, size, (row) => ({ sort: sortValue(row), id: (row as unknown as { id: string }).id }), Number((countRows[0] as { count: string }).count), after);
}

export interface BillingPeriodFilter extends PageRequest {
  groupId: string;
  status?: BillingPeriodStatus | null;
}

/** Everyone in the group sees its periods (what the group is billed for is not private). */
export async function listBillingPeriods(ctx: ServiceContext, filter: BillingPeriodFilter): Promise<Page<BillingPeriod>> {
  await assertGroupRole(ctx, filter.groupId, ANY_ROLE);
  const base = ctx.em.getKnex()('billing_periods as x').where('x.group_id', filter.groupId);
  if (filter.status) base.andWhere('x.status', filter.status);
  return keysetPage(ctx.em, BillingPeriod, base, 'period_start', 'date', filter, (p) => p.periodStart);
}

export async function getBillingPeriod(ctx: ServiceContext, id: string): Promise<BillingPeriod> {
  const period = await ctx.em.findOne(BillingPeriod, { id: requireId(id, 'Billing period') });
  if (!period) throw notFound('Billing period');
  await assertGroupRole(ctx, period.group.id, ANY_ROLE, 'Billing period');
  return period;
}

// ---------------------------------------------------------------------------
// Dues

export async function ownMemberIds(ctx: ServiceContext, groupId: string): Promise<string[]> {
  if (ctx.viewer.kind !== 'user') return [];
  const rows = await ctx.em.find(Member, { group: groupId, user: ctx.viewer.user.id }, { fields: ['id'] });
  return rows.map((row) => row.id);
}

export interface DueFilter extends PageRequest {
  groupId: string;
  periodId?: string | null;
  memberId?: string | null;
  status?: DueStatus | null;
}

/** Staff see every due of the group; a member only their own (and their sub-members'). */
export async function listDues(ctx: ServiceContext, filter: DueFilter): Promise<Page<Due>> {
  const role = await assertGroupRole(ctx, filter.groupId, ANY_ROLE);
  const validator = new FieldValidator();
  if (filter.periodId) validator.check('periodId', isUuid(filter.periodId), 'Not a billing period id');
  if (filter.memberId) validator.check('memberId', isUuid(filter.memberId), 'Not a member id');
  validator.throwIfInvalid();
  const base = ctx.em.getKnex()('dues as x').where('x.group_id', filter.groupId);
  if (filter.periodId) base.andWhere('x.period_id', filter.periodId);
  if (filter.memberId) base.andWhere('x.member_id', filter.memberId);
  if (filter.status) base.andWhere('x.status', filter.status);
  if (role === Role.MEMBER) base.whereIn('x.member_id', await ownMemberIds(ctx, filter.groupId));
  return keysetPage(ctx.em, Due, base, 'due_date', 'date', filter, (d) => d.dueDate);
}

async function assertCanSeeDue(ctx: ServiceContext, due: Due): Promise<Role> {
  const role = await assertGroupRole(ctx, due.group.id, ANY_ROLE, 'Due');
  if (role === Role.MEMBER && !(await ownMemberIds(ctx, due.group.id)).includes(due.member.id)) throw notFound('Due');
  return role;
}

export async function getDue(ctx: ServiceContext, id: string): Promise<Due> {
  const due = await ctx.em.findOne(Due, { id: requireId(id, 'Due') });
  if (!due) throw notFound('Due');
  await assertCanSeeDue(ctx, due);
  return due;
}

/** `wait: false` is NOWAIT, for an attempt of withRowLock. */
async function lockDue(em: EntityManager, id: string, wait = true): Promise<Due> {
  const due = await em.findOne(Due, { id: requireId(id, 'Due') }, { lockMode: rowLockMode(wait), refresh: true });
  if (!due) throw notFound('Due');
  return due;
}

/**
 * Locks the due's row without reading it (`wait: false` is NOWAIT): for
 * deciding its "I've paid" request, which takes the due before the request,
 * as confirming, waiving and a provider payment do (ApprovalHandler.lockTarget).
 */
export async function lockDueRow(em: EntityManager, id: string, wait: boolean): Promise<void> {
  await em.execute(`select 1 from "dues" where "id" = ? for update${wait ? '' : ' nowait'}`, [id]);
}

/**
 * That the viewer may decide the due (confirm, reject, waive), checked before
 * the due is locked: the checks read through the request's loaders, on
 * connections of their own, which are never waited for under the lock
 * (shared/row-lock.ts). The due's group and member never change.
 */
async function assertMayDecideDue(ctx: ServiceContext, id: string): Promise<void> {
  const due = await ctx.em.findOne(Due, { id: requireId(id, 'Due') }, { disableIdentityMap: true });
  if (!due) throw notFound('Due');
  await assertCanSeeDue(ctx, due);
  await assertGroupRole(ctx, due.group.id, ADMIN_ONLY, 'Due');
}

function auditDue(ctx: ServiceContext, em: EntityManager, due: Due, action: string, before: Record<string, unknown>): void {
  const after = dueSnapshot(due);
  recordActivity({ ...ctx, em }, { groupId: due.group.id, action, entityType: 'Due', entityId: due.id, before, after });
  recordAudit({ ...ctx, em }, { groupId: due.group.id, entityType: 'Due', entityId: due.id, action, previousData: before, newData: after, snapshot: after });
}

const OPEN_STATUSES: readonly DueStatus[] = [DueStatus.UNPAID, DueStatus.MEMBER_CONFIRMED, DueStatus.OVERDUE];

/**
 * The member's "I've paid" request for the due still in the approvals inbox,
 * locked; none while that very request is being approved (it records its own
 * decision). Always after the due: every path (confirm, waive, a provider
 * payment, and deciding the request from the inbox) locks the due first, so
 * none deadlocks with another. In an attempt of withRowLock it is locked
 * NOWAIT, before anything changes.
 */
async function lockPendingConfirmation(ctx: ServiceContext, em: EntityManager, due: Due, wait = true): Promise<ApprovalRequest | null> {
  if (ctx.approving) return null;
  return em.findOne(ApprovalRequest, { entityType: ApprovalEntityType.DUE, targetId: due.id, status: ApprovalRequestStatus.PENDING }, { lockMode: rowLockMode(wait) });
}

/**
 * Settles that request when an admin decides the due directly, so the inbox
 * never shows a decided due.
 */
function settlePendingConfirmation(ctx: ServiceContext, request: ApprovalRequest | null, status: ApprovalRequestStatus, notes: string | null): ApprovalRequest | null {
  if (!request) return null;
  const actor = approvalActorOf(ctx);
  request.status = status;
  request.decidedByKind = actor.kind;
  request.decidedById = actor.id;
  request.decidedAt = new Date();
  request.decisionNotes = notes;
  return request;
}

export interface ConfirmPaymentData {
  action: 'CONFIRM' | 'REJECT';
  notes?: string | null;
  /** How the member paid; UPI unless said otherwise (the "I've paid" link is for UPI and bank transfers). */
  paymentMode?: PaymentMode | null;
}

export interface DueDecisionOutcome {
  due: Due;
  transaction: LedgerTransaction | null;
}

/**
 * An admin confirms a due as paid (records the CASH_IN and sets PAID in one
 * database transaction) or rejects a member's "I've paid" (back to UNPAID).
 */
export async function confirmPayment(ctx: ServiceContext, dueId: string, data: ConfirmPaymentData): Promise<DueDecisionOutcome> {
  const validator = new FieldValidator();
  if (data.notes) validator.check('notes', data.notes.length <= 2000, 'At most 2000 characters');
  validator.throwIfInvalid();
  await assertMayDecideDue(ctx, dueId);
  // Clicked twice (or by two admins): one attempt pays the due, the others find it paid (withRowLock).
  const outcome = await withRowLock(ctx.em, async (em, wait) => {
    const due = await lockDue(em, dueId, wait);
    const pending = await lockPendingConfirmation(ctx, em, due, wait);
    const group = await em.findOneOrFail(Group, { id: due.group.id });
    assertGroupActive(group);
    const before = dueSnapshot(due);
    const notes = data.notes?.trim() || null;
    let transaction: LedgerTransaction | null = null;
    if (data.action === 'CONFIRM') {
      if (!OPEN_STATUSES.includes(due.status)) throw conflict(`This due is already ${due.status.toLowerCase()}`, `DUE_${due.status}`);
      const member = await em.findOneOrFail(Member, { id: due.member.id });
      const period = await em.findOneOrFail(BillingPeriod, { id: due.period.id });
      transaction = await recordApprovedCashIn(ctx, em, {
        group,
        category: dueCategory(group),
        amountMinor: due.amountMinor,
        paymentMode: data.paymentMode ?? PaymentMode.UPI,
        source: ApprovalSource.ADMIN_DIRECT,
        description: `${period.label}: ${member.name}`,
        member,
      });
      due.status = DueStatus.PAID;
      due.paidTransaction = transaction;
      due.paidAt = new Date();
      enqueueDuePaid(em, due);
    } else {
      if (due.status !== DueStatus.MEMBER_CONFIRMED) throw conflict('Only a due the member said they paid can be rejected', 'NOT_MEMBER_CONFIRMED');
      due.status = DueStatus.UNPAID;
      due.memberConfirmedAt = null;
    }
    due.decisionNotes = notes;
    const settled = settlePendingConfirmation(ctx, pending, data.action === 'CONFIRM' ? ApprovalRequestStatus.APPROVED : ApprovalRequestStatus.REJECTED, notes);
    auditDue(ctx, em, due, data.action === 'CONFIRM' ? 'due.confirm' : 'due.reject', before);
    await em.flush();
    return { due, transaction, settled };
  });
  if (outcome.transaction) await publishChange(ctx, outcome.transaction, 'APPROVED');
  await publishDueChange(ctx, outcome.due, data.action === 'CONFIRM' ? 'PAID' : 'REJECTED');
  if (outcome.settled) await publishApprovalEvent(ctx, outcome.settled, data.action === 'CONFIRM' ? 'APPROVED' : 'REJECTED');
  return { due: outcome.due, transaction: outcome.transaction };
}

export async function waiveDue(ctx: ServiceContext, dueId: string, reason: string): Promise<Due> {
  new FieldValidator().check('reason', isNonBlank(reason ?? '', 2000), 'Say why the due is waived (at most 2000 characters)').throwIfInvalid();
  await assertMayDecideDue(ctx, dueId);
  const outcome = await withRowLock(ctx.em, async (em, wait) => {
    const due = await lockDue(em, dueId, wait);
    const pending = await lockPendingConfirmation(ctx, em, due, wait);
    assertGroupActive(await em.findOneOrFail(Group, { id: due.group.id }));
    if (!OPEN_STATUSES.includes(due.status)) throw conflict(`This due is already ${due.status.toLowerCase()}`, `DUE_${due.status}`);
    const before = dueSnapshot(due);
    due.status = DueStatus.WAIVED;
    due.waivedAt = new Date();
    due.waivedReason = reason.trim();
    const settled = settlePendingConfirmation(ctx, pending, ApprovalRequestStatus.REJECTED, `Waived: ${due.waivedReason}`);
    auditDue(ctx, em, due, 'due.waive', before);
    await em.flush();
    return { due, settled };
  });
  await publishDueChange(ctx, outcome.due, 'WAIVED');
  if (outcome.settled) await publishApprovalEvent(ctx, outcome.settled, 'REJECTED');
  return outcome.due;
}

/**
 * The member says they paid (the signed "I've paid" link). UNPAID or OVERDUE
 * → MEMBER_CONFIRMED, with an approval request in the admins' inbox and a
 * notification task per admin. Any other status: nothing happens, and the
 * caller shows the same thank-you (a link used twice has no second effect).
 */
export async function markDueMemberConfirmed(ctx: ServiceContext, dueId: string): Promise<{ changed: boolean }> {
  const outcome = await ctx.em.transactional(async (em) => {
    const due = await lockDue(em, dueId);
    if (due.status !== DueStatus.UNPAID && due.status !== DueStatus.OVERDUE) return { changed: false as const };
    const group = await em.findOneOrFail(Group, { id: due.group.id });
    if (group.status !== 'ACTIVE') return { changed: false as const };
    const before = dueSnapshot(due);
    due.status = DueStatus.MEMBER_CONFIRMED;
    due.memberConfirmedAt = new Date();
    auditDue(ctx, em, due, 'due.member_confirm', before);
    await em.flush();
    const member = await em.findOneOrFail(Member, { id: due.member.id });
    const period = await em.findOneOrFail(BillingPeriod, { id: due.period.id });
    const request = requestApproval(ctx, em, {
      groupId: group.id,
      entityType: ApprovalEntityType.DUE,
      action: ApprovalAction.UPDATE,
      targetId: due.id,
      targetVersion: due.version,
      proposedData: { operation: 'confirmPayment', input: { dueId: due.id, memberName: member.name, period: period.label, amountMinor: due.amountMinor.toString(), currency: due.currency } },
      previousData: before,
      notes: `${member.name} says they paid ${period.label}`,
    });
    const admins = await em.find(Member, { group, role: Role.ADMIN, status: MemberStatus.ACTIVE, email: { $ne: null } });
    for (const admin of admins) {
      em.persist(
        em.create(NotificationTask, {
          groupId: group.id,
          channel: NotificationChannel.EMAIL,
          template: 'due.member_confirmed',
          recipient: admin.email!,
          payload: { dueId: due.id, groupId: group.id, memberName: member.name, period: period.label, amountMinor: due.amountMinor.toString(), currency: due.currency },
          dedupeKey: `due.member_confirmed:${due.id}:${due.version}:${admin.id}`,
        }),
      );
    }
    await em.flush();
    return { changed: true as const, due, request };
  });
  if (outcome.changed) {
    await publishDueChange(ctx, outcome.due, 'MEMBER_CONFIRMED');
    await publishApprovalEvent(ctx, outcome.request, 'QUEUED');
  }
  return { changed: outcome.changed };
}

/** A rejected or cancelled "I've paid" request: the due is unpaid again. */
export async function discardDueConfirmation(ctx: ServiceContext, dueId: string): Promise<void> {
  const due = await lockDue(ctx.em, dueId);
  if (due.status !== DueStatus.MEMBER_CONFIRMED) return;
  const before = dueSnapshot(due);
  due.status = DueStatus.UNPAID;
  due.memberConfirmedAt = null;
  auditDue(ctx, ctx.em, due, 'due.reject', before);
  await ctx.em.flush();
  await publishDueChange(ctx, due, 'REJECTED');
}

export async function dueVersion(em: EntityManager, dueId: string): Promise<number | null> {
  const due = await em.findOne(Due, { id: dueId }, { refresh: true });
  return due?.version ?? null;
}

// ---------------------------------------------------------------------------
// Provider payments (see payments/payment-target.ts)

/** Dues that describe() loaded under a row lock, so markPaid in the same database transaction need not lock and read them again. */
const lockedForPayment = new WeakSet<Due>();

registerPaymentTarget(PaymentTargetKind.DUE, {
  async describe(em, id, options) {
    if (!isUuid(id)) return null;
    // Lock only the due's row (not its group's, which every credit of the group would then queue on), then read
    // the due with its group, member and period in one joined statement, whose snapshot is taken after the lock.
    if (options?.forUpdate) await em.execute('select 1 from "dues" where "id" = ? for update', [id]);
    // Refreshed only if this manager already holds the due (a refresh would also reload its relations one by one).
    const refresh = em.getUnitOfWork().getById(Due.name, id) !== undefined;
    const due = await em.findOne(Due, { id }, { populate: ['group', 'member', 'period'], strategy: 'joined', refresh });
    if (!due) return null;
    if (options?.forUpdate) lockedForPayment.add(due);
    const { group, member, period } = due;
    const payable = OPEN_STATUSES.includes(due.status) && group.status === 'ACTIVE';
    return {
      groupId: group.id,
      amountMinor: due.amountMinor,
      currency: due.currency,
      category: dueCategory(group),
      memberId: member.id,
      description: `${group.name} · ${period.label}: ${member.name}`,
      payerName: member.name,
      payerEmail: member.email,
      payable,
      notPayableReason: payable ? null : `DUE_${due.status}`,
    };
  },
  async assertCanPay(ctx, id) {
    await getDue(ctx, id);
  },
  async markPaid(ctx, em, id, transaction) {
    const described = await em.findOne(Due, { id });
    const due = described && lockedForPayment.has(described) ? described : await lockDue(em, id);
    const before = dueSnapshot(due);
    due.status = DueStatus.PAID;
    due.paidTransaction = transaction;
    due.paidAt = new Date();
    enqueueDuePaid(em, due);
    const settled = settlePendingConfirmation(ctx, await lockPendingConfirmation(ctx, em, due), ApprovalRequestStatus.APPROVED, `Paid through ${transaction.provider ?? 'a provider'}`);
    auditDue(ctx, em, due, 'due.paid', before);
    // The caller flushes these rows with the transaction's (payments/payment-crediting.ts), one insert per table.
    // Published by the caller's event bus after commit when it defers; otherwise at once.
    await publishDueChange(ctx, due, 'PAID');
    if (settled) await publishApprovalEvent(ctx, settled, 'APPROVED');
  },
  async markRefunded(ctx, em, id) {
    const due = await lockDue(em, id);
    if (due.status !== DueStatus.PAID) return;
    const before = dueSnapshot(due);
    due.status = DueStatus.UNPAID;
    due.paidTransaction = null;
    due.paidAt = null;
    auditDue(ctx, em, due, 'due.refunded', before);
    await em.flush();
    await publishDueChange(ctx, due, 'REOPENED');
  },
});
