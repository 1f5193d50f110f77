import { announceRevokedCredentials, apiKeyCredentialKey, userCredentialKey } from '../auth/credential-revocation';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, unauthenticated } from '../../shared/domain-error';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, normalizeEmail } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { requireUser } from '../auth/authorization';
import { User } from '../auth/user.entity';
import { Member, MemberStatus } from '../members/member.entity';
import { emitMemberEvent, publishMemberChange } from '../members/member.service';
import type { WebhookAttemptRecord } from '../webhooks/webhook.entities';
import { IntegratorEventType } from '../webhooks/webhook.entities';
import { ErasureRequest } from './privacy.entities';

/** What an erased person is called wherever their name used to be. */
export const FORMER_MEMBER = 'Former member';

/** Keys whose values are personal wherever they appear in a snapshot of the erased person's own records. */
const PERSONAL_KEYS = new Set(['email', 'phone', 'nickname', 'contactEmail', 'contactPhone']);
const NAME_KEYS = new Set(['name', 'memberName', 'userName']);

/**
 * Replaces the erased person's personal values inside a JSON snapshot: any
 * string equal to one of their names, e-mails or phones (case-insensitive),
 * and, when the snapshot is of their own record, every personal key.
 * Returns the same reference when nothing changed.
 */
export function scrubSnapshot(value: unknown, replacements: Map<string, string | null>, ownRecord: boolean): unknown {
  if (typeof value === 'string') {
    const key = value.trim().toLowerCase();
    return replacements.has(key) ? replacements.get(key) : value;
  }
  if (Array.isArray(value)) {
    const next = value.map((item) => scrubSnapshot(item, replacements, ownRecord));
    return next.some((item, index) => item !== value[index]) ? next : value;
  }
  if (value && typeof value === 'object') {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      let scrubbed = scrubSnapshot(item, replacements, ownRecord);
      if (ownRecord && item !== null && PERSONAL_KEYS.has(key)) scrubbed = null;
      if (ownRecord && typeof item === 'string' && NAME_KEYS.has(key)) scrubbed = FORMER_MEMBER;
      if (scrubbed !== item) changed = true;
      next[key] = scrubbed;
    }
    return changed ? next : value;
  }
  return value;
}

/**
 * scrubSnapshot for an integrator event's `data`, which is about several records at
 * once (`{ member: {…} }`, `{ transaction: {…} }`): an object whose `id` is one of the
 * person's records is scrubbed as their own record, everything else by value.
 */
export function scrubEventData(value: unknown, replacements: Map<string, string | null>, ownIds: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    const next = value.map((item) => scrubEventData(item, replacements, ownIds));
    return next.some((item, index) => item !== value[index]) ? next : value;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.id === 'string' && ownIds.has(record.id)) return scrubSnapshot(record, replacements, true);
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      next[key] = scrubEventData(item, replacements, ownIds);
      if (next[key] !== item) changed = true;
    }
    return changed ? next : value;
  }
  return scrubSnapshot(value, replacements, false);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Free text (an integrator's response to a delivery, which may echo the body) with each
 * of the person's values replaced where it stands as a whole word, case-insensitively:
 * names by FORMER_MEMBER, e-mails and phones by `[erased]`.
 */
export function scrubFreeText(text: string, replacements: Map<string, string | null>): string {
  // Longest first, so an e-mail goes as a whole before a name inside it is looked for.
  const values = [...replacements.keys()].sort((a, b) => b.length - a.length);
  let scrubbed = text;
  for (const value of values) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(value)}(?![\\p{L}\\p{N}])`, 'giu');
    scrubbed = scrubbed.replace(pattern, () => replacements.get(value) ?? '[erased]');
  }
  return scrubbed;
}

/** LIKE pattern for a literal fragment (ids, e-mails contain `_`). */
const likeLiteral = (fragment: string): string => `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

interface ScrubTarget {
  table: 'activity_logs' | 'approval_requests';
  /** The column naming the record a row is about. */
  subjectColumn: 'entity_id' | 'target_id';
  columns: readonly [string, string];
}

const SCRUB_TARGETS: readonly ScrubTarget[] = [
  { table: 'activity_logs', subjectColumn: 'entity_id', columns: ['before', 'after'] },
  { table: 'approval_requests', subjectColumn: 'target_id', columns: ['proposed_data', 'previous_data'] },
];

/**
 * Rewrites the JSON snapshots that mention the person: rows about their user
 * or member records, or whose snapshots contain one of those ids or their
 * e-mail. The activity log is append-only (a trigger); its trigger lets the
 * snapshot columns — and nothing else — change only while the transaction-local
 * setting `coffer.erasure` is on, which only this function sets.
 */
async function scrubSnapshots(em: EntityManager, subjectIds: string[], emails: string[], replacements: Map<string, string | null>): Promise<number> {
  const patterns = [...subjectIds, ...emails].map(likeLiteral);
  const own = new Set(subjectIds);
  await em.execute(`select set_config('coffer.erasure', 'on', true)`);
  let total = 0;
  for (const target of SCRUB_TARGETS) {
    const [first, second] = target.columns;
    const rows: Record<string, unknown>[] = await em.execute(
      `select id, ${target.subjectColumn} as subject, ${first} as a, ${second} as b from ${target.table}
       where ${target.subjectColumn} in (${placeholders(subjectIds.length)})
          or ${first}::text ilike any (array[${placeholders(patterns.length)}])
          or ${second}::text ilike any (array[${placeholders(patterns.length)}])`,
      [...subjectIds, ...patterns, ...patterns],
    );
    const changed = rows.flatMap((row) => {
      const ownRecord = own.has(row.subject as string);
      const a = scrubSnapshot(row.a, replacements, ownRecord);
      const b = scrubSnapshot(row.b, replacements, ownRecord);
      return a === row.a && b === row.b ? [] : [{ id: row.id, a, b }];
    });
    if (changed.length === 0) continue;
    await em.execute(
      `update ${target.table} t set ${first} = v.a, ${second} = v.b
       from jsonb_to_recordset(?::jsonb) as v(id uuid, a jsonb, b jsonb) where t.id = v.id`,
      [JSON.stringify(changed)],
    );
    total += changed.length;
  }
  await em.execute(`select set_config('coffer.erasure', 'off', true)`);
  return total;
}

/**
 * Integrator webhooks keep what they sent: the outbox event (`webhook_events.data`,
 * the envelope of every delivery and redelivery of it, and of events still waiting
 * to be fanned out) and the first bytes of each response, which may echo it. Events
 * that name the person's records or e-mail are scrubbed like the activity log, and so
 * are the response excerpts of their deliveries (and of any delivery whose log holds
 * the e-mail). Returns the events changed.
 */
async function scrubWebhookPayloads(em: EntityManager, subjectIds: string[], emails: string[], replacements: Map<string, string | null>): Promise<number> {
  const patterns = [...subjectIds, ...emails].map(likeLiteral);
  const events: { id: string; data: Record<string, unknown> }[] = await em.execute(
    `select id, data from webhook_events where data::text ilike any (array[${placeholders(patterns.length)}])`,
    patterns,
  );
  const own = new Set(subjectIds);
  const changed = events.flatMap((event) => {
    const data = scrubEventData(event.data, replacements, own);
    return data === event.data ? [] : [{ id: event.id, data }];
  });
  if (changed.length > 0) {
    await em.execute(
      `update webhook_events e set data = v.data, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as v(id uuid, data jsonb) where e.id = v.id`,
      [JSON.stringify(changed)],
    );
  }
  const emailPatterns = emails.map(likeLiteral);
  const deliveries: { id: string; attempt_log: WebhookAttemptRecord[] }[] = await em.execute(
    `select id, attempt_log from webhook_deliveries
     where jsonb_array_length(attempt_log) > 0
       and (event_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
            or attempt_log::text ilike any (array[${placeholders(emailPatterns.length)}]))`,
    [JSON.stringify(events.map((event) => event.id)), ...emailPatterns],
  );
  const scrubbedLogs = deliveries.flatMap((delivery) => {
    let touched = false;
    const log = delivery.attempt_log.map((attempt) => {
      const excerpt = typeof attempt.responseExcerpt === 'string' ? scrubFreeText(attempt.responseExcerpt, replacements) : attempt.responseExcerpt;
      if (excerpt === attempt.responseExcerpt) return attempt;
      touched = true;
      return { ...attempt, responseExcerpt: excerpt };
    });
    return touched ? [{ id: delivery.id, log }] : [];
  });
  if (scrubbedLogs.length > 0) {
    await em.execute(
      `update webhook_deliveries d set attempt_log = v.log, updated_at = now()
       from jsonb_to_recordset(?::jsonb) as v(id uuid, log jsonb) where d.id = v.id`,
      [JSON.stringify(scrubbedLogs)],
    );
  }
  return changed.length;
}

/**
 * Groups (active) where this user is the only active admin with a live
 * account. Locks those groups first, so two admins deleting their accounts at
 * once cannot both pass the check and leave the group with nobody in charge.
 */
async function groupsOnlyAdministeredBy(em: EntityManager, userId: string): Promise<string[]> {
  const adminOf: { id: string }[] = await em.execute(
    `select g.id from groups g join members m on m.group_id = g.id
     where m.user_id = ? and m.status = 'ACTIVE' and m.role = 'ADMIN' and g.status = 'ACTIVE'
     order by g.id for update of g`,
    [userId],
  );
  if (adminOf.length === 0) return [];
  const rows: { name: string }[] = await em.execute(
    `select g.name from groups g where g.id in (${placeholders(adminOf.length)}) and not exists (
       select 1 from members o join users u on u.id = o.user_id and u.deleted_at is null
       where o.group_id = g.id and o.status = 'ACTIVE' and o.role = 'ADMIN' and o.user_id <> ?)
     order by g.name`,
    [...adminOf.map((row) => row.id), userId],
  );
  return rows.map((row) => row.name);
}

/** Today plus the configured years, as an ISO date. */
export function retainFinancialUntil(years: number, now = new Date()): string {
  const until = new Date(now);
  until.setUTCFullYear(until.getUTCFullYear() + years);
  return until.toISOString().slice(0, 10);
}

export interface ErasureOutcome {
  request: ErasureRequest;
  scrubbedSnapshots: number;
}

/**
 * The right to be forgotten, in one database transaction:
 * - refuses (CONFLICT, reason LAST_ADMIN) while the person is the only admin of an active group;
 * - soft-deletes the user (sign-in and every access token stop working: tokens are checked against deleted_at),
 *   revokes the API keys they created, and drops their failed sign-in records;
 * - anonymises name, e-mail and phone on the user and each of their memberships (which become REMOVED, shown
 *   as "Former member"), in activity-log and approval snapshots, in what integrator webhooks carried or are
 *   waiting to carry (and the responses they got), and on the messages queued for them;
 * - tells the group's integrators (member.removed, with the anonymised member) and live consoles of each
 *   membership that was active, as removeMember does;
 * - keeps ledger transactions and the audit log untouched (books of account): the erasure request records
 *   until when (FINANCIAL_RETENTION_YEARS).
 * `confirmation` must be the account's e-mail: a typed confirmation, checked here too, so no client can erase
 * an account with one stray call.
 */
export async function deleteMyAccount(ctx: ServiceContext, confirmation: string): Promise<ErasureOutcome> {
  const viewer = requireUser(ctx);
  const outcome = await ctx.em.transactional(async (em) => {
    const user = await em.findOne(User, { id: viewer.id, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!user) throw unauthenticated('This account no longer exists');
    new FieldValidator().check('confirmation', normalizeEmail(confirmation) === user.email, "Type your account's e-mail address to confirm").throwIfInvalid();
    const soleAdminOf = await groupsOnlyAdministeredBy(em, user.id);
    if (soleAdminOf.length > 0) {
      throw conflict(
        `You are the only admin of ${soleAdminOf.join(', ')}. Make another member an admin (or deactivate the group) before deleting your account.`,
        'LAST_ADMIN',
      );
    }
    const now = new Date();
    const members = await em.find(Member, { user: user.id });
    const replacements = new Map<string, string | null>();
    const addReplacement = (value: string | null, replacement: string | null): void => {
      if (value && value.trim()) replacements.set(value.trim().toLowerCase(), replacement);
    };
    const emails = [user.email, ...members.map((m) => m.email).filter((e): e is string => !!e)];
    const phones = [user.phone, ...members.map((m) => m.phone)].filter((p): p is string => !!p);
    for (const name of [user.name, ...members.flatMap((m) => [m.name, m.nickname])]) addReplacement(name, FORMER_MEMBER);
    for (const value of [...emails, ...phones]) addReplacement(value, null);
    const subjectIds = [user.id, ...members.map((m) => m.id)];

    const distinctEmails = [...new Set(emails)];
    const scrubbedSnapshots = (await scrubSnapshots(em, subjectIds, distinctEmails, replacements)) + (await scrubWebhookPayloads(em, subjectIds, distinctEmails, replacements));
    await em.execute(
      `update notification_tasks set recipient = 'erased', payload = '{}'::jsonb, updated_at = now(),
         status = case when status = 'PENDING' then 'FAILED'::notification_status else status end,
         last_error = case when status = 'PENDING' then 'Recipient erased their account' else last_error end
       where recipient in (${placeholders(emails.length + phones.length)})`,
      [...emails, ...phones],
    );
    await em.execute(`delete from sign_in_failures where email = ?`, [user.email]);
    const revokedKeys: { id: string }[] = await em.execute(
      `update api_keys set revoked_at = ?, updated_at = ? where created_by_id = ? and revoked_at is null returning id`,
      [now, now, user.id],
    );

    const removed: Member[] = [];
    for (const member of members) {
      const wasActive = member.status === MemberStatus.ACTIVE;
      member.name = FORMER_MEMBER;
      member.email = null;
      member.phone = null;
      member.nickname = null;
      if (wasActive) {
        member.status = MemberStatus.REMOVED;
        member.removedAt = now;
        // In this transaction, after the scrub above: the event carries only the anonymised member.
        emitMemberEvent(em, member, IntegratorEventType.MEMBER_REMOVED);
        removed.push(member);
      }
      recordActivity({ ...ctx, em }, {
        groupId: member.group.id,
        action: 'member.erase',
        entityType: 'Member',
        entityId: member.id,
        after: { name: FORMER_MEMBER, status: member.status },
      });
    }
    user.name = FORMER_MEMBER;
    user.email = `erased-${user.id}@erased.invalid`;
    user.phone = null;
    user.passwordHash = 'erased';
    user.mustChangePassword = false;
    user.displayCurrency = null;
    user.notificationPreferences = { EMAIL: false, WHATSAPP: false };
    user.deletedAt = now;
    const request = em.create(ErasureRequest, {
      user,
      ip: ctx.clientIp ?? null,
      completedAt: now,
      retainFinancialUntil: retainFinancialUntil(ctx.config.financialRetentionYears, now),
    });
    em.persist(request);
    recordActivity({ ...ctx, em }, { groupId: null, action: 'user.erase', entityType: 'User', entityId: user.id, after: { erasureRequestId: request.id } });
    return { request, scrubbedSnapshots, revokedKeyIds: revokedKeys.map((key) => key.id), removed };
  });
  // Sockets opened with the account's tokens or its keys hear it and close (credential-revocation.ts).
  await announceRevokedCredentials(ctx.events, [userCredentialKey(viewer.id), ...outcome.revokedKeyIds.map(apiKeyCredentialKey)]);
  for (const member of outcome.removed) await publishMemberChange(ctx, member, 'REMOVED');
  return { request: outcome.request, scrubbedSnapshots: outcome.scrubbedSnapshots };
}
