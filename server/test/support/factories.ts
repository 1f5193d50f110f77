import { randomBytes } from 'node:crypto';
import { User } from '../../src/modules/auth/user.entity';
import { hashPassword } from '../../src/shared/crypto';
import type { TestServer } from './test-server';

/*
 * Factories go through the public API (GraphQL over HTTP), like a user would,
 * except for creating a user, which has no public mutation: it writes the row
 * with the real password hashing.
 */

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

export const uniqueEmail = (label = 'user'): string => `${label}-${randomBytes(4).toString('hex')}@example.com`;

export async function createUser(t: TestServer, overrides: { email?: string; name?: string; password?: string; mustChangePassword?: boolean } = {}): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? `pw-${randomBytes(6).toString('hex')}`;
  const em = t.server.orm.em.fork();
  const user = em.create(User, {
    email: email.toLowerCase(),
    name: overrides.name ?? 'Test User',
    passwordHash: await hashPassword(password),
    mustChangePassword: overrides.mustChangePassword ?? false,
  });
  await em.persistAndFlush(user);
  return { id: user.id, email: user.email, password, token: await signInToken(t, user.email, password) };
}

export async function signInToken(t: TestServer, email: string, password: string): Promise<string> {
  const response = await t.gql<{ signIn: { accessToken: string } }>(
    'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { accessToken } }',
    { email, password },
  );
  if (!response.data?.signIn) throw new Error(`sign-in failed: ${JSON.stringify(response.errors)}`);
  return response.data.signIn.accessToken;
}

export interface TestGroup {
  id: string;
  admin: TestUser;
}

export async function createGroup(t: TestServer, admin?: TestUser, overrides: Record<string, unknown> = {}): Promise<TestGroup> {
  const owner = admin ?? (await createUser(t, { name: 'Group Admin' }));
  const response = await t.gql<{ createGroup: { id: string } }>(
    'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
    { input: { name: 'Test Club', kind: 'CLUB', currency: 'INR', memberNumberPrefix: 'TC', ...overrides } },
    owner.token,
  );
  if (!response.data?.createGroup) throw new Error(`createGroup failed: ${JSON.stringify(response.errors)}`);
  return { id: response.data.createGroup.id, admin: owner };
}

export const ADD_MEMBER = `mutation($input: AddMemberInput!) {
  addMember(input: $input) { pendingApproval approval { id } member { id name email memberNumber role status } }
}`;

/** Adds an existing user to a group with a role and returns the membership id. */
export async function addUserToGroup(t: TestServer, group: TestGroup, user: TestUser, role: 'ADMIN' | 'OPERATOR' | 'MEMBER'): Promise<string> {
  const response = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: user.email, name: 'Someone', role } }, group.admin.token);
  if (!response.data?.addMember.member) throw new Error(`addMember failed: ${JSON.stringify(response.errors)}`);
  return response.data.addMember.member.id;
}

export async function createApiKey(t: TestServer, group: TestGroup, role: 'ADMIN' | 'OPERATOR' | 'MEMBER'): Promise<string> {
  const response = await t.gql<{ createApiKey: { secret: string } }>(
    'mutation($groupId: ID!, $role: Role!) { createApiKey(groupId: $groupId, name: "test key", role: $role) { secret } }',
    { groupId: group.id, role },
    group.admin.token,
  );
  if (!response.data?.createApiKey) throw new Error(`createApiKey failed: ${JSON.stringify(response.errors)}`);
  return response.data.createApiKey.secret;
}

export function codeOf(response: { errors?: { extensions?: { code?: string } }[] }): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}
