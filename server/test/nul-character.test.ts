import { ADD_MEMBER, createGroup } from './support/factories';
import { collect, startTestServer, TestServer } from './support/test-server';

/*
 * PostgreSQL text cannot hold U+0000. A NUL anywhere in a request, even on the
 * unauthenticated signIn, used to reach a statement and come back as
 * INTERNAL_SERVER_ERROR with an "Unexpected error" in the log: a client's
 * mistake dressed up as ours, and a way for anyone to fill the error log.
 * It is now BAD_USER_INPUT (reason NUL_CHARACTER) naming where the NUL is,
 * before anything runs.
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
