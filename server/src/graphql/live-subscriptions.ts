import { getOperationAST, type ExecutionArgs } from 'graphql';

/**
 * The subscriptions this instance is serving over graphql-ws, counted by root
 * field and variables. graphql-ws acknowledges no `subscribe`: a client learns
 * its subscription is live only from the first event. Something that must act
 * only once a subscriber listens (a test that publishes right after
 * subscribing, someone debugging a silent console) asks here instead of
 * guessing with a sleep.
 *
 * Counted from graphql-ws's hooks: `opened` when the operation resolved to a
 * stream (the field's subscribe function ran, so its event-bus listener is in
 * place), `closed` when it completes, and whatever a socket still held when it
 * closes.
 */
export class LiveSubscriptions {
  private readonly counts = new Map<string, number>();
  private all = 0;
  /** Per socket (graphql-ws's `ctx.extra`): subscription id → its count key. */
  private readonly bySocket = new WeakMap<object, Map<string, string>>();

  /** Every subscription served, whatever its field (GET /api/health reports it). */
  get total(): number {
    return this.all;
  }

  /** Subscriptions of `field` with exactly these variables (as the client sent them). */
  count(field: string, variables: Record<string, unknown> = {}): number {
    return this.counts.get(countKey(field, variables)) ?? 0;
  }

  opened(socket: object, id: string, args: ExecutionArgs): void {
    const operation = getOperationAST(args.document, args.operationName);
    const first = operation?.selectionSet.selections[0];
    if (operation?.operation !== 'subscription' || first?.kind !== 'Field') return;
    const key = countKey(first.name.value, (args.variableValues as Record<string, unknown> | null | undefined) ?? {});
    let ids = this.bySocket.get(socket);
    if (!ids) this.bySocket.set(socket, (ids = new Map()));
    if (ids.has(id)) return;
    ids.set(id, key);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.all += 1;
  }

  closed(socket: object, id: string): void {
    const ids = this.bySocket.get(socket);
    const key = ids?.get(id);
    if (!ids || key === undefined) return;
    ids.delete(id);
    this.all -= 1;
    const left = (this.counts.get(key) ?? 1) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }

  /** The socket closed: none of its subscriptions is live, whether or not graphql-ws completed each. */
  socketClosed(socket: object): void {
    for (const id of [...(this.bySocket.get(socket)?.keys() ?? [])]) this.closed(socket, id);
  }
}

function countKey(field: string, variables: Record<string, unknown>): string {
  return `${field}\u0000${JSON.stringify(variables)}`;
}
