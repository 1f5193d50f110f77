import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Keeps Node 20's promise hooks off while no AsyncLocalStorage run is in flight.
 *
 * Why: on Node 20 the first `AsyncLocalStorage#run` anywhere in the process
 * switches on async_hooks promise hooks, and they stay on; from then on every
 * promise any request creates pays for them (about a quarter of the CPU of a
 * `{ __typename }` request, see BENCHMARKS.md). MikroORM runs a store on every
 * `em.flush()` (UnitOfWork's "inside flush" guard) and every `em.transactional`
 * (TransactionContext), so the first write turned the hooks on for good. Nothing
 * reads those stores outside the run that set them, so the hooks are only needed
 * while a run is in flight.
 *
 * How: `run` is wrapped to count runs in flight, until the callback returns or,
 * for a callback that returns a promise, until that promise settles. When the
 * count is back to zero, every store that was enabled by a run is disabled
 * again, and Node switches the hooks off once no store is enabled. The next run
 * enables its store again (`run` does that itself).
 *
 * `enterWith` has no end to wait for, so once any store is entered that way the
 * stores are left enabled for good (nothing in Coffer calls it).
 *
 * Node 22+ builds AsyncLocalStorage on AsyncContextFrame without promise hooks;
 * there this does nothing useful and can go.
 */
let runsInFlight = 0;
let enteredForGood = false;
const storesEnabledByRuns = new Set<AsyncLocalStorage<unknown>>();
let installed = false;

function runEnded(): void {
  runsInFlight -= 1;
  if (runsInFlight > 0 || enteredForGood) return;
  for (const store of storesEnabledByRuns) store.disable();
  storesEnabledByRuns.clear();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Installs the wrapper once per process (idempotent). */
export function keepPromiseHooksOffBetweenRuns(): void {
  if (installed) return;
  installed = true;
  const prototype = AsyncLocalStorage.prototype as AsyncLocalStorage<unknown> & {
    run<R>(this: AsyncLocalStorage<unknown>, store: unknown, callback: (...args: unknown[]) => R, ...args: unknown[]): R;
  };
  const originalRun = prototype.run;
  const originalEnterWith = prototype.enterWith;

  prototype.run = function runCounted<R>(this: AsyncLocalStorage<unknown>, store: unknown, callback: (...args: unknown[]) => R, ...args: unknown[]): R {
    runsInFlight += 1;
    storesEnabledByRuns.add(this);
    let result: R;
    try {
      result = originalRun.call(this, store, callback, ...args) as R;
    } catch (error) {
      runEnded();
      throw error;
    }
    if (isThenable(result)) {
      // A side chain: the caller still gets (and must handle) the original promise.
      Promise.resolve(result).then(runEnded, runEnded);
    } else {
      runEnded();
    }
    return result;
  };

  prototype.enterWith = function enterWithForGood(this: AsyncLocalStorage<unknown>, store: unknown): void {
    enteredForGood = true;
    originalEnterWith.call(this, store);
  };
}

/** For tests: whether a run is in flight now. */
export function asyncContextRunsInFlight(): number {
  return runsInFlight;
}
