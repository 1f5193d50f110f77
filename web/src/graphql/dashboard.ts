import { graphql } from '@/gql';

/** The current calendar month (UTC, the API's default period) and the 12 months up to it. */
export const DashboardQuery = graphql(`
  query Dashboard($groupId: ID!) {
    dashboard(groupId: $groupId) {
      groupId
      currency
      from
      to
      members {
        total
        active
      }
      income {
        amount
        currency
      }
      expenses {
        amount
        currency
      }
      balance {
        amount
        currency
      }
      pendingApprovals
      monthly {
        month
        income {
          amount
          currency
        }
        expenses {
          amount
          currency
        }
      }
      recentActivity {
        id
        action
        entityType
        entityId
        createdAt
        actor {
          kind
          name
        }
      }
      recentAudit {
        id
        action
        entityType
        entityId
        createdAt
        actor {
          kind
          name
        }
      }
    }
  }
`);

export function dashboardVariables(groupId: string) {
  return { groupId };
}
