import type { EntityManager, EntityName, FilterQuery, Knex } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { notFound } from './domain-error';

/*
 * Deciding something a person can click twice (approve, confirm a payment):
 * the decision locks its row, so that exactly one click applies and the others
 * see its outcome.
 *
 * A click that waits on a row lock holds a pooled connection while it waits.
 * Two rules keep that from stalling the server:
 *
 * 1. While holding the lock, use only the transaction's connection: its
 *    EntityManager, and `transactionKnex(em)` for plain queries. A request's
 *    loaders and `knexOf(ctx)` take another connection from the pool; with
 *    every connection held by clicks queued on the lock, none comes, and the
 *    whole API waits out the pool's acquire timeout (60 s).
 * 2. Do not queue on the lock holding a connection: take it with NOWAIT,
 *    and when another click has it, let go of the connection and try again
 *    shortly, by when that click has usually committed (see withRowLock).
 */

/** PostgreSQL's lock_not_available: a NOWAIT lock found the row locked. */
const LOCK_NOT_AVAILABLE = '55P03';

function isLockNotAvailable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === LOCK_NOT_AVAILABLE;
}

/** The lock mode for an attempt of withRowLock: NOWAIT unless it is told to wait. */
export const rowLockMode = (wait: boolean): LockMode => (wait ? LockMode.PESSIMISTIC_WRITE : LockMode.PESSIMISTIC_WRITE_OR_FAIL);

/** How long withRowLock keeps retrying before it queues on the lock like a plain FOR UPDATE. */
const RETRY_BUDGET_MS = 2_000;
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` in a database transaction (`tx`, as `em.transactional`
 * gives it) until it gets its row lock, which it takes with
 * `rowLockMode(wait)`. An attempt that finds the row locked has rolled back
 * and given its connection back; the next one starts after a short backoff
 * with jitter, and normally finds the other click's outcome (an approval
 * already decided, a due already paid). After RETRY_BUDGET_MS (a holder that
 * is slow, not a click) the last attempt waits on the lock as FOR UPDATE would.
 *
 * An attempt takes its NOWAIT locks before it changes anything: entities `em`
 * already holds are shared with the attempt's fork, and a change made before
 * a failed lock would still be on them for the next attempt. For the same
 * reason, checks made before the attempt read with `disableIdentityMap`.
 *
 * Inside a transaction someone else started (`em` already in one) there is
 * nothing to let go of: the single attempt waits on the lock, in a savepoint.
 */
export async function withRowLock<T>(em: EntityManager, attempt: (tx: EntityManager, wait: boolean) => Promise<T>): Promise<T> {
  if (em.isInTransaction()) return em.transactional((tx) => attempt(tx, true));
  const deadline = Date.now() + RETRY_BUDGET_MS;
  for (let delay = FIRST_RETRY_MS; Date.now() < deadline; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      return await em.transactional((tx) => attempt(tx, false));
    } catch (error) {
      if (!isLockNotAvailable(error)) throw error;
    }
    await sleep(Math.min(delay * (0.5 + Math.random() / 2), Math.max(0, deadline - Date.now())));
  }
  return em.transactional((tx) => attempt(tx, true));
}

/**
 * A row read for the checks made before its lock (who may change it, whether
 * anything is left to do), outside `em`'s identity map as withRowLock asks;
 * NOT_FOUND (`what`) when there is none.
 */
export async function readBeforeLock<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>, what: string): Promise<T> {
  const row = await em.findOne(entity, where, { disableIdentityMap: true });
  if (!row) throw notFound(what);
  return row;
}

/**
 * The row locked (`rowLockMode(wait)`) in `em`'s transaction, as it is now:
 * refreshed, in case `em` holds a copy read before the lock. NOT_FOUND
 * (`what`) when it is gone or no longer matches `where`.
 */
export async function readLocked<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>, what: string, wait = true): Promise<T> {
  const row = await em.findOne(entity, where, { lockMode: rowLockMode(wait), refresh: true });
  if (!row) throw notFound(what);
  return row;
}

/**
 * Locks the row of `table` with this id in `em`'s transaction (on its
 * connection) without reading it: FOR UPDATE, NOWAIT when `wait` is false.
 * Whether the row exists. `table` is a table name of ours, never input.
 */
export async function lockRow(em: EntityManager, table: string, id: string, wait = true): Promise<boolean> {
  const rows: unknown[] = await em.execute(`select 1 from "${table}" where "id" = ? for update${wait ? '' : ' nowait'}`, [id]);
  return rows.length > 0;
}

/** The knex of `em`'s transaction, for plain queries (and loaders) that must run on its connection. */
export function transactionKnex(em: EntityManager): Knex {
  return em.getTransactionContext<Knex.Transaction>() ?? em.getKnex();
}
