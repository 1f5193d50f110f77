import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Role } from '../../shared/roles';
import { Group } from '../groups/group.entity';
import { Member, MemberStatus } from '../members/member.entity';
import { GroupType } from '../groups/group.types';
import { ApiKey } from './api-key.entity';
import * as apiKeys from './api-key.service';
import * as auth from './auth.service';
import { requireSignedIn } from './authorization';
import { ApiKeyType, CreateApiKeyPayload, MeType, SignInPayload, UserType } from './auth.types';
import { User } from './user.entity';
import type { ViewerUser } from './viewer';

interface MeShape {
  user: ViewerUser | null;
  apiKey: ApiKey | null;
  memberships: { group: Group; role: Role }[];
}

@Resolver()
export class AuthResolver {
  @Query(() => MeType, { description: 'The viewer and their groups with roles' })
  async me(@Ctx() ctx: GraphQLContext): Promise<MeShape> {
    requireSignedIn(ctx);
    const { viewer } = ctx;
    if (viewer.kind === 'apiKey') {
      // The viewer's key holds only a reference to its group (the lookup reads no group columns).
      const group = await ctx.loaders.groupById.load(viewer.apiKey.group.id);
      return { user: null, apiKey: viewer.apiKey, memberships: group ? [{ group, role: viewer.apiKey.role }] : [] };
    }
    if (viewer.kind !== 'user') return { user: null, apiKey: null, memberships: [] };
    const rows = await ctx.em.find(Member, { user: viewer.user.id, status: MemberStatus.ACTIVE }, { populate: ['group'], orderBy: { group: { name: 'asc' } } });
    for (const row of rows) ctx.loaders.viewerRoleByGroup.prime(row.group.id, row.role);
    return { user: viewer.user, apiKey: null, memberships: rows.map((row) => ({ group: row.group, role: row.role })) };
  }

  @Mutation(() => SignInPayload, { description: 'E-mail and password → access token. 5 failures per 15 minutes per e-mail → RATE_LIMITED.' })
  async signIn(
    @Ctx() ctx: GraphQLContext,
    @Arg('email', { description: 'The account e-mail; case does not matter' }) email: string,
    @Arg('password', { description: 'The account password; a wrong e-mail or password gives the same UNAUTHENTICATED error' }) password: string,
  ): Promise<auth.SignInResult> {
    return auth.signIn(ctx, email, password);
  }

  @Mutation(() => UserType, {
    description:
      'The signed-in person (not an API key) sets a new password and clears mustChangePassword. ' +
      "Every access token of the person stops working, the caller's included (as after signOut): sign in again with the new password.",
  })
  async changePassword(
    @Ctx() ctx: GraphQLContext,
    @Arg('currentPassword', { description: 'The password in use now; if wrong, BAD_USER_INPUT on currentPassword' }) currentPassword: string,
    @Arg('newPassword', { description: '10 to 200 characters, different from the current one' }) newPassword: string,
  ): Promise<User> {
    return auth.changePassword(ctx, currentPassword, newPassword);
  }

  @Mutation(() => Boolean, {
    description:
      'Signs the person out everywhere: every access token issued to them until now (this one included, in every browser and script) ' +
      'is refused from the next request on with UNAUTHENTICATED (HTTP 401; over graphql-ws a new connection or subscribe is closed with 4403). ' +
      'Returns true; sign in again for a new token. An API key gets FORBIDDEN with reason API_KEY_CANNOT_SIGN_OUT: a group admin revokes a key with revokeApiKey.',
  })
  async signOut(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    return auth.signOut(ctx);
  }
}

@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  @Query(() => [ApiKeyType], { description: "A group's API keys (admins only)" })
  async apiKeys(@Ctx() ctx: GraphQLContext, @Arg('groupId', () => ID) groupId: string): Promise<ApiKey[]> {
    return apiKeys.listApiKeys(ctx, groupId);
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'The secret is in the response once and never again' })
  async createApiKey(
    @Ctx() ctx: GraphQLContext,
    @Arg('groupId', () => ID) groupId: string,
    @Arg('name', { description: 'What the key is for, e.g. Zapier: 1 to 100 characters' }) name: string,
    @Arg('role', () => Role, { description: 'What the key may do in the group; give it the least it needs' }) role: Role,
    @Arg('rateLimit', () => Int, {
      nullable: true,
      description: `Requests the key may make per rate-limit window (1 to ${apiKeys.MAX_API_KEY_RATE_LIMIT}); leave out for the server's default`,
    })
    rateLimit?: number | null,
  ): Promise<apiKeys.CreatedApiKey> {
    return apiKeys.createApiKey(ctx, groupId, name, role, rateLimit ?? null);
  }

  @Mutation(() => ApiKeyType, { description: 'Admins only: the key stops working at once. Revoking a revoked key changes nothing and returns it.' })
  async revokeApiKey(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ApiKey> {
    return apiKeys.revokeApiKey(ctx, id);
  }

  @FieldResolver(() => GroupType)
  async group(@Root() apiKey: ApiKey, @Ctx() ctx: GraphQLContext): Promise<Group | null> {
    return ctx.loaders.groupById.load(apiKey.group.id);
  }
}

