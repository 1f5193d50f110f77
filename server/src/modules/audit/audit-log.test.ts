import { statementsDuring } from '../../../test/support/statements';
import { randomUUID } from 'node:crypto';
import { addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup } from '../../../test/support/factories';
import { serviceContextFor, TestActor } from '../../../test/support/service-context';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { recordAudit } from './audit.service';

interface AuditNode {
  id: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: { kind: string; id: string | null; name: string | null };
  previousData: Record<string, unknown> | null;
  newData: Record<string, unknown> | null;
  snapshot: Record<string, unknown> | null;
  createdAt: string;
}

interface AuditPage {
  auditLog: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: AuditNode }[];
  };
}

const AUDIT_LOG = `query($groupId: ID!, $entityType: String, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  auditLog(groupId: $groupId, entityType: $entityType, from: $from, to: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id entityType entityId action actor { kind id name } previousData newData snapshot createdAt } }
  }
}`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

interface Recorded {
  id: string;
  createdAt: Date;
}

/** Records one audit entry through the service, as the ledger will; `at` pins created_at. */
async function record(group: TestGroup, actor: TestActor, input: { entityType?: string; action?: string; at?: Date; entityId?: string } = {}): Promise<Recorded> {
  const ctx = await serviceContextFor(t, actor);
  const entityId = input.entityId ?? randomUUID();
  const entry = recordAudit(ctx, {
    groupId: group.id,
    entityType: input.entityType ?? 'Transaction',
    entityId,
    action: input.action ?? 'transaction.record',
    previousData: { status: 'PENDING' },
    newData: { status: 'APPROVED' },
    snapshot: { id: entityId, status: 'APPROVED', amountMinor: 50_00n, currency: 'INR' },
  });
  if (input.at) entry.createdAt = input.at;
  await ctx.em.flush();
  return { id: entry.id, createdAt: entry.createdAt };
}

async function auditLog(group: TestGroup, variables: Record<string, unknown> = {}, auth = group.admin.token) {
  return t.gql<AuditPage>(AUDIT_LOG, { groupId: group.id, ...variables }, auth);
}

/** Walks every page and returns the ids in the order served. */
async function allIds(group: TestGroup, variables: Record<string, unknown>, pageSize: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const response: Awaited<ReturnType<typeof auditLog>> = await auditLog(group, { ...variables, first: pageSize, after });
    expect(response.errors).toBeUndefined();
    const page = response.data!.auditLog;
    expect(page.edges.length).toBeLessThanOrEqual(pageSize);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    ids.push(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

describe('auditLog', () => {
  it('shows what recordAudit wrote, with the actor named', async () => {
    const group = await createGroup(t, await createUser(t, { name: 'Asha Admin' }));
    const entityId = randomUUID();
    const recorded = await record(group, { userId: group.admin.id }, { entityId, action: 'transaction.approve' });
    const response = await auditLog(group);
    expect(response.errors).toBeUndefined();
    expect(response.data?.auditLog.totalCount).toBe(1);
    expect(response.data?.auditLog.edges[0].node).toEqual({
      id: recorded.id,
      entityType: 'Transaction',
      entityId,
      action: 'transaction.approve',
      actor: { kind: 'USER', id: group.admin.id, name: 'Asha Admin' },
      previousData: { status: 'PENDING' },
      newData: { status: 'APPROVED' },
      snapshot: { id: entityId, status: 'APPROVED', amountMinor: '5000', currency: 'INR' },
      createdAt: recorded.createdAt.toISOString(),
    });
  });

  it("names an API key actor by the key's name, and the system by nobody", async () => {
    const group = await createGroup(t);
    await createApiKey(t, group, 'OPERATOR');
    const keys = await t.gql<{ apiKeys: { id: string }[] }>('query($g: ID!) { apiKeys(groupId: $g) { id } }', { g: group.id }, group.admin.token);
    const keyId = keys.data!.apiKeys[0].id;
    await record(group, { apiKeyId: keyId }, { at: new Date('2026-01-01T00:00:00Z') });
    await record(group, 'system', { at: new Date('2026-01-02T00:00:00Z') });
    const response = await auditLog(group);
    expect(response.data?.auditLog.edges.map((edge) => edge.node.actor)).toEqual([
      { kind: 'SYSTEM', id: null, name: null },
      { kind: 'API_KEY', id: keyId, name: 'test key' },
    ]);
  });

  it('only shows the group asked for', async () => {
    const group = await createGroup(t);
    const other = await createGroup(t);
    await record(other, { userId: other.admin.id });
    expect((await auditLog(group)).data?.auditLog.totalCount).toBe(0);
  });

  it('pages newest first with no row lost or repeated, ties broken by id', async () => {
    const group = await createGroup(t);
    const base = Date.parse('2026-03-01T10:00:00Z');
    const written: Recorded[] = [];
    // 23 entries over 8 distinct instants: many share a created_at, so the id must break ties.
    for (let i = 0; i < 23; i += 1) written.push(await record(group, { userId: group.admin.id }, { at: new Date(base + (i % 8) * 1000) }));
    const expected = [...written].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((entry) => entry.id);
    for (const size of [1, 5, 7, 23, 100]) expect(await allIds(group, {}, size)).toEqual(expected);
    const first = await auditLog(group, { first: 5 });
    expect(first.data?.auditLog).toMatchObject({ totalCount: 23, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    // The same cursor gives the same page again.
    const cursor = first.data!.auditLog.pageInfo.endCursor;
    const again = [await auditLog(group, { first: 5, after: cursor }), await auditLog(group, { first: 5, after: cursor })];
    expect(again[0].data).toEqual(again[1].data);
    expect(again[0].data?.auditLog.edges.map((edge) => edge.node.id)).toEqual(expected.slice(5, 10));
  });

  it('keeps its place when newer entries arrive between pages', async () => {
    const group = await createGroup(t);
    const older = [];
    for (let i = 0; i < 6; i += 1) older.push(await record(group, { userId: group.admin.id }, { at: new Date(Date.parse('2026-04-01T00:00:00Z') + i) }));
    const first = await auditLog(group, { first: 3 });
    await record(group, { userId: group.admin.id }, { at: new Date('2026-05-01T00:00:00Z') });
    const second = await auditLog(group, { first: 3, after: first.data!.auditLog.pageInfo.endCursor });
    const served = [...first.data!.auditLog.edges, ...second.data!.auditLog.edges].map((edge) => edge.node.id);
    expect(served).toEqual(older.reverse().map((entry) => entry.id));
    expect(second.data?.auditLog.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by entity type', async () => {
    const group = await createGroup(t);
    await record(group, { userId: group.admin.id }, { entityType: 'Transaction' });
    const approval = await record(group, { userId: group.admin.id }, { entityType: 'Approval', action: 'approval.decide' });
    const response = await auditLog(group, { entityType: 'Approval' });
    expect(response.data?.auditLog.totalCount).toBe(1);
    expect(response.data?.auditLog.edges.map((edge) => edge.node.id)).toEqual([approval.id]);
    expect((await auditLog(group, { entityType: 'Nothing' })).data?.auditLog.totalCount).toBe(0);
  });

  it('filters by time: from is inclusive, to is exclusive, and pages stay inside the window', async () => {
    const group = await createGroup(t);
    const day = (n: number) => new Date(Date.UTC(2026, 5, n, 12));
    const byDay = new Map<number, string>();
    for (const n of [1, 2, 3, 4, 5]) byDay.set(n, (await record(group, { userId: group.admin.id }, { at: day(n) })).id);
    const window = { from: day(2).toISOString(), to: day(4).toISOString() };
    const response = await auditLog(group, window);
    expect(response.data?.auditLog.totalCount).toBe(2);
    expect(response.data?.auditLog.edges.map((edge) => edge.node.id)).toEqual([byDay.get(3), byDay.get(2)]);
    expect(await allIds(group, window, 1)).toEqual([byDay.get(3), byDay.get(2)]);
    expect((await auditLog(group, { from: day(4).toISOString() })).data?.auditLog.edges.map((edge) => edge.node.id)).toEqual([byDay.get(5), byDay.get(4)]);
    expect((await auditLog(group, { to: day(2).toISOString() })).data?.auditLog.edges.map((edge) => edge.node.id)).toEqual([byDay.get(1)]);
    // An empty window is allowed; a backwards one is not.
    expect((await auditLog(group, { from: day(3).toISOString(), to: day(3).toISOString() })).data?.auditLog.totalCount).toBe(0);
    const backwards = await auditLog(group, { from: day(4).toISOString(), to: day(2).toISOString() });
    expect(codeOf(backwards)).toBe('BAD_USER_INPUT');
    expect(Object.keys(backwards.errors?.[0].extensions?.fields ?? {})).toEqual(['to']);
  });

  it('rejects a cursor it did not issue and a page size out of range', async () => {
    const group = await createGroup(t);
    const forged = Buffer.from(JSON.stringify(["'; drop table audit_logs; --", randomUUID()])).toString('base64url');
    for (const after of ['nonsense', forged]) {
      const response = await auditLog(group, { after });
      expect(codeOf(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].extensions?.fields).toHaveProperty('after');
    }
    expect(codeOf(await auditLog(group, { first: 0 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await auditLog(group, { first: 101 }))).toBe('BAD_USER_INPUT');
  });

  it('names actors in a constant number of statements, however many rows and actors', async () => {
    const group = await createGroup(t);
    const users = [group.admin];
    for (let i = 0; i < 4; i += 1) {
      const user = await createUser(t, { name: `Operator ${i}` });
      await addUserToGroup(t, group, user, 'OPERATOR');
      users.push(user);
    }
    await createApiKey(t, group, 'ADMIN');
    await createApiKey(t, group, 'OPERATOR');
    const keys = await t.gql<{ apiKeys: { id: string }[] }>('query($g: ID!) { apiKeys(groupId: $g) { id } }', { g: group.id }, group.admin.token);
    const actors: TestActor[] = [...users.map((user) => ({ userId: user.id })), ...keys.data!.apiKeys.map((key) => ({ apiKeyId: key.id })), 'system'];
    for (let i = 0; i < 20; i += 1) await record(group, actors[i % actors.length]);

    const knex = t.server.orm.em.getKnex();
    const statementsFor = async (selection: string, first: number): Promise<string[]> => {
      const { statements, result: response } = await statementsDuring(knex, () => t.gql(`query($g: ID!, $first: Int) { auditLog(groupId: $g, first: $first) { edges { node { id ${selection} } } } }`, { g: group.id, first }, group.admin.token));
      expect(response.errors).toBeUndefined();
      return statements.map((statement) => statement.sql);
    };
    const withoutNames = await statementsFor('', 20);
    const withNames = await statementsFor('actor { kind name }', 20);
    const fewRows = await statementsFor('actor { kind name }', 3);
    // Names cost exactly one statement for users and one for API keys.
    expect(withNames.length).toBe(withoutNames.length + 2);
    expect(fewRows.length).toBeLessThanOrEqual(withNames.length);
    expect(withNames.filter((sql) => /^select "id", "name" from "users" where "id" in \(\$1, \$2, \$3, \$4, \$5\)$/.test(sql))).toHaveLength(1);
    expect(withNames.filter((sql) => /^select "id", "name" from "api_keys" where "id" in \(\$1, \$2\)$/.test(sql))).toHaveLength(1);
  });
});

describe('who may read the logs', () => {
  type Actor = 'admin' | 'operator' | 'member' | 'outsider' | 'adminKey' | 'operatorKey' | 'memberKey' | 'otherGroupKey' | 'anonymous';
  const expected: Record<Actor, string> = {
    admin: 'ok',
    operator: 'ok',
    member: 'FORBIDDEN',
    outsider: 'NOT_FOUND',
    adminKey: 'ok',
    operatorKey: 'ok',
    memberKey: 'FORBIDDEN',
    otherGroupKey: 'NOT_FOUND',
    anonymous: 'UNAUTHENTICATED',
  };
  const credentials = {} as Record<Actor, string | undefined>;
  let group: TestGroup;

  beforeAll(async () => {
    group = await createGroup(t);
    const operator = await createUser(t);
    const member = await createUser(t);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    await addUserToGroup(t, group, member, 'MEMBER');
    await record(group, { userId: group.admin.id });
    Object.assign(credentials, {
      admin: group.admin.token,
      operator: operator.token,
      member: member.token,
      outsider: (await createUser(t)).token,
      adminKey: await createApiKey(t, group, 'ADMIN'),
      operatorKey: await createApiKey(t, group, 'OPERATOR'),
      memberKey: await createApiKey(t, group, 'MEMBER'),
      otherGroupKey: await createApiKey(t, await createGroup(t), 'ADMIN'),
      anonymous: undefined,
    });
  });

  const queries = {
    auditLog: 'query($g: ID!) { auditLog(groupId: $g) { totalCount edges { node { id actor { name } } } } }',
    activityLog: 'query($g: ID!) { activityLog(groupId: $g) { totalCount edges { node { id actor { name } } } } }',
  };

  describe.each(Object.entries(queries))('%s', (name, query) => {
    it.each(Object.keys(expected) as Actor[])('%s', async (actor) => {
      const response = await t.gql<Record<string, { totalCount: number }>>(query, { g: group.id }, credentials[actor]);
      const outcome = response.errors ? codeOf(response) : 'ok';
      expect(outcome).toBe(expected[actor]);
      if (outcome === 'ok') expect(response.data?.[name].totalCount).toBeGreaterThan(0);
      else expect(response.data).toBeNull();
    });

    it('is NOT_FOUND for a group id that is not an id, or no group', async () => {
      for (const g of ['not-a-uuid', randomUUID()]) expect(codeOf(await t.gql(query, { g }, group.admin.token))).toBe('NOT_FOUND');
    });
  });
});
