import { ClientRequest, IncomingHttpHeaders, request as httpRequest, RequestOptions } from 'node:http';
import { Client } from 'pg';
import { ADD_MEMBER, createGroup, createUser, TestGroup, TestUser } from './support/factories';
import { collect, GraphQLResponse, startTestServer, TestServer } from './support/test-server';
import { closeWatcher, waitForListeners, wsErrors } from './support/ws-helpers';

/*
 * What an integrator meets when a request is too big, too deep, too costly,
 * malformed, or breaks the server: one error vocabulary, over HTTP and over
 * graphql-ws, and nothing internal leaked.
 */

const LIMITS = { GRAPHQL_MAX_DEPTH: '5', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_COST: '100', BODY_LIMIT_BYTES: '10000' };

type ErrorBody = NonNullable<GraphQLResponse['errors']>;

/** A raw HTTP call to /graphql, for what `t.gql` cannot send. */
async function http(t: TestServer, init: { method?: string; headers?: Record<string, string>; body?: string; search?: string }) {
  const response = await fetch(`${t.url}/graphql${init.search ?? ''}`, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
  const text = await response.text();
  let json: { data?: unknown; errors?: ErrorBody } | undefined;
  try {
    json = JSON.parse(text) as { data?: unknown; errors?: ErrorBody };
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** A request through node:http, for what fetch cannot send: a chunked body, an absolute-form target. */
function rawRequest(options: RequestOptions, send: (request: ClientRequest) => void): Promise<{ status?: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    // A server that answers before the body ends closes the socket under the writes: not a failure here.
    request.on('error', (error: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)));
    send(request);
  });
}

const ME_AT_DEPTH_5 = '{ me { memberships { group { billingSettings { cycle } } } } }';
const ME_AT_DEPTH_6 = '{ me { memberships { group { billingSettings { price { amount } } } } } }';

const MEMBERS_PAGE = `query Members($groupId: ID!, $first: Int!) {
  members(groupId: $groupId, first: $first) { totalCount edges { node { id name subMembers { id name } } } }
}`;

const MEMBER_CHANGED = `subscription($groupId: ID!) { memberChanged(groupId: $groupId) { action member { name } } }`;

describe('query limits and malformed requests', () => {
  let t: TestServer;
  let admin: TestUser;
  let group: TestGroup;

  beforeAll(async () => {
    t = await startTestServer({ env: LIMITS });
    admin = await createUser(t, { name: 'Limit Admin' });
    group = await createGroup(t, admin);
  });
  afterAll(async () => t.close());

  describe('depth', () => {
    it('accepts a query exactly at the depth limit', async () => {
      const response = await t.gql<{ me: { memberships: { group: { billingSettings: unknown } }[] } }>(ME_AT_DEPTH_5, {}, admin.token);
      expect(response.errors).toBeUndefined();
      expect(response.data?.me.memberships).toHaveLength(1);
    });

    it('rejects a query one level deeper with QUERY_TOO_DEEP', async () => {
      const response = await t.gql(ME_AT_DEPTH_6, {}, admin.token);
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP' });
      expect(response.errors?.[0].message).toBe('Query depth 6 exceeds the limit of 5');
    });

    it('counts depth through named and inline fragments', async () => {
      const viaFragments = `query { me { ...Memberships } }
        fragment Memberships on Me { memberships { ...InGroup } }
        fragment InGroup on GroupMembership { group { ... on Group { billingSettings { price { amount } } } } }`;
      const rejected = await t.gql(viaFragments, {}, admin.token);
      expect(rejected.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP' });

      const shallowEnough = `query { me { ...Memberships } }
        fragment Memberships on Me { memberships { ...InGroup } }
        fragment InGroup on GroupMembership { group { ... on Group { billingSettings { cycle } } } }`;
      const accepted = await t.gql(shallowEnough, {}, admin.token);
      expect(accepted.errors).toBeUndefined();
    });
  });

  describe('aliases', () => {
    it('accepts up to the alias limit and rejects one more with TOO_MANY_ALIASES', async () => {
      const three = '{ a: me { user { id } } b: me { user { id } } c: me { user { id } } }';
      const accepted = await t.gql<{ a: { user: { id: string } }; c: { user: { id: string } } }>(three, {}, admin.token);
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data?.c.user.id).toBe(admin.id);

      const four = '{ a: me { user { id } } b: me { user { id } } c: me { user { id } } d: me { user { id } } }';
      const rejected = await t.gql(four, {}, admin.token);
      expect(rejected.status).toBe(400);
      expect(rejected.data).toBeUndefined();
      expect(rejected.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_ALIASES' });
    });
  });

  describe('cost', () => {
    it('prices the same document per request from its variables', async () => {
      const small = await t.gql<{ members: { totalCount: number } }>(MEMBERS_PAGE, { groupId: group.id, first: 5 }, admin.token);
      expect(small.errors).toBeUndefined();
      expect(small.data?.members.totalCount).toBe(1);

      const large = await t.gql(MEMBERS_PAGE, { groupId: group.id, first: 100 }, admin.token);
      expect(large.status).toBe(400);
      expect(large.data).toBeUndefined();
      expect(large.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COSTLY', maxCost: 100 });
      expect(large.errors?.[0].extensions?.cost).toEqual(expect.any(Number));
      expect(large.errors?.[0].extensions?.cost as number).toBeGreaterThan(100);

      // The rejection is not cached against the document.
      const smallAgain = await t.gql<{ members: { totalCount: number } }>(MEMBERS_PAGE, { groupId: group.id, first: 5 }, admin.token);
      expect(smallAgain.errors).toBeUndefined();
      expect(smallAgain.data?.members.totalCount).toBe(1);
    });
  });

  describe('over graphql-ws', () => {
    it('applies depth, alias and cost limits to operations on the socket, which stays usable', async () => {
      const watcher = closeWatcher();
      const client = t.ws(admin.token, { onClose: watcher.onClose });

      const deep = collect(client, `subscription($groupId: ID!) { memberChanged(groupId: $groupId) { member { primaryMember { primaryMember { primaryMember { id } } } } } }`, { groupId: group.id });
      await deep.next();
      expect(wsErrors(deep)[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP' });

      const aliased = collect(client, `subscription($groupId: ID!) { memberChanged(groupId: $groupId) { a: action b: groupId c: action d: groupId } }`, { groupId: group.id });
      await aliased.next();
      expect(wsErrors(aliased)[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_ALIASES' });

      const costly = collect(client, MEMBERS_PAGE, { groupId: group.id, first: 100 });
      await costly.next();
      expect(wsErrors(costly)[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COSTLY', maxCost: 100 });
      expect(costly.results).toHaveLength(0);

      const cheap = collect<{ members: { totalCount: number } }>(client, MEMBERS_PAGE, { groupId: group.id, first: 5 });
      await cheap.next();
      expect(cheap.error).toBeUndefined();
      expect(cheap.results[0].data?.members.totalCount).toBe(1);

      // Still open, and a well-formed subscription on it still gets events.
      const live = collect<{ memberChanged: { action: string; member: { name: string } } }>(client, MEMBER_CHANGED, { groupId: group.id });
      await waitForListeners(t.server.events, 'memberChanged', group.id);
      const added = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'ws-limits@example.com', name: 'Wendy Socket' } }, admin.token);
      expect(added.errors).toBeUndefined();
      await live.next();
      expect(live.results[0].data?.memberChanged).toEqual({ action: 'ADDED', member: { name: 'Wendy Socket' } });
      expect(watcher.closedWith).toBeUndefined();
      live.dispose();
    });

    it('reports malformed documents on the socket as BAD_USER_INPUT, like HTTP does', async () => {
      const client = t.ws(admin.token);
      const unknownField = collect(client, '{ me { nope } }', {});
      await unknownField.next();
      expect(wsErrors(unknownField)[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });

      const syntaxError = collect(client, '{ me { ', {});
      await syntaxError.next();
      expect(wsErrors(syntaxError)[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });

      const wrongVariable = collect(client, MEMBERS_PAGE, { groupId: group.id, first: 'ten' });
      await wrongVariable.next();
      expect(wrongVariable.results).toHaveLength(0);
      expect(wsErrors(wrongVariable)[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(wsErrors(wrongVariable)[0]?.message).toContain('$first');
    });
  });

  describe('HTTP requests', () => {
    it('refuses a body over BODY_LIMIT_BYTES with 413 BODY_TOO_LARGE', async () => {
      const body = JSON.stringify({ query: 'query($s: String) { me { user { id } } }', variables: { s: 'x'.repeat(20_000) } });
      const response = await http(t, { headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` }, body });
      expect(response.status).toBe(413);
      expect(response.json?.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'BODY_TOO_LARGE' });
    });

    it('refuses a chunked body (no content-length) once it passes the limit, and closes the connection', async () => {
      const { port } = new URL(t.url);
      const answer = await rawRequest({ port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (request) => {
        request.write(`{"query":"{ __typename }","variables":{"s":"`);
        for (let sent = 0; sent < 30_000; sent += 1_000) request.write('x'.repeat(1_000));
        request.end('"}}');
      });
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      expect((JSON.parse(answer.body) as { errors: ErrorBody }).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'BODY_TOO_LARGE' });
    });

    it('serves /graphql whether the request target is a path, carries a fragment, or is in absolute form', async () => {
      const { port } = new URL(t.url);
      const query = encodeURIComponent('{ __typename }');
      const targets = [`/graphql?query=${query}`, `/graphql?query=${query}#ignored`, `http://localhost:${port}/graphql?query=${query}`];
      for (const path of targets) {
        const answer = await rawRequest({ port, path, method: 'GET', headers: { 'apollo-require-preflight': 'true' } }, (request) => request.end());
        expect({ path, status: answer.status, body: JSON.parse(answer.body) as unknown }).toEqual({ path, status: 200, body: { data: { __typename: 'Query' } } });
      }
      const elsewhere = await fetch(`${t.url}/graphqlx?query=${query}`);
      expect(elsewhere.status).toBe(404);
    });

    it('answers invalid JSON with 400', async () => {
      const response = await http(t, { headers: { 'content-type': 'application/json' }, body: '{"query": "{ me { user { id } } }"' });
      expect(response.status).toBe(400);
      expect(response.json?.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_JSON' });
    });

    it('blocks a simple GET (CSRF prevention) but serves a preflighted GET and a JSON POST', async () => {
      const search = `?query=${encodeURIComponent('{ me { user { id } } }')}`;
      const simple = await http(t, { method: 'GET', search, headers: { authorization: `Bearer ${admin.token}` } });
      expect(simple.status).toBe(400);
      expect(simple.json?.data).toBeUndefined();
      expect(simple.json?.errors?.[0].message).toMatch(/CSRF/);
      expect(simple.json?.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

      const preflighted = await http(t, { method: 'GET', search, headers: { authorization: `Bearer ${admin.token}`, 'apollo-require-preflight': 'true' } });
      expect(preflighted.status).toBe(200);
      expect(preflighted.json?.data).toEqual({ me: { user: { id: admin.id } } });

      const post = await t.gql<{ me: { user: { id: string } } }>('{ me { user { id } } }', {}, admin.token);
      expect(post.status).toBe(200);
      expect(post.data?.me.user.id).toBe(admin.id);
    });

    it('reports a syntax error as BAD_USER_INPUT / GRAPHQL_PARSE_FAILED', async () => {
      const response = await t.gql('{ me { user { id } ', {}, admin.token);
      expect(response.status).toBe(400);
      expect(response.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });
    });

    it('reports an unknown field as BAD_USER_INPUT / GRAPHQL_VALIDATION_FAILED', async () => {
      const response = await t.gql('{ me { user { id favouriteColour } } }', {}, admin.token);
      expect(response.status).toBe(400);
      expect(response.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
      expect(response.errors?.[0].message).toContain('favouriteColour');
    });

    it('reports a variable of the wrong type as BAD_USER_INPUT', async () => {
      const response = await t.gql(MEMBERS_PAGE, { groupId: group.id, first: 'ten' }, admin.token);
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toContain('$first');
    });

    it('reports a missing required input field as BAD_USER_INPUT', async () => {
      const response = await t.gql(
        'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
        { input: { name: 'No Prefix Club', kind: 'CLUB', currency: 'INR' } },
        admin.token,
      );
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toContain('memberNumberPrefix');
      const groups = await t.gql<{ groups: { totalCount: number } }>('{ groups { totalCount } }', {}, admin.token);
      expect(groups.data?.groups.totalCount).toBe(1);
    });

    it('allows introspection outside production', async () => {
      const response = await t.gql<{ __schema: { types: { name: string }[] } }>('{ __schema { types { name } } }');
      expect(response.errors).toBeUndefined();
      expect(response.data?.__schema.types.map((type) => type.name)).toEqual(expect.arrayContaining(['Member', 'Group', 'Query']));
    });

    it('suggests the right field name outside production', async () => {
      const response = await t.gql('{ me { usr { id } } }', {}, admin.token);
      expect(response.errors?.[0].message).toContain('Did you mean "user"?');
    });
  });
});

describe('a client that leaves before its request body ends', () => {
  it('is not logged as an error, on /graphql and on the REST sidecar, and the server carries on', async () => {
    const logged: { message: string; fields?: Record<string, unknown> }[] = [];
    const t = await startTestServer({ logger: { info: () => undefined, warn: () => undefined, error: (message, fields) => logged.push({ message, fields }) } });
    try {
      const { port } = new URL(t.url);
      for (const path of ['/graphql', '/api/webhooks/razorpay']) {
        const received = new Promise<void>((resolve) => t.server.httpServer.once('request', () => resolve()));
        const closedByServer = new Promise<void>((resolve) => {
          const request = httpRequest({ port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
          request.on('error', () => resolve()); // the client's own abort
          request.write('{"query":"{ __typ');
          void received.then(() => setTimeout(() => request.destroy(), 50));
        });
        await closedByServer;
      }
      await new Promise((resolve) => setTimeout(resolve, 200)); // what the server does after the abort
      expect(logged).toEqual([]);
      const after = await t.gql<{ __typename: string }>('{ __typename }', {});
      expect(after.data).toEqual({ __typename: 'Query' });
    } finally {
      await t.close();
    }
  });
});

describe('an internal error', () => {
  let t: TestServer;
  let admin: TestUser;
  let group: TestGroup;

  beforeAll(async () => {
    t = await startTestServer();
    admin = await createUser(t);
    group = await createGroup(t, admin);
    // Break the database under the running server, so the next query fails in SQL.
    const pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    try {
      await pg.query('drop table api_keys cascade');
    } finally {
      await pg.end();
    }
  });
  afterAll(async () => t.close());

  it('answers "Internal server error" with no stack trace and no SQL', async () => {
    const response = await http(t, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ query: 'query($groupId: ID!) { apiKeys(groupId: $groupId) { id name } }', variables: { groupId: group.id } }),
    });
    expect(response.json?.data).toBeNull();
    expect(response.json?.errors).toHaveLength(1);
    expect(response.json?.errors?.[0].message).toBe('Internal server error');
    expect(response.json?.errors?.[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    const lowered = response.text.toLowerCase();
    for (const leak of ['select', 'relation', 'stack', 'api_keys', 'node_modules', '.ts:']) expect(lowered).not.toContain(leak);
  });
});

describe('in production', () => {
  let t: TestServer;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestServer({ env: { NODE_ENV: 'production', JWT_SECRET: 'x', ENCRYPTION_KEY: 'y' } });
    admin = await createUser(t);
  });
  afterAll(async () => t.close());

  it('refuses introspection', async () => {
    const response = await t.gql('{ __schema { types { name } } }', {}, admin.token);
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(response)).not.toContain('"Member"');
  });

  it('does not suggest field names in validation errors', async () => {
    const response = await t.gql('{ me { usr { id } } }', {}, admin.token);
    expect(response.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
    expect(response.errors?.[0].message).toContain('usr');
    expect(response.errors?.[0].message).not.toContain('Did you mean');
  });

  it('refuses introspection and hides suggestions over graphql-ws too', async () => {
    const client = t.ws(admin.token);
    const introspection = collect(client, '{ __schema { types { name } } }', {});
    await introspection.next();
    expect(introspection.results).toHaveLength(0);
    expect(wsErrors(introspection)[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const misspelled = collect(client, '{ me { usr { id } } }', {});
    await misspelled.next();
    const [error] = wsErrors(misspelled);
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain('usr');
    expect(error?.message).not.toContain('Did you mean');
  });
});
