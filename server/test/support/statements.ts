import type { Knex } from '@mikro-orm/postgresql';

/**
 * Statements the server's background workers issue on the same connection
 * pool while a test counts a request's statements: the webhook dispatcher
 * wakes on every commit (e.g. member.added while a test sets up its data).
 * They are not the request's, so statement-count tests leave them out.
 */
export function isBackgroundStatement(sql: string): boolean {
  return /"webhook_(events|deliveries)"/.test(sql) || sql === 'select now() as now';
}

/** A statement the server sent, and its prepared-statement name when it is a named one (db/prepared-statements.ts). */
export interface SeenStatement {
  sql: string;
  name: string | undefined;
}

/** The statements (background ones left out) the server's knex sends while `run` runs, with what `run` returned. */
export async function statementsDuring<T>(knex: Knex, run: () => Promise<T>): Promise<{ statements: SeenStatement[]; result: T }> {
  const statements: SeenStatement[] = [];
  const listener = (query: { sql: string; options?: { name?: string } }) => {
    if (!isBackgroundStatement(query.sql)) statements.push({ sql: query.sql, name: query.options?.name });
  };
  knex.on('query', listener);
  try {
    return { statements, result: await run() };
  } finally {
    knex.removeListener('query', listener);
  }
}
