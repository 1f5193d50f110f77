import type { EntityDictionary, EntityName, Knex } from '@mikro-orm/postgresql';
import { decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator } from '../../shared/validation';

/*
 * Newest-first keyset pages over the append-only logs (audit and activity),
 * which share their shape: a group, a created_at and an id.
 */

export interface LogPageFilter extends PageRequest {
  groupId: string;
  /** Rows to page over instead of the group's (e.g. `{ user_id }` for a person's inbox). */
  scope?: Record<string, string>;
  /** Inclusive lower bound on created_at. */
  from?: Date | null;
  /** Exclusive upper bound on created_at. */
  to?: Date | null;
}

/*
 * The cursor carries created_at as Postgres prints it, to the microsecond: a
 * row written with the database clock (now()) has more precision than a JS
 * Date, and a cursor rounded to milliseconds would skip or repeat such rows.
 * Hence the `timestampMicros` cursors.
 */
const CURSOR_TIME = `to_char("created_at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface LogQuery {
  /** Adds the log's own filters to the query. */
  narrow(query: Knex.QueryBuilder): void;
  /** Checks the log's own arguments, reported together with the common ones. */
  validate?(validator: FieldValidator): void;
}

/**
 * One page of `table` for a group, newest first (created_at desc, id desc),
 * with the common window and cursor applied. Every bad argument is reported
 * in one BAD_USER_INPUT. Two statements: the page and the total.
 */
export async function newestFirstPage<T extends { id: string }>(
  ctx: ServiceContext,
  entity: EntityName<T>,
  table: string,
  filter: LogPageFilter,
  logQuery: LogQuery,
): Promise<Page<T>> {
  const validator = new FieldValidator();
  const size = validator.attempt(() => pageSize(filter.first)) ?? 0;
  const after = validator.attempt(() => decodeCursor(filter.after, 'timestampMicros')) ?? null;
  const { from, to } = filter;
  validator.check('to', !from || !to || from.getTime() <= to.getTime(), '`to` must not be before `from`');
  logQuery.validate?.(validator);
  validator.throwIfInvalid();
  const knex = ctx.em.getKnex();
  const base = knex(table).where(filter.scope ?? { group_id: filter.groupId });
  if (from) base.andWhere('created_at', '>=', from);
  if (to) base.andWhere('created_at', '<', to);
  logQuery.narrow(base);
  const pageQuery = base
    .clone()
    .select('*', knex.raw(`${CURSOR_TIME} as "cursor_time"`))
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(size + 1);
  if (after) pageQuery.whereRaw('("created_at", "id") < (?::timestamptz, ?::uuid)', [after.sort, after.id]);
  const [rows, countRows] = await Promise.all([pageQuery, base.clone().count('* as count')]);
  const entries = (rows as ({ cursor_time: string } & EntityDictionary<T>)[]).map(({ cursor_time, ...row }) => ({
    node: ctx.em.map(entity, row as EntityDictionary<T>),
    time: cursor_time,
  }));
  const page = toPage(entries, size, (entry) => ({ sort: entry.time, id: entry.node.id }), Number((countRows[0] as { count: string }).count), after);
  return { ...page, nodes: page.nodes.map((entry) => entry.node) };
}
