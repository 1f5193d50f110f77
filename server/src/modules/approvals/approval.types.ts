import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ApprovalAction, ApprovalEntityType, ApprovalRequestStatus } from './approval-request.entity';

registerEnumType(ApprovalEntityType, {
  name: 'ApprovalEntityType',
  description: 'What an approval request changes',
  valuesConfig: { DUE: { description: 'A member said they paid a due: approving records the payment' } },
});
registerEnumType(ApprovalAction, { name: 'ApprovalAction', description: 'Whether the request adds, changes or removes its record' });
registerEnumType(ApprovalRequestStatus, {
  name: 'ApprovalRequestStatus',
  description: 'PENDING until an admin other than the requester approves (the change is applied) or rejects it, or the requester cancels it; decided requests never change again',
});

@ObjectType('ApprovalRequest', { description: 'A change waiting for an admin other than the requester (maker–checker)' })
export class ApprovalRequestType {
  @Field(() => ID)
  id: string;

  @Field(() => ApprovalEntityType, { description: 'The kind of record the change is about' })
  entityType: ApprovalEntityType;

  @Field(() => ApprovalAction, { description: 'Create, update or delete that record' })
  action: ApprovalAction;

  @Field(() => ID, { nullable: true, description: 'The member or transaction concerned' })
  targetId: string | null;

  @Field(() => GraphQLJSONObject, { description: '{ operation, input }: the change as asked' })
  proposedData: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What the change would replace' })
  previousData: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: "The requester's reason for the change; null when none was given" })
  notes: string | null;

  @Field(() => ApprovalRequestStatus, { description: 'Where the request stands: PENDING, or how it was decided' })
  status: ApprovalRequestStatus;

  @Field(() => Date, { nullable: true, description: 'When it was approved, rejected or cancelled; null while PENDING' })
  decidedAt: Date | null;

  @Field(() => String, { nullable: true, description: "The decider's note (at most 2000 characters); null when none was given or still PENDING" })
  decisionNotes: string | null;

  @Field()
  createdAt: Date;

  // Resolved: requestedBy, decidedBy, viewerCanApprove, viewerCanReject, viewerCanCancel.
}

@ObjectType('ApprovalEvent', { description: "A request was queued or decided in the group (approvalEvents subscription)" })
export class ApprovalEventType {
  @Field({ description: 'QUEUED, APPROVED, REJECTED or CANCELLED' })
  type: string;

  @Field(() => ApprovalRequestType, { description: 'The request as it stands after this event' })
  approval: ApprovalRequestType;

  @Field(() => Int, { description: "The group's pending requests after this event" })
  pendingCount: number;
}

