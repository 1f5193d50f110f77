const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/** What a `step` of stoppableStream returns to end the stream (and stop its source) instead of passing a value on. */
export const END_OF_STREAM = Symbol('endOfStream');

/**
 * Each value of `source` through `step`, as graphql-ws iterates a
 * subscription's stream. `source` is an iterator, or a function that opens
 * one on the first next(): then a stream returned before it is read opens
 * nothing.
 *
 * Written out rather than as an async generator: a generator's return() waits
 * for its pending next() to settle, which on a quiet topic means until the
 * next event, so a client that left (or whose socket closed) would keep its
 * event-bus listener, and the context it holds, until then. Here return()
 * stops the source at once, and the pending next() ends with it. An error
 * stops the source too: graphql-ws reports it and stops iterating without
 * calling return().
 */
export function stoppableStream<T, R>(source: AsyncIterator<T> | (() => AsyncIterator<T>), step: (value: T) => Promise<R | typeof END_OF_STREAM>): AsyncIterableIterator<R> {
  const open = typeof source === 'function' ? source : () => source;
  let iterator = typeof source === 'function' ? undefined : source;
  let finished = false;
  const finish = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!finished) {
      finished = true;
      await iterator?.return?.();
    }
    return DONE;
  };
  const stream: AsyncIterableIterator<R> = {
    [Symbol.asyncIterator]: () => stream,
    next: async () => {
      if (finished) return DONE;
      iterator ??= open();
      try {
        const next = await iterator.next();
        if (next.done || finished) return await finish();
        const value = await step(next.value);
        return value === END_OF_STREAM || finished ? await finish() : { value, done: false };
      } catch (error) {
        await finish();
        throw error;
      }
    },
    return: finish,
    throw: async (error: unknown) => {
      await finish();
      throw error;
    },
  };
  return stream;
}
