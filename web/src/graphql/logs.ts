import { graphql } from '@/gql';

export const AuditLogQuery = graphql(`
  query AuditLog($groupId: ID!, $first: Int, $after: String) {
    auditLog(groupId: $groupId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          action
          entityType
          entityId
          createdAt
          previousData
          newData
          actor {
            kind
            name
          }
        }
      }
    }
  }
`);

export const ActivityLogQuery = graphql(`
  query ActivityLog($groupId: ID!, $first: Int, $after: String) {
    activityLog(groupId: $groupId, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          action
          entityType
          entityId
          createdAt
          before
          after
          actor {
            kind
            name
          }
        }
      }
    }
  }
`);

export const LOG_PAGE_SIZE = 25;

export function initialLogVariables(groupId: string) {
  return { groupId, first: LOG_PAGE_SIZE };
}
