/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      id\n      mustChangePassword\n    }\n  }\n": typeof types.ChangePasswordDocument,
    "\n  query Groups($first: Int) {\n    groups(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          currency\n          status\n          viewerRole\n          memberCount\n          unpaidCount\n          nextBillingDate\n        }\n      }\n    }\n  }\n": typeof types.GroupsDocument,
    "\n  query Group($id: ID!) {\n    group(id: $id) {\n      id\n      name\n      kind\n      service\n      currency\n      status\n      memberNumberPrefix\n      viewerRole\n      memberCount\n      unpaidCount\n      nextBillingDate\n    }\n  }\n": typeof types.GroupDocument,
    "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateGroupDocument,
    "\n  fragment MemberRow on Member {\n    id\n    name\n    email\n    phone\n    nickname\n    role\n    memberNumber\n    status\n    viewerCanEdit\n    primaryMember {\n      id\n      name\n    }\n    customAmount {\n      amount\n      currency\n    }\n  }\n": typeof types.MemberRowFragmentDoc,
    "\n  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {\n    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberRow\n        }\n      }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  subscription MemberChanged($groupId: ID!) {\n    memberChanged(groupId: $groupId) {\n      groupId\n      action\n      member {\n        ...MemberRow\n      }\n    }\n  }\n": typeof types.MemberChangedDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.UpdateMemberDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": typeof types.RemoveMemberDocument,
    "\n  mutation SignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      accessToken\n      expiresAt\n      user {\n        id\n        email\n        name\n        mustChangePassword\n      }\n    }\n  }\n": typeof types.SignInDocument,
};
const documents: Documents = {
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      id\n      mustChangePassword\n    }\n  }\n": types.ChangePasswordDocument,
    "\n  query Groups($first: Int) {\n    groups(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          currency\n          status\n          viewerRole\n          memberCount\n          unpaidCount\n          nextBillingDate\n        }\n      }\n    }\n  }\n": types.GroupsDocument,
    "\n  query Group($id: ID!) {\n    group(id: $id) {\n      id\n      name\n      kind\n      service\n      currency\n      status\n      memberNumberPrefix\n      viewerRole\n      memberCount\n      unpaidCount\n      nextBillingDate\n    }\n  }\n": types.GroupDocument,
    "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateGroupDocument,
    "\n  fragment MemberRow on Member {\n    id\n    name\n    email\n    phone\n    nickname\n    role\n    memberNumber\n    status\n    viewerCanEdit\n    primaryMember {\n      id\n      name\n    }\n    customAmount {\n      amount\n      currency\n    }\n  }\n": types.MemberRowFragmentDoc,
    "\n  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {\n    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberRow\n        }\n      }\n    }\n  }\n": types.MembersDocument,
    "\n  subscription MemberChanged($groupId: ID!) {\n    memberChanged(groupId: $groupId) {\n      groupId\n      action\n      member {\n        ...MemberRow\n      }\n    }\n  }\n": types.MemberChangedDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.AddMemberDocument,
    "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.UpdateMemberDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n": types.RemoveMemberDocument,
    "\n  mutation SignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      accessToken\n      expiresAt\n      user {\n        id\n        email\n        name\n        mustChangePassword\n      }\n    }\n  }\n": types.SignInDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      id\n      mustChangePassword\n    }\n  }\n"): (typeof documents)["\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n      id\n      mustChangePassword\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Groups($first: Int) {\n    groups(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          currency\n          status\n          viewerRole\n          memberCount\n          unpaidCount\n          nextBillingDate\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Groups($first: Int) {\n    groups(first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          kind\n          currency\n          status\n          viewerRole\n          memberCount\n          unpaidCount\n          nextBillingDate\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Group($id: ID!) {\n    group(id: $id) {\n      id\n      name\n      kind\n      service\n      currency\n      status\n      memberNumberPrefix\n      viewerRole\n      memberCount\n      unpaidCount\n      nextBillingDate\n    }\n  }\n"): (typeof documents)["\n  query Group($id: ID!) {\n    group(id: $id) {\n      id\n      name\n      kind\n      service\n      currency\n      status\n      memberNumberPrefix\n      viewerRole\n      memberCount\n      unpaidCount\n      nextBillingDate\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateGroup($input: CreateGroupInput!) {\n    createGroup(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberRow on Member {\n    id\n    name\n    email\n    phone\n    nickname\n    role\n    memberNumber\n    status\n    viewerCanEdit\n    primaryMember {\n      id\n      name\n    }\n    customAmount {\n      amount\n      currency\n    }\n  }\n"): (typeof documents)["\n  fragment MemberRow on Member {\n    id\n    name\n    email\n    phone\n    nickname\n    role\n    memberNumber\n    status\n    viewerCanEdit\n    primaryMember {\n      id\n      name\n    }\n    customAmount {\n      amount\n      currency\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {\n    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {\n    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...MemberRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MemberChanged($groupId: ID!) {\n    memberChanged(groupId: $groupId) {\n      groupId\n      action\n      member {\n        ...MemberRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription MemberChanged($groupId: ID!) {\n    memberChanged(groupId: $groupId) {\n      groupId\n      action\n      member {\n        ...MemberRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {\n    updateMember(id: $id, input: $input) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id) {\n      member {\n        ...MemberRow\n      }\n      pendingApproval\n      approval {\n        id\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      accessToken\n      expiresAt\n      user {\n        id\n        email\n        name\n        mustChangePassword\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($email: String!, $password: String!) {\n    signIn(email: $email, password: $password) {\n      accessToken\n      expiresAt\n      user {\n        id\n        email\n        name\n        mustChangePassword\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;