// @ts-check
// Bench data in the fresh database. Users are rows written directly (there is
// no sign-up mutation; the password hash is the server's real scrypt), and
// everything else goes through the GraphQL API as a client would:
//   - "twenty" creates 20 groups (ADMIN in each);
//   - 0..3 plain members are added to each group, so memberCount varies 1..5;
//   - "five" is added as MEMBER to 5 of them.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { requireServer, SERVER_DIST } from './paths.mjs';

/**
 * @param {string} url  GraphQL endpoint
 * @param {string} query
 * @param {Record<string, unknown>} variables
 * @param {string} [token]
 */
export async function gql(url, query, variables = {}, token) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  /** @type {{ data?: any, errors?: unknown[] }} */
  const body = JSON.parse(text);
  if (!response.ok || body.errors) throw new Error(`GraphQL request failed (${response.status}): ${text.slice(0, 500)}`);
  return body.data;
}

/**
 * @typedef {object} SeededUser
 * @property {string} id
 * @property {string} email
 * @property {string} token
 * @property {number} groups
 */

/**
 * @param {string} databaseUrl
 * @param {string} graphqlUrl
 * @returns {Promise<{ twenty: SeededUser, five: SeededUser }>}
 */
export async function seed(databaseUrl, graphqlUrl) {
  /** @type {typeof import('../../server/src/shared/crypto.js')} */
  const { hashPassword } = requireServer(path.join(SERVER_DIST, 'shared', 'crypto.js'));
  const password = `bench-${randomBytes(8).toString('hex')}`;
  const passwordHash = await hashPassword(password);
  const people = ['twenty', 'five', 'member-a', 'member-b', 'member-c'].map((label) => ({
    id: randomUUID(),
    label,
    email: `${label}-${randomBytes(3).toString('hex')}@bench.example.com`,
  }));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const person of people) {
      await client.query(
        `insert into users (id, created_at, updated_at, email, name, password_hash, must_change_password)
         values ($1, now(), now(), $2, $3, $4, false)`,
        [person.id, person.email, `Bench ${person.label}`, passwordHash],
      );
    }
  } finally {
    await client.end();
  }

  /** @param {string} email */
  const signIn = async (email) =>
    /** @type {string} */ (
      (await gql(graphqlUrl, 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { accessToken } }', { e: email, p: password }))
        .signIn.accessToken
    );
  const [twenty, five, ...members] = people;
  const twentyToken = await signIn(twenty.email);
  const fiveToken = await signIn(five.email);

  const addMember = 'mutation($input: AddMemberInput!) { addMember(input: $input) { member { id } } }';
  for (let i = 0; i < 20; i += 1) {
    const created = await gql(
      graphqlUrl,
      'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
      { input: { name: `Bench Club ${String(i + 1).padStart(2, '0')}`, kind: 'CLUB', currency: 'INR', memberNumberPrefix: 'AB' } },
      twentyToken,
    );
    const groupId = created.createGroup.id;
    for (const member of members.slice(0, i % 4)) {
      await gql(graphqlUrl, addMember, { input: { groupId, email: member.email, name: `Bench ${member.label}`, role: 'MEMBER' } }, twentyToken);
    }
    if ([0, 3, 7, 12, 19].includes(i)) {
      await gql(graphqlUrl, addMember, { input: { groupId, email: five.email, name: 'Bench five', role: 'MEMBER' } }, twentyToken);
    }
  }
  return {
    twenty: { id: twenty.id, email: twenty.email, token: twentyToken, groups: 20 },
    five: { id: five.id, email: five.email, token: fiveToken, groups: 5 },
  };
}
