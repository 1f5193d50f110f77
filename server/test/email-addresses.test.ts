import { ADD_MEMBER, codeOf, createGroup, TestGroup } from './support/factories';
import { startTestServer, TestServer } from './support/test-server';

/*
 * An e-mail address has at most 64 characters before the @ and 254 in all
 * (RFC 5321: what a mail server will take). Every input that takes one refuses
 * a longer one as BAD_USER_INPUT on that field, and takes one at the limits.
 */

let t: TestServer;
let group: TestGroup;
let primaryId: string;

beforeAll(async () => {
  t = await startTestServer();
  group = await createGroup(t);
  const primary = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: 'primary@example.com', name: 'Primary' } }, group.admin.token);
  primaryId = primary.data!.addMember.member.id;
});
afterAll(async () => t.close());

const domainOf = (length: number): string => {
  // Labels of at most 63 characters, as DNS has them, ending in .com.
  const labels: string[] = [];
  let left = length - 4;
  while (left > 0) {
    const size = Math.min(63, left - (left > 63 ? 1 : 0));
    labels.push('d'.repeat(size));
    left -= size + 1;
  }
  return `${labels.join('.')}.com`;
};

let counter = 0;
/** Unique per call: a local part of `local` characters at a domain that brings the address to `total` characters. */
function address(local: number, total = local + 12): string {
  counter += 1;
  const prefix = `${counter}x`;
  const localPart = `${prefix}${'a'.repeat(Math.max(0, local - prefix.length))}`;
  return `${localPart}@${domainOf(total - local - 1)}`;
}

const inputs: Record<string, { field: string; run: (email: string) => Promise<{ errors?: { extensions?: { code?: string; fields?: Record<string, string> } }[] }> }> = {
  addMember: { field: 'email', run: (email) => t.gql(ADD_MEMBER, { input: { groupId: group.id, email, name: 'Someone' } }, group.admin.token) },
  addSubMember: {
    field: 'email',
    run: (email) => t.gql('mutation($input: AddSubMemberInput!) { addSubMember(input: $input) { pendingApproval } }', { input: { primaryMemberId: primaryId, name: 'Kid', email } }, group.admin.token),
  },
  createSponsor: {
    field: 'contactEmail',
    run: (email) => t.gql('mutation($input: CreateSponsorInput!) { createSponsor(input: $input) { id } }', { input: { groupId: group.id, name: 'Acme', contactEmail: email } }, group.admin.token),
  },
};

it('builds the addresses it means', () => {
  expect(address(64, 254)).toHaveLength(254);
  expect(address(64, 254).split('@')[0]).toHaveLength(64);
  expect(address(300).split('@')[0]).toHaveLength(300);
});

it.each(Object.keys(inputs))('%s refuses a local part over 64 characters and an address over 254', async (name) => {
  const { field, run } = inputs[name];
  for (const email of [address(65), address(300), address(20, 255)]) {
    const response = await run(email);
    expect({ email, code: codeOf(response), fields: Object.keys(response.errors?.[0].extensions?.fields ?? {}) }).toEqual({ email, code: 'BAD_USER_INPUT', fields: [field] });
  }
});

it.each(Object.keys(inputs))('%s takes an address at the limits', async (name) => {
  // addSubMember: a primary has at most 3 sub-members, and this test adds one.
  const response = await inputs[name].run(address(64, 254));
  expect(response.errors).toBeUndefined();
});

it('answers a sign-in with an over-long e-mail as a wrong e-mail, not an internal error', async () => {
  const response = await t.gql('mutation($email: String!) { signIn(email: $email, password: "whatever-password") { accessToken } }', { email: address(400, 500) });
  expect(codeOf(response)).toBe('UNAUTHENTICATED');
});
