import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../../shared/roles';
import { GroupType } from '../groups/group.types';

@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id: string;

  @Field()
  email: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  phone: string | null;

  @Field({ description: 'True after an admin created the account: the console asks for a new password first' })
  mustChangePassword: boolean;
}

@ObjectType('ApiKey')
export class ApiKeyType {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'The public start of the key, e.g. cof_Ab12Cd34' })
  prefix: string;

  @Field(() => Role)
  role: Role;

  @Field(() => GroupType)
  group: GroupType;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType('GroupMembership')
export class GroupMembershipType {
  @Field(() => GroupType)
  group: GroupType;

  @Field(() => Role)
  role: Role;
}

@ObjectType('Me', { description: 'The viewer: a signed-in person or an API key' })
export class MeType {
  @Field(() => UserType, { nullable: true, description: 'Null when the viewer is an API key' })
  user: UserType | null;

  @Field(() => ApiKeyType, { nullable: true, description: 'Set when the viewer is an API key' })
  apiKey: ApiKeyType | null;

  @Field(() => [GroupMembershipType])
  memberships: GroupMembershipType[];
}

@ObjectType('SignInPayload')
export class SignInPayload {
  @Field({ description: 'Send as "Authorization: Bearer <token>" and in graphql-ws connectionParams.authorization' })
  accessToken: string;

  @Field()
  expiresAt: Date;

  @Field(() => UserType)
  user: UserType;
}

@ObjectType('CreateApiKeyPayload')
export class CreateApiKeyPayload {
  @Field(() => ApiKeyType)
  apiKey: ApiKeyType;

  @Field({ description: 'The whole key. Shown once: only a hash is stored.' })
  secret: string;
}
