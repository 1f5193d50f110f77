import { graphql } from '@/gql';

export const MemberRowFragment = graphql(`
  fragment MemberRow on Member {
    id
    name
    email
    phone
    nickname
    role
    memberNumber
    status
    viewerCanEdit
    primaryMember {
      id
      name
    }
    customAmount {
      amount
      currency
    }
  }
`);

export const MembersQuery = graphql(`
  query Members($groupId: ID!, $status: MemberStatus, $search: String, $first: Int, $after: String) {
    members(groupId: $groupId, status: $status, search: $search, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...MemberRow
        }
      }
    }
  }
`);

export const MemberChangedSubscription = graphql(`
  subscription MemberChanged($groupId: ID!) {
    memberChanged(groupId: $groupId) {
      groupId
      action
      member {
        ...MemberRow
      }
    }
  }
`);

export const AddMemberMutation = graphql(`
  mutation AddMember($input: AddMemberInput!) {
    addMember(input: $input) {
      member {
        ...MemberRow
      }
      pendingApproval
      approval {
        id
        status
      }
    }
  }
`);

export const UpdateMemberMutation = graphql(`
  mutation UpdateMember($id: ID!, $input: UpdateMemberInput!) {
    updateMember(id: $id, input: $input) {
      member {
        ...MemberRow
      }
      pendingApproval
      approval {
        id
        status
      }
    }
  }
`);

export const RemoveMemberMutation = graphql(`
  mutation RemoveMember($id: ID!) {
    removeMember(id: $id) {
      member {
        ...MemberRow
      }
      pendingApproval
      approval {
        id
        status
      }
    }
  }
`);

export const MEMBERS_PAGE_SIZE = 25;

/** What the members table asks for first; the server prefetches exactly this. */
export function initialMembersVariables(groupId: string) {
  return { groupId, status: 'ACTIVE' as const, first: MEMBERS_PAGE_SIZE };
}

/** A name for an id inside an approval's data; answered from the cache when the member is there. */
export const MemberNameQuery = graphql(`
  query MemberName($id: ID!) {
    member(id: $id) {
      id
      name
      memberNumber
    }
  }
`);
