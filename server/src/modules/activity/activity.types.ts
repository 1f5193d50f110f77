import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ActorKind } from './activity-log.entity';

@ObjectType('Actor', { description: 'Who made a logged change: a person, an API key or the system' })
export class ActorType {
  @Field(() => ActorKind)
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

  @Field(() => ID, { nullable: true })
  entityId: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  before: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  after: Record<string, unknown> | null;

  @Field()
  createdAt: Date;

  // Resolved in ActivityResolver: actor.
}
