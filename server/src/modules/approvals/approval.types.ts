import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ApprovalAction, ApprovalEntityType, ApprovalRequestStatus } from './approval-request.entity';

registerEnumType(ApprovalEntityType, { name: 'ApprovalEntityType' });
registerEnumType(ApprovalAction, { name: 'ApprovalAction' });
registerEnumType(ApprovalRequestStatus, { name: 'ApprovalRequestStatus' });

@ObjectType('ApprovalRequest', { description: 'A change waiting for an admin other than the requester (maker–checker)' })
export class ApprovalRequestType {
  @Field(() => ID)
  id: string;

  @Field(() => ApprovalEntityType)
  entityType: ApprovalEntityType;

  @Field(() => ApprovalAction)
  action: ApprovalAction;

  @Field(() => ID, { nullable: true, description: 'The member or transaction concerned' })
  targetId: string | null;

  @Field(() => GraphQLJSONObject, { description: '{ operation, input }: the change as asked' })
  proposedData: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What the change would replace' })
  previousData: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  notes: string | null;

  @Field(() => ApprovalRequestStatus)
  status: ApprovalRequestStatus;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;

  @Field(() => String, { nullable: true })
  decisionNotes: string | null;

  @Field()
  createdAt: Date;

  // Resolved: requestedBy, decidedBy, viewerCanApprove, viewerCanReject, viewerCanCancel.
}

@ObjectType('ApprovalEvent')
export class ApprovalEventType {
  @Field({ description: 'QUEUED, APPROVED, REJECTED or CANCELLED' })
  type: string;

  @Field(() => ApprovalRequestType)
  approval: ApprovalRequestType;

  @Field(() => Int, { description: "The group's pending requests after this event" })
  pendingCount: number;
}

