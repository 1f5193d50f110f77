import type { EntityManager } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../config';
import type { Viewer } from '../modules/auth/viewer';
import type { EventBus } from './event-bus';
import type { RequestLoaders } from './loaders';

/**
 * What every service function receives: one forked EntityManager and one set
 * of DataLoaders per request, the viewer, configuration and the event bus.
 * GraphQL and REST both build it; services never see HTTP.
 */
export interface ServiceContext {
  em: EntityManager;
  viewer: Viewer;
  config: CofferConfig;
  events: EventBus;
  loaders: RequestLoaders;
  /**
   * Set while an approved request is being applied: services then carry the
   * change out instead of asking for another approval.
   */
  approving?: boolean;
  /** The requester's address (shared/rate-limit.ts clientIp), where a request has one; kept with consents and privacy requests. */
  clientIp?: string;
}
