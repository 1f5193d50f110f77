import { sha256Hex } from '../../shared/crypto';
import { ADD_MEMBER, codeOf, createApiKey, createGroup, uniqueEmail } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';

const CREATE_KEY = 'mutation($groupId: ID!, $role: Role!) { createApiKey(groupId: $groupId, name: "Zapier", role: $role) { secret apiKey { id prefix role name lastUsedAt revokedAt } } }';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

it('shows the secret once, stores only its hash, and the key works for its group and role', async () => {
  const group = await createGroup(t);
  const created = await t.gql<{ createApiKey: { secret: string; apiKey: { id: string; prefix: string; role: string } } }>(CREATE_KEY, { groupId: group.id, role: 'OPERATOR' }, group.admin.token);
  const { secret, apiKey } = created.data!.createApiKey;
  expect(secret).toMatch(/^cof_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32}$/);
  expect(secret.startsWith(`${apiKey.prefix}_`)).toBe(true);
  const row = await t.query('select secret_hash from api_keys where id = $1', [apiKey.id]);
  expect(row.rows[0].secret_hash).toBe(sha256Hex(secret));
  expect(JSON.stringify(row.rows[0])).not.toContain(secret);
  const listed = await t.gql<{ apiKeys: Record<string, unknown>[] }>('query($g: ID!) { apiKeys(groupId: $g) { prefix role } }', { g: group.id }, group.admin.token);
  expect(listed.data?.apiKeys).toEqual([{ prefix: apiKey.prefix, role: 'OPERATOR' }]);
  expect(JSON.stringify(listed)).not.toContain(secret);

  const me = await t.gql<{ me: { user: null; apiKey: { id: string }; memberships: { role: string; group: { id: string } }[] } }>('{ me { user { id } apiKey { id } memberships { role group { id } } } }', {}, secret);
  expect(me.data?.me).toEqual({ user: null, apiKey: { id: apiKey.id }, memberships: [{ role: 'OPERATOR', group: { id: group.id } }] });
  const added = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(), name: 'Via API' } }, secret);
  expect(added.errors).toBeUndefined();
  // An OPERATOR key's member add is maker–checker: it becomes a request, made by the key.
  const log = await t.query(`select actor_kind, actor_id from activity_logs where action = 'approval.request' and group_id = $1`, [group.id]);
  expect(log.rows).toContainEqual({ actor_kind: 'API_KEY', actor_id: apiKey.id });
});

it('records when a key was last used', async () => {
  const group = await createGroup(t);
  const secret = await createApiKey(t, group, 'MEMBER');
  await t.gql('{ groups { totalCount } }', {}, secret);
  const row = await t.query('select last_used_at from api_keys where prefix = $1', [secret.split('_').slice(0, 2).join('_')]);
  expect(row.rows[0].last_used_at).not.toBeNull();
});

it('stops working once revoked, and a wrong secret with a real prefix fails', async () => {
  const group = await createGroup(t);
  const created = await t.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(CREATE_KEY, { groupId: group.id, role: 'ADMIN' }, group.admin.token);
  const { secret, apiKey } = created.data!.createApiKey;
  expect(codeOf(await t.gql('{ me { apiKey { id } } }', {}, `${secret.slice(0, -3)}abc`))).toBe('UNAUTHENTICATED');
  const revoked = await t.gql<{ revokeApiKey: { revokedAt: string } }>('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: apiKey.id }, group.admin.token);
  expect(revoked.data?.revokeApiKey.revokedAt).toBeTruthy();
  // The activity entry shows the key as it was and as it is; never its secret.
  const logged = await t.query("select before, after from activity_logs where action = 'api-key.revoke' and entity_id = $1", [apiKey.id]);
  const prefix = secret.split('_').slice(0, 2).join('_');
  expect(logged.rows).toEqual([
    {
      before: { name: 'Zapier', prefix, role: 'ADMIN', rateLimit: null, revokedAt: null },
      after: { name: 'Zapier', prefix, role: 'ADMIN', rateLimit: null, revokedAt: revoked.data?.revokeApiKey.revokedAt },
    },
  ]);
  expect(JSON.stringify(logged.rows)).not.toContain(secret);
  const after = await t.gql('{ me { apiKey { id } } }', {}, secret);
  expect(after.status).toBe(401);
  expect(codeOf(after)).toBe('UNAUTHENTICATED');
});

it('cannot see or change another group', async () => {
  const mine = await createGroup(t);
  const theirs = await createGroup(t);
  const secret = await createApiKey(t, mine, 'ADMIN');
  expect(codeOf(await t.gql('query($id: ID!) { group(id: $id) { id } }', { id: theirs.id }, secret))).toBe('NOT_FOUND');
  expect(codeOf(await t.gql(ADD_MEMBER, { input: { groupId: theirs.id, email: uniqueEmail(), name: 'x' } }, secret))).toBe('NOT_FOUND');
});

it('cannot mint keys or create groups: those belong to people', async () => {
  const group = await createGroup(t);
  const secret = await createApiKey(t, group, 'ADMIN');
  expect(codeOf(await t.gql(CREATE_KEY, { groupId: group.id, role: 'ADMIN' }, secret))).toBe('FORBIDDEN');
  expect(codeOf(await t.gql('mutation { createGroup(input: { name: "x", kind: CLUB, currency: "INR", memberNumberPrefix: "XX" }) { id } }', {}, secret))).toBe('FORBIDDEN');
});
