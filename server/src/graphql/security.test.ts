import { buildSchema, parse } from 'graphql';
import { cachedQueryCostChecker, checkQueryCost } from './security';

/* The cached cost check must answer exactly what the uncached one does. */

const schema = buildSchema(`
  type Item { id: ID! name: String children(first: Int): [Item!]! }
  type Query { items(first: Int): [Item!]! }
`);
const QUERY = 'query Page($n: Int, $m: Int) { items(first: $n) { id name children(first: $m) { id } } }';

describe('cachedQueryCostChecker', () => {
  const document = parse(QUERY);

  it('matches checkQueryCost for the same document and variables, cached or not', () => {
    const check = cachedQueryCostChecker(schema, 100);
    for (const variables of [{ n: 2, m: 2 }, { n: 20, m: 20 }, { n: 2, m: 2 }, { n: 20, m: 20 }, undefined, { n: 'x' }]) {
      for (let i = 0; i < 2; i += 1) {
        const cached = check(document, 'Page', variables);
        const plain = checkQueryCost(schema, document, 'Page', variables, 100);
        expect(cached?.message).toBe(plain?.message);
        expect(cached?.extensions).toEqual(plain?.extensions);
      }
    }
  });

  it('builds a fresh error on every call', () => {
    const check = cachedQueryCostChecker(schema, 10);
    const first = check(document, 'Page', { n: 20, m: 20 });
    const second = check(document, 'Page', { n: 20, m: 20 });
    expect(first?.extensions.reason).toBe('QUERY_TOO_COSTLY');
    expect(second).not.toBe(first);
  });

  it('keeps answering correctly past its per-document bound', () => {
    const check = cachedQueryCostChecker(schema, 1000);
    for (let n = 1; n <= 200; n += 1) {
      expect(check(document, 'Page', { n, m: 1 })?.extensions.cost).toBe(checkQueryCost(schema, document, 'Page', { n, m: 1 }, 1000)?.extensions.cost);
    }
  });
});
