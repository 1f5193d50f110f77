import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../config';
import { anonymousViewer, Viewer } from '../modules/auth/viewer';
import type { EventBus } from './event-bus';
import { createLoaders, RequestLoaders } from './loaders';

/**
 * What every service function receives: one forked EntityManager and one set
 * of DataLoaders per request, the viewer, configuration and the event bus.
 * GraphQL and REST both build it; services never see HTTP.
 */
export interface ServiceContext {
  em: EntityManager;
  /**
   * The ORM's knex, where the caller has it without forking: every fork (and
   * transaction) of the ORM returns this same instance from `em.getKnex()`, but
   * reaching it through a request's lazy `em` makes the fork. Read it with
   * `knexOf(ctx)`.
   */
  knex?: Knex;
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

/**
 * For work that acts as the system (jobs, provider webhooks, payouts): no
 * viewer, and loaders on `em`. `em` is the unit of work's transaction where it
 * holds row locks, so the loaders read on its connection too, never on another
 * pooled one (shared/row-lock.ts). `events` usually waits for the commit.
 */
export function systemContext(deps: { config: CofferConfig }, em: EntityManager, events: EventBus): ServiceContext {
  return { em, viewer: anonymousViewer, config: deps.config, events, loaders: createLoaders(em, anonymousViewer) };
}

/** The ORM's knex without forking the request's EntityManager when the context has it (same instance as `ctx.em.getKnex()`). */
export const knexOf = (ctx: ServiceContext): Knex => ctx.knex ?? ctx.em.getKnex();
