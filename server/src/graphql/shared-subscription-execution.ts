import { createSourceEventStream, execute, ExecutionArgs, ExecutionResult, getOperationAST, Kind, print } from 'graphql';
import type { CofferEvent } from '../shared/event-bus';
import { oncePerEvent } from '../shared/once-per-event';
import type { GraphQLContext } from './context';

/**
 * For a root subscription field: the part of a subscriber that can change
 * what one event resolves to. Subscribers of the same document, variables and
 * key share one execution of the event (once per server instance); undefined
 * means "this subscriber's result is its own".
 */
export type ShareKey = (event: CofferEvent, context: GraphQLContext) => string | undefined;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

async function* mapEvents(source: AsyncIterable<unknown>, run: (event: CofferEvent) => Promise<ExecutionResult>): AsyncGenerator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield await run(next.value as CofferEvent);
  } finally {
    await iterator.return?.();
  }
}

/**
 * graphql-ws's `subscribe`: graphql-js's own source stream (so each field's
 * subscribe function, with its per-event authorization, runs per subscriber
 * as before), but each event is executed once per share key rather than once
 * per subscriber — a thousand admins watching one inbox cost one execution.
 * Only fields listed in `shareKeys` share; everything else executes per subscriber.
 */
export function subscribeSharingExecution(shareKeys: Record<string, ShareKey>) {
  return async (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream as ExecutionResult;
    const operation = getOperationAST(args.document, args.operationName);
    const selections = operation?.selectionSet.selections ?? [];
    const root = selections.length === 1 && selections[0].kind === Kind.FIELD ? selections[0].name.value : undefined;
    const shareKey = root ? shareKeys[root] : undefined;
    const runOwn = (event: CofferEvent): Promise<ExecutionResult> => Promise.resolve(execute({ ...args, rootValue: event }));
    if (!shareKey) return mapEvents(stream, runOwn);
    // Printed once per subscription, so identical documents from different sockets match.
    const documentKey = `${print(args.document)}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
    return mapEvents(stream, (event) => {
      const key = shareKey(event, args.contextValue as GraphQLContext);
      if (key === undefined) return runOwn(event);
      return oncePerEvent(event, `execution:${key}:${documentKey}`, () => runOwn(event));
    });
  };
}
