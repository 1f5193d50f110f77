import { ADD_MEMBER, createGroup, createUser } from './support/factories';
import { collect, startTestServer, TestServer } from './support/test-server';

/*
 * Text PostgreSQL cannot store, refused before anything runs (shared/storable-text.ts).
 *
 * U+0000: a NUL anywhere in a request, even on the unauthenticated signIn, used
 * to reach a statement and come back as INTERNAL_SERVER_ERROR with an
 * "Unexpected error" in the log: a client's mistake dressed up as ours, and a
 * way for anyone to fill the error log. It is BAD_USER_INPUT (reason
 * NUL_CHARACTER) naming where the NUL is.
 *
 * A lone UTF-16 surrogate (a JSON escape such as "\ud800" without its pair) did
 * the same: jsonb refuses it when the activity, audit or webhook snapshot is
 * inserted. It is BAD_USER_INPUT (reason INVALID_UNICODE) naming where it is;
 * a surrogate pair (an emoji sent as escapes) is text like any other.
 */

const logged: { message: string; fields?: Record<string, unknown> }[] = [];
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ logger: { info: () => undefined, warn: () => undefined, error: (message, fields) => logged.push({ message, fields }) } });
});
afterAll(async () => {
  await t?.close();
});
afterEach(() => {
  expect(logged).toEqual([]); // never a server error
});

type Answer = { status: number; body: { data?: unknown; errors?: { message: string; extensions: { code: string; reason?: string; fields?: Record<string, string> } }[] } };

async function post(body: unknown, token?: string): Promise<Answer> {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const SIGN_IN = 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { accessToken } }';
const refusedAt = (field: string) => ({
  errors: [{ message: 'Text must not contain the NUL character (U+0000)', extensions: { code: 'BAD_USER_INPUT', reason: 'NUL_CHARACTER', fields: { [field]: expect.any(String) } } }],
});

it('refuses a NUL in a variable, naming it, on the unauthenticated signIn too', async () => {
  const answer = await post({ query: SIGN_IN, variables: { e: 'a\u0000b@example.com', p: 'x' } });
  expect(answer.status).toBe(400);
  expect(answer.body).toEqual(refusedAt('variables.e'));
});

it('refuses a NUL written into the document as an escape in a string literal, either form', async () => {
  for (const escape of ['\\u0000', '\\u{0}']) {
    const answer = await post({ query: `mutation { signIn(email: "a${escape}b@example.com", password: "x") { accessToken } }` });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(refusedAt('query'));
  }
});

it('refuses it in a GET request and over graphql-ws the same way', async () => {
  const group = await createGroup(t);
  const search = new URLSearchParams({ query: 'query($g: ID!) { group(id: $g) { name } }', variables: JSON.stringify({ g: `${group.id}\u0000` }) });
  const response = await fetch(`${t.url}/graphql?${search}`, { headers: { authorization: `Bearer ${group.admin.token}`, 'apollo-require-preflight': 'true' } });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual(refusedAt('variables.g'));

  const subscription = collect(t.ws(group.admin.token), 'subscription($g: ID!) { memberChanged(groupId: $g) { action } }', { g: `${group.id}\u0000` });
  await subscription.next(1);
  expect(subscription.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'NUL_CHARACTER', fields: { 'variables.g': expect.any(String) } }) })]);
});

it('writes nothing: a member whose name holds a NUL is not added, and the next request is served as usual', async () => {
  const group = await createGroup(t);
  const answer = await post({ query: ADD_MEMBER, variables: { input: { groupId: group.id, email: 'nul-name@example.com', name: 'Na\u0000me' } } }, group.admin.token);
  expect(answer.body).toEqual(refusedAt('variables.input.name'));
  expect((await t.query("select count(*)::int as n from users where email = 'nul-name@example.com'")).rows[0].n).toBe(0);
  const added = await post({ query: ADD_MEMBER, variables: { input: { groupId: group.id, email: 'nul-name@example.com', name: 'Name' } } }, group.admin.token);
  expect(added.body.errors).toBeUndefined();
});

describe('a lone UTF-16 surrogate', () => {
  const UPDATE_NAME = 'mutation($n: String!) { updateMyProfile(input: { name: $n }) { name } }';
  const invalidAt = (field: string) => ({
    errors: [{ message: expect.stringContaining('valid Unicode'), extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_UNICODE', fields: { [field]: expect.any(String) } } }],
  });

  /** The body as a client writes it: JSON.stringify escapes a lone surrogate as \udxxx. */
  async function postRaw(raw: string, token: string): Promise<Answer> {
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: raw });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }

  it('in a variable of a POST is refused as INVALID_UNICODE naming it, high or low, and nothing is written', async () => {
    const user = await createUser(t, { name: 'Asha' });
    for (const name of ['Asha \ud800', '\udc00 Asha', 'Asha \ude00\ud83d']) {
      const raw = JSON.stringify({ query: UPDATE_NAME, variables: { n: name } });
      expect(raw).toMatch(/\\ud[89a-f]/); // sent as an escape, as the QA report's request was
      const answer = await postRaw(raw, user.token);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(invalidAt('variables.n'));
    }
    // An upper-case escape, deeper in the input.
    const group = await createGroup(t);
    const deep = await postRaw(
      `{"query":${JSON.stringify(ADD_MEMBER)},"variables":{"input":{"groupId":"${group.id}","email":"lone-surrogate@example.com","name":"N\\uD83D"}}}`,
      group.admin.token,
    );
    expect(deep.body).toEqual(invalidAt('variables.input.name'));
    expect((await t.query("select count(*)::int as n from users where email = 'lone-surrogate@example.com'")).rows[0].n).toBe(0);
    expect((await t.query('select name from users where id = $1', [user.id])).rows[0].name).toBe('Asha');
    expect((await t.query("select count(*)::int as n from activity_logs where entity_id = $1 and action = 'user.update-profile'", [user.id])).rows[0].n).toBe(0);
  });

  it('in a GET request and over graphql-ws is refused the same way', async () => {
    const group = await createGroup(t);
    const search = new URLSearchParams({ query: 'query($g: ID!, $n: String) { members(groupId: $g, search: $n, first: 5) { totalCount } }', variables: JSON.stringify({ g: group.id, n: 'x\ud800' }) });
    expect(search.toString()).toContain('%5Cud800');
    const response = await fetch(`${t.url}/graphql?${search}`, { headers: { authorization: `Bearer ${group.admin.token}`, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(invalidAt('variables.n'));

    const user = await createUser(t, { name: 'Bala' });

    // A mutation over the socket would have reached the database.
    const overSocket = collect(t.ws(user.token), UPDATE_NAME, { n: 'Bala \udbff' });
    await overSocket.next(1);
    expect(overSocket.results).toEqual([]);
    expect(overSocket.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'INVALID_UNICODE', fields: { 'variables.n': expect.any(String) } }) })]);
    expect((await t.query('select name from users where id = $1', [user.id])).rows[0].name).toBe('Bala');
  });

  it('written raw into the document is refused as INVALID_UNICODE at query; an escape of one in a literal stays a parse error', async () => {
    const user = await createUser(t);
    const raw = await postRaw(JSON.stringify({ query: 'mutation { updateMyProfile(input: { name: "Asha \ud800" }) { name } }' }), user.token);
    expect(raw.body).toEqual(invalidAt('query'));
    const literal = await postRaw(JSON.stringify({ query: 'mutation { updateMyProfile(input: { name: "Asha \\ud800" }) { name } }' }), user.token);
    expect(literal.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });
  });

  it('a surrogate pair sent as escapes is an ordinary character: accepted and stored, over HTTP and graphql-ws', async () => {
    const user = await createUser(t, { name: 'Asha' });
    const raw = JSON.stringify({ query: UPDATE_NAME, variables: { n: 'Asha \u{1F600}' } }).replace('\u{1F600}', '\\ud83d\\ude00');
    expect(raw).toContain('\\ud83d\\ude00');
    const answer = await postRaw(raw, user.token);
    expect(answer.body).toEqual({ data: { updateMyProfile: { name: 'Asha \u{1F600}' } } });
    expect((await t.query('select name from users where id = $1', [user.id])).rows[0].name).toBe('Asha 😀');
    const activity = await t.query("select after from activity_logs where entity_id = $1 and action = 'user.update-profile'", [user.id]);
    expect(activity.rows).toEqual([{ after: expect.objectContaining({ name: 'Asha 😀' }) }]);

    const overSocket = collect(t.ws(user.token), UPDATE_NAME, { n: 'Asha \ud83d\ude01' });
    await overSocket.next(1);
    expect(overSocket.error).toBeUndefined();
    expect(overSocket.results).toEqual([{ data: { updateMyProfile: { name: 'Asha 😁' } } }]);
  });
});
