import { conflict, notFound } from '../../shared/domain-error';
import { encryptSecret, randomToken } from '../../shared/crypto';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import { lockRow } from '../../shared/row-lock';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator } from '../../shared/validation';
import { recordActivity } from '../activity/activity.service';
import { ADMIN_ONLY, assertGroupRole, requireId } from '../auth/authorization';
import { assertGroupActive, loadGroupForWrite } from '../groups/group.service';
import { addressPolicy, assertPublicHost, RefusedAddressError } from './webhook-address';
import { webhookEnvelope } from './webhook-delivery';
import { IntegratorEventType, WebhookAttemptRecord, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entities';

/** More endpoints than this per group is a mistake, and each one multiplies every event's deliveries. */
export const MAX_ENDPOINTS_PER_GROUP = 10;
const MAX_URL_LENGTH = 2048;
const EVENT_TYPES = new Set<string>(Object.values(IntegratorEventType));

export interface WebhookEndpointData {
  url?: string | null;
  events?: IntegratorEventType[] | null;
  description?: string | null;
  enabled?: boolean | null;
}

export interface CreatedWebhookSecret {
  endpoint: WebhookEndpoint;
  /** In clear, this once; only the encrypted form is stored. */
  secret: string;
}

/** What the console and integrators see of a delivery, with the envelope it carries. */
export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: IntegratorEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: (Omit<WebhookAttemptRecord, 'startedAt'> & { startedAt: Date })[];
  redeliveryOfId: string | null;
  createdAt: Date;
  envelope: Record<string, unknown>;
}

const newSecret = (): string => `whsec_${randomToken(32)}`;

function endpointSnapshot(endpoint: WebhookEndpoint): Record<string, unknown> {
  return { url: endpoint.url, events: endpoint.events, description: endpoint.description, enabled: endpoint.enabled };
}

/**
 * Why a URL cannot be an endpoint, or null. Checked when saved and again at
 * every delivery (DNS answers change).
 */
export async function webhookUrlProblem(ctx: ServiceContext, raw: string): Promise<string | null> {
  if (raw.length > MAX_URL_LENGTH) return `At most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter a full URL such as https://example.com/coffer-webhooks';
  }
  const allowHttp = ctx.config.webhookAllowHttp;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp)) return allowHttp ? 'Use an https:// or http:// URL' : 'Use an https:// URL';
  if (url.username || url.password) return 'Put no user name or password in the URL; verify the signature instead';
  if (url.hash) return 'Remove the #fragment';
  try {
    await assertPublicHost(url.hostname, addressPolicy(ctx.config.webhookAllowedNetworks));
  } catch (error) {
    if (error instanceof RefusedAddressError) return `${error.message}; only public addresses can receive webhooks`;
    return `The host ${url.hostname} does not resolve`;
  }
  return null;
}

async function validate(ctx: ServiceContext, data: WebhookEndpointData, creating: boolean): Promise<{ url?: string; events?: IntegratorEventType[] }> {
  const validator = new FieldValidator();
  const url = data.url?.trim();
  if (creating || data.url !== undefined) {
    const problem = url ? await webhookUrlProblem(ctx, url) : 'Enter the URL that receives the webhooks';
    validator.check('url', problem === null, problem ?? '');
  }
  let events: IntegratorEventType[] | undefined;
  if (creating || data.events !== undefined) {
    const given = data.events ?? [];
    const unknown = given.filter((type) => !EVENT_TYPES.has(type));
    validator.check('events', unknown.length === 0, `Unknown event types: ${unknown.join(', ')}`);
    validator.check('events', given.length > 0, 'Choose at least one event');
    events = [...new Set(given)];
  }
  if (data.description) validator.check('description', data.description.trim().length <= 200, 'At most 200 characters');
  if (data.enabled === null) validator.check('enabled', false, 'Give true or false');
  validator.throwIfInvalid();
  return { url, events };
}

async function loadEndpoint(ctx: ServiceContext, id: string, forWrite: boolean): Promise<WebhookEndpoint> {
  const endpoint = await ctx.em.findOne(WebhookEndpoint, { id: requireId(id, 'Webhook endpoint') }, { populate: ['group'] });
  if (!endpoint) throw notFound('Webhook endpoint');
  await assertGroupRole(ctx, endpoint.group.id, ADMIN_ONLY, 'Webhook endpoint');
  if (forWrite) assertGroupActive(endpoint.group);
  return endpoint;
}

export async function listWebhookEndpoints(ctx: ServiceContext, groupId: string): Promise<WebhookEndpoint[]> {
  await assertGroupRole(ctx, groupId, ADMIN_ONLY);
  return ctx.em.find(WebhookEndpoint, { group: groupId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
}

export async function getWebhookEndpoint(ctx: ServiceContext, id: string): Promise<WebhookEndpoint> {
  return loadEndpoint(ctx, id, false);
}

export async function createWebhookEndpoint(ctx: ServiceContext, groupId: string, data: WebhookEndpointData): Promise<CreatedWebhookSecret> {
  const group = await loadGroupForWrite(ctx, ctx.em, groupId, ADMIN_ONLY);
  const valid = await validate(ctx, data, true);
  const secret = newSecret();
  const endpoint = await ctx.em.transactional(async (em) => {
    // Serialises creations in the group so the limit holds under concurrency.
    await lockRow(em, 'groups', group.id);
    if ((await em.count(WebhookEndpoint, { group })) >= MAX_ENDPOINTS_PER_GROUP) {
      throw conflict(`A group can have at most ${MAX_ENDPOINTS_PER_GROUP} webhook endpoints`, 'ENDPOINT_LIMIT');
    }
    const created = em.create(WebhookEndpoint, {
      group,
      url: valid.url!,
      events: valid.events!,
      description: data.description?.trim() || null,
      enabled: data.enabled ?? true,
      secretEncrypted: encryptSecret(secret, ctx.config.encryptionKey),
    });
    em.persist(created);
    recordActivity({ ...ctx, em }, { groupId: group.id, action: 'webhook-endpoint.create', entityType: 'WebhookEndpoint', entityId: created.id, after: endpointSnapshot(created) });
    await em.flush();
    return created;
  });
  return { endpoint, secret };
}

export async function updateWebhookEndpoint(ctx: ServiceContext, id: string, data: WebhookEndpointData): Promise<WebhookEndpoint> {
  const endpoint = await loadEndpoint(ctx, id, true);
  const valid = await validate(ctx, data, false);
  const before = endpointSnapshot(endpoint);
  if (valid.url !== undefined) endpoint.url = valid.url;
  if (valid.events !== undefined) endpoint.events = valid.events;
  if (data.description !== undefined) endpoint.description = data.description?.trim() || null;
  if (data.enabled !== undefined && data.enabled !== null) endpoint.enabled = data.enabled;
  recordActivity(ctx, { groupId: endpoint.group.id, action: 'webhook-endpoint.update', entityType: 'WebhookEndpoint', entityId: endpoint.id, before, after: endpointSnapshot(endpoint) });
  await ctx.em.flush();
  return endpoint;
}

/** The old secret stops working at once: deliveries from now on are signed with the new one. */
export async function rotateWebhookSecret(ctx: ServiceContext, id: string): Promise<CreatedWebhookSecret> {
  const endpoint = await loadEndpoint(ctx, id, true);
  const secret = newSecret();
  endpoint.secretEncrypted = encryptSecret(secret, ctx.config.encryptionKey);
  endpoint.secretRotatedAt = new Date();
  recordActivity(ctx, { groupId: endpoint.group.id, action: 'webhook-endpoint.rotate-secret', entityType: 'WebhookEndpoint', entityId: endpoint.id, after: { secretRotatedAt: endpoint.secretRotatedAt.toISOString() } });
  await ctx.em.flush();
  return { endpoint, secret };
}

/** Deletes the endpoint and its delivery history; pending deliveries are never sent. */
export async function deleteWebhookEndpoint(ctx: ServiceContext, id: string): Promise<WebhookEndpoint> {
  const endpoint = await loadEndpoint(ctx, id, false);
  recordActivity(ctx, { groupId: endpoint.group.id, action: 'webhook-endpoint.delete', entityType: 'WebhookEndpoint', entityId: endpoint.id, before: endpointSnapshot(endpoint) });
  ctx.em.remove(endpoint);
  await ctx.em.flush();
  return endpoint;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: IntegratorEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  delivered_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  attempt_log: WebhookAttemptRecord[];
  redelivery_of_id: string | null;
  created_at: Date;
  group_id: string;
  data: Record<string, unknown>;
  event_created_at: Date;
}

function toView(row: DeliveryRow): WebhookDeliveryView {
  const pending = row.status === WebhookDeliveryStatus.PENDING || row.status === WebhookDeliveryStatus.SENDING;
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: pending ? new Date(row.next_attempt_at) : null,
    deliveredAt: row.delivered_at ? new Date(row.delivered_at) : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    attemptLog: row.attempt_log.map((attempt) => ({ ...attempt, startedAt: new Date(attempt.startedAt) })),
    redeliveryOfId: row.redelivery_of_id,
    createdAt: new Date(row.created_at),
    envelope: JSON.parse(webhookEnvelope({ id: row.event_id, type: row.event_type, createdAt: new Date(row.event_created_at), groupId: row.group_id, data: row.data })) as Record<string, unknown>,
  };
}

function deliveriesQuery(ctx: ServiceContext) {
  return ctx.em
    .getKnex()('webhook_deliveries as d')
    .join('webhook_events as ev', 'ev.id', 'd.event_id')
    .select('d.*', 'ev.group_id', 'ev.data', 'ev.created_at as event_created_at');
}

export interface WebhookDeliveryFilter extends PageRequest {
  endpointId: string;
  status?: WebhookDeliveryStatus | null;
}

/** Newest first. */
export async function listWebhookDeliveries(ctx: ServiceContext, filter: WebhookDeliveryFilter): Promise<Page<WebhookDeliveryView>> {
  const endpoint = await loadEndpoint(ctx, filter.endpointId, false);
  const size = pageSize(filter.first);
  const after = decodeCursor(filter.after, 'timestamp');
  const knex = ctx.em.getKnex();
  const base = knex('webhook_deliveries as d').where('d.endpoint_id', endpoint.id);
  if (filter.status) base.andWhere('d.status', filter.status);
  const pageQuery = deliveriesQuery(ctx)
    .where('d.endpoint_id', endpoint.id)
    .orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.id', order: 'desc' }])
    .limit(size + 1);
  if (filter.status) pageQuery.andWhere('d.status', filter.status);
  if (after) pageQuery.whereRaw('(d.created_at, d.id) < (cast(? as timestamptz), cast(? as uuid))', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.count('* as count')]);
  const views = (rows as DeliveryRow[]).map(toView);
  return toPage(views, size, (d) => ({ sort: d.createdAt.toISOString(), id: d.id }), Number((countRows[0] as { count: string }).count), after);
}

/**
 * Sends a delivery's event to its endpoint again, as a new delivery (new id,
 * same envelope id, so receivers can recognise a repeat). The original keeps
 * its history.
 */
export async function redeliverWebhook(ctx: ServiceContext, deliveryId: string): Promise<WebhookDeliveryView> {
  const original = await ctx.em.findOne(WebhookDelivery, { id: requireId(deliveryId, 'Webhook delivery') }, { populate: ['endpoint', 'event'] });
  if (!original) throw notFound('Webhook delivery');
  const endpoint = await loadEndpoint(ctx, original.endpoint.id, true).catch((error: unknown) => {
    // The id named a delivery, not an endpoint: say so.
    throw (error as { code?: string }).code === 'NOT_FOUND' ? notFound('Webhook delivery') : error;
  });
  if (original.status === WebhookDeliveryStatus.PENDING || original.status === WebhookDeliveryStatus.SENDING) {
    throw conflict('This delivery is still being attempted', 'DELIVERY_IN_PROGRESS');
  }
  if (!endpoint.enabled) throw conflict('Enable the endpoint before redelivering to it', 'ENDPOINT_DISABLED');
  const now = new Date();
  const copy = ctx.em.create(WebhookDelivery, {
    event: original.event,
    endpoint,
    eventType: original.eventType,
    nextAttemptAt: now,
    redeliveryOfId: original.id,
  });
  ctx.em.persist(copy);
  recordActivity(ctx, { groupId: endpoint.group.id, action: 'webhook-delivery.redeliver', entityType: 'WebhookDelivery', entityId: copy.id, after: { redeliveryOfId: original.id, eventId: original.event.id } });
  await ctx.em.flush();
  // As queued: the worker may already be sending it by the time this answer is read.
  const { event } = original;
  return toView({
    id: copy.id,
    endpoint_id: endpoint.id,
    event_id: event.id,
    event_type: copy.eventType,
    status: copy.status,
    attempts: copy.attempts,
    next_attempt_at: copy.nextAttemptAt,
    delivered_at: null,
    last_status_code: null,
    last_error: null,
    attempt_log: [],
    redelivery_of_id: original.id,
    created_at: copy.createdAt,
    group_id: event.groupId,
    data: event.data,
    event_created_at: event.createdAt,
  });
}
