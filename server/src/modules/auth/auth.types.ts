import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Role } from '../../shared/roles';
import { GroupType } from '../groups/group.types';

@ObjectType('User', { description: 'A person who signs in to Coffer; only the person themself sees this (through me, signIn and changePassword)' })
export class UserType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Sign-in e-mail, stored lower-case; unique across Coffer' })
  email: string;

  @Field({ description: 'Full name, at most 200 characters' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Phone number as entered, e.g. +91 98765 43210; null when not given' })
  phone: string | null;

  @Field({ description: 'True after an admin created the account: the console asks for a new password first' })
  mustChangePassword: boolean;
}

@ObjectType('ApiKey', { description: "A secret an integration sends instead of a person's token; it acts in one group with one role. The group's admins create, list and revoke keys." })
export class ApiKeyType {
  @Field(() => ID)
  id: string;

  @Field({ description: 'What the key is for, e.g. Zapier (at most 100 characters)' })
  name: string;

  @Field({ description: 'The public start of the key, e.g. cof_Ab12Cd34' })
  prefix: string;

  @Field(() => Role, { description: 'What the key may do in its group, as a person with this role could' })
  role: Role;

  @Field(() => GroupType, { description: 'The one group the key acts in' })
  group: GroupType;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When a request last used the key, to the minute; null if never used' })
  lastUsedAt: Date | null;

  @Field(() => Int, { nullable: true, description: "Requests the key may make per rate-limit window, set when it was created; null means the server's default (API_KEY_RATE_LIMIT)" })
  rateLimit: number | null;

  @Field(() => Date, { nullable: true, description: 'When an admin revoked the key; from then on it is refused (UNAUTHENTICATED). Null while it works.' })
  revokedAt: Date | null;
}

@ObjectType('GroupMembership', { description: 'A group the viewer belongs to, and their role in it' })
export class GroupMembershipType {
  @Field(() => GroupType, { description: 'The group' })
  group: GroupType;

  @Field(() => Role, { description: "The viewer's role in this group: it decides what they may see and do there" })
  role: Role;
}

@ObjectType('Me', { description: 'The viewer: a signed-in person or an API key' })
export class MeType {
  @Field(() => UserType, { nullable: true, description: 'Null when the viewer is an API key' })
  user: UserType | null;

  @Field(() => ApiKeyType, { nullable: true, description: 'Set when the viewer is an API key' })
  apiKey: ApiKeyType | null;

  @Field(() => [GroupMembershipType], { description: "The groups where the viewer is an active member, by name; for an API key, its one group and role" })
  memberships: GroupMembershipType[];
}

@ObjectType('SignInPayload', { description: 'A bearer token for the person who signed in' })
export class SignInPayload {
  @Field({ description: 'Send as "Authorization: Bearer <token>" and in graphql-ws connectionParams.authorization' })
  accessToken: string;

  @Field({ description: 'When the token stops working (ACCESS_TOKEN_TTL_SECONDS after sign-in, 1 hour by default); sign in again after it' })
  expiresAt: Date;

  @Field(() => UserType, { description: 'The person signed in; mustChangePassword tells the console to ask for a new password' })
  user: UserType;
}

@ObjectType('CreateApiKeyPayload', { description: 'A new API key and its secret (shown only here)' })
export class CreateApiKeyPayload {
  @Field(() => ApiKeyType, { description: 'The key as it will be listed from now on (without the secret)' })
  apiKey: ApiKeyType;

  @Field({ description: 'The whole key. Shown once: only a hash is stored.' })
  secret: string;
}
