import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { MoneyInput } from '../../graphql/money.type';
import { Role } from '../../shared/roles';
import { ApprovalRequestType } from '../approvals/approval.types';
import { MemberStatus } from './member.entity';

@ObjectType('Member')
export class MemberType {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  nickname: string | null;

  @Field(() => Role)
  role: Role;

  @Field({ description: 'PREFIX-YYYY-NNNN-SS; SS is 00 for a primary, 01–03 for sub-members' })
  memberNumber: string;

  @Field(() => MemberStatus)
  status: MemberStatus;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  // Resolved in MemberResolver: email, phone (staff and the member themself
  // only), customAmount, primaryMember, subMembers, viewerCanEdit.
}

@ObjectType('MemberChangedEvent')
export class MemberChangedEvent {
  @Field(() => ID)
  groupId: string;

  @Field({ description: 'ADDED, UPDATED or REMOVED' })
  action: string;

  @Field(() => MemberType)
  member: MemberType;
}

@InputType()
export class AddMemberInput {
  @Field(() => ID)
  groupId: string;

  @Field()
  email: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  nickname?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => MoneyInput, { nullable: true, description: "Overrides the member's share; in the group's currency" })
  customAmount?: MoneyInput | null;

  @Field(() => Role, { nullable: true, defaultValue: Role.MEMBER, description: 'Only admins may give ADMIN or OPERATOR' })
  role?: Role | null;
}

@InputType()
export class UpdateMemberInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  nickname?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => MoneyInput, { nullable: true })
  customAmount?: MoneyInput | null;

  @Field(() => Role, { nullable: true })
  role?: Role | null;
}

@InputType()
export class AddSubMemberInput {
  @Field(() => ID)
  primaryMemberId: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  nickname?: string | null;

  @Field(() => String, { nullable: true })
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
