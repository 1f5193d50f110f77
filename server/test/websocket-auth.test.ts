import { CREDENTIALS_REVOKED_TOPIC, userCredentialKey } from '../src/modules/auth/credential-revocation';
import { signAccessToken } from '../src/shared/crypto';
import { ADD_MEMBER, addUserToGroup, createApiKey, createGroup, createUser, signInToken, TestGroup, TestUser } from './support/factories';
import { collect, startTestServer, TestServer } from './support/test-server';
import { closeWatcher, silenceExpectedCloses, sleep, waitForListeners, wsErrors } from './support/ws-helpers';

/*
 * graphql-ws shares the HTTP port and path. A socket needs a valid credential
 * to open (4403 otherwise), and every subscribe checks it again, since access
 * tokens expire or are revoked (signOut, changePassword) and API keys get
 * revoked while sockets stay open.
 */

const FORBIDDEN = 4403;
const MEMBER_CHANGED = 'subscription($groupId: ID!) { memberChanged(groupId: $groupId) { action groupId member { name } } }';
const ME = '{ me { user { email } apiKey { role } } }';

type MemberChanged = { memberChanged: { action: string; groupId: string; member: { name: string } } };
type Me = { me: { user: { email: string } | null; apiKey: { role: string } | null } };

/** The expiry of an access token, from its (unverified) payload. */
let consoleError: jest.SpyInstance;
beforeAll(() => {
  consoleError = silenceExpectedCloses([FORBIDDEN]);
});

/** graphql-ws reports a server hook that misbehaves with console.error("Internal error occurred …"). */
function expectNoInternalSocketError(): void {
  const messages = consoleError.mock.calls.map((call: unknown[]) => String(call[0]));
  expect(messages.filter((message) => message.includes('Internal error'))).toEqual([]);
}
afterAll(() => jest.restoreAllMocks());

function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
  return payload.exp * 1000;
}

describe('graphql-ws authentication', () => {
  let t: TestServer;
  let admin: TestUser;
  let group: TestGroup;

  beforeAll(async () => {
    t = await startTestServer();
    admin = await createUser(t, { name: 'Socket Admin' });
    group = await createGroup(t, admin);
  });
  afterAll(async () => t.close());

  it('closes a socket without a token with 4403', async () => {
    const watcher = closeWatcher();
    t.ws(undefined, { onClose: watcher.onClose });
    expect((await watcher.wait()).code).toBe(FORBIDDEN);
  });

  it('closes a socket with a garbage token with 4403', async () => {
    const watcher = closeWatcher();
    t.ws('not-a-token', { onClose: watcher.onClose });
    expect((await watcher.wait()).code).toBe(FORBIDDEN);
  });

  it('closes a socket with a token signed by another secret with 4403', async () => {
    const watcher = closeWatcher();
    t.ws(signAccessToken(admin.id, 'some-other-secret', 3600).token, { onClose: watcher.onClose });
    expect((await watcher.wait()).code).toBe(FORBIDDEN);
  });

  it('closes a socket with an expired access token with 4403', async () => {
    const expired = signAccessToken(admin.id, t.config.jwtSecret, 3600, Date.now() - 2 * 3600 * 1000).token;
    const watcher = closeWatcher();
    t.ws(expired, { onClose: watcher.onClose });
    expect((await watcher.wait()).code).toBe(FORBIDDEN);
  });

  it('delivers memberChanged ADDED to a signed-in admin when a member is added over HTTP', async () => {
    const watcher = closeWatcher();
    const client = t.ws(admin.token, { onClose: watcher.onClose });
    const sub = collect<MemberChanged>(client, MEMBER_CHANGED, { groupId: group.id });
    await waitForListeners(t.server.events, 'memberChanged', group.id);

    const added = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'priya@example.com', name: 'Priya Raman' } }, admin.token);
    expect(added.errors).toBeUndefined();

    // The event may arrive before the mutation's response: wait for the first result, not "one more".
    await sub.next(1);
    expect(sub.error).toBeUndefined();
    expect(sub.results[0].data?.memberChanged).toEqual({ action: 'ADDED', groupId: group.id, member: { name: 'Priya Raman' } });
    expect(watcher.closedWith).toBeUndefined();
    sub.dispose();
  });

  it("answers an outsider's subscription with NOT_FOUND and sends them nothing", async () => {
    const outsider = await createUser(t, { name: 'Outsider' });
    const watcher = closeWatcher();
    const client = t.ws(outsider.token, { onClose: watcher.onClose });
    const sub = collect<MemberChanged>(client, MEMBER_CHANGED, { groupId: group.id });
    await sub.next();
    expect(wsErrors(sub).map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(sub.results.every((result) => !result.data)).toBe(true);

    // The group's events do not reach them afterwards either, and the socket stays open.
    const received = sub.results.length;
    const added = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'secret@example.com', name: 'Not For Outsiders' } }, admin.token);
    expect(added.errors).toBeUndefined();
    await sleep(300);
    expect(sub.results).toHaveLength(received);
    expect(watcher.closedWith).toBeUndefined();
  });

  it('lets an API key subscribe to its own group, and closes its socket with 4403 as soon as it is revoked', async () => {
    const key = await createApiKey(t, group, 'MEMBER');
    const watcher = closeWatcher();
    const client = t.ws(key, { onClose: watcher.onClose });

    const me = collect<Me>(client, ME, {});
    await me.next();
    expect(me.results[0].data?.me).toEqual({ user: null, apiKey: { role: 'MEMBER' } });

    const sub = collect<MemberChanged>(client, MEMBER_CHANGED, { groupId: group.id });
    await waitForListeners(t.server.events, 'memberChanged', group.id);
    const added = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'keyed@example.com', name: 'Kiran Key' } }, admin.token);
    expect(added.errors).toBeUndefined();
    await sub.next(1);
    expect(sub.results[0].data?.memberChanged).toMatchObject({ action: 'ADDED', member: { name: 'Kiran Key' } });

    const keys = await t.gql<{ apiKeys: { id: string; prefix: string }[] }>('query($groupId: ID!) { apiKeys(groupId: $groupId) { id prefix } }', { groupId: group.id }, admin.token);
    const keyId = keys.data?.apiKeys.find((apiKey) => key.startsWith(apiKey.prefix))?.id;
    expect(keyId).toBeDefined();
    const revoked = await t.gql<{ revokeApiKey: { revokedAt: string | null } }>('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: keyId }, admin.token);
    expect(revoked.data?.revokeApiKey.revokedAt).toEqual(expect.any(String));

    // The running subscription does not outlive the key: the socket closes without another subscribe.
    expect(await watcher.wait()).toEqual({ code: FORBIDDEN, reason: 'Access revoked' });
    await sleep(100);
    expectNoInternalSocketError();
  });

  it('refuses a new socket for a signed-out token, and closes an open one with 4403 at the sign-out', async () => {
    const user = await createUser(t, { name: 'Signing Out' });
    const otherDevice = await signInToken(t, user.email, user.password);
    await addUserToGroup(t, group, user, 'ADMIN');
    const watcher = closeWatcher();
    const client = t.ws(user.token, { onClose: watcher.onClose });
    const me = collect<Me>(client, ME, {});
    await me.next();
    expect(me.results[0].data?.me.user?.email).toBe(user.email);
    const running = collect<MemberChanged>(client, MEMBER_CHANGED, { groupId: group.id });
    await waitForListeners(t.server.events, 'memberChanged', group.id);

    // Signed out from another device: every token of the person goes, and the running subscription with it.
    const signedOut = await t.gql<{ signOut: boolean }>('mutation { signOut }', {}, otherDevice);
    expect(signedOut.data).toEqual({ signOut: true });
    expect(await watcher.wait()).toEqual({ code: FORBIDDEN, reason: 'Access revoked' });
    const notDelivered = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'after-close@example.com', name: 'Not Delivered' } }, admin.token);
    expect(notDelivered.errors).toBeUndefined();
    await sleep(200);
    expect(running.results).toEqual([]);

    for (const token of [user.token, otherDevice]) {
      const refused = closeWatcher();
      t.ws(token, { onClose: refused.onClose });
      expect((await refused.wait()).code).toBe(FORBIDDEN);
    }

    // Signed in again, the person gets a socket that works.
    const fresh = await signInToken(t, user.email, user.password);
    const again = closeWatcher();
    const freshClient = t.ws(fresh, { onClose: again.onClose });
    const sub = collect<MemberChanged>(freshClient, MEMBER_CHANGED, { groupId: group.id });
    await waitForListeners(t.server.events, 'memberChanged', group.id);
    const added = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'after-signout@example.com', name: 'Fresh Socket' } }, admin.token);
    expect(added.errors).toBeUndefined();
    await sub.next(1);
    expect(sub.results[0].data?.memberChanged).toMatchObject({ action: 'ADDED', member: { name: 'Fresh Socket' } });
    expect(again.closedWith).toBeUndefined();
    sub.dispose();
    await sleep(100);
    expectNoInternalSocketError();
  });

  it('refuses a socket for a token from before a password change, and closes an open one at the change', async () => {
    const user = await createUser(t, { name: 'Changing Password' });
    const watcher = closeWatcher();
    const client = t.ws(user.token, { onClose: watcher.onClose });
    const me = collect<Me>(client, ME, {});
    await me.next();
    expect(me.results[0].data?.me.user?.email).toBe(user.email);

    const changed = await t.gql('mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { id } }', { c: user.password, n: 'changed-password-1' }, user.token);
    expect(changed.errors).toBeUndefined();

    expect(await watcher.wait()).toEqual({ code: FORBIDDEN, reason: 'Access revoked' });
    const refused = closeWatcher();
    t.ws(user.token, { onClose: refused.onClose });
    expect((await refused.wait()).code).toBe(FORBIDDEN);

    const fresh = await signInToken(t, user.email, 'changed-password-1');
    const freshMe = collect<Me>(t.ws(fresh), ME, {});
    await freshMe.next();
    expect(freshMe.results[0].data?.me.user?.email).toBe(user.email);
  });

  it("keeps a socket whose own token is still valid when a revocation of the person's is announced", async () => {
    // A sign-out's announcement can reach an instance after the person signed in again and opened a
    // socket with the new token: the socket checks its own token and stays.
    const user = await createUser(t, { name: 'Still Valid' });
    const watcher = closeWatcher();
    const client = t.ws(user.token, { onClose: watcher.onClose });
    const me = collect<Me>(client, ME, {});
    await me.next();
    await waitForListeners(t.server.events, CREDENTIALS_REVOKED_TOPIC, userCredentialKey(user.id));
    await t.server.events.publish({ topic: CREDENTIALS_REVOKED_TOPIC, key: userCredentialKey(user.id), data: {} });
    await sleep(300); // the socket's check of its token, which must not close it
    const again = collect<Me>(client, ME, {});
    await again.next();
    expect(again.results[0].data?.me.user?.email).toBe(user.email);
    expect(watcher.closedWith).toBeUndefined();
  });

  it('refuses a new socket for a revoked API key', async () => {
    const key = await createApiKey(t, group, 'OPERATOR');
    const keys = await t.gql<{ apiKeys: { id: string; prefix: string }[] }>('query($groupId: ID!) { apiKeys(groupId: $groupId) { id prefix } }', { groupId: group.id }, admin.token);
    const keyId = keys.data?.apiKeys.find((apiKey) => key.startsWith(apiKey.prefix))?.id;
    await t.gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: keyId }, admin.token);

    const watcher = closeWatcher();
    t.ws(key, { onClose: watcher.onClose });
    expect((await watcher.wait()).code).toBe(FORBIDDEN);
  });
});

describe('an access token that expires while the socket is open', () => {
  let t: TestServer;

  beforeAll(async () => {
    // Long enough for sign-in, connect and one query on a loaded machine (expiry is floored to whole seconds).
    t = await startTestServer({ env: { ACCESS_TOKEN_TTL_SECONDS: '6' } });
  });
  afterAll(async () => t.close());

  it('serves operations before expiry and closes the socket with 4403 when the token expires', async () => {
    const user = await createUser(t, { name: 'Short Lived' });
    const token = await signInToken(t, user.email, user.password);
    const watcher = closeWatcher();
    const client = t.ws(token, { onClose: watcher.onClose });

    const me = collect<Me>(client, ME, {});
    await me.next();
    expect(me.results[0].data?.me.user?.email).toBe(user.email);

    // No further subscribe needed: the server closes the socket at the token's expiry.
    const closed = await watcher.wait(20_000);
    expect(closed.code).toBe(FORBIDDEN);
    expect(Date.now()).toBeGreaterThanOrEqual(expiryOf(token) - 50);
    await sleep(100);
    expectNoInternalSocketError();
  });
});
