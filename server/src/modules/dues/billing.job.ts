import { GROUP_TODAY_CTE } from '../../jobs/group-calendar';
import { withJobLock } from '../../jobs/job-runner';
import type { JobDeps } from '../../jobs/job-types';
import { createLoaders } from '../../shared/loaders';
import { recordActivity } from '../activity/activity.service';
import { anonymousViewer } from '../auth/viewer';
import { BillingCycle, GroupStatus } from '../groups/group.entity';
import { addDays, addMonths } from './dates';
import { defaultDueDate, DUE_CHANGED_TOPIC, lockGroupForBilling, openBillingPeriod, UnbillableReason } from './due.service';

/*
 * The billing job: every active group with a price (or custom amounts) gets
 * the billing period of its cycle that contains its today — months, quarters
 * from January, years from January — opened with every member's due, from
 * the first period that begins after the group was created (the current one
 * of a new group is the admin's call: it may be half over)
 * (openBillingPeriod: three statements per group, whatever its size).
 * VARIABLE_TOTAL groups are left to their admins: only they know the total.
 * One query finds the groups still without their current period; each is
 * then opened in its own transaction under the group's lock, as an admin's
 * period is, so a repeated or concurrent run creates nothing more.
 *
 * A period of the group that shares a day with the one due (an admin opened
 * e.g. 12-15..01-14 by hand, or moved a period's dates) is the admin's
 * call: the job opens nothing over it and reports the group under
 * `skipped` (PERIOD_OVERLAP) on every run while it lasts, as it does a group
 * whose settings would bill nobody or leave members out (NO_PRICE,
 * NOTHING_TO_BILL). A report holds ids and dates, never a group's labels
 * (admins of any group see the job's reports).
 */

const MONTHS: Record<BillingCycle, number> = { [BillingCycle.MONTHLY]: 1, [BillingCycle.QUARTERLY]: 3, [BillingCycle.ANNUAL]: 12 };

const GROUPS_TO_BILL = `with ${GROUP_TODAY_CTE},
current_period as (
  select g.id, g.billing_settings->>'cycle' as cycle, g.created_at, gt.tz,
    (case g.billing_settings->>'cycle'
      when 'QUARTERLY' then date_trunc('quarter', gt.today)
      when 'ANNUAL' then date_trunc('year', gt.today)
      else date_trunc('month', gt.today) end)::date as period_start
  from groups g join group_today gt on gt.group_id = g.id
  where g.billing_settings->>'mode' <> 'VARIABLE_TOTAL'
    -- A price of zero bills nobody: such a group is not billed (custom amounts may still be).
    and ((g.billing_settings->>'priceMinor')::bigint > 0 or g.billing_settings->>'mode' = 'CUSTOM_AMOUNTS')
)
select c.id, c.cycle, c.period_start::text as period_start from current_period c
-- Only periods that began while the group existed: a group created mid-period starts with the next one.
where c.period_start >= (c.created_at at time zone c.tz)::date
  and not exists (select 1 from billing_periods p where p.group_id = c.id and p.period_start = c.period_start)
order by c.id`;

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function periodLabel(cycle: BillingCycle, periodStart: string): string {
  const year = periodStart.slice(0, 4);
  const month = Number(periodStart.slice(5, 7));
  if (cycle === BillingCycle.ANNUAL) return year;
  if (cycle === BillingCycle.QUARTERLY) return `Q${Math.floor((month - 1) / 3) + 1} ${year}`;
  return `${MONTH_NAMES[month - 1]} ${year}`;
}

export interface OpenedPeriod {
  groupId: string;
  periodId: string;
  label: string;
  dueCount: number;
}

/** A group whose current period the job did not open, and why. */
export interface SkippedPeriod {
  groupId: string;
  periodStart: string;
  periodEnd: string;
  reason: 'PERIOD_OVERLAP' | UnbillableReason;
  /** PERIOD_OVERLAP: the group's period in the way. */
  overlappingPeriodId?: string;
}

type BillingDeps = Pick<JobDeps, 'orm' | 'pool' | 'config' | 'events' | 'logger'>;

/**
 * Opens one group's period in its own transaction: the period opened, why it
 * was skipped, or null when it exists already (another run or instance was
 * first) or the group is gone.
 */
async function openOne(deps: BillingDeps, groupId: string, cycle: BillingCycle, periodStart: string): Promise<OpenedPeriod | SkippedPeriod | null> {
  const periodEnd = addDays(addMonths(periodStart, MONTHS[cycle]), -1);
  return deps.orm.em.fork().transactional(async (em) => {
    // As for a period opened by hand: other periods' openings, member and settings changes wait while the shares are computed.
    const group = await lockGroupForBilling(em, groupId);
    if (!group || group.status !== GroupStatus.ACTIVE) return null;
    const outcome = await openBillingPeriod(em, group, {
      label: periodLabel(cycle, periodStart),
      periodStart,
      periodEnd,
      dueDate: defaultDueDate(group, periodStart, periodEnd),
      totalMinor: group.billingSettings.priceMinor === null ? null : BigInt(group.billingSettings.priceMinor),
      remainderMemberId: null,
      notes: null,
    });
    if (outcome.kind === 'OVERLAP') {
      // The very period, opened since the candidates were read: nothing to do, nothing to report.
      if (outcome.existing.periodStart === periodStart) return null;
      return { groupId, periodStart, periodEnd, reason: 'PERIOD_OVERLAP', overlappingPeriodId: outcome.existing.id };
    }
    if (outcome.kind === 'UNBILLABLE') return { groupId, periodStart, periodEnd, reason: outcome.reason };
    const ctx = { em, viewer: anonymousViewer, config: deps.config, events: deps.events, loaders: createLoaders(em, anonymousViewer) };
    recordActivity(ctx, {
      groupId: group.id,
      action: 'billingPeriod.open',
      entityType: 'BillingPeriod',
      entityId: outcome.period.id,
      after: { label: outcome.period.label, periodStart, periodEnd, dueDate: outcome.period.dueDate, dueCount: outcome.dueCount },
    });
    await em.flush();
    return { groupId: group.id, periodId: outcome.period.id, label: outcome.period.label, dueCount: outcome.dueCount };
  });
}

export async function openDuePeriods(deps: BillingDeps): Promise<{ opened: OpenedPeriod[]; skipped: SkippedPeriod[]; failures: number }> {
  const outcome = await withJobLock(deps.pool, 'billing', async () => {
    const candidates = await deps.pool.query<{ id: string; cycle: BillingCycle; period_start: string }>(GROUPS_TO_BILL);
    const opened: OpenedPeriod[] = [];
    const skipped: SkippedPeriod[] = [];
    let failures = 0;
    for (const candidate of candidates.rows) {
      const cycle = MONTHS[candidate.cycle] ? candidate.cycle : BillingCycle.MONTHLY;
      try {
        const period = await openOne(deps, candidate.id, cycle, candidate.period_start);
        if (period && 'reason' in period) {
          deps.logger.info('Billing skipped a group', { ...period });
          skipped.push(period);
        } else if (period) {
          opened.push(period);
        }
      } catch (error) {
        // One group's problem must not leave every other group unbilled; it is tried again next run.
        deps.logger.error('Billing failed for a group', { groupId: candidate.id, error: error instanceof Error ? error.message : String(error) });
        failures += 1;
      }
    }
    return { opened, skipped, failures };
  });
  for (const period of outcome.opened) {
    await deps.events.publish({ topic: DUE_CHANGED_TOPIC, key: period.groupId, data: { periodId: period.periodId, change: 'CREATED' } }).catch((error: unknown) => {
      deps.logger.warn('Billing event not published', { periodId: period.periodId, error: String(error) });
    });
  }
  return outcome;
}

/** The billing job and cron route: the periods it opened, per group. */
export async function billingJob(deps: JobDeps): Promise<Record<string, unknown>> {
  const { opened, skipped, failures } = await openDuePeriods(deps);
  return { periodsCreated: opened.length, duesCreated: opened.reduce((sum, period) => sum + period.dueCount, 0), failedGroups: failures, periods: opened, skipped };
}
