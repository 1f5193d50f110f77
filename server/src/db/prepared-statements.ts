import { createHash } from 'node:crypto';

/*
 * Server-side prepared statements for the hottest reads (the viewer check, the
 * API-key lookup, the role check, the groups and transactions lists).
 *
 * Why: these statements are sent on nearly every request, and PostgreSQL
 * parses, analyses and plans an unnamed statement every time. For the groups
 * list that work was most of the database's share of a request (bench (b):
 * 0.37–0.44× the pg baseline with unnamed statements, 0.64–0.67× named, same
 * machine and window; see BENCHMARKS.md). A named statement is parsed once per
 * connection, and PostgreSQL may reuse its plan.
 *
 * The name is derived from the statement's text, so one name can never stand
 * for two texts (node-postgres refuses that), and texts that differ (a filter
 * more or less) get their own statement. Only statements whose texts come from
 * a small, fixed set are prepared: each connection keeps what it prepared.
 *
 * DATABASE_PREPARED_STATEMENTS=false turns this off, for a pooler that hands
 * each transaction a different server connection and does not track prepared
 * statements (PgBouncer in transaction mode before 1.21).
 */

let enabled = true;
const MAX_NAMES = 1000;
const names = new Map<string, string>();

/** Set once at start-up from the configuration. */
export function usePreparedStatements(on: boolean): void {
  enabled = on;
}

/** node-postgres query options that prepare `sql` under a name of its own (none when turned off). */
export function preparedAs(sql: string): { name?: string } {
  if (!enabled) return {};
  let name = names.get(sql);
  if (name === undefined) {
    name = `coffer_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    // Bounded: the prepared texts are a small fixed set, so this only guards against a mistake.
    if (names.size >= MAX_NAMES) names.clear();
    names.set(sql, name);
  }
  return { name };
}
