import type { MikroORM } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../config';
import { resolveViewer } from '../modules/auth/auth.service';
import type { EventBus } from '../shared/event-bus';
import { createLoaders } from '../shared/loaders';
import type { ServiceContext } from '../shared/service-context';

/** The GraphQL context is the service context: resolvers pass it straight through. */
export type GraphQLContext = ServiceContext;

export interface ContextFactoryDeps {
  orm: MikroORM;
  config: CofferConfig;
  events: EventBus;
}

/**
 * One request = one forked EntityManager and fresh loaders. Throws
 * UNAUTHENTICATED for a credential that is present but invalid.
 */
export async function createRequestContext(deps: ContextFactoryDeps, authorization: string | undefined): Promise<GraphQLContext> {
  const em = deps.orm.em.fork();
  const viewer = await resolveViewer(em, deps.config, authorization);
  return { em, viewer, config: deps.config, events: deps.events, loaders: createLoaders(em, viewer) };
}
