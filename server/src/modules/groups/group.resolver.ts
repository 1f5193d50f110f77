import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { MoneyType } from '../../graphql/money.type';
import { Role } from '../../shared/roles';
import { knownViewerRoleIn, viewerRoleIn } from '../auth/authorization';
import { billingSettingsOf, Group } from './group.entity';
import * as groups from './group.service';
import { BillingSettingsType, CreateGroupInput, GroupType, PaymentSettingsType, UpdateGroupInput } from './group.types';

export const GroupConnection = connectionOf('Group', GroupType);

@Resolver(() => GroupType)
export class GroupResolver {
  @Query(() => GroupConnection, { description: "The viewer's groups (an API key sees its own group)" })
  async groups(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<groups.GroupView>> {
    return toConnection(await groups.listMyGroups(ctx, { first, after }));
  }

  @Query(() => GroupType, { description: 'One group the viewer belongs to, with any role' })
  async group(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Group> {
    return groups.getGroup(ctx, id);
  }

  @Mutation(() => GroupType, { description: 'Creates a group; the creator becomes its admin' })
  async createGroup(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateGroupInput) input: CreateGroupInput): Promise<Group> {
    return groups.createGroup(ctx, input);
  }

  @Mutation(() => GroupType, { description: 'Admins only. Changes name, kind, prefix, billing, payment settings or approval threshold; the currency never changes. CONFLICT GROUP_DEACTIVATED on a deactivated group.' })
  async updateGroup(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateGroupInput) input: UpdateGroupInput,
  ): Promise<Group> {
    return groups.updateGroup(ctx, id, input);
  }

  @Mutation(() => GroupType, { description: 'Makes the group read-only. Groups are never deleted.' })
  async deactivateGroup(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Group> {
    return groups.deactivateGroup(ctx, id);
  }

  // viewerRole and memberCount answer without a promise when the groups list primed them: a
  // promise per field (and per group object) was a measurable share of that query's CPU.
  @FieldResolver(() => Role, { nullable: true, description: "The viewer's role in this group" })
  viewerRole(@Root() group: groups.GroupView, @Ctx() ctx: GraphQLContext): Role | null | Promise<Role | null> {
    const known = knownViewerRoleIn(ctx, group.id);
    return known !== undefined ? known : viewerRoleIn(ctx, group.id);
  }

  @FieldResolver(() => Int, { description: 'Active members, sub-members included' })
  memberCount(@Root() group: groups.GroupView, @Ctx() ctx: GraphQLContext): number | Promise<number> {
    return ctx.loaders.activeMemberCountByGroup.known(group.id) ?? ctx.loaders.activeMemberCountByGroup.load(group.id);
  }

  @FieldResolver(() => Int, { description: 'Dues not yet paid (unpaid, member-confirmed or overdue) across all billing periods' })
  async unpaidCount(@Root() group: groups.GroupView, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.loaders.openDueCountByGroup.load(group.id);
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Next due date from the billing settings' })
  nextBillingDate(@Root() group: groups.GroupView): Date | null {
    return groups.nextBillingDate(group.billingSettings);
  }

  @FieldResolver(() => BillingSettingsType, { nullable: true, description: 'Admins only; null for other roles' })
  async billingSettings(@Root() group: groups.GroupView, @Ctx() ctx: GraphQLContext): Promise<BillingSettingsType | null> {
    if ((await viewerRoleIn(ctx, group.id)) !== Role.ADMIN) return null;
    const settings = billingSettingsOf(group);
    const money = (minor: string | null): MoneyType | null => (minor === null ? null : MoneyType.from({ amountMinor: BigInt(minor), currency: group.currency }));
    const fees = settings.membershipFees;
    return {
      mode: settings.mode,
      cycle: settings.cycle,
      price: money(settings.priceMinor),
      dueDay: settings.dueDay,
      graceDays: settings.graceDays,
      annualDueDate: settings.annualDueDate,
      termRule: settings.termRule,
      renewalWindowDays: settings.renewalWindowDays,
      membershipFees: { monthly: money(fees.monthlyMinor), annual: money(fees.annualMinor), lifetime: money(fees.lifetimeMinor), applicationFee: money(fees.applicationFeeMinor) },
      timeZone: settings.timeZone,
    };
  }

  @FieldResolver(() => MoneyType, { nullable: true, description: "Changes above this wait for a second person's approval. Admins and operators; null when there is none" })
  async approvalThreshold(@Root() group: groups.GroupView, @Ctx() ctx: GraphQLContext): Promise<MoneyType | null> {
    const role = await viewerRoleIn(ctx, group.id);
    if (group.approvalThresholdMinor === null || (role !== Role.ADMIN && role !== Role.OPERATOR)) return null;
    return MoneyType.from({ amountMinor: group.approvalThresholdMinor, currency: group.currency });
  }

  @FieldResolver(() => PaymentSettingsType, { nullable: true, description: 'Admins only; null for other roles' })
  async paymentSettings(@Root() group: groups.GroupView, @Ctx() ctx: GraphQLContext): Promise<PaymentSettingsType | null> {
    if ((await viewerRoleIn(ctx, group.id)) !== Role.ADMIN) return null;
    const settings = group.paymentSettings;
    return {
      upiId: settings.upiId,
      bankAccountMasked: settings.bankAccountLast4 ? `XXXXXXXX${settings.bankAccountLast4}` : null,
      bankIfsc: settings.bankIfsc,
      razorpayEnabled: settings.razorpayEnabled,
      stripeEnabled: settings.stripeEnabled,
    };
  }
}
