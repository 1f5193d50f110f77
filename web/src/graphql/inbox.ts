import { graphql } from '@/gql';

export const InboxRowFragment = graphql(`
  fragment InboxRow on InAppNotification {
    id
    title
    body
    link
    readAt
    createdAt
  }
`);

export const MyNotificationsQuery = graphql(`
  query MyNotifications($unreadOnly: Boolean, $first: Int, $after: String) {
    myNotifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...InboxRow
        }
      }
    }
    unreadNotificationCount
  }
`);

export const MarkNotificationReadMutation = graphql(`
  mutation MarkNotificationRead($id: ID!) {
    markNotificationRead(id: $id) {
      ...InboxRow
    }
  }
`);

export const MyNotificationsSubscription = graphql(`
  subscription MyNotificationsLive {
    myNotifications {
      ...InboxRow
    }
  }
`);
