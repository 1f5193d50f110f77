import { preparedAs, usePreparedStatements } from './prepared-statements';
import { createUser } from '../../test/support/factories';
import { statementsDuring } from '../../test/support/statements';
import { startTestServer, TestServer } from '../../test/support/test-server';

describe('preparedAs', () => {
  afterEach(() => usePreparedStatements(true));

  it('names a text the same way every time, and two texts differently', () => {
    const one = preparedAs('select 1 where id = ?');
    expect(one.name).toMatch(/^coffer_[0-9a-f]{32}$/);
    expect(preparedAs('select 1 where id = ?')).toEqual(one);
    expect(preparedAs('select 2 where id = ?').name).not.toBe(one.name);
  });

  it('names nothing when turned off (DATABASE_PREPARED_STATEMENTS=false)', () => {
    usePreparedStatements(false);
    expect(preparedAs('select 1 where id = ?')).toEqual({});
  });
});

describe('DATABASE_PREPARED_STATEMENTS=false', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { DATABASE_PREPARED_STATEMENTS: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
    usePreparedStatements(true);
  });

  it('serves the same lists with unnamed statements', async () => {
    const user = await createUser(t);
    const { statements, result: response } = await statementsDuring(t.server.orm.em.getKnex(), () =>
      t.gql<{ groups: { totalCount: number } }>('{ groups(first: 5) { totalCount edges { node { id } } } }', {}, user.token),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.groups.totalCount).toBe(0);
    const names = statements.map((statement) => statement.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => name !== undefined)).toEqual([]);
  });
});
