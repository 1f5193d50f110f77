import type { EntityManager, Knex, MikroORM } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../config';
import { resolveViewer, ResolveViewerOptions } from '../modules/auth/auth.service';
import type { Viewer } from '../modules/auth/viewer';
import type { EventBus } from '../shared/event-bus';
import { createLoaders, RequestLoaders } from '../shared/loaders';
import type { ServiceContext } from '../shared/service-context';

/** The GraphQL context is the service context: resolvers pass it straight through. */
export type GraphQLContext = ServiceContext;

export interface ContextFactoryDeps {
  orm: MikroORM;
  config: CofferConfig;
  events: EventBus;
}

/**
 * One request = one forked EntityManager and fresh loaders; the fork happens
 * on first use, so a request that never touches the database (`{ __typename }`,
 * an anonymous request a service refuses) forks nothing.
 *
 * `em` is a getter on the prototype, not an own property, because Apollo
 * copies the context for every operation (`Object.assign` onto
 * `Object.create(prototype)`), which would call an own getter and fork. The
 * copy shares `requestEm`, so both see the same fork. A spread (`{ ...ctx }`)
 * does not carry `em`: services give it one (`{ ...ctx, em: tx }`), and lint
 * refuses a spread of `ctx` that does not.
 */
class RequestContext implements ServiceContext {
  readonly loaders: RequestLoaders;

  constructor(
    readonly viewer: Viewer,
    readonly config: CofferConfig,
    readonly events: EventBus,
    readonly requestEm: () => EntityManager,
    readonly clientIp: string | undefined,
    readonly knex: Knex,
  ) {
    this.loaders = createLoaders(requestEm, viewer, knex);
  }

  get em(): EntityManager {
    return this.requestEm();
  }
}

/**
 * Throws UNAUTHENTICATED for a credential that is present but invalid. `clientIp` comes from shared/rate-limit.ts clientIp.
 * `deferUserCheck`: see ResolveViewerOptions (GraphQL over HTTP only).
 */
export async function createRequestContext(
  deps: ContextFactoryDeps,
  authorization: string | undefined,
  clientIp?: string,
  options: ResolveViewerOptions = {},
): Promise<GraphQLContext> {
  let em: EntityManager | undefined;
  const requestEm = (): EntityManager => (em ??= deps.orm.em.fork());
  const knex = deps.orm.em.getKnex();
  const viewer = await resolveViewer({ knex, em: requestEm }, deps.config, authorization, options);
  return new RequestContext(viewer, deps.config, deps.events, requestEm, clientIp, knex);
}
