import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, DomainError, ErrorCode, forbidden, notFound } from '../../shared/domain-error';
import type { Page, PageRequest } from '../../shared/pagination';
import { Role } from '../../shared/roles';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isUuid } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { ApprovalAction, ApprovalEntityType, ApprovalRequest, ApprovalRequestStatus } from '../approvals/approval-request.entity';
import { publishApprovalEvent, requestApproval } from '../approvals/approval.service';
import { recordAudit } from '../audit/audit.service';
import { ANY_ROLE, assertGroupRole, requireId } from '../auth/authorization';
import { BillingSettingsData, billingSettingsOf, Group, MembershipTermRule } from '../groups/group.entity';
import { assertGroupActive } from '../groups/group.service';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { ApprovalSource, PaymentMode, TransactionCategory } from '../ledger/ledger.enums';
import { needsApproval, publishChange, recordApprovedCashIn } from '../ledger/ledger.service';
import { Member, MemberStatus } from '../members/member.entity';
import { PaymentTargetKind, registerPaymentTarget } from '../payments/payment-target';
import { addDays, addMonths, toIsoDate } from './dates';
import { keysetPage, ownMemberIds } from './due.service';
import { MembershipTerm, MembershipTermStatus, MembershipTermType } from './dues.entities';

export const MEMBERSHIP_CHANGED_TOPIC = 'membershipChanged';

const FEE_FIELD: Record<MembershipTermType, keyof NonNullable<BillingSettingsData['membershipFees']>> = {
  [MembershipTermType.MONTHLY]: 'monthlyMinor',
  [MembershipTermType.ANNUAL]: 'annualMinor',
  [MembershipTermType.LIFETIME]: 'lifetimeMinor',
  [MembershipTermType.APPLICATION_FEE]: 'applicationFeeMinor',
};

/** The fee the group charges for a term type, or null when it does not offer it. */
export function termFee(group: Group, type: MembershipTermType): bigint | null {
  const fee = billingSettingsOf(group).membershipFees[FEE_FIELD[type]];
  return fee === null ? null : BigInt(fee);
}

/**
 * A term's dates from the group's rules and the day it is paid.
 * - Monthly and rolling annual terms run from the payment date (or the day
 *   after the member's current term ends, when renewing early) for a month or a year.
 * - FIXED_ANNUAL annual terms end the day before the group's fixed date; paid
 *   inside the renewal window before that date, they buy the following year.
 * - Lifetime has no end; an application fee covers only its day.
 */
export function termDates(group: Group, type: MembershipTermType, paidOn: string, currentEnd: string | null): { startsOn: string; endsOn: string | null } {
  const settings = billingSettingsOf(group);
  const start = currentEnd !== null && currentEnd >= paidOn ? addDays(currentEnd, 1) : paidOn;
  switch (type) {
    case MembershipTermType.LIFETIME:
      return { startsOn: paidOn, endsOn: null };
    case MembershipTermType.APPLICATION_FEE:
      return { startsOn: paidOn, endsOn: paidOn };
    case MembershipTermType.MONTHLY:
      return { startsOn: start, endsOn: termEnd(start, 1) };
    case MembershipTermType.ANNUAL: {
      if (settings.termRule !== MembershipTermRule.FIXED_ANNUAL || !settings.annualDueDate) return { startsOn: start, endsOn: termEnd(start, 12) };
      // The next fixed date strictly after `start`.
      let fixed = `${start.slice(0, 4)}-${settings.annualDueDate}`;
      if (fixed <= start) fixed = `${Number(start.slice(0, 4)) + 1}-${settings.annualDueDate}`;
      if (start >= addDays(fixed, -settings.renewalWindowDays)) return { startsOn: fixed, endsOn: termEnd(fixed, 12) };
      return { startsOn: start, endsOn: addDays(fixed, -1) };
    }
  }
}

/**
 * The last day of a term of `months` from `start`: the day before the same
 * day next month — or, when next month is too short for that day (a term from
 * 31 January), that month's last day.
 */
function termEnd(start: string, months: number): string {
  const sameDayLater = addMonths(start, months);
  const clamped = Number(sameDayLater.slice(8)) < Number(start.slice(8));
  return clamped ? sameDayLater : addDays(sameDayLater, -1);
}

/** A paid term lapses once its end plus the group's grace days is past; computed on read so no job is needed to be right. */
export function effectiveTermStatus(term: MembershipTerm, group: Group, today = toIsoDate(new Date())): MembershipTermStatus {
  if (term.status !== MembershipTermStatus.ACTIVE || term.endsOn === null) return term.status;
  return addDays(term.endsOn, billingSettingsOf(group).graceDays) < today ? MembershipTermStatus.EXPIRED : term.status;
}

/** The last day the member's paid MONTHLY and ANNUAL terms cover (null: none); a lifetime membership is not counted here. */
async function currentTermEnd(em: EntityManager, memberId: string): Promise<string | null> {
  const rows: { ends_on: string | null }[] = await em.execute(
    `select max("ends_on")::text as ends_on from "membership_terms" where "member_id" = ? and "status" = 'ACTIVE' and "type" in ('MONTHLY', 'ANNUAL')`,
    [memberId],
  );
  return rows[0]?.ends_on ?? null;
}

const termLabel = (type: MembershipTermType): string => type.toLowerCase().replace('_', ' ');

/**
 * What the member already has that a term of `type` would pay for again, as
 * the CONFLICT to answer, or null. `paying` is the member's PENDING term
 * about to be paid (an approval, an online payment); null for a new term.
 * - An active LIFETIME membership covers every other MONTHLY, ANNUAL or
 *   LIFETIME term (LIFETIME_EXISTS); a new LIFETIME is also refused while
 *   another waits for its payment.
 * - The APPLICATION_FEE is paid once per member, unless that payment was
 *   cancelled or refunded (APPLICATION_FEE_PAID).
 * - MONTHLY and ANNUAL terms never pay for the same days twice. A new term is
 *   dated after the member's paid ones (termDates: an early renewal starts
 *   when the current term ends), so only a term that waited — for an
 *   approval, for the member's online payment — while another paid the days
 *   it was dated from can overlap; paying it is refused (TERM_OVERLAP).
 * Runs under the member's row lock, so two payments for one member see each other.
 */
async function termConflict(em: EntityManager, member: Member, type: MembershipTermType, paying: MembershipTerm | null): Promise<DomainError | null> {
  const found: { id: string; type: MembershipTermType; status: MembershipTermStatus; ends_on: string | null }[] = await em.execute(
    `select "id", "type", "status", "ends_on"::text as "ends_on" from "membership_terms"
      where "member_id" = ? and "status" in ('ACTIVE', 'PENDING', 'EXPIRED') order by "ends_on" desc nulls first, "created_at" desc`,
    [member.id],
  );
  const rows = found.filter((row) => row.id !== paying?.id);
  const refuse = (message: string, reason: string, termId: string) => new DomainError(ErrorCode.CONFLICT, message, { reason, extra: { termId } });
  if (type !== MembershipTermType.APPLICATION_FEE) {
    const lifetime = rows.find((row) => row.type === MembershipTermType.LIFETIME && row.status === MembershipTermStatus.ACTIVE);
    if (lifetime && type === MembershipTermType.LIFETIME) return refuse(`${member.name} already has a lifetime membership`, 'LIFETIME_EXISTS', lifetime.id);
    if (lifetime) return refuse(`${member.name} has a lifetime membership: a ${termLabel(type)} membership would pay for what it already covers`, 'LIFETIME_EXISTS', lifetime.id);
    const waiting = rows.find((row) => row.type === MembershipTermType.LIFETIME && row.status === MembershipTermStatus.PENDING);
    if (waiting && type === MembershipTermType.LIFETIME && paying === null) return refuse(`${member.name} is already paying for a lifetime membership`, 'LIFETIME_EXISTS', waiting.id);
  } else {
    const paid = rows.find((row) => row.type === MembershipTermType.APPLICATION_FEE && row.status !== MembershipTermStatus.PENDING);
    if (paid) return refuse(`${member.name} has already paid the application fee; it is charged once (unless that payment was cancelled or refunded)`, 'APPLICATION_FEE_PAID', paid.id);
  }
  if (paying && (type === MembershipTermType.MONTHLY || type === MembershipTermType.ANNUAL)) {
    const covering = rows.find((row) => row.status === MembershipTermStatus.ACTIVE && (row.type === MembershipTermType.MONTHLY || row.type === MembershipTermType.ANNUAL) && row.ends_on !== null);
    if (covering && covering.ends_on! >= paying.startsOn) {
      return refuse(
        `While this ${termLabel(type)} membership (from ${paying.startsOn}) waited, ${member.name}'s membership was paid up to ${covering.ends_on}: paying it would pay for the same days twice. Reject or leave it, and record a new term to pay ahead`,
        'TERM_OVERLAP',
        covering.id,
      );
    }
  }
  return null;
}

export function termSnapshot(term: MembershipTerm): Record<string, unknown> {
  return {
    id: term.id,
    memberId: term.member.id,
    type: term.type,
    amountMinor: term.amountMinor.toString(),
    currency: term.currency,
    startsOn: term.startsOn,
    endsOn: term.endsOn,
    status: term.status,
    paidTransactionId: term.paidTransaction?.id ?? null,
    version: term.version,
  };
}

function logTerm(ctx: ServiceContext, em: EntityManager, term: MembershipTerm, action: string, before: Record<string, unknown> | null, money: boolean): void {
  const after = termSnapshot(term);
  recordActivity({ ...ctx, em }, { groupId: term.group.id, action, entityType: 'MembershipTerm', entityId: term.id, before: before ?? undefined, after });
  if (money) recordAudit({ ...ctx, em }, { groupId: term.group.id, entityType: 'MembershipTerm', entityId: term.id, action, previousData: before, newData: after, snapshot: after });
}

/**
 * Makes a term real: dates recomputed from the payment day, ACTIVE, linked to
 * the CASH_IN that paid it. Inside the caller's database transaction.
 */
async function activateTerm(em: EntityManager, term: MembershipTerm, transaction: LedgerTransaction): Promise<void> {
  const group = await em.findOneOrFail(Group, { id: term.group.id });
  const paidOn = toIsoDate(new Date());
  Object.assign(term, termDates(group, term.type, paidOn, await currentTermEnd(em, term.member.id)));
  term.status = MembershipTermStatus.ACTIVE;
  term.paidTransaction = transaction;
  term.paidAt = new Date();
}

async function recordTermPayment(ctx: ServiceContext, em: EntityManager, term: MembershipTerm, paymentMode: PaymentMode, source: ApprovalSource): Promise<LedgerTransaction> {
  const group = await em.findOneOrFail(Group, { id: term.group.id });
  const member = await em.findOneOrFail(Member, { id: term.member.id });
  const transaction = await recordApprovedCashIn(ctx, em, {
    group,
    category: TransactionCategory.MEMBERSHIP_FEE,
    amountMinor: term.amountMinor,
    paymentMode,
    source,
    description: `${term.type.toLowerCase().replace('_', ' ')} membership: ${member.name}`,
    member,
  });
  await activateTerm(em, term, transaction);
  return transaction;
}

export interface CreateMembershipTermData {
  memberId: string;
  type: MembershipTermType;
  /**
   * Staff collected the fee (cash, a bank transfer): the term is paid now —
   * at once for admins, after approval for operators. Without it the term
   * waits PENDING for an online payment.
   */
  paymentMode?: PaymentMode | null;
  /** Retry-safe, like recordTransaction's: the same key and input replay the first answer; other input is CONFLICT. */
  idempotencyKey?: string | null;
}

export interface TermOutcome {
  term: MembershipTerm;
  pendingApproval: boolean;
  transaction: LedgerTransaction | null;
  /** True when an earlier request with the same idempotency key answered. */
  replayed: boolean;
}

/**
 * How long after a term the same term for the same member, asked for without
 * an idempotency key, counts as the same click again (a double click, a
 * retry after a timeout) rather than another period paid.
 */
const DUPLICATE_TERM_WINDOW_MS = 2 * 60_000;

function termRequestHash(data: CreateMembershipTermData): string {
  // Named, so a key first used for a ledger transaction never matches a term request.
  const canonical = JSON.stringify({ operation: 'createMembershipTerm', memberId: data.memberId, type: data.type, paymentMode: data.paymentMode ?? null });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Claims the idempotency key for this request, in the ledger's table and
 * the same way (recordTransaction): a concurrent request with the same key
 * waits on the insert until the first commits, then finds its row. Returns
 * the term the key already stands for, or null when this request claimed it.
 */
async function termForKey(em: EntityManager, groupId: string, key: string, hash: string): Promise<MembershipTerm | null> {
  const inserted: unknown[] = await em.execute(
    `insert into "idempotency_keys" ("group_id", "key", "request_hash", "created_at") values (?, ?, ?, now()) on conflict do nothing returning "key"`,
    [groupId, key, hash],
  );
  if (inserted.length > 0) return null;
  const rows: { request_hash: string; membership_term_id: string | null }[] = await em.execute(
    `select "request_hash", "membership_term_id" from "idempotency_keys" where "group_id" = ? and "key" = ?`,
    [groupId, key],
  );
  const termId = rows[0]?.request_hash === hash ? rows[0].membership_term_id : null;
  if (termId === null) throw conflict('This idempotency key was used for a different request', 'IDEMPOTENCY_KEY_REUSED');
  return em.findOneOrFail(MembershipTerm, { id: termId }, { refresh: true });
}

/** The first answer again, as the term stands now. */
async function replayTerm(em: EntityManager, term: MembershipTerm): Promise<{ term: MembershipTerm; transaction: LedgerTransaction | null; approval: null; pendingApproval: boolean; replayed: true }> {
  const transaction = term.paidTransaction ? await em.findOneOrFail(LedgerTransaction, { id: term.paidTransaction.id }) : null;
  const waiting =
    term.status === MembershipTermStatus.PENDING &&
    (await em.count(ApprovalRequest, { targetId: term.id, entityType: ApprovalEntityType.MEMBERSHIP_TERM, status: ApprovalRequestStatus.PENDING })) > 0;
  return { term, transaction, approval: null, pendingApproval: waiting, replayed: true };
}

/**
 * Without an idempotency key, the same term for the same member again while
 * the last one is recent and still the member's latest is the same click
 * twice, not a second period paid: refused, naming the first (extensions
 * termId), so one collection is never booked twice. Runs under the member's
 * row lock, so parallel clicks see each other. Paying ahead on purpose: a new
 * idempotency key per submission, or after the window.
 */
async function assertNotRepeated(em: EntityManager, member: Member, type: MembershipTermType): Promise<void> {
  const [latest] = await em.find(MembershipTerm, { member }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: 1, refresh: true });
  if (!latest || latest.type !== type) return;
  if (latest.status !== MembershipTermStatus.ACTIVE && latest.status !== MembershipTermStatus.PENDING) return;
  const ageMs = Date.now() - latest.createdAt.getTime();
  if (ageMs > DUPLICATE_TERM_WINDOW_MS) return;
  const what = `${type.toLowerCase().replace('_', ' ')} membership for ${member.name}`;
  const done = latest.status === MembershipTermStatus.ACTIVE ? 'was recorded' : 'is already waiting (for approval or payment)';
  throw new DomainError(
    ErrorCode.CONFLICT,
    `The ${what} ${done} ${Math.max(1, Math.round(ageMs / 1000))} s ago; not recorded twice. For another term on purpose, send a new idempotencyKey or try again in a few minutes`,
    { reason: 'DUPLICATE_TERM', extra: { termId: latest.id } },
  );
}

export async function createMembershipTerm(ctx: ServiceContext, data: CreateMembershipTermData): Promise<TermOutcome> {
  const member = await ctx.em.findOne(Member, { id: requireId(data.memberId, 'Member') });
  if (!member) throw notFound('Member');
  const role = await assertGroupRole(ctx, member.group.id, ANY_ROLE, 'Member');
  if (role === Role.MEMBER) {
    if (!(await ownMemberIds(ctx, member.group.id)).includes(member.id)) throw notFound('Member');
    if (data.paymentMode) throw forbidden('Only staff can record a membership fee they collected; pay online instead');
  }
  const key = data.idempotencyKey?.trim() || null;
  if (key !== null) new FieldValidator().check('idempotencyKey', key.length <= 200, 'At most 200 characters').throwIfInvalid();
  const outcome = await ctx.em.transactional(async (em) => {
    const group = await em.findOneOrFail(Group, { id: member.group.id });
    assertGroupActive(group);
    if (key !== null) {
      const first = await termForKey(em, group.id, key, termRequestHash(data));
      if (first) return replayTerm(em, first);
    }
    const locked = await em.findOneOrFail(Member, { id: member.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (locked.status !== MemberStatus.ACTIVE) throw badInput({ memberId: 'This member was removed' });
    const fee = termFee(group, data.type);
    if (fee === null || fee === 0n) throw badInput({ type: `The group does not offer a ${data.type.toLowerCase().replace('_', ' ')} membership (no fee in its billing settings)` });
    const refused = await termConflict(em, locked, data.type, null);
    if (refused) throw refused;
    if (key === null) await assertNotRepeated(em, locked, data.type);
    const today = toIsoDate(new Date());
    const term = em.create(MembershipTerm, {
      group,
      member: locked,
      type: data.type,
      amountMinor: fee,
      currency: group.currency,
      ...termDates(group, data.type, today, await currentTermEnd(em, locked.id)),
    });
    em.persist(term);
    await em.flush();
    let transaction: LedgerTransaction | null = null;
    let approval = null;
    if (data.paymentMode) {
      if (!ctx.approving && needsApproval(role, group, fee)) {
        approval = requestApproval(ctx, em, {
          groupId: group.id,
          entityType: ApprovalEntityType.MEMBERSHIP_TERM,
          action: ApprovalAction.CREATE,
          targetId: term.id,
          targetVersion: term.version,
          proposedData: { operation: 'recordTermPayment', input: { paymentMode: data.paymentMode, ...termSnapshot(term), memberName: locked.name } },
          notes: `${data.type.toLowerCase().replace('_', ' ')} membership paid by ${locked.name}`,
        });
      } else {
        transaction = await recordTermPayment(ctx, em, term, data.paymentMode, ApprovalSource.ADMIN_DIRECT);
      }
    }
    logTerm(ctx, em, term, 'membershipTerm.create', null, transaction !== null);
    await em.flush();
    if (key !== null) await em.execute(`update "idempotency_keys" set "membership_term_id" = ? where "group_id" = ? and "key" = ?`, [term.id, group.id, key]);
    return { term, transaction, approval, pendingApproval: approval !== null, replayed: false };
  });
  const { term, transaction, approval, pendingApproval, replayed } = outcome;
  if (!replayed) {
    if (transaction) await publishChange(ctx, transaction, 'APPROVED');
    if (approval) await publishApprovalEvent(ctx, approval, 'QUEUED');
    await ctx.events.publish({ topic: MEMBERSHIP_CHANGED_TOPIC, key: term.group.id, data: { termId: term.id } });
  }
  return { term, transaction, pendingApproval, replayed };
}

/** An admin approved an operator's "fee collected": record it and activate the term. Inside the approval's transaction. */
export async function approvePendingTerm(ctx: ServiceContext, termId: string, input: Record<string, unknown>): Promise<void> {
  const term = await ctx.em.findOne(MembershipTerm, { id: termId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!term) throw notFound('Membership term');
  if (term.status !== MembershipTermStatus.PENDING) throw conflict('This membership term is no longer pending', 'NOT_PENDING');
  // What the member paid since the request counts: the same rules as a new term's, under the member's lock.
  const member = await ctx.em.findOneOrFail(Member, { id: term.member.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  const refused = await termConflict(ctx.em, member, term.type, term);
  if (refused) throw refused;
  const before = termSnapshot(term);
  const transaction = await recordTermPayment(ctx, ctx.em, term, input.paymentMode as PaymentMode, ApprovalSource.MANUAL);
  logTerm(ctx, ctx.em, term, 'membershipTerm.approve', before, true);
  await ctx.em.flush();
  await publishChange(ctx, transaction, 'APPROVED');
}

export async function discardPendingTerm(ctx: ServiceContext, termId: string): Promise<void> {
  const term = await ctx.em.findOne(MembershipTerm, { id: termId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!term || term.status !== MembershipTermStatus.PENDING) return;
  const before = termSnapshot(term);
  term.status = MembershipTermStatus.CANCELLED;
  term.cancelledAt = new Date();
  logTerm(ctx, ctx.em, term, 'membershipTerm.cancel', before, false);
  await ctx.em.flush();
}

export async function membershipTermVersion(em: EntityManager, termId: string): Promise<number | null> {
  const term = await em.findOne(MembershipTerm, { id: termId }, { refresh: true });
  return term?.version ?? null;
}

export interface MembershipTermFilter extends PageRequest {
  groupId: string;
  memberId?: string | null;
  status?: MembershipTermStatus | null;
}

/** Staff see every term; a member their own. Newest first. */
export async function listMembershipTerms(ctx: ServiceContext, filter: MembershipTermFilter): Promise<Page<MembershipTerm>> {
  const role = await assertGroupRole(ctx, filter.groupId, ANY_ROLE);
  if (filter.memberId) new FieldValidator().check('memberId', isUuid(filter.memberId), 'Not a member id').throwIfInvalid();
  const base = ctx.em.getKnex()('membership_terms as x').where('x.group_id', filter.groupId);
  if (filter.memberId) base.andWhere('x.member_id', filter.memberId);
  if (filter.status === MembershipTermStatus.EXPIRED) {
    // Stored ACTIVE but past end + grace counts as expired, as the field shows.
    const group = await ctx.em.findOneOrFail(Group, { id: filter.groupId });
    const lapsedBefore = addDays(toIsoDate(new Date()), -billingSettingsOf(group).graceDays);
    base.andWhere((q) => q.where('x.status', 'EXPIRED').orWhere((q2) => q2.where('x.status', 'ACTIVE').andWhere('x.ends_on', '<', lapsedBefore)));
  } else if (filter.status === MembershipTermStatus.ACTIVE) {
    const group = await ctx.em.findOneOrFail(Group, { id: filter.groupId });
    const lapsedBefore = addDays(toIsoDate(new Date()), -billingSettingsOf(group).graceDays);
    base.andWhere('x.status', 'ACTIVE').andWhere((q) => q.whereNull('x.ends_on').orWhere('x.ends_on', '>=', lapsedBefore));
  } else if (filter.status) {
    base.andWhere('x.status', filter.status);
  }
  if (role === Role.MEMBER) base.whereIn('x.member_id', await ownMemberIds(ctx, filter.groupId));
  return keysetPage(ctx.em, MembershipTerm, base, 'created_at', 'timestamp', filter, (t) => t.createdAt.toISOString());
}

// ---------------------------------------------------------------------------
// Provider payments (see payments/payment-target.ts): provider-paid terms are approved automatically.

registerPaymentTarget(PaymentTargetKind.MEMBERSHIP_TERM, {
  async describe(em, id, options) {
    if (!isUuid(id)) return null;
    const lock = options?.forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {};
    const term = await em.findOne(MembershipTerm, { id }, lock);
    if (!term) return null;
    // The term, then its member: a credit and an approval of two terms of one member run one after the other.
    const group = await em.findOneOrFail(Group, { id: term.group.id });
    const member = await em.findOneOrFail(Member, { id: term.member.id }, lock);
    let payable = term.status === MembershipTermStatus.PENDING && group.status === 'ACTIVE' && member.status === MemberStatus.ACTIVE;
    let notPayableReason = payable ? null : `TERM_${term.status}`;
    if (payable) {
      // Already covered since the term was created (a lifetime membership, the application fee paid, the same days paid).
      const refused = await termConflict(em, member, term.type, term);
      if (refused) {
        payable = false;
        notPayableReason = refused.details.reason ?? 'TERM_CONFLICT';
      }
    }
    return {
      groupId: group.id,
      amountMinor: term.amountMinor,
      currency: term.currency,
      category: TransactionCategory.MEMBERSHIP_FEE,
      memberId: member.id,
      description: `${group.name} · ${term.type.toLowerCase().replace('_', ' ')} membership: ${member.name}`,
      payerName: member.name,
      payerEmail: member.email,
      payable,
      notPayableReason,
    };
  },
  async assertCanPay(ctx, id) {
    const term = await ctx.em.findOne(MembershipTerm, { id: requireId(id, 'Membership term') });
    if (!term) throw notFound('Membership term');
    const role = await assertGroupRole(ctx, term.group.id, ANY_ROLE, 'Membership term');
    if (role === Role.MEMBER && !(await ownMemberIds(ctx, term.group.id)).includes(term.member.id)) throw notFound('Membership term');
  },
  async markPaid(ctx, em, id, transaction) {
    const term = await em.findOneOrFail(MembershipTerm, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const before = termSnapshot(term);
    await activateTerm(em, term, transaction);
    logTerm(ctx, em, term, 'membershipTerm.paid', before, true);
    await em.flush();
    await ctx.events.publish({ topic: MEMBERSHIP_CHANGED_TOPIC, key: term.group.id, data: { termId: term.id } });
  },
  async markRefunded(ctx, em, id) {
    const term = await em.findOneOrFail(MembershipTerm, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (term.status !== MembershipTermStatus.ACTIVE) return;
    const before = termSnapshot(term);
    term.status = MembershipTermStatus.CANCELLED;
    term.cancelledAt = new Date();
    logTerm(ctx, em, term, 'membershipTerm.refunded', before, true);
    await em.flush();
    await ctx.events.publish({ topic: MEMBERSHIP_CHANGED_TOPIC, key: term.group.id, data: { termId: term.id } });
  },
});

