import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ActorKind } from './activity-log.entity';

@ObjectType('Actor', { description: 'Who made a logged change: a person, an API key or the system' })
export class ActorType {
  @Field(() => ActorKind, { description: 'A person (USER), an integration (API_KEY) or Coffer itself (SYSTEM, e.g. a scheduled job or a payment provider callback)' })
  kind: ActorKind;

  @Field(() => ID, { nullable: true, description: "The user's or API key's id; null for SYSTEM" })
  id: string | null;

  @Field(() => String, { nullable: true, description: "The user's name or the API key's name; null for SYSTEM" })
  name: string | null;
}

@ObjectType('ActivityLog', { description: 'One user or system action, with the entity before and after' })
export class ActivityLogType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'e.g. member.add, group.update' })
  action: string;

  @Field({ description: 'e.g. Member, Group, ApiKey' })
  entityType: string;

  @Field(() => ID, { nullable: true, description: 'The id of the record acted on; null when the action concerns no single record' })
  entityId: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The changed fields as they were; null when there was nothing before (e.g. a creation)' })
  before: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The changed fields as they became; null when nothing remains (e.g. a deletion)' })
  after: Record<string, unknown> | null;

  @Field()
  createdAt: Date;

  // Resolved in ActivityResolver: actor.
}
