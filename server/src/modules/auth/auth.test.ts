import { Client } from 'pg';
import { signAccessToken } from '../../shared/crypto';
import { codeOf, createGroup, createUser, uniqueEmail } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';

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
