import type { Money } from '../../shared/money';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator } from '../../shared/validation';
import { ActivityLog } from '../activity/activity-log.entity';
import { AuditLog } from '../audit/audit-log.entity';
import { assertGroupRole, STAFF_ROLES } from '../auth/authorization';
import { groupBalance } from '../ledger/ledger.service';

/*
 * The group's dashboard for the people who run it. Each part is its own
 * function (and GraphQL field), so a query pays only for what it selects,
 * and every part is a fixed number of statements whatever the data size.
 */

export const DASHBOARD_MONTHS = 12;
export const DASHBOARD_RECENT_ENTRIES = 10;

/** What every part of one dashboard shares; only `openDashboard` makes one, after the role check. */
export interface DashboardScope {
  readonly groupId: string;
  readonly currency: string;
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
  /** The clock the 12 months are counted back from. */
  readonly now: Date;
  /** Income and expenses share one statement, whichever of the two fields asks first. */
  periodTotals?: Promise<{ income: bigint; expenses: bigint }>;
}

function startOfMonthUtc(date: Date, monthOffset = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthOffset, 1));
}

function monthKey(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Checks the viewer may see the dashboard (admins and operators) and fixes
 * the period: from defaults to the start of the current calendar month (UTC),
 * to to the start of the next one.
 */
export async function openDashboard(ctx: ServiceContext, groupId: string, from?: Date | null, to?: Date | null, now = new Date()): Promise<DashboardScope> {
  await assertGroupRole(ctx, groupId, STAFF_ROLES);
  const period = { from: from ?? startOfMonthUtc(now), to: to ?? startOfMonthUtc(now, 1) };
  new FieldValidator().check('to', period.from.getTime() <= period.to.getTime(), '`to` must not be before `from` (from defaults to the start of this month)').throwIfInvalid();
  const group = await ctx.loaders.groupById.load(groupId);
  return { groupId, currency: group!.currency, ...period, now };
}

/** Every membership the group has had, and those active now. One statement. */
export async function memberCounts(ctx: ServiceContext, scope: DashboardScope): Promise<{ total: number; active: number }> {
  const rows: { total: number; active: number }[] = await ctx.em.execute(
    `select count(*)::int as "total", (count(*) filter (where "status" = 'ACTIVE'))::int as "active" from "members" where "group_id" = ?`,
    [scope.groupId],
  );
  return rows[0];
}

/*
 * Approved money only, in the group's currency; a reversal counts against
 * the side of what it reverses, in the month of its occurredAt (like the
 * totals of the transactions query). A deletion or correction is dated on the
 * original's occurredAt (ledger.service.ts reverseTransaction), so it changes
 * that month's figures, back-dated or closed, to what was true: a 1000.00
 * corrected to 900.00 shows 900.00 in its month, however often it is
 * corrected. A provider's refund happened when it happened and counts in its
 * own month, leaving the month of the payment as it was.
 */
const SIGNED_AMOUNT = `case when t."reverses_id" is null then t."group_amount_minor" else -t."group_amount_minor" end`;
const INCOME = `coalesce(sum(${SIGNED_AMOUNT}) filter (where t."type" = 'CASH_IN'), 0)::text as "income"`;
const EXPENSES = `coalesce(sum(${SIGNED_AMOUNT}) filter (where t."type" = 'CASH_OUT'), 0)::text as "expenses"`;

/** Income and expenses for the period. One statement, shared by both fields. */
export function periodTotals(ctx: ServiceContext, scope: DashboardScope): Promise<{ income: bigint; expenses: bigint }> {
  scope.periodTotals ??= (async () => {
    const rows: { income: string; expenses: string }[] = await ctx.em.execute(
      `select ${INCOME}, ${EXPENSES} from "transactions" t
        where t."group_id" = ? and t."approval_status" = 'APPROVED' and t."occurred_at" >= ? and t."occurred_at" < ?`,
      [scope.groupId, scope.from, scope.to],
    );
    return { income: BigInt(rows[0].income), expenses: BigInt(rows[0].expenses) };
  })();
  return scope.periodTotals;
}

export interface MonthlyTotals {
  /** YYYY-MM, UTC */
  month: string;
  income: Money;
  expenses: Money;
}

/** The last 12 calendar months (UTC), oldest first, ending with the current one; months without money are zero. One grouped statement. */
export async function monthlyTotals(ctx: ServiceContext, scope: DashboardScope): Promise<MonthlyTotals[]> {
  const first = startOfMonthUtc(scope.now, 1 - DASHBOARD_MONTHS);
  const rows: { month: string; income: string; expenses: string }[] = await ctx.em.execute(
    `select to_char(date_trunc('month', t."occurred_at" at time zone 'UTC'), 'YYYY-MM') as "month", ${INCOME}, ${EXPENSES}
       from "transactions" t
      where t."group_id" = ? and t."approval_status" = 'APPROVED' and t."occurred_at" >= ? and t."occurred_at" < ?
      group by 1`,
    [scope.groupId, first, startOfMonthUtc(scope.now, 1)],
  );
  const byMonth = new Map(rows.map((row) => [row.month, row]));
  return Array.from({ length: DASHBOARD_MONTHS }, (_, i) => {
    const month = monthKey(startOfMonthUtc(first, i));
    const row = byMonth.get(month);
    return {
      month,
      income: { amountMinor: BigInt(row?.income ?? 0), currency: scope.currency },
      expenses: { amountMinor: BigInt(row?.expenses ?? 0), currency: scope.currency },
    };
  });
}

/** Cash, bank and provider clearing together, derived from the ledger's entries now (not limited to the period). */
export async function cashPosition(ctx: ServiceContext, scope: DashboardScope): Promise<Money> {
  const balance = await groupBalance(ctx, scope.groupId);
  return { amountMinor: balance.cashPositionMinor, currency: balance.currency };
}

/** The newest activity entries, newest first. One statement. */
export async function recentActivity(ctx: ServiceContext, scope: DashboardScope): Promise<ActivityLog[]> {
  return ctx.em.find(ActivityLog, { groupId: scope.groupId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: DASHBOARD_RECENT_ENTRIES });
}

/** The newest audit entries, newest first. One statement. */
export async function recentAudit(ctx: ServiceContext, scope: DashboardScope): Promise<AuditLog[]> {
  return ctx.em.find(AuditLog, { groupId: scope.groupId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: DASHBOARD_RECENT_ENTRIES });
}
