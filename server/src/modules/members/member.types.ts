import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { MoneyInput } from '../../graphql/money.type';
import { Role } from '../../shared/roles';
import { ApprovalRequestType } from '../approvals/approval.types';
import { MemberStatus } from './member.entity';

// simpleResolvers: see PageInfo in graphql/connection.ts.
@ObjectType('Member', { description: "A person's membership of one group, with their role there; sub-members (family) hang off a primary member", simpleResolvers: true })
export class MemberType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Full name, at most 200 characters' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Short name shown in lists; null when not given' })
  nickname: string | null;

  @Field(() => Role, { description: 'What the member may see and do in the group' })
  role: Role;

  @Field({ description: 'PREFIX-YYYY-NNNN-SS; SS is 00 for a primary, 01–03 for sub-members' })
  memberNumber: string;

  @Field(() => MemberStatus, { description: 'REMOVED members stay listed for history but can no longer be changed or billed' })
  status: MemberStatus;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  // Resolved in MemberResolver: email, phone (staff and the member themself
  // only), customAmount, primaryMember, subMembers, viewerCanEdit.
}

@ObjectType('MemberChangedEvent', { description: 'A member was added, updated or removed (memberChanged subscription)' })
export class MemberChangedEvent {
  @Field(() => ID, { description: 'The group the member belongs to' })
  groupId: string;

  @Field({ description: 'ADDED, UPDATED or REMOVED' })
  action: string;

  @Field(() => MemberType, { description: 'The member as it stands when the event is delivered' })
  member: MemberType;
}

@InputType({ description: 'A new member of a group, found or invited by e-mail' })
export class AddMemberInput {
  @Field(() => ID, { description: 'The group to add them to; staff (admins and operators) only' })
  groupId: string;

  @Field({ description: 'Their sign-in e-mail (case does not matter). A new e-mail gets an account and a welcome e-mail with a temporary password; CONFLICT MEMBER_EXISTS if an active member of the group has it.' })
  email: string;

  @Field({ description: 'Full name, 1 to 200 characters' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Short name shown in lists, at most 100 characters' })
  nickname?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number, e.g. +91 98765 43210' })
  phone?: string | null;

  @Field(() => MoneyInput, { nullable: true, description: "Overrides the member's share; in the group's currency" })
  customAmount?: MoneyInput | null;

  @Field(() => Role, { nullable: true, defaultValue: Role.MEMBER, description: 'Only admins may give ADMIN or OPERATOR' })
  role?: Role | null;
}

@InputType({ description: 'Changes to a member: omitted fields stay as they are. Only admins may change an admin or operator.' })
export class UpdateMemberInput {
  @Field(() => String, { nullable: true, description: 'Full name, 1 to 200 characters; cannot be cleared' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Short name shown in lists, at most 100 characters; null or empty clears it' })
  nickname?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number, e.g. +91 98765 43210; null or empty clears it' })
  phone?: string | null;

  @Field(() => MoneyInput, { nullable: true, description: "The member's own share in CUSTOM_AMOUNTS billing, in the group's currency, not negative; null clears it" })
  customAmount?: MoneyInput | null;

  @Field(() => Role, { nullable: true, description: 'New role; only admins may give ADMIN or OPERATOR, and the last admin cannot be demoted (CONFLICT LAST_ADMIN)' })
  role?: Role | null;
}

@InputType({ description: "A family member under a primary member: shares the primary's member number with the next free suffix 01–03" })
export class AddSubMemberInput {
  @Field(() => ID, { description: 'The active primary member they belong to' })
  primaryMemberId: string;

  @Field({ description: 'Full name, 1 to 200 characters' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Optional sign-in e-mail; without one the sub-member has no account. A new e-mail gets an account with a temporary password.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Short name shown in lists, at most 100 characters' })
  nickname?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number, e.g. +91 98765 43210' })
  phone?: string | null;
}

@ObjectType('MemberChangePayload', { description: "An admin's change applies at once (member); an operator's waits for an admin (approval)" })
export class MemberChangePayload {
  @Field(() => MemberType, { nullable: true, description: 'The member as it now stands; null for an add that waits for approval' })
  member: MemberType | null;

  @Field(() => ApprovalRequestType, { nullable: true, description: 'Set when the change waits for approval instead' })
  approval: ApprovalRequestType | null;

  @Field({ description: 'True when nothing changed yet: an admin must approve' })
  pendingApproval: boolean;
}
