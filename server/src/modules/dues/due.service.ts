import { IntegratorEventType } from '../webhooks/webhook.entities';
import { enqueueIntegratorEvent } from '../webhooks/webhook-outbox';
import { LockMode } from '@mikro-orm/core';
import { GROUP_TODAY_CTE } from '../../jobs/group-calendar';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/postgresql';
import { conflict, DomainError, ErrorCode, notFound } from '../../shared/domain-error';
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

/** Another period of the group, as a refusal names it. */
export interface PeriodSummary {
  id: string;
  label: string;
  periodStart: string;
  periodEnd: string;
}

/**
 * Why the group's billing settings cannot open a period: NO_MEMBERSHIP_FEE
 * (MEMBERSHIP_FEE mode without a price above zero), NO_PRICE (CUSTOM_AMOUNTS
 * mode without a price, and members without an amount of their own),
 * NOTHING_TO_BILL (members, but every one would owe zero).
 */
export type UnbillableReason = 'NO_MEMBERSHIP_FEE' | 'NO_PRICE' | 'NOTHING_TO_BILL';

export type OpenPeriodOutcome =
  | { kind: 'OPENED'; period: BillingPeriod; dueCount: number }
  /** A period of the group shares at least one day with it (the same start day included): nothing was written. */
  | { kind: 'OVERLAP'; existing: PeriodSummary }
  /** The group's settings would bill nobody, or leave members out: nothing was written. */
  | { kind: 'UNBILLABLE'; reason: UnbillableReason; message: string };

/** Shares are split among active primary members: sub-members are covered by their primary. */
const ELIGIBLE_MEMBERS = `select "id", "custom_amount_minor", "member_number" from "members" where "group_id" = ? and "status" = 'ACTIVE' and "sub_index" = 0`;

/**
 * Locks the group's row FOR NO KEY UPDATE, then reads the group afresh. Every
 * change to a group's periods (opened by hand or by the billing job, dates
 * moved) holds it to the end of its transaction, so they run one after the
 * other and each checks for overlaps among the periods the previous one left:
 * two overlapping periods cannot both be opened, however many clicks. Member
 * additions and settings changes lock the row too, so they wait while the
 * shares are computed. NO KEY rather than FOR UPDATE: rows that merely
 * reference the group (activity, transactions) are not held up by it.
 * `wait: false` is NOWAIT, for an attempt of withRowLock.
 */
export async function lockGroupForBilling(em: EntityManager, groupId: string, wait = true): Promise<Group | null> {
  await em.execute(`select 1 from "groups" where "id" = ? for no key update${wait ? '' : ' nowait'}`, [groupId]);
  return em.findOne(Group, { id: groupId }, { refresh: true });
}

/**
 * The group's periods sharing a day with periodStart..periodEnd (parameters:
 * group, end, start). Both days are included, as the periods' own dates are:
 * 11-01..11-30 and 12-01..12-31 share none. Only under lockGroupForBilling,
 * where no other period can appear before the commit.
 */
const OVERLAPPING_PERIODS = `select "id", "label", "period_start", "period_end" from "billing_periods" where "group_id" = ? and "period_start" <= ? and "period_end" >= ?`;
const OVERLAPPING_PERIOD = `${OVERLAPPING_PERIODS} order by "period_start" limit 1`;

/** The group's earliest period other than `exceptId` sharing a day with the dates (OVERLAPPING_PERIODS). */
async function overlappingPeriod(em: EntityManager, groupId: string, periodStart: string, periodEnd: string, exceptId: string): Promise<PeriodSummary | null> {
  const rows: { id: string; label: string; period_start: string; period_end: string }[] = await em.execute(
    `select "id", "label", "period_start"::text as "period_start", "period_end"::text as "period_end" from (${OVERLAPPING_PERIODS}) p where "id" <> ? order by "period_start" limit 1`,
    [groupId, periodEnd, periodStart, exceptId],
  );
  const row = rows[0];
  return row ? { id: row.id, label: row.label, periodStart: row.period_start, periodEnd: row.period_end } : null;
}

/**
 * CONFLICT naming the period in the way (extensions.period): PERIOD_EXISTS
 * when it starts the same day (what a retried "open December" meets),
 * PERIOD_OVERLAP otherwise.
 */
function periodOverlapError(existing: PeriodSummary, periodStart: string): DomainError {
  const sameStart = existing.periodStart === periodStart;
  const message = sameStart
    ? `The group already has a billing period starting on ${periodStart}: "${existing.label}" (${existing.periodStart} to ${existing.periodEnd})`
    : `These dates overlap the billing period "${existing.label}" (${existing.periodStart} to ${existing.periodEnd}): members would be billed twice for the same days`;
  return new DomainError(ErrorCode.CONFLICT, message, { reason: sameStart ? 'PERIOD_EXISTS' : 'PERIOD_OVERLAP', extra: { period: existing } });
}

/** BAD_USER_INPUT on the group's price, which is where the admin fixes it (updateGroup's billingSettings.price). */
function unbillableError(reason: UnbillableReason, message: string): DomainError {
  return new DomainError(ErrorCode.BAD_USER_INPUT, message, { reason, fields: { 'billingSettings.price': message } });
}

const plural = (n: bigint, one: string, many: string): string => `${n} ${n === 1n ? one : many}`;

/**
 * Creates a period and every member's due in three statements, whatever the
 * group's size: the dues are one INSERT … SELECT, never one flush per due.
 * The caller holds lockGroupForBilling. Writes nothing when the period would
 * share a day with another of the group's (OVERLAP: the billing job leaves it,
 * an admin is told which) or when the group's settings would bill nobody or
 * leave members out (UNBILLABLE) — never a period without the dues it stands for.
 *
 * Splitting: each member owes floor(total / n); the remainder (< n minor
 * units) goes to one stated member, so the dues add up to the total exactly.
 */
export async function openBillingPeriod(em: EntityManager, group: Group, spec: OpenPeriodSpec): Promise<OpenPeriodOutcome> {
  const settings = billingSettingsOf(group);
  const split = settings.mode === BillingMode.EQUAL_SPLIT || settings.mode === BillingMode.VARIABLE_TOTAL;
  // What each member owes: the split modes' shares are worked out below; the per-member modes' in SQL.
  let amountSql: string;
  let amountParams: unknown[];
  if (settings.mode === BillingMode.CUSTOM_AMOUNTS) {
    amountSql = `coalesce(m."custom_amount_minor", ?::bigint)`;
    amountParams = [settings.priceMinor];
  } else {
    amountSql = `?::bigint`;
    amountParams = [split ? null : settings.priceMinor];
  }
  // One statement: who would be billed what, and the earliest period of the group sharing a day with this one.
  const [eligible]: { n: string; first_id: string | null; unpriced: string; billed: string; overlap_id: string | null; overlap_label: string; overlap_start: string; overlap_end: string }[] = await em.execute(
    `select s.*, o."id" as overlap_id, o."label" as overlap_label, o."period_start"::text as overlap_start, o."period_end"::text as overlap_end
     from (select count(*) as n, (array_agg(m."id" order by m."member_number"))[1] as first_id,
             count(*) filter (where a."amount" is null) as unpriced, count(*) filter (where a."amount" > 0) as billed
           from (${ELIGIBLE_MEMBERS}) m cross join lateral (select ${amountSql} as "amount") a) s
     left join lateral (${OVERLAPPING_PERIOD}) o on true`,
    [group.id, ...amountParams, group.id, spec.periodEnd, spec.periodStart],
  );
  if (eligible.overlap_id !== null) {
    return { kind: 'OVERLAP', existing: { id: eligible.overlap_id, label: eligible.overlap_label, periodStart: eligible.overlap_start, periodEnd: eligible.overlap_end } };
  }
  const memberCount = BigInt(eligible.n);
  if (settings.mode === BillingMode.MEMBERSHIP_FEE && !(settings.priceMinor !== null && BigInt(settings.priceMinor) > 0n)) {
    return {
      kind: 'UNBILLABLE',
      reason: 'NO_MEMBERSHIP_FEE',
      message: "The group bills each member its membership fee, but no fee is set: set the price (what each member owes) in the group's billing settings first",
    };
  }
  if (settings.mode === BillingMode.CUSTOM_AMOUNTS && BigInt(eligible.unpriced) > 0n) {
    return {
      kind: 'UNBILLABLE',
      reason: 'NO_PRICE',
      message: `${plural(BigInt(eligible.unpriced), 'member has', 'members have')} no amount of their own and the group's billing settings have no price to bill instead: set the price, or give each member their own amount`,
    };
  }
  const total = split ? (spec.totalMinor ?? 0n) : 0n;
  const billed = split ? (memberCount > 0n && total > 0n ? 1n : 0n) : BigInt(eligible.billed);
  if (memberCount > 0n && billed === 0n) {
    return {
      kind: 'UNBILLABLE',
      reason: 'NOTHING_TO_BILL',
      message: split ? 'The total to split is zero: nobody would owe anything' : "Every member would owe zero (their own amounts and the group's price): nobody would owe anything",
    };
  }

  const remainderMemberId = split ? (spec.remainderMemberId ?? eligible.first_id) : null;
  const inserted: Record<string, unknown>[] = await em.execute(
    `insert into "billing_periods" ("id", "created_at", "updated_at", "group_id", "label", "period_start", "period_end", "due_date", "total_minor", "currency", "remainder_member_id", "status", "notes", "version")
     values (gen_random_uuid(), now(), now(), ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN', ?, 1)
     returning *`,
    [group.id, spec.label, spec.periodStart, spec.periodEnd, spec.dueDate, split ? spec.totalMinor : null, group.currency, remainderMemberId, spec.notes],
  );
  // The returned row becomes the managed entity: no read-back.
  const period = em.map(BillingPeriod, inserted[0]);
  const periodId = period.id;
  if (split) {
    const base = memberCount === 0n ? 0n : total / memberCount;
    const remainder = memberCount === 0n ? 0n : total % memberCount;
    amountSql = `(?::bigint + case when m."id" = ?::uuid then ?::bigint else 0 end)`;
    amountParams = [base.toString(), remainderMemberId, remainder.toString()];
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
  return { kind: 'OPENED', period, dueCount: result.affectedRows ?? 0 };
}

export function defaultDueDate(group: Group, periodStart: string, periodEnd: string): string {
  const { dueDay } = billingSettingsOf(group);
  if (!dueDay) return periodStart;
  const candidate = `${periodStart.slice(0, 8)}${String(dueDay).padStart(2, '0')}`;
  if (candidate < periodStart) return periodStart;
  return candidate > periodEnd ? periodEnd : candidate;
}

/** A period's dates: both days included, the end not before the start, at most a year. */
function checkPeriodDates(validator: FieldValidator, periodStart: string, periodEnd: string): void {
  validator.check('periodStart', isIsoDate(periodStart), 'Use a date like 2026-12-01');
  validator.check('periodEnd', isIsoDate(periodEnd), 'Use a date like 2026-12-31');
  if (!isIsoDate(periodStart) || !isIsoDate(periodEnd)) return;
  validator.check('periodEnd', periodEnd >= periodStart, 'Must not be before the start');
  // At most a year, both ends included: 2026-03-15 runs to 2027-03-14 at the latest, as the billing job's annual periods do.
  const lastDay = addDays(addMonths(periodStart, 12), -1);
  validator.check('periodEnd', periodEnd <= lastDay, `A period lasts at most a year: end it by ${lastDay}`);
}

/**
 * Admins open a period by hand (the billing job opens the regular ones).
 * Under the group's lock (lockGroupForBilling), taken NOWAIT by withRowLock:
 * of many clicks at once, or overlapping periods opened at once, exactly one
 * opens its period and the others find it and get CONFLICT.
 */
export async function createBillingPeriod(ctx: ServiceContext, data: CreateBillingPeriodData): Promise<{ period: BillingPeriod; dueCount: number }> {
  await assertGroupRole(ctx, data.groupId, ADMIN_ONLY);
  const outcome = await withRowLock(ctx.em, async (em, wait) => {
    // Locks out member changes, settings changes and other periods' openings while the shares are computed.
    const group = await lockGroupForBilling(em, data.groupId, wait);
    if (!group) throw notFound('Group');
    assertGroupActive(group);
    const settings = billingSettingsOf(group);
    const validator = new FieldValidator();
    validator.check('label', isNonBlank(data.label ?? '', 100), 'Give the period a label of at most 100 characters');
    checkPeriodDates(validator, data.periodStart, data.periodEnd);
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
    } else if (settings.mode === BillingMode.EQUAL_SPLIT && totalMinor === null) {
      validator.check('totalPrice', false, 'The group has no price in its billing settings: give a total');
    } else if (settings.mode === BillingMode.EQUAL_SPLIT && totalMinor === 0n) {
      validator.check('totalPrice', false, "The group's price is zero: give this period's total");
    }
    // The per-member modes (custom amounts, membership fee) ignore a total; openBillingPeriod refuses what they cannot bill.
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
    if (opened.kind === 'OVERLAP') throw periodOverlapError(opened.existing, data.periodStart);
    if (opened.kind === 'UNBILLABLE') throw unbillableError(opened.reason, opened.message);
    recordActivity({ ...ctx, em }, {
      groupId: group.id,
      action: 'billingPeriod.create',
      entityType: 'BillingPeriod',
      entityId: opened.period.id,
      after: { label: opened.period.label, periodStart: opened.period.periodStart, periodEnd: opened.period.periodEnd, totalMinor: opened.period.totalMinor?.toString() ?? null, dueCount: opened.dueCount },
    });
    await em.flush();
    return { period: opened.period, dueCount: opened.dueCount };
  });
  await ctx.events.publish({ topic: DUE_CHANGED_TOPIC, key: data.groupId, data: { periodId: outcome.period.id, change: 'CREATED' } });
  return outcome;
}

export interface UpdateBillingPeriodData {
  notes?: string | null;
  /** true closes the period: its dues stay as they are, nothing new is billed to it. */
  close?: boolean | null;
  /** New dates for an open period (either or both; omitted: as they are). Its dues stay as they are. */
  periodStart?: string | null;
  periodEnd?: string | null;
}

export async function updateBillingPeriod(ctx: ServiceContext, id: string, data: UpdateBillingPeriodData): Promise<BillingPeriod> {
  // Checked before the lock: the role check reads on a connection of its own (shared/row-lock.ts).
  const seen = await ctx.em.findOne(BillingPeriod, { id: requireId(id, 'Billing period') }, { disableIdentityMap: true });
  if (!seen) throw notFound('Billing period');
  await assertGroupRole(ctx, seen.group.id, ADMIN_ONLY, 'Billing period');
  const validator = new FieldValidator();
  if (data.notes) validator.check('notes', data.notes.length <= 2000, 'At most 2000 characters');
  if (data.periodStart != null) validator.check('periodStart', isIsoDate(data.periodStart), 'Use a date like 2026-12-01');
  if (data.periodEnd != null) validator.check('periodEnd', isIsoDate(data.periodEnd), 'Use a date like 2026-12-31');
  validator.throwIfInvalid();
  const movesDates = data.periodStart != null || data.periodEnd != null;
  return ctx.em.transactional(async (em) => {
    // New dates are checked against the group's other periods under the group's lock, taken first as opening a period takes it.
    const group = movesDates ? await lockGroupForBilling(em, seen.group.id) : null;
    const period = await em.findOneOrFail(BillingPeriod, { id: seen.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (data.close === false && period.status === BillingPeriodStatus.CLOSED) throw conflict('A closed period stays closed', 'PERIOD_CLOSED');
    const before = { notes: period.notes, status: period.status, periodStart: period.periodStart, periodEnd: period.periodEnd };
    if (movesDates) {
      if (period.status === BillingPeriodStatus.CLOSED) throw conflict('A closed period keeps its dates', 'PERIOD_CLOSED');
      assertGroupActive(group!);
      const periodStart = data.periodStart ?? period.periodStart;
      const periodEnd = data.periodEnd ?? period.periodEnd;
      const dates = new FieldValidator();
      checkPeriodDates(dates, periodStart, periodEnd);
      dates.check('periodStart', period.dueDate >= periodStart, `Must not be after the period's due date (${period.dueDate})`);
      dates.throwIfInvalid();
      const existing = await overlappingPeriod(em, period.group.id, periodStart, periodEnd, period.id);
      if (existing) throw periodOverlapError(existing, periodStart);
      period.periodStart = periodStart;
      period.periodEnd = periodEnd;
    }
    if (data.notes !== undefined) period.notes = data.notes?.trim() || null;
    if (data.close && period.status === BillingPeriodStatus.OPEN) {
      period.status = BillingPeriodStatus.CLOSED;
      period.closedAt = new Date();
    }
    recordActivity({ ...ctx, em }, {
      groupId: period.group.id,
      action: 'billingPeriod.update',
      entityType: 'BillingPeriod',
      entityId: period.id,
      before,
      after: { notes: period.notes, status: period.status, periodStart: period.periodStart, periodEnd: period.periodEnd },
    });
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
        // Approving the member's "I've paid" from the inbox is maker–checker (the member asked, an admin approved).
        source: ctx.approving ? ApprovalSource.MANUAL : ApprovalSource.ADMIN_DIRECT,
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

/**
 * An unpaid due is late (the follow-up job marks it OVERDUE) once its date
 * plus the group's grace days is before the group's today: a condition on
 * `dues d`, `groups g` and GROUP_TODAY_CTE's `group_today gt`.
 */
export const DUE_PAST_GRACE = `d.due_date + coalesce((g.billing_settings->>'graceDays')::int, 0) < gt.today`;

async function isPastGrace(em: EntityManager, dueId: string): Promise<boolean> {
  const rows: { late: boolean }[] = await em.execute(
    `with ${GROUP_TODAY_CTE} select ${DUE_PAST_GRACE} as "late" from dues d join groups g on g.id = d.group_id join group_today gt on gt.group_id = d.group_id where d.id = ?`,
    [dueId],
  );
  return rows[0]?.late === true;
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
    // Reopened where the follow-up job would have left it unpaid: OVERDUE once past its date and grace.
    const late = await isPastGrace(em, due.id);
    due.status = late ? DueStatus.OVERDUE : DueStatus.UNPAID;
    if (late) due.overdueAt = new Date();
    due.paidTransaction = null;
    due.paidAt = null;
    if (late) enqueueIntegratorEvent(em, { groupId: due.group.id, type: IntegratorEventType.DUE_OVERDUE, data: dueSnapshot(due) });
    auditDue(ctx, em, due, 'due.refunded', before);
    await em.flush();
    await publishDueChange(ctx, due, 'REOPENED');
  },
});
