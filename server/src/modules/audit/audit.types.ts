import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('AuditLog', { description: 'One change to money (transactions, approvals, balances); never edited or deleted' })
export class AuditLogType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'e.g. Transaction, Approval' })
  entityType: string;

  @Field(() => ID, { description: 'The id of the transaction, approval or other record changed' })
  entityId: string;

  @Field({ description: 'e.g. transaction.record, transaction.approve' })
  action: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The changed fields before; amounts are strings of minor units' })
  previousData: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The changed fields after' })
  newData: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The whole transaction as it stood after the change' })
  snapshot: Record<string, unknown> | null;

  @Field()
  createdAt: Date;

  // Resolved in AuditResolver: actor.
}
