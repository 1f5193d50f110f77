import { announceRevokedCredentials, userCredentialKey } from './credential-revocation';
import { raw, type EntityManager, type Knex } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../../config';
import { preparedAs } from '../../db/prepared-statements';
import {
  decoyPasswordHash,
  hashPassword,
  sha256Hex,
  signAccessToken,
  verifyAccessToken,
  verifyPassword,
} from '../../shared/crypto';
import { DomainError, ErrorCode, rateLimited, unauthenticated } from '../../shared/domain-error';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, normalizeEmail } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { ApiKey } from './api-key.entity';
import { requireUser } from './authorization';
import { SignInFailure } from './sign-in-failure.entity';
import { User } from './user.entity';
import { anonymousViewer, PendingViewerUser, Viewer, ViewerUser, ViewerUserColumns, viewerUserFields, viewerUserGone } from './viewer';
import { ApiKeyRateLimitedError, countHitParams, countHitSql, RateLimitState } from '../../shared/rate-limit';

export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** users.email and sign_in_failures.email are varchar(320). */
const MAX_STORED_EMAIL_LENGTH = 320;
export const MIN_PASSWORD_LENGTH = 10;
export const API_KEY_MARK = 'cof_';

export interface SignInResult {
  accessToken: string;
  expiresAt: Date;
  user: User;
}

function issueToken(config: CofferConfig, user: User): SignInResult {
  const { token, expiresAt } = signAccessToken(user.id, config.jwtSecret, config.accessTokenTtlSeconds, Date.now(), user.tokenGeneration);
  return { accessToken: token, expiresAt, user };
}

/**
 * E-mail + password sign-in, limited to 5 failures per 15 minutes per e-mail.
 * The check and the record of a failure happen under a per-e-mail advisory
 * lock, so a burst of parallel guesses cannot slip past the limit.
 */
export async function signIn(ctx: ServiceContext, emailInput: string, password: string): Promise<SignInResult> {
  const email = normalizeEmail(emailInput);
  // No account has a longer address than the column holds: nothing to look up, and a failure row would not fit.
  if (email.length > MAX_STORED_EMAIL_LENGTH) throw unauthenticated('Wrong e-mail or password');
  const outcome = await ctx.em.transactional(async (em) => {
    await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`sign-in:${email}`]);
    const since = new Date(Date.now() - SIGN_IN_WINDOW_SECONDS * 1000);
    const failures = await em.count(SignInFailure, { email, attemptedAt: { $gte: since } });
    if (failures >= SIGN_IN_MAX_FAILURES) {
      return { kind: 'limited' as const };
    }
    const user = await em.findOne(User, { email, deletedAt: null });
    const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !valid) {
      em.persist(em.create(SignInFailure, { email }));
      return { kind: 'failed' as const };
    }
    await em.nativeDelete(SignInFailure, { email });
    return { kind: 'ok' as const, user };
  });
  if (outcome.kind === 'limited') {
    throw rateLimited('Too many failed sign-in attempts. Try again in 15 minutes.', SIGN_IN_WINDOW_SECONDS);
  }
  if (outcome.kind === 'failed') throw unauthenticated('Wrong e-mail or password');
  return issueToken(ctx.config, outcome.user);
}

/**
 * For the console's server side only: after next-auth has verified a Google
 * identity, exchange it for our token. The caller proves itself with the
 * shared console secret; the user must already exist.
 */
export async function signInFederated(ctx: ServiceContext, emailInput: string): Promise<SignInResult> {
  const user = await ctx.em.findOne(User, { email: normalizeEmail(emailInput), deletedAt: null });
  if (!user) throw new DomainError(ErrorCode.NOT_FOUND, 'No Coffer account uses this e-mail');
  return issueToken(ctx.config, user);
}

/**
 * Also revokes every access token of the person, the caller's included: tokens live
 * an hour, and one copied before the change must not outlast it. The console signs
 * in again with the new password; a script does the same.
 */
export async function changePassword(ctx: ServiceContext, currentPassword: string, newPassword: string): Promise<User> {
  const viewer = requireUser(ctx);
  const validator = new FieldValidator()
    .check('newPassword', newPassword.length >= MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
    .check('newPassword', newPassword.length <= 200, 'Use at most 200 characters')
    .check('newPassword', newPassword !== currentPassword, 'Choose a password different from the current one');
  validator.throwIfInvalid();
  // The viewer is a plain row; the change goes through the entity.
  const user = await ctx.em.findOne(User, { id: viewer.id, deletedAt: null });
  if (!user) throw unauthenticated('This account no longer exists');
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Current password is wrong', { fields: { currentPassword: 'Wrong password' } });
  }
  user.passwordHash = await hashPassword(newPassword);
  user.mustChangePassword = false;
  // Incremented in SQL, in the flush's one UPDATE: a concurrent signOut is never lost.
  user.tokenGeneration = raw('token_generation + 1');
  recordActivity(ctx, { groupId: null, action: 'user.change-password', entityType: 'User', entityId: user.id });
  await ctx.em.flush();
  await announceRevokedCredentials(ctx.events, [userCredentialKey(user.id)]);
  return user;
}

/**
 * Signs the person out everywhere: moves their token generation on, so every
 * access token issued to them so far (the caller's included) is refused from
 * the next request on. API keys have their own revocation (revokeApiKey).
 */
export async function signOut(ctx: ServiceContext): Promise<true> {
  if (ctx.viewer.kind === 'apiKey') {
    throw new DomainError(ErrorCode.FORBIDDEN, 'An API key cannot sign out; a group admin revokes it with revokeApiKey', { reason: 'API_KEY_CANNOT_SIGN_OUT' });
  }
  const viewer = requireUser(ctx);
  // No read first: the request's viewer check has just found the user. The UPDATE and the
  // activity entry go in one flush (one transaction); concurrent sign-outs each add one.
  const user = ctx.em.getReference(User, viewer.id);
  user.tokenGeneration = raw('token_generation + 1');
  recordActivity(ctx, { groupId: null, action: 'user.sign-out', entityType: 'User', entityId: viewer.id });
  await ctx.em.flush();
  // Open sockets hear it and close (credential-revocation.ts).
  await announceRevokedCredentials(ctx.events, [userCredentialKey(viewer.id)]);
  return true;
}

/** Last-used times are written at most once a minute per key: not a write per request. */
const LAST_USED_RESOLUTION_SECONDS = 60;

export const API_KEY_RATE_BUCKET = 'api-key';

type ApiKeyLookupRow = Record<string, unknown> & { last_used_at: Date | null; hits: number; reset_seconds: number; touched_at: Date | null };

/**
 * An API key request costs one statement: find the key by prefix and secret
 * hash, count the request in the key's rate-limit window (shared by every
 * instance), and refresh last_used_at when it is a minute old.
 * Parameters: prefix, secret hash, bucket, countHitParams(window), resolution seconds.
 */
const API_KEY_LOOKUP_SQL = `with "matched" as (
    select * from "api_keys" where "prefix" = ? and "secret_hash" = ? and "revoked_at" is null
  ), "counted" as (
    ${countHitSql('"matched"."id"::text', 'from "matched"')}
  ), "touched" as (
    update "api_keys" set "last_used_at" = now()
    where "id" in (select "id" from "matched")
      and ("last_used_at" is null or "last_used_at" < now() - make_interval(secs => ?))
    returning "last_used_at"
  )
  select "matched".*, "counted"."hits", "counted"."reset_seconds", "touched"."last_used_at" as "touched_at"
  from "matched" cross join "counted" left join "touched" on true`;

/** Where `resolveViewer` reads from. */
export interface ViewerSources {
  /** For the user lookup: one plain statement, no entity, no fork. */
  knex: Knex;
  /** The request's EntityManager, forked on first call: an API key is loaded as an entity (the viewer carries it). */
  em(): EntityManager;
}

type ViewerUserRow = { id: string } & ViewerUserColumns;

const VIEWER_USER_SQL = 'select id, email, name, phone, must_change_password from users where id = ? and deleted_at is null and token_generation = ?';

/** The user a verified token names, if it exists, is not deleted and the token's generation is still theirs. */
async function findViewerUser(knex: Knex, id: string, tokenGeneration: number): Promise<ViewerUser | null> {
  const { rows } = await knex.raw<{ rows: ViewerUserRow[] }>(VIEWER_USER_SQL, [id, tokenGeneration]).options(preparedAs(VIEWER_USER_SQL));
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, tokenGeneration, ...viewerUserFields(row) };
}

/** Runs the viewer check a request's statements did not fold in (see PendingViewerUser). */
export async function checkPendingViewerUser(knex: Knex, user: PendingViewerUser): Promise<void> {
  if (!user.pending) return;
  const found = await findViewerUser(knex, user.id, user.tokenGeneration);
  if (found) user.confirm(found);
  else user.refuse();
}

export interface ResolveViewerOptions {
  /**
   * Leave a token user's existence check to the operation's first statement
   * (a PendingViewerUser). Only for the GraphQL HTTP handler, which runs the
   * check itself before answering if no statement did.
   */
  deferUserCheck?: boolean;
}

/**
 * Turns an Authorization header into a viewer. A header that is present but
 * wrong is an error (UNAUTHENTICATED), never a silent fall-back to anonymous.
 */
export async function resolveViewer(sources: ViewerSources, config: CofferConfig, authorization: string | undefined, options: ResolveViewerOptions = {}): Promise<Viewer> {
  if (!authorization) return anonymousViewer;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
  const credential = match[1];
  if (credential.startsWith(API_KEY_MARK)) {
    const em = sources.em();
    const { limit, windowSeconds } = config.apiKeyRateLimit;
    const rows: ApiKeyLookupRow[] = await em.getConnection().execute(API_KEY_LOOKUP_SQL, [
      credential.split('_').slice(0, 2).join('_'),
      sha256Hex(credential),
      API_KEY_RATE_BUCKET,
      ...countHitParams(windowSeconds),
      LAST_USED_RESOLUTION_SECONDS,
    ]);
    const row = rows[0];
    if (!row) throw unauthenticated('Invalid or revoked API key');
    const { hits, reset_seconds: resetSeconds, touched_at: touchedAt, ...columns } = row;
    const apiKey = em.map(ApiKey, { ...columns, last_used_at: touchedAt ?? columns.last_used_at });
    const rateLimit: RateLimitState = { limit: apiKey.rateLimit ?? limit, remaining: 0, resetSeconds: Math.max(1, resetSeconds) };
    rateLimit.remaining = Math.max(0, rateLimit.limit - hits);
    if (hits > rateLimit.limit) throw new ApiKeyRateLimitedError(rateLimit);
    return { kind: 'apiKey', apiKey, rateLimit };
  }
  const claims = verifyAccessToken(credential, config.jwtSecret);
  if (!claims) throw unauthenticated('Invalid or expired access token');
  if (options.deferUserCheck) return { kind: 'user', user: new PendingViewerUser(claims.sub, claims.gen) };
  const user = await findViewerUser(sources.knex, claims.sub, claims.gen);
  if (!user) throw viewerUserGone();
  return { kind: 'user', user };
}
