import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { signAccessToken } from '../../shared/crypto';
import { codeOf, createApiKey, createGroup, createUser, signInToken, TestUser, uniqueEmail } from '../../../test/support/factories';
import { statementsDuring } from '../../../test/support/statements';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { viewerUserGone } from './viewer';

const SIGN_IN = 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { accessToken expiresAt user { email mustChangePassword } } }';
const ME = '{ me { user { email name } apiKey { id } memberships { role group { name } } } }';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

describe('sign-in', () => {
  it('issues a working access token for the right password, whatever the e-mail case', async () => {
    const user = await createUser(t, { email: uniqueEmail('case') });
    const response = await t.gql<{ signIn: { accessToken: string; expiresAt: string; user: { email: string } } }>(SIGN_IN, {
      email: `  ${user.email.toUpperCase()} `,
      password: user.password,
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.signIn.user.email).toBe(user.email);
    expect(new Date(response.data!.signIn.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const me = await t.gql<{ me: { user: { email: string } } }>(ME, {}, response.data!.signIn.accessToken);
    expect(me.data?.me.user.email).toBe(user.email);
  });

  it('answers a wrong password and an unknown e-mail the same way', async () => {
    const user = await createUser(t);
    const wrongPassword = await t.gql(SIGN_IN, { email: user.email, password: 'not-the-password' });
    const unknownEmail = await t.gql(SIGN_IN, { email: uniqueEmail('nobody'), password: 'whatever-password' });
    expect(codeOf(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(codeOf(unknownEmail)).toBe('UNAUTHENTICATED');
    expect(wrongPassword.errors?.[0].message).toBe(unknownEmail.errors?.[0].message);
  });

  it('locks an e-mail after 5 failures in 15 minutes, even for the right password', async () => {
    const user = await createUser(t);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(codeOf(await t.gql(SIGN_IN, { email: user.email, password: 'wrong-password' }))).toBe('UNAUTHENTICATED');
    }
    const locked = await t.gql(SIGN_IN, { email: user.email, password: user.password });
    expect(codeOf(locked)).toBe('RATE_LIMITED');
    expect(locked.errors?.[0].extensions?.retryAfterSeconds).toBe(900);
    // Another e-mail is not affected.
    const other = await createUser(t);
    expect(codeOf(await t.gql(SIGN_IN, { email: other.email, password: other.password }))).toBeUndefined();
  });

  it('lets failures older than 15 minutes expire', async () => {
    const user = await createUser(t);
    for (let attempt = 0; attempt < 5; attempt += 1) await t.gql(SIGN_IN, { email: user.email, password: 'wrong-password' });
    const db = new Client({ connectionString: t.db.url });
    await db.connect();
    await db.query(`update sign_in_failures set attempted_at = now() - interval '16 minutes' where email = $1`, [user.email]);
    await db.end();
    expect(codeOf(await t.gql(SIGN_IN, { email: user.email, password: user.password }))).toBeUndefined();
  });

  it('does not let a parallel burst of guesses past the limit', async () => {
    const user = await createUser(t);
    const results = await Promise.all(Array.from({ length: 12 }, () => t.gql(SIGN_IN, { email: user.email, password: 'wrong-password' })));
    const codes = results.map(codeOf);
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(5);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(7);
  });

  it('rejects expired, tampered and malformed tokens with UNAUTHENTICATED and 401', async () => {
    const user = await createUser(t);
    const expired = signAccessToken(user.id, t.config.jwtSecret, 60, Date.now() - 120_000).token;
    const forged = signAccessToken(user.id, 'another-secret', 600).token;
    const [header, , signature] = user.token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'someone-else', exp: 9_999_999_999, typ: 'access' })).toString('base64url')}.${signature}`;
    for (const token of [expired, forged, tampered, 'garbage']) {
      const response = await t.gql(ME, {}, token);
      expect(response.status).toBe(401);
      expect(codeOf(response)).toBe('UNAUTHENTICATED');
    }
  });

  it('requires sign-in for me', async () => {
    expect(codeOf(await t.gql(ME))).toBe('UNAUTHENTICATED');
  });
});

describe('changePassword', () => {
  const CHANGE = 'mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { mustChangePassword } }';

  it('clears the temporary-password flag and the new password works', async () => {
    const user = await createUser(t, { mustChangePassword: true });
    const me = await t.gql<{ signIn: { user: { mustChangePassword: boolean } } }>(SIGN_IN, { email: user.email, password: user.password });
    expect(me.data?.signIn.user.mustChangePassword).toBe(true);
    const changed = await t.gql<{ changePassword: { mustChangePassword: boolean } }>(CHANGE, { current: user.password, next: 'a-brand-new-password' }, user.token);
    expect(changed.data?.changePassword.mustChangePassword).toBe(false);
    expect(codeOf(await t.gql(SIGN_IN, { email: user.email, password: user.password }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(SIGN_IN, { email: user.email, password: 'a-brand-new-password' }))).toBeUndefined();
  });

  it('names the field that is wrong', async () => {
    const user = await createUser(t);
    const short = await t.gql(CHANGE, { current: user.password, next: 'short' }, user.token);
    expect(codeOf(short)).toBe('BAD_USER_INPUT');
    expect(short.errors?.[0].extensions?.fields).toEqual({ newPassword: 'Use at least 10 characters' });
    const wrongCurrent = await t.gql(CHANGE, { current: 'not-my-password', next: 'long-enough-password' }, user.token);
    expect(wrongCurrent.errors?.[0].extensions?.fields).toEqual({ currentPassword: 'Wrong password' });
  });
});

describe('me', () => {
  it('lists the groups the viewer belongs to with their roles', async () => {
    const user = await createUser(t);
    await createGroup(t, user, { name: 'Chess Society' });
    const me = await t.gql<{ me: { user: { email: string }; memberships: { role: string; group: { name: string } }[] } }>(ME, {}, user.token);
    expect(me.data?.me.memberships).toEqual([{ role: 'ADMIN', group: { name: 'Chess Society' } }]);
  });
});

describe('signOut and revoked access tokens', () => {
  const SIGN_OUT = 'mutation { signOut }';
  const CHANGE = 'mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { mustChangePassword } }';
  const GROUPS = '{ groups(first: 20) { totalCount edges { node { id name viewerRole } } } }';
  const REVOKED = { status: 401, errors: [{ message: viewerUserGone().message, extensions: { code: 'UNAUTHENTICATED' } }] };

  /** Reads that fold the account check into their first statement (groups, transactions, __typename), and one that does not (me). */
  const reads = (groupId: string): [string, Record<string, unknown>][] => [
    [GROUPS, {}],
    ['query($g: ID!) { transactions(groupId: $g, first: 10) { totalCount } }', { g: groupId }],
    ['{ __typename }', {}],
    ['{ me { user { email } } }', {}],
  ];
  const writes: [string, Record<string, unknown>][] = [
    ['mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }', { input: { name: 'After sign-out', kind: 'CLUB', currency: 'INR', memberNumberPrefix: 'AS' } }],
    [SIGN_OUT, {}],
  ];

  /** What a token is answered over HTTP, each operation at once. */
  async function answersTo(token: string, operations: [string, Record<string, unknown>][]) {
    return Promise.all(operations.map(async ([query, variables]) => ({ query, answer: await t.gql(query, variables, token) })));
  }

  async function generationOf(user: TestUser): Promise<number> {
    return (await t.query<{ token_generation: number }>('select token_generation from users where id = $1', [user.id])).rows[0].token_generation;
  }

  /** An access token as issued before tokens carried a generation: no `gen` claim. */
  function tokenWithoutGeneration(userId: string): string {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const iat = Math.floor(Date.now() / 1000);
    const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: userId, iat, exp: iat + 600, typ: 'access' })}`;
    return `${input}.${createHmac('sha256', t.config.jwtSecret).update(input).digest('base64url')}`;
  }

  it('refuses every token of the person afterwards, over HTTP, with 401 UNAUTHENTICATED and no data, whatever the operation', async () => {
    const user = await createUser(t);
    const group = await createGroup(t, user, { name: 'Signed Out Club' });
    const otherDevice = await signInToken(t, user.email, user.password);
    for (const { answer } of await answersTo(user.token, reads(group.id))) expect(answer.errors).toBeUndefined();

    const signedOut = await t.gql<{ signOut: boolean }>(SIGN_OUT, {}, user.token);
    expect(signedOut).toEqual({ status: 200, data: { signOut: true } });

    for (const token of [user.token, otherDevice]) {
      for (const { query, answer } of await answersTo(token, [...reads(group.id), ...writes])) {
        expect({ query, answer }).toEqual({ query, answer: REVOKED });
      }
    }
    expect((await t.query('select count(*)::int as n from groups where name = $1', ['After sign-out'])).rows[0].n).toBe(0);
    expect(await generationOf(user)).toBe(1);
    // On record, as the person's own action.
    const activity = await t.query('select actor_kind, actor_id, entity_id, group_id from activity_logs where action = $1 and entity_id = $2', ['user.sign-out', user.id]);
    expect(activity.rows).toEqual([{ actor_kind: 'USER', actor_id: user.id, entity_id: user.id, group_id: null }]);
  });

  it('costs no extra SQL statement: groups checks the token and answers (or refuses) in its one statement', async () => {
    const user = await createUser(t);
    await createGroup(t, user);
    const knex = t.server.orm.em.getKnex();
    const valid = await statementsDuring(knex, () => t.gql<{ groups: { totalCount: number } }>(GROUPS, {}, user.token));
    expect(valid.result.data?.groups.totalCount).toBe(1);
    expect(valid.statements).toHaveLength(1);
    expect((await t.gql(SIGN_OUT, {}, user.token)).data).toEqual({ signOut: true });
    const refused = await statementsDuring(knex, () => t.gql(GROUPS, {}, user.token));
    expect(refused.result).toEqual(REVOKED);
    expect(refused.statements).toHaveLength(1);
    const fresh = await signInToken(t, user.email, user.password);
    const again = await statementsDuring(knex, () => t.gql<{ groups: { totalCount: number } }>(GROUPS, {}, fresh));
    expect(again.result.data?.groups.totalCount).toBe(1);
    expect(again.statements).toHaveLength(1);
  });

  it('lets the person sign in again afterwards, and the new token works everywhere', async () => {
    const user = await createUser(t);
    const group = await createGroup(t, user, { name: 'Back Again Club' });
    expect((await t.gql(SIGN_OUT, {}, user.token)).data).toEqual({ signOut: true });
    const fresh = await signInToken(t, user.email, user.password);
    const groups = await t.gql<{ groups: { totalCount: number; edges: { node: { name: string } }[] } }>(GROUPS, {}, fresh);
    expect(groups.errors).toBeUndefined();
    expect(groups.data?.groups.edges.map((edge) => edge.node.name)).toEqual(['Back Again Club']);
    const me = await t.gql<{ me: { user: { email: string } } }>('{ me { user { email } } }', {}, fresh);
    expect(me.data?.me.user.email).toBe(user.email);
    const txns = await t.gql('query($g: ID!) { transactions(groupId: $g, first: 10) { totalCount } }', { g: group.id }, fresh);
    expect(txns.errors).toBeUndefined();
    // The old one stays refused.
    expect(await t.gql(GROUPS, {}, user.token)).toEqual(REVOKED);
  });

  it('treats a token issued before generations existed as generation 0: it works until the first sign-out', async () => {
    const user = await createUser(t);
    const legacy = tokenWithoutGeneration(user.id);
    expect((await t.gql<{ groups: { totalCount: number } }>(GROUPS, {}, legacy)).data?.groups.totalCount).toBe(0);
    expect((await t.gql<{ me: { user: { email: string } } }>('{ me { user { email } } }', {}, legacy)).data?.me.user.email).toBe(user.email);
    expect((await t.gql(SIGN_OUT, {}, user.token)).data).toEqual({ signOut: true });
    expect(await t.gql(GROUPS, {}, legacy)).toEqual(REVOKED);
    expect(await t.gql('{ me { user { email } } }', {}, legacy)).toEqual(REVOKED);
  });

  it('refuses a token of any other generation than the current one, not only older ones', async () => {
    const user = await createUser(t);
    const ahead = signAccessToken(user.id, t.config.jwtSecret, 600, Date.now(), 1).token;
    expect(await t.gql(GROUPS, {}, ahead)).toEqual(REVOKED);
    expect(await t.gql('{ me { user { email } } }', {}, ahead)).toEqual(REVOKED);
    // A generation that is not a whole number is not a token we issued.
    const odd = signAccessToken(user.id, t.config.jwtSecret, 600, Date.now(), 0.5).token;
    const answer = await t.gql('{ me { user { email } } }', {}, odd);
    expect(answer.status).toBe(401);
    expect(codeOf(answer)).toBe('UNAUTHENTICATED');
  });

  it('gives an API key a clear FORBIDDEN, and the key keeps working', async () => {
    const group = await createGroup(t);
    const key = await createApiKey(t, group, 'ADMIN');
    const answer = await t.gql(SIGN_OUT, {}, key);
    expect(codeOf(answer)).toBe('FORBIDDEN');
    expect(answer.errors?.[0].extensions?.reason).toBe('API_KEY_CANNOT_SIGN_OUT');
    expect(answer.errors?.[0].message).toMatch(/revokeApiKey/);
    expect(answer.data).toBeNull();
    expect((await t.gql<{ groups: { totalCount: number } }>(GROUPS, {}, key)).data?.groups.totalCount).toBe(1);
    // The admin who made the key was not signed out either.
    expect((await t.gql(GROUPS, {}, group.admin.token)).errors).toBeUndefined();
  });

  it('asks an anonymous caller to sign in', async () => {
    const answer = await t.gql(SIGN_OUT);
    expect(codeOf(answer)).toBe('UNAUTHENTICATED');
  });

  it('takes concurrent sign-outs with the same and with other tokens: each is signed out or already refused, never an error', async () => {
    const user = await createUser(t);
    const tokens = [user.token, user.token, user.token, await signInToken(t, user.email, user.password), await signInToken(t, user.email, user.password)];
    const answers = await Promise.all(tokens.map((token) => t.gql<{ signOut: boolean }>(SIGN_OUT, {}, token)));
    for (const answer of answers) {
      if (answer.errors) expect(answer).toEqual(REVOKED);
      else expect(answer).toEqual({ status: 200, data: { signOut: true } });
    }
    const signedOut = answers.filter((answer) => !answer.errors).length;
    expect(signedOut).toBeGreaterThanOrEqual(1);
    // Each sign-out that got through moved the generation on once: none was lost.
    expect(await generationOf(user)).toBe(signedOut);
    for (const token of new Set(tokens)) expect(await t.gql(GROUPS, {}, token)).toEqual(REVOKED);
    expect((await t.gql(GROUPS, {}, await signInToken(t, user.email, user.password))).errors).toBeUndefined();
  });

  it("leaves other people's tokens alone", async () => {
    const user = await createUser(t);
    const bystander = await createUser(t);
    expect((await t.gql(SIGN_OUT, {}, user.token)).data).toEqual({ signOut: true });
    expect((await t.gql(GROUPS, {}, bystander.token)).errors).toBeUndefined();
    expect(await generationOf(bystander)).toBe(0);
  });

  describe('changePassword', () => {
    it("revokes every token of the person, the caller's included, and the console's next step (signing in with the new password) works", async () => {
      const user = await createUser(t, { mustChangePassword: true });
      await createGroup(t, user, { name: 'Password Club' });
      const otherDevice = await signInToken(t, user.email, user.password);
      const changed = await t.gql<{ changePassword: { mustChangePassword: boolean } }>(CHANGE, { current: user.password, next: 'a-new-long-password' }, user.token);
      // The change itself is answered normally: the token it came with was valid when it was checked.
      expect(changed).toEqual({ status: 200, data: { changePassword: { mustChangePassword: false } } });
      for (const token of [user.token, otherDevice]) {
        expect(await t.gql(GROUPS, {}, token)).toEqual(REVOKED);
        expect(await t.gql('{ me { user { email } } }', {}, token)).toEqual(REVOKED);
        expect(await t.gql(CHANGE, { current: 'a-new-long-password', next: 'yet-another-password' }, token)).toEqual(REVOKED);
      }
      expect(await generationOf(user)).toBe(1);
      // What the console does next: sign in again with the new password (next-auth's credentials sign-in).
      const again = await t.gql<{ signIn: { accessToken: string; user: { mustChangePassword: boolean } } }>(SIGN_IN, { email: user.email, password: 'a-new-long-password' });
      expect(again.data?.signIn.user.mustChangePassword).toBe(false);
      const groups = await t.gql<{ groups: { edges: { node: { name: string } }[] } }>(GROUPS, {}, again.data!.signIn.accessToken);
      expect(groups.data?.groups.edges.map((edge) => edge.node.name)).toEqual(['Password Club']);
    });

    it('revokes nothing when the change is refused', async () => {
      const user = await createUser(t);
      const wrong = await t.gql(CHANGE, { current: 'not-my-password', next: 'long-enough-password' }, user.token);
      expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
      expect((await t.gql(GROUPS, {}, user.token)).errors).toBeUndefined();
      expect(await generationOf(user)).toBe(0);
    });
  });
});
