import type { EntityManager } from '@mikro-orm/postgresql';
import { IntegratorEventType, WebhookEvent } from './webhook.entities';

export interface IntegratorEventInput {
  groupId: string;
  type: IntegratorEventType;
  /** The `data` of the envelope: JSON only (bigints as strings, dates as ISO strings). */
  data: Record<string, unknown>;
}

/**
 * Stores exactly what the envelope will carry: dates become ISO strings and
 * bigints (money in minor units) decimal strings, instead of a bigint failing
 * the flush, and with it the caller's change, later.
 */
function asJson(data: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as Record<string, unknown>;
}

/**
 * Records an event for the group's integrators in the outbox, on the
 * caller's EntityManager: it is written by the same flush, in the same
 * database transaction, as the change it describes, so a rolled-back change
 * never reaches an integrator and a committed one always does. Delivery
 * (fan-out to the subscribed endpoints, signing, retries) happens after
 * commit in deliverPendingWebhooks; the insert's trigger wakes the worker.
 *
 * Call it where the change is made, e.g.
 *   enqueueIntegratorEvent(em, { groupId, type: IntegratorEventType.DUE_PAID, data: { due: dueSnapshot(due) } });
 */
export function enqueueIntegratorEvent(em: EntityManager, input: IntegratorEventInput): WebhookEvent {
  const event = em.create(WebhookEvent, { groupId: input.groupId, type: input.type, data: asJson(input.data) });
  em.persist(event);
  return event;
}
