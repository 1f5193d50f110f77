/**
 * Statements the server's background workers issue on the same connection
 * pool while a test counts a request's statements: the webhook dispatcher
 * wakes on every commit (e.g. member.added while a test sets up its data).
 * They are not the request's, so statement-count tests leave them out.
 */
export function isBackgroundStatement(sql: string): boolean {
  return /"webhook_(events|deliveries)"/.test(sql) || sql === 'select now() as now';
}
