import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MoneyType } from '../../graphql/money.type';

@ObjectType('DashboardMembers', { description: "How many members the group has (now, not limited to the dashboard's period)" })
export class DashboardMembersType {
  @Field(() => Int, { description: 'Every membership the group has had, removed ones included' })
  total: number;

  @Field(() => Int, { description: 'Members with status ACTIVE now, sub-members included' })
  active: number;
}

@ObjectType('MonthlyTotals', { description: "One calendar month (UTC) of approved money, reversals subtracted, in the group's currency" })
export class MonthlyTotalsType {
  @Field({ description: 'YYYY-MM' })
  month: string;

  @Field(() => MoneyType, { description: 'Approved CASH_IN transactions of the month, reversals subtracted' })
  income: MoneyType;

  @Field(() => MoneyType, { description: 'Approved CASH_OUT transactions of the month, reversals subtracted' })
  expenses: MoneyType;
}

@ObjectType('Dashboard', { description: "A group's figures at a glance, for admins and operators" })
export class DashboardType {
  @Field(() => ID, { description: 'The group these figures are for' })
  groupId: string;

  @Field({ description: "The group's currency: every amount here is in it" })
  currency: string;

  @Field({ description: 'Start of the period, inclusive' })
  from: Date;

  @Field({ description: 'End of the period, exclusive' })
  to: Date;

  // Resolved in DashboardResolver: members, income, expenses, balance,
  // monthly, recentActivity, recentAudit, pendingApprovals.
}
