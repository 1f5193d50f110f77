import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from '../../src/modules/auth/api-key.entity';
import { User } from '../../src/modules/auth/user.entity';
import { anonymousViewer, Viewer } from '../../src/modules/auth/viewer';
import { createLoaders } from '../../src/shared/loaders';
import type { ServiceContext } from '../../src/shared/service-context';
import type { TestServer } from './test-server';

/** Who a service call in a test acts as: a user, an API key (by id) or the system (jobs, webhooks). */
export type TestActor = { userId: string } | { apiKeyId: string } | 'system';

/**
 * A ServiceContext on a fresh fork of the test server's ORM, for calling
 * services that have no GraphQL surface of their own (e.g. recordAudit).
 */
export async function serviceContextFor(t: TestServer, actor: TestActor, em: EntityManager = t.server.orm.em.fork()): Promise<ServiceContext> {
  let viewer: Viewer = anonymousViewer;
  if (actor !== 'system' && 'userId' in actor) viewer = { kind: 'user', user: await em.findOneOrFail(User, { id: actor.userId }) };
  if (actor !== 'system' && 'apiKeyId' in actor) viewer = { kind: 'apiKey', apiKey: await em.findOneOrFail(ApiKey, { id: actor.apiKeyId }, { populate: ['group'] }), rateLimit: { limit: 1, remaining: 1, resetSeconds: 60 } };
  return { em, viewer, config: t.config, events: t.server.events, loaders: createLoaders(em, viewer) };
}
