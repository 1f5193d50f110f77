import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MoneyType } from '../../graphql/money.type';

@ObjectType('DashboardMembers')
export class DashboardMembersType {
  @Field(() => Int, { description: 'Every membership the group has had, removed ones included' })
  total: number;

  @Field(() => Int)
  active: number;
}

@ObjectType('MonthlyTotals', { description: "One calendar month (UTC) of approved money, reversals subtracted, in the group's currency" })
export class MonthlyTotalsType {
  @Field({ description: 'YYYY-MM' })
  month: string;

  @Field(() => MoneyType)
  income: MoneyType;

  @Field(() => MoneyType)
  expenses: MoneyType;
}

@ObjectType('Dashboard', { description: "A group's figures at a glance, for admins and operators" })
export class DashboardType {
  @Field(() => ID)
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
