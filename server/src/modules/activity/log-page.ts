import type { EntityDictionary, EntityName, Knex } from '@mikro-orm/postgresql';
import { badInput } from '../../shared/domain-error';
import { CursorPosition, decodeCursor, Page, PageRequest, pageSize, toPage } from '../../shared/pagination';
import type { ServiceContext } from '../../shared/service-context';
import { FieldValidator, isUuid } from '../../shared/validation';

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
 */
const CURSOR_TIME = `to_char("created_at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CURSOR_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function decodeLogCursor(after: string | null | undefined): CursorPosition | null {
  const position = decodeCursor(after);
  // A forged cursor must be a bad input, not a failed cast in SQL.
  if (position && (!CURSOR_TIME_PATTERN.test(position.sort) || !isUuid(position.id))) throw badInput({ after: 'Not a cursor returned by this list' });
  return position;
}

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
  const after = validator.attempt(() => decodeLogCursor(filter.after)) ?? null;
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
