import { randomUUID } from 'node:crypto';
import { createBilledGroup, openPeriod } from './support/dues-factories';
import { GraphQLResponse, startTestServer, TestServer } from './support/test-server';

/*
 * Every list takes `after` as a cursor it returned itself. A cursor of another
 * list, or one forged into the right wrapping with the wrong contents, is the
 * caller's mistake: BAD_USER_INPUT on `after`, never a failed cast in SQL
 * (INTERNAL_SERVER_ERROR) nor a silent first page.
 */

const NOT_OURS = { after: 'Not a cursor returned by this list' };
const cursorOf = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** What a list sorts on, i.e. what the first element of its cursors looks like. */
type Sort = 'memberNumber' | 'timestamp' | 'timestampMicros' | 'date' | 'text';

interface List {
  sort: Sort;
  run(after: string | null): Promise<GraphQLResponse>;
}

let t: TestServer;
let lists: Record<string, List>;
/** A real cursor of each shape, taken from a list that sorts that way. */
const realCursors = {} as Record<Exclude<Sort, 'text'>, string>;

const ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32', WEBHOOK_POLL_INTERVAL_MS: '0' };

beforeAll(async () => {
  t = await startTestServer({ env: ENV });
  const group = await createBilledGroup(t, { memberCount: 1 });
  const admin = group.admin.token;
  await openPeriod(t, group);
  const recorded = await t.gql(
    'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id } } }',
    { input: { groupId: group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '10', currency: 'INR' }, paymentMode: 'CASH' } },
    admin,
  );
  expect(recorded.errors).toBeUndefined();
  const sponsor = await t.gql('mutation($input: CreateSponsorInput!) { createSponsor(input: $input) { id } }', { input: { groupId: group.id, name: 'Acme' } }, admin);
  expect(sponsor.errors).toBeUndefined();
  const endpoint = await t.gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
    'mutation($g: ID!) { createWebhookEndpoint(groupId: $g, url: "http://127.0.0.1:9/hook", events: [MEMBER_ADDED]) { endpoint { id } } }',
    { g: group.id },
    admin,
  );
  expect(endpoint.errors).toBeUndefined();
  const endpointId = endpoint.data!.createWebhookEndpoint.endpoint.id;

  const inGroup = (sort: Sort, field: string, token = admin): List => ({
    sort,
    run: (after) => t.gql(`query($g: ID!, $after: String) { ${field}(groupId: $g, first: 1, after: $after) { totalCount pageInfo { endCursor } } }`, { g: group.id, after }, token),
  });
  lists = {
    members: inGroup('memberNumber', 'members'),
    transactions: inGroup('timestamp', 'transactions'),
    approvals: inGroup('timestamp', 'approvals'),
    billingPeriods: inGroup('date', 'billingPeriods'),
    dues: inGroup('date', 'dues'),
    membershipTerms: inGroup('timestamp', 'membershipTerms'),
    sponsors: inGroup('text', 'sponsors'),
    sponsorLinks: inGroup('timestamp', 'sponsorLinks'),
    recipients: inGroup('timestamp', 'recipients'),
    remittances: inGroup('timestamp', 'remittances'),
    flaggedPayments: inGroup('timestamp', 'flaggedPayments'),
    auditLog: inGroup('timestampMicros', 'auditLog'),
    activityLog: inGroup('timestampMicros', 'activityLog'),
    notificationTasks: inGroup('timestampMicros', 'notificationTasks'),
    outboxMessages: inGroup('timestampMicros', 'outboxMessages'),
    myNotifications: {
      sort: 'timestampMicros',
      run: (after) => t.gql('query($after: String) { myNotifications(first: 1, after: $after) { totalCount pageInfo { endCursor } } }', { after }, admin),
    },
    groups: {
      sort: 'timestamp',
      run: (after) => t.gql('query($after: String) { groups(first: 1, after: $after) { totalCount pageInfo { endCursor } } }', { after }, admin),
    },
    webhookDeliveries: {
      sort: 'timestamp',
      run: (after) => t.gql('query($id: ID!, $after: String) { webhookDeliveries(endpointId: $id, first: 1, after: $after) { totalCount pageInfo { endCursor } } }', { id: endpointId, after }, admin),
    },
  };
  for (const [sort, name] of [['memberNumber', 'members'], ['timestamp', 'transactions'], ['timestampMicros', 'auditLog'], ['date', 'billingPeriods']] as const) {
    const response = await lists[name].run(null);
    const cursor = (response.data?.[name] as { pageInfo: { endCursor: string | null } } | undefined)?.pageInfo.endCursor;
    if (!cursor) throw new Error(`no cursor from ${name}: ${JSON.stringify(response)}`);
    realCursors[sort] = cursor;
  }
});
afterAll(async () => t.close());

it('starts from real cursors of every shape', () => {
  const [memberNumber, memberId] = JSON.parse(Buffer.from(realCursors.memberNumber, 'base64url').toString()) as string[];
  expect(memberNumber).toMatch(/^B[0-9A-F]{4}-\d{4}-\d{4}-00$/);
  expect(memberId).toMatch(/^[0-9a-f-]{36}$/);
  expect(JSON.parse(Buffer.from(realCursors.date, 'base64url').toString())[0]).toBe('2026-12-01');
});

it('still pages on with its own endCursor', async () => {
  const paged: string[] = [];
  for (const [name, list] of Object.entries(lists)) {
    const first = await list.run(null);
    expect({ name, errors: first.errors }).toEqual({ name, errors: undefined });
    const cursor = (first.data?.[name] as { pageInfo: { endCursor: string | null } }).pageInfo.endCursor;
    if (!cursor) continue;
    const next = await list.run(cursor);
    expect({ name, errors: next.errors }).toEqual({ name, errors: undefined });
    paged.push(name);
  }
  // The lists the set-up gave rows to, one of each cursor shape at least.
  expect(paged).toEqual(expect.arrayContaining(['members', 'transactions', 'billingPeriods', 'dues', 'sponsors', 'auditLog', 'activityLog', 'groups']));
});

it("refuses another list's cursor with BAD_USER_INPUT on after", async () => {
  const outcomes: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const [name, list] of Object.entries(lists)) {
    // Every real cursor whose shape this list cannot have produced. A sponsor's name can be any text,
    // so only the id tells a sponsors cursor from another (see the forged cursors below).
    const foreign = Object.entries(realCursors).filter(([sort]) => list.sort !== 'text' && sort !== list.sort);
    for (const [sort, cursor] of foreign) {
      const response = await list.run(cursor);
      outcomes[`${name} ← ${sort}`] = { code: response.errors?.[0].extensions?.code, fields: response.errors?.[0].extensions?.fields };
      expected[`${name} ← ${sort}`] = { code: 'BAD_USER_INPUT', fields: NOT_OURS };
    }
  }
  expect(outcomes).toEqual(expected);
});

it('refuses forged and malformed cursors with BAD_USER_INPUT on after', async () => {
  const forged: Record<string, string> = {
    'not base64 JSON': 'not-a-cursor',
    'one element': cursorOf(['2026-01-01T00:00:00.000Z']),
    'numbers': cursorOf([1, 2]),
    'id not a uuid': cursorOf(['2026-01-01T00:00:00.000Z', 'zzz']),
    'member number, id not a uuid': cursorOf(['SRC-2026-0002-00', 'zzz']),
    'date, id not a uuid': cursorOf(['2026-12-01', 'zzz']),
    'NUL in the sort value': cursorOf(['Acme\u0000', randomUUID()]),
    'sort value too long': cursorOf(['A'.repeat(1001), randomUUID()]),
  };
  const impossible: Record<Sort, string> = {
    memberNumber: cursorOf(['SRC-2026-0002', randomUUID()]),
    timestamp: cursorOf(['2026-02-30T00:00:00.000Z', randomUUID()]),
    timestampMicros: cursorOf(['2026-01-01T24:00:00.000000Z', randomUUID()]),
    date: cursorOf(['2026-13-01', randomUUID()]),
    text: cursorOf(['', randomUUID()]),
  };
  const outcomes: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const [name, list] of Object.entries(lists)) {
    for (const [label, cursor] of [...Object.entries(forged), ['impossible value for its sort', impossible[list.sort]]]) {
      const response = await list.run(cursor);
      outcomes[`${name}: ${label}`] = { code: response.errors?.[0].extensions?.code, fields: response.errors?.[0].extensions?.fields };
      expected[`${name}: ${label}`] = { code: 'BAD_USER_INPUT', fields: NOT_OURS };
    }
  }
  expect(outcomes).toEqual(expected);
});
