import DataLoader from 'dataloader';

/** DataLoader's cache, plus the plain value of every key primed with one; a key leaves both together. */
class PrimedCache<K, V> extends Map<K, Promise<V>> {
  readonly plain = new Map<K, V>();

  override delete(key: K): boolean {
    this.plain.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.plain.clear();
    super.clear();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * A DataLoader that can also answer without a promise for a key primed with
 * a plain value. A list query that already read, say, each group's member
 * count primes it; the field resolvers then return `known(id)` directly,
 * which saves graphql-js a promise per field and per object. Everything
 * else (load, clear, prime's keep-the-first-value rule) is DataLoader's.
 * Values are never undefined, so undefined from `known` means "not primed".
 */
export class PrimedLoader<K, V extends NonNullable<unknown> | null> extends DataLoader<K, V> {
  private readonly primed: PrimedCache<K, V>;

  constructor(batch: DataLoader.BatchLoadFn<K, V>) {
    const cache = new PrimedCache<K, V>();
    super(batch, { cacheMap: cache });
    this.primed = cache;
  }

  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    // DataLoader keeps what it already holds for a key (loaded, loading or primed): so does `known`.
    if (!this.primed.has(key) && !(value instanceof Error) && !isPromiseLike(value)) this.primed.plain.set(key, value);
    return super.prime(key, value);
  }

  /**
   * Whether `key`, primed with `value`, is all this loader holds: then
   * `clearAll().prime(key, value)` would leave it as it is, and can be skipped.
   */
  holdsOnly(key: K, value: V): boolean {
    return this.primed.size === 1 && this.primed.plain.has(key) && this.primed.plain.get(key) === value;
  }

  /** The value primed for `key`; undefined when it was not primed (then `load` it). */
  known(key: K): V | undefined {
    return this.primed.plain.get(key);
  }
}
