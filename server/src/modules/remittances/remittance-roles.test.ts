import { addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup } from '../../../test/support/factories';
import { CREATE, CREATE_RECIPIENT, fund, QUOTE } from '../../../test/support/remittance-helpers';
import { GraphQLResponse, startTestServer, TestServer } from '../../../test/support/test-server';

/*
 * Every remittance operation against every kind of viewer: the three roles,
 * an outsider, API keys of this group (each role) and of another group, and
 * nobody. "ok" means no error; anything else is the error code.
 */

type Actor = 'admin' | 'operator' | 'member' | 'outsider' | 'adminKey' | 'operatorKey' | 'memberKey' | 'otherGroupKey' | 'anonymous';
const ACTORS: Actor[] = ['admin', 'operator', 'member', 'outsider', 'adminKey', 'operatorKey', 'memberKey', 'otherGroupKey', 'anonymous'];

let t: TestServer;
let group: TestGroup;
let recipientId: string;
const credentials = {} as Record<Actor, string | undefined>;

beforeAll(async () => {
  t = await startTestServer();
  group = await createGroup(t);
  const [operator, member, outsider] = [await createUser(t), await createUser(t), await createUser(t)];
  await addUserToGroup(t, group, operator, 'OPERATOR');
  await addUserToGroup(t, group, member, 'MEMBER');
  const otherGroup = await createGroup(t);
  Object.assign(credentials, {
    admin: group.admin.token,
    operator: operator.token,
    member: member.token,
    outsider: outsider.token,
    adminKey: await createApiKey(t, group, 'ADMIN'),
    operatorKey: await createApiKey(t, group, 'OPERATOR'),
    memberKey: await createApiKey(t, group, 'MEMBER'),
    otherGroupKey: await createApiKey(t, otherGroup, 'ADMIN'),
    anonymous: undefined,
  });
  await fund(t, group, '100000.00');
  const created = await t.gql<{ createRecipient: { id: string } }>(CREATE_RECIPIENT, { input: { groupId: group.id, name: 'R', country: 'RS', currency: 'RSD', bankAccount: '12345678' } }, group.admin.token);
  recipientId = created.data!.createRecipient.id;
});
afterAll(async () => t.close());

async function freshQuote(): Promise<string> {
  const quote = await t.gql<{ remittanceQuote: { id: string } }>(QUOTE, { g: group.id, r: recipientId, a: '150.00' }, group.admin.token);
  return quote.data!.remittanceQuote.id;
}

let keyCounter = 0;
const operations: Record<string, (auth: string | undefined) => Promise<GraphQLResponse>> = {
  recipients: (auth) => t.gql('query($g: ID!) { recipients(groupId: $g) { totalCount } }', { g: group.id }, auth),
  recipient: (auth) => t.gql('query($id: ID!) { recipient(id: $id) { id } }', { id: recipientId }, auth),
  createRecipient: (auth) => t.gql(CREATE_RECIPIENT, { input: { groupId: group.id, name: 'New', country: 'BA', currency: 'BAM', bankAccount: 'BA391290079401028494' } }, auth),
  updateRecipient: (auth) => t.gql('mutation($id: ID!) { updateRecipient(id: $id, input: { notes: "x" }) { id } }', { id: recipientId }, auth),
  remittanceQuote: (auth) => t.gql(QUOTE, { g: group.id, r: recipientId, a: '150.00' }, auth),
  createRemittance: async (auth) => t.gql(CREATE, { q: await freshQuote(), k: `matrix-${(keyCounter += 1)}` }, auth),
  remittances: (auth) => t.gql('query($g: ID!) { remittances(groupId: $g) { totalCount } }', { g: group.id }, auth),
  remittanceSettings: (auth) => t.gql('query($g: ID!) { remittanceSettings(groupId: $g) { feePercent } }', { g: group.id }, auth),
  setRemittanceFee: (auth) => t.gql('mutation($g: ID!) { setRemittanceFee(groupId: $g, feePercent: "0.5") { feePercent } }', { g: group.id }, auth),
  remittanceCorridors: (auth) => t.gql('query($g: ID) { remittanceCorridors(groupId: $g) { country } }', { g: group.id }, auth),
  exchangeRates: (auth) => t.gql('{ exchangeRates(base: "INR") { quote } }', {}, auth),
};

const STAFF = { admin: 'ok', operator: 'ok', member: 'FORBIDDEN', outsider: 'NOT_FOUND', adminKey: 'ok', operatorKey: 'ok', memberKey: 'FORBIDDEN', otherGroupKey: 'NOT_FOUND', anonymous: 'UNAUTHENTICATED' };
const ADMIN = { ...STAFF, operator: 'FORBIDDEN', operatorKey: 'FORBIDDEN' };
const SIGNED_IN = { admin: 'ok', operator: 'ok', member: 'ok', outsider: 'ok', adminKey: 'ok', operatorKey: 'ok', memberKey: 'ok', otherGroupKey: 'ok', anonymous: 'UNAUTHENTICATED' };

const expected: Record<keyof typeof operations, Record<Actor, string>> = {
  recipients: STAFF,
  recipient: STAFF,
  createRecipient: ADMIN,
  updateRecipient: ADMIN,
  remittanceQuote: STAFF,
  createRemittance: STAFF,
  remittances: STAFF,
  remittanceSettings: STAFF,
  setRemittanceFee: ADMIN,
  remittanceCorridors: STAFF,
  exchangeRates: SIGNED_IN,
};

it.each(Object.keys(operations))('%s answers each kind of viewer as its role allows', async (name) => {
  const outcomes: Record<string, string> = {};
  for (const actor of ACTORS) outcomes[actor] = codeOf(await operations[name](credentials[actor])) ?? 'ok';
  expect(outcomes).toEqual(expected[name]);
});

it("lets an admin API key create remittances that another person must approve: never the key, never the key's creator", async () => {
  const created = await t.gql<{ createRemittance: { approval: { id: string } } }>(CREATE, { q: await freshQuote(), k: 'by-key' }, credentials.adminKey);
  const approvalId = created.data!.createRemittance.approval.id;
  const approve = (auth: string | undefined) => t.gql<{ approve: { status: string } }>('mutation($id: ID!) { approve(id: $id) { status } }', { id: approvalId }, auth);
  expect(codeOf(await approve(credentials.adminKey))).toBe('FORBIDDEN');
  // group.admin created the key: four eyes means a second person.
  expect(codeOf(await approve(group.admin.token))).toBe('FORBIDDEN');
  const second = await createUser(t);
  await addUserToGroup(t, group, second, 'ADMIN');
  expect((await approve(second.token)).data?.approve.status).toBe('APPROVED');
});

it('replays one remittance for the same idempotency key sent twice at once', async () => {
  const quoteId = await freshQuote();
  const [a, b] = await Promise.all([0, 1].map(() => t.gql<{ createRemittance: { remittance: { id: string }; replayed: boolean } }>(CREATE, { q: quoteId, k: 'twice-at-once' }, group.admin.token)));
  expect(a.data?.createRemittance.remittance.id).toBe(b.data?.createRemittance.remittance.id);
  expect([a.data?.createRemittance.replayed, b.data?.createRemittance.replayed].sort()).toEqual([false, true]);
});
