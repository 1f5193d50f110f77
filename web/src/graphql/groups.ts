import { graphql } from '@/gql';

/** Shared by the header's group switcher and the groups page: one request serves both. */
export const GroupsQuery = graphql(`
  query Groups($first: Int) {
    groups(first: $first) {
      totalCount
      edges {
        node {
          id
          name
          kind
          currency
          status
          viewerRole
          memberCount
          unpaidCount
          nextBillingDate
        }
      }
    }
  }
`);

export const GroupQuery = graphql(`
  query Group($id: ID!) {
    group(id: $id) {
      id
      name
      kind
      service
      currency
      status
      memberNumberPrefix
      viewerRole
      memberCount
      unpaidCount
      nextBillingDate
    }
  }
`);

export const CreateGroupMutation = graphql(`
  mutation CreateGroup($input: CreateGroupInput!) {
    createGroup(input: $input) {
      id
      name
    }
  }
`);

/** How many groups the switcher and the groups page load; a treasurer rarely has more. */
export const GROUPS_PAGE_SIZE = 100;
