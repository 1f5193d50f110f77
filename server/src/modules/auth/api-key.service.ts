import { announceRevokedCredentials, apiKeyCredentialKey } from './credential-revocation';
import { randomBytes } from 'node:crypto';
import { notFound } from '../../shared/domain-error';
import { randomToken, sha256Hex } from '../../shared/crypto';
import { Role } from '../../shared/roles';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isNonBlank } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { loadGroupForWrite } from '../groups/group.service';
import { ApiKey } from './api-key.entity';
import { ADMIN_ONLY, assertGroupRole, requireId, requireUser } from './authorization';
import { API_KEY_MARK } from './auth.service';
import { User } from './user.entity';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `cof_` + 8 characters: recognisable in logs and lists, useless without the secret. */
function newPrefix(): string {
  return API_KEY_MARK + Array.from(randomBytes(8), (b) => BASE62[b % 62]).join('');
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The whole key, returned once; only its hash is stored. */
  secret: string;
}

/** A ceiling on a key's own limit, so a typo cannot take a key out of rate limiting. */
export const MAX_API_KEY_RATE_LIMIT = 100_000;

export async function createApiKey(ctx: ServiceContext, groupId: string, name: string, role: Role, rateLimit: number | null = null): Promise<CreatedApiKey> {
  const user = requireUser(ctx);
  const group = await loadGroupForWrite(ctx, ctx.em, groupId, ADMIN_ONLY);
  new FieldValidator()
    .check('name', isNonBlank(name, 100), 'Name the key (at most 100 characters)')
    .check('rateLimit', rateLimit === null || (Number.isInteger(rateLimit) && rateLimit >= 1 && rateLimit <= MAX_API_KEY_RATE_LIMIT), `Use a whole number from 1 to ${MAX_API_KEY_RATE_LIMIT}, or leave it out`)
    .throwIfInvalid();
  const prefix = newPrefix();
  const secret = `${prefix}_${randomToken(24)}`;
  const apiKey = ctx.em.create(ApiKey, { group, name: name.trim(), prefix, secretHash: sha256Hex(secret), role, rateLimit, createdBy: ctx.em.getReference(User, user.id) });
  ctx.em.persist(apiKey);
  recordActivity(ctx, { groupId, action: 'api-key.create', entityType: 'ApiKey', entityId: apiKey.id, after: { name: apiKey.name, prefix, role, rateLimit } });
  await ctx.em.flush();
  return { apiKey, secret };
}

/** What the activity log keeps of a key: never its secret or hash. */
function apiKeySnapshot(apiKey: ApiKey): Record<string, unknown> {
  return { name: apiKey.name, prefix: apiKey.prefix, role: apiKey.role, rateLimit: apiKey.rateLimit, revokedAt: apiKey.revokedAt?.toISOString() ?? null };
}

export async function revokeApiKey(ctx: ServiceContext, id: string): Promise<ApiKey> {
  requireUser(ctx);
  const apiKey = await ctx.em.findOne(ApiKey, { id: requireId(id, 'API key') });
  if (!apiKey) throw notFound('API key');
  await assertGroupRole(ctx, apiKey.group.id, ADMIN_ONLY, 'API key');
  if (!apiKey.revokedAt) {
    const before = apiKeySnapshot(apiKey);
    apiKey.revokedAt = new Date();
    recordActivity(ctx, { groupId: apiKey.group.id, action: 'api-key.revoke', entityType: 'ApiKey', entityId: apiKey.id, before, after: apiKeySnapshot(apiKey) });
    await ctx.em.flush();
    // Sockets opened with the key hear it and close (credential-revocation.ts).
    await announceRevokedCredentials(ctx.events, [apiKeyCredentialKey(apiKey.id)]);
  }
  return apiKey;
}

export async function listApiKeys(ctx: ServiceContext, groupId: string): Promise<ApiKey[]> {
  requireUser(ctx);
  await assertGroupRole(ctx, groupId, ADMIN_ONLY);
  return ctx.em.find(ApiKey, { group: groupId }, { orderBy: { createdAt: 'desc' } });
}
