import { PrimedLoader } from './primed-loader';

function loader(): { loader: PrimedLoader<string, number | null>; batches: string[][] } {
  const batches: string[][] = [];
  const created = new PrimedLoader<string, number | null>(async (keys) => {
    batches.push([...keys]);
    return keys.map((key) => (key === 'missing' ? null : key.length));
  });
  return { loader: created, batches };
}

describe('PrimedLoader', () => {
  it('answers a primed key without a promise, and load agrees without a batch', async () => {
    const { loader: l, batches } = loader();
    l.prime('a', 7).prime('b', null);
    expect(l.known('a')).toBe(7);
    expect(l.known('b')).toBeNull();
    await expect(l.load('a')).resolves.toBe(7);
    await expect(l.load('b')).resolves.toBeNull();
    expect(batches).toEqual([]);
  });

  it('knows nothing of keys that were only loaded', async () => {
    const { loader: l, batches } = loader();
    await expect(l.load('abc')).resolves.toBe(3);
    expect(l.known('abc')).toBeUndefined();
    expect(batches).toEqual([['abc']]);
  });

  it('keeps the first value like DataLoader: a later prime of a loaded or primed key changes nothing', async () => {
    const { loader: l } = loader();
    await l.load('abc');
    l.prime('abc', 99);
    expect(l.known('abc')).toBeUndefined();
    await expect(l.load('abc')).resolves.toBe(3);
    l.prime('x', 1).prime('x', 2);
    expect(l.known('x')).toBe(1);
    await expect(l.load('x')).resolves.toBe(1);
  });

  it('holds only a key primed with a value while nothing else is cached, loaded or primed', async () => {
    const { loader: l } = loader();
    expect(l.holdsOnly('a', 1)).toBe(false);
    l.prime('a', 1);
    expect(l.holdsOnly('a', 1)).toBe(true);
    expect(l.holdsOnly('a', 2)).toBe(false);
    expect(l.holdsOnly('b', 1)).toBe(false);
    await l.load('bb');
    expect(l.holdsOnly('a', 1)).toBe(false);
    l.clearAll();
    await l.load('a');
    // Loaded, not primed: a value the batch gave may have changed since, so it does not count.
    expect(l.holdsOnly('a', 1)).toBe(false);
    l.clearAll().prime('n', null);
    expect(l.holdsOnly('n', null)).toBe(true);
  });

  it('forgets cleared keys, one or all', async () => {
    const { loader: l, batches } = loader();
    l.prime('a', 7).prime('bb', 8);
    l.clear('a');
    expect(l.known('a')).toBeUndefined();
    expect(l.known('bb')).toBe(8);
    await expect(l.load('a')).resolves.toBe(1);
    l.clearAll();
    expect(l.known('bb')).toBeUndefined();
    await expect(l.load('bb')).resolves.toBe(2);
    expect(batches).toEqual([['a'], ['bb']]);
  });

  it('does not treat primed errors or promises as known values', async () => {
    const { loader: l } = loader();
    l.prime('e', new Error('no'));
    l.prime('p', Promise.resolve(5));
    expect(l.known('e')).toBeUndefined();
    expect(l.known('p')).toBeUndefined();
    await expect(l.load('e')).rejects.toThrow('no');
    await expect(l.load('p')).resolves.toBe(5);
  });
});
