import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../src/db/orm';
import type { ServiceContext } from '../../src/shared/service-context';
import { serviceContextFor, TestActor } from './service-context';
import type { TestServer } from './test-server';

/** How long the one-connection pool waits for its connection before it fails the query (knex's default is 60 s). */
export const ONE_CONNECTION_ACQUIRE_TIMEOUT_MS = 3_000;

/**
 * A ServiceContext on an ORM of its own with a pool of one connection, on the
 * test server's database. A service that, inside a database transaction,
 * queries anywhere but on that transaction's connection (the request's
 * loaders, `knexOf(ctx)`, another fork) waits for a second connection that
 * never comes, and fails after ONE_CONNECTION_ACQUIRE_TIMEOUT_MS with knex's
 * "Timeout acquiring a connection": what stalls a real server once clicks
 * waiting on the same row lock hold every pooled connection.
 */
export async function oneConnectionContext(t: TestServer, actor: TestActor): Promise<{ ctx: ServiceContext; close: () => Promise<void> }> {
  const orm: MikroORM = await initOrm(t.db.url, { pool: { min: 0, max: 1 }, driverOptions: { acquireConnectionTimeout: ONE_CONNECTION_ACQUIRE_TIMEOUT_MS } });
  const em = orm.em.fork();
  const ctx = await serviceContextFor(t, actor, em);
  // As a GraphQL request's context has it (graphql/context.ts): the ORM's knex, for reads outside the request's fork.
  return { ctx: { ...ctx, em, knex: em.getKnex() }, close: () => orm.close() };
}
