import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../../shared/service-context';
import { recordActivity } from '../activity/activity.service';
import { requireUser } from '../auth/authorization';
import { User } from '../auth/user.entity';
import { Consent, ConsentType } from './privacy.entities';

/** The current decision per consent type: the newest row of each (types never decided are absent). */
export async function currentConsents(em: EntityManager, userId: string): Promise<Consent[]> {
  const rows: Record<string, unknown>[] = await em
    .getKnex()
    .select('*')
    .from(em.getKnex()('consents').distinctOn('type').where('user_id', userId).orderBy([{ column: 'type' }, { column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).as('c'))
    .orderBy('type');
  return rows.map((row) => em.map(Consent, row));
}

export async function listMyConsents(ctx: ServiceContext): Promise<Consent[]> {
  const viewer = requireUser(ctx);
  return currentConsents(ctx.em, viewer.id);
}

/**
 * Records a decision with the time and the requester's IP. A new row each
 * time, so the history proves what the person agreed to and when.
 */
export async function setConsent(ctx: ServiceContext, type: ConsentType, granted: boolean): Promise<Consent> {
  const viewer = requireUser(ctx);
  const consent = ctx.em.create(Consent, { user: ctx.em.getReference(User, viewer.id), type, granted, ip: ctx.clientIp ?? null });
  ctx.em.persist(consent);
  recordActivity(ctx, { groupId: null, action: 'consent.set', entityType: 'Consent', entityId: consent.id, after: { type, granted } });
  await ctx.em.flush();
  return consent;
}

/**
 * For the notification worker: may this user be sent marketing? Only when
 * their latest MARKETING decision is a grant, and the account is not deleted.
 * No decision at all means no.
 */
export async function hasMarketingConsent(em: EntityManager, userId: string): Promise<boolean> {
  const rows: { granted: boolean }[] = await em.getConnection().execute(
    `select c.granted from consents c join users u on u.id = c.user_id and u.deleted_at is null
     where c.user_id = ? and c.type = ? order by c.created_at desc, c.id desc limit 1`,
    [userId, ConsentType.MARKETING],
  );
  return rows[0]?.granted === true;
}

/**
 * The same check for a task that only knows where it goes (a notification
 * task's recipient: an e-mail address or a phone number). Unknown recipients
 * (not a Coffer user) have never consented.
 */
export async function hasMarketingConsentForRecipient(em: EntityManager, recipient: string): Promise<boolean> {
  const rows: { id: string }[] = await em.getConnection().execute(
    'select id from users where deleted_at is null and (email = lower(?) or phone = ?) limit 1',
    [recipient.trim(), recipient.trim()],
  );
  return rows[0] ? hasMarketingConsent(em, rows[0].id) : false;
}
