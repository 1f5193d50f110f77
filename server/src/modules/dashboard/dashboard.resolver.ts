import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { MoneyType } from '../../graphql/money.type';
import { ActivityLog } from '../activity/activity-log.entity';
import { ActivityLogType } from '../activity/activity.types';
import { AuditLog } from '../audit/audit-log.entity';
import { AuditLogType } from '../audit/audit.types';
import { pendingApprovalsFor } from '../approvals/approval.service';
import * as dashboard from './dashboard.service';
import { DashboardMembersType, DashboardType, MonthlyTotalsType } from './dashboard.types';

@Resolver(() => DashboardType)
export class DashboardResolver {
  @Query(() => DashboardType, { description: "Admins and operators. The period defaults to the current calendar month (UTC)" })
  async dashboard(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('from', () => Date, { nullable: true, description: 'Inclusive; defaults to the start of the current month (UTC)' }) from: Date | null,
    @Arg('to', () => Date, { nullable: true, description: 'Exclusive; defaults to the start of next month (UTC)' }) to: Date | null,
  ): Promise<dashboard.DashboardScope> {
    return dashboard.openDashboard(ctx, groupId, from, to);
  }

  @FieldResolver(() => Int, { description: "Requests waiting for a decision: all of the group's for admins, their own for operators" })
  async pendingApprovals(@Root() scope: dashboard.DashboardScope, @Ctx() ctx: GraphQLContext): Promise<number> {
    return pendingApprovalsFor(ctx, scope.groupId);
  }

  @FieldResolver(() => DashboardMembersType, { description: 'Member counts: every membership ever and the active ones' })
  async members(@Root() scope: dashboard.DashboardScope, @Ctx() ctx: GraphQLContext): Promise<DashboardMembersType> {
    return dashboard.memberCounts(ctx, scope);
  }

  @FieldResolver(() => MoneyType, { description: 'Approved money in during the period, reversals subtracted' })
  async income(@Root() scope: dashboard.DashboardScope, @Ctx() ctx: GraphQLContext): Promise<MoneyType> {
    return MoneyType.from({ amountMinor: (await dashboard.periodTotals(ctx, scope)).income, currency: scope.currency });
  }

  @FieldResolver(() => MoneyType, { description: 'Approved money out during the period, reversals subtracted' })
  async expenses(@Root() scope: dashboard.DashboardScope, @Ctx() ctx: GraphQLContext): Promise<MoneyType> {
    return MoneyType.from({ amountMinor: (await dashboard.periodTotals(ctx, scope)).expenses, currency: scope.currency });
  }

  @FieldResolver(() => MoneyType, { description: "The cash position now (cash, bank and provider clearing), from the ledger's entries" })
  async balance(@Root() scope: dashboard.DashboardScope, @Ctx() ctx: GraphQLContext): Promise<MoneyType> {
    return MoneyType.from(await dashboard.cashPosition(ctx, scope));
  }

  @FieldResolver(() => [MonthlyTotalsType], { description: 'The last 12 calendar months (UTC), oldest first, ending with the current one' })
  async monthly(@Root() scope: dashboard.DashboardScope, @Ctx() ctx: GraphQLContext): Promise<MonthlyTotalsType[]> {
    return (await dashboard.monthlyTotals(ctx, scope)).map((month) => ({ month: month.month, income: MoneyType.from(month.income), expenses: MoneyType.from(month.expenses) }));
  }

  @FieldResolver(() => [ActivityLogType], { description: 'The 10 newest activity entries' })
  async recentActivity(@Root() scope: dashboard.DashboardScope, @Ctx() ctx: GraphQLContext): Promise<ActivityLog[]> {
    return dashboard.recentActivity(ctx, scope);
  }

  @FieldResolver(() => [AuditLogType], { description: 'The 10 newest audit entries' })
  async recentAudit(@Root() scope: dashboard.DashboardScope, @Ctx() ctx: GraphQLContext): Promise<AuditLog[]> {
    return dashboard.recentAudit(ctx, scope);
  }
}
