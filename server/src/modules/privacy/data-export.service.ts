import { wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../../shared/service-context';
import { ActivityLog, ActorKind } from '../activity/activity-log.entity';
import { recordActivity } from '../activity/activity.service';
import { ApiKey } from '../auth/api-key.entity';
import { User } from '../auth/user.entity';
import { Due, MembershipTerm } from '../dues/dues.entities';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { Member } from '../members/member.entity';
import { NotificationTask } from '../notifications/notification-task.entity';
import { Consent, DataExportRequest, ErasureRequest } from './privacy.entities';
import { loadSignedInUser, profileSnapshot } from './profile.service';

export const DATA_EXPORT_FORMAT = 'coffer.personal-data-export/1';

export interface DataExport {
  request: DataExportRequest;
  /** The whole document, serialised (bigints as strings, dates as ISO 8601). */
  json: string;
}

type Plain = Record<string, unknown>;

const plain = (entity: object): Plain => wrap(entity).toObject() as Plain;

/** Payload keys that hold secrets (an encrypted temporary password): their presence is reported, not their value. */
const SECRET_KEY = /secret|password|token/i;

function withoutSecrets(payload: Record<string, unknown>): Plain {
  return Object.fromEntries(Object.entries(payload).map(([key, value]) => [key, SECRET_KEY.test(key) ? '[withheld]' : value]));
}

/** JSON.stringify that writes bigint minor units as strings (JSON numbers would lose precision). */
export function toJsonDocument(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), 2);
}

/**
 * Everything Coffer holds about one person: identity and preferences,
 * memberships and what hangs off them (dues, terms, transactions where they
 * are the member), messages sent to them, consents, privacy requests, API
 * keys they made, and the activity log entries by or about them.
 */
export async function collectPersonalData(em: EntityManager, user: User): Promise<Plain> {
  const members = await em.find(Member, { user: user.id }, { populate: ['group'], orderBy: { createdAt: 'asc' } });
  const memberIds = members.map((member) => member.id);
  const recipients = [user.email, ...(user.phone ? [user.phone] : []), ...members.flatMap((m) => [m.email, m.phone]).filter((v): v is string => !!v)];
  const [dues, terms, transactions, notifications, consents, exports, erasures, apiKeys, activity] = await Promise.all([
    em.find(Due, { member: { $in: memberIds } }, { orderBy: { dueDate: 'asc' } }),
    em.find(MembershipTerm, { member: { $in: memberIds } }, { orderBy: { createdAt: 'asc' } }),
    em.find(LedgerTransaction, { member: { $in: memberIds } }, { orderBy: { occurredAt: 'asc' } }),
    em.find(NotificationTask, { recipient: { $in: [...new Set(recipients)] } }, { orderBy: { createdAt: 'asc' } }),
    em.find(Consent, { user: user.id }, { orderBy: { createdAt: 'asc' } }),
    em.find(DataExportRequest, { user: user.id }, { orderBy: { createdAt: 'asc' } }),
    em.find(ErasureRequest, { user: user.id }, { orderBy: { createdAt: 'asc' } }),
    em.find(ApiKey, { createdBy: user.id }, { orderBy: { createdAt: 'asc' } }),
    em.find(
      ActivityLog,
      { $or: [{ entityId: { $in: [user.id, ...memberIds] } }, { actorKind: ActorKind.USER, actorId: user.id }] },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    ),
  ]);
  return {
    profile: { id: user.id, ...profileSnapshot(user), mustChangePassword: user.mustChangePassword, createdAt: user.createdAt, updatedAt: user.updatedAt },
    memberships: members.map((member) => ({ ...plain(member), group: { id: member.group.id, name: member.group.name, currency: member.group.currency } })),
    dues: dues.map(plain),
    membershipTerms: terms.map(plain),
    transactions: transactions.map(plain),
    notifications: notifications.map((task) => ({ ...plain(task), payload: withoutSecrets(task.payload) })),
    consents: consents.map((consent) => ({ id: consent.id, type: consent.type, granted: consent.granted, ip: consent.ip, createdAt: consent.createdAt })),
    dataExportRequests: exports.map((request) => ({ id: request.id, ip: request.ip, createdAt: request.createdAt })),
    erasureRequests: erasures.map((request) => ({ id: request.id, ip: request.ip, createdAt: request.createdAt, completedAt: request.completedAt, retainFinancialUntil: request.retainFinancialUntil })),
    apiKeysCreated: apiKeys.map((key) => ({ id: key.id, groupId: key.group.id, name: key.name, prefix: key.prefix, role: key.role, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt, revokedAt: key.revokedAt })),
    activity: activity.map(plain),
  };
}

/** The signed-in person's data as one JSON document; the request itself is recorded (with the IP) first. */
export async function exportMyData(ctx: ServiceContext): Promise<DataExport> {
  const user = await loadSignedInUser(ctx);
  const request = ctx.em.create(DataExportRequest, { user, ip: ctx.clientIp ?? null });
  ctx.em.persist(request);
  recordActivity(ctx, { groupId: null, action: 'user.export-data', entityType: 'User', entityId: user.id });
  await ctx.em.flush();
  const data = await collectPersonalData(ctx.em, user);
  const document = { format: DATA_EXPORT_FORMAT, exportedAt: request.createdAt, requestId: request.id, ...data };
  return { request, json: toJsonDocument(document) };
}
