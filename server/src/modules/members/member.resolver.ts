import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { connectionOf, ConnectionShape, toConnection } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { MoneyType } from '../../graphql/money.type';
import type { CofferEvent } from '../../shared/event-bus';
import { ANY_ROLE, assertGroupRole } from '../auth/authorization';
import { Member, MemberStatus } from './member.entity';
import type { MemberView } from './member.entity';
import * as members from './member.service';
import { AddMemberInput, AddSubMemberInput, MemberChangedEvent, MemberChangePayload, MemberType, UpdateMemberInput } from './member.types';

export const MemberConnection = connectionOf('Member', MemberType);

const payload = (outcome: members.MemberChangeOutcome) => ({ ...outcome, pendingApproval: outcome.approval !== null });

interface MemberChangedArgs {
  groupId: string;
}

@Resolver(() => MemberType)
export class MemberResolver {
  @Query(() => MemberConnection, { description: 'Members ordered by member number' })
  async members(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('status', () => MemberStatus, { nullable: true }) status: MemberStatus | null,
    @Arg('search', () => String, { nullable: true, description: 'Matches name, nickname, e-mail, phone or member number' }) search: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ConnectionShape<Member>> {
    return toConnection(await members.listMembers(ctx, { groupId, status, search, first, after }));
  }

  @Query(() => MemberType, { description: 'One member; any role in the group may read it (contact details only for staff and the member themself)' })
  async member(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Member> {
    return members.getMember(ctx, id);
  }

  @Mutation(() => MemberChangePayload, { description: 'Adds a person by e-mail; creates their account with a temporary password if they have none. Operators: waits for approval.' })
  async addMember(@Ctx() ctx: GraphQLContext, @Arg('input', () => AddMemberInput) input: AddMemberInput) {
    return payload(await members.addMember(ctx, input));
  }

  @Mutation(() => MemberChangePayload, { description: 'Operators: waits for approval' })
  async updateMember(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string, @Arg('input', () => UpdateMemberInput) input: UpdateMemberInput) {
    return payload(await members.updateMember(ctx, id, input));
  }

  @Mutation(() => MemberChangePayload, { description: 'Soft removal; sub-members go with their primary. Operators: waits for approval.' })
  async removeMember(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string) {
    return payload(await members.removeMember(ctx, id));
  }

  @Mutation(() => MemberChangePayload, { description: 'At most three active sub-members per primary; a fourth is CONFLICT. Operators: waits for approval.' })
  async addSubMember(@Ctx() ctx: GraphQLContext, @Arg('input', () => AddSubMemberInput) input: AddSubMemberInput) {
    return payload(await members.addSubMember(ctx, input));
  }

  @Subscription(() => MemberChangedEvent, {
    description: "Members added, updated or removed in a group, as they happen (any role in the group)",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, MemberChangedArgs, GraphQLContext>) => {
      await assertGroupRole(context, args.groupId, ANY_ROLE);
      return context.events.subscribe(members.MEMBER_CHANGED_TOPIC, args.groupId);
    },
  })
  async memberChanged(
    @Root() event: CofferEvent,
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) _groupId: string,
  ): Promise<{ groupId: string; action: string; member: Member }> {
    // Reload with a fresh identity map: the event only carries ids, and a
    // long-lived subscription must not serve a stale cached row.
    ctx.em.clear();
    const member = await ctx.em.findOneOrFail(Member, { id: event.data.memberId });
    return { groupId: event.key, action: event.data.action, member };
  }

  @FieldResolver(() => String, { nullable: true, description: 'Visible to admins, operators and the member themself' })
  async email(@Root() member: MemberView, @Ctx() ctx: GraphQLContext): Promise<string | null> {
    return (await members.viewerMaySeeContact(ctx, member)) ? member.email : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Visible to admins, operators and the member themself' })
  async phone(@Root() member: MemberView, @Ctx() ctx: GraphQLContext): Promise<string | null> {
    return (await members.viewerMaySeeContact(ctx, member)) ? member.phone : null;
  }

  @FieldResolver(() => MoneyType, { nullable: true, description: "The member's own share in CUSTOM_AMOUNTS billing, in the group's currency; null means the group's usual price applies" })
  async customAmount(@Root() member: MemberView, @Ctx() ctx: GraphQLContext): Promise<MoneyType | null> {
    if (member.customAmountMinor === null) return null;
    const group = await ctx.loaders.groupById.load(member.group.id);
    return group ? MoneyType.from({ amountMinor: member.customAmountMinor, currency: group.currency }) : null;
  }

  @FieldResolver(() => MemberType, { nullable: true, description: 'For a sub-member, the primary member they belong to; null for a primary' })
  async primaryMember(@Root() member: MemberView, @Ctx() ctx: GraphQLContext): Promise<Member | null> {
    return member.primaryMember ? ctx.loaders.memberById.load(member.primaryMember.id) : null;
  }

  @FieldResolver(() => [MemberType], { description: 'Active sub-members, by slot' })
  async subMembers(@Root() member: MemberView, @Ctx() ctx: GraphQLContext): Promise<Member[]> {
    const ids = await ctx.loaders.activeSubMemberIdsByPrimary.load(member.id);
    const loaded = await ctx.loaders.memberById.loadMany(ids);
    return loaded.filter((row): row is Member => row instanceof Member);
  }

  @FieldResolver(() => Boolean, { description: 'Whether the console should offer edit and remove for this member' })
  async viewerCanEdit(@Root() member: MemberView, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return members.viewerCanEditMember(ctx, member);
  }
}
