import { graphql } from '@/gql';

export const ApprovalCardFragment = graphql(`
  fragment ApprovalCard on ApprovalRequest {
    id
    entityType
    action
    status
    targetId
    proposedData
    previousData
    notes
    createdAt
    decidedAt
    decisionNotes
    requestedBy {
      kind
      id
      name
    }
    decidedBy {
      kind
      name
    }
    viewerCanApprove
    viewerCanReject
    viewerCanCancel
  }
`);

export const ApprovalsQuery = graphql(`
  query Approvals($groupId: ID!, $status: ApprovalRequestStatus, $first: Int, $after: String) {
    approvals(groupId: $groupId, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...ApprovalCard
        }
      }
    }
  }
`);

export const PendingApprovalCountQuery = graphql(`
  query PendingApprovalCount($groupId: ID!) {
    pendingApprovalCount(groupId: $groupId)
  }
`);

export const ApprovalEventsSubscription = graphql(`
  subscription ApprovalEvents($groupId: ID!) {
    approvalEvents(groupId: $groupId) {
      type
      pendingCount
      approval {
        ...ApprovalCard
      }
    }
  }
`);

export const ApproveMutation = graphql(`
  mutation Approve($id: ID!, $notes: String) {
    approve(id: $id, notes: $notes) {
      ...ApprovalCard
    }
  }
`);

export const RejectMutation = graphql(`
  mutation Reject($id: ID!, $notes: String) {
    reject(id: $id, notes: $notes) {
      ...ApprovalCard
    }
  }
`);

export const CancelApprovalMutation = graphql(`
  mutation CancelApproval($id: ID!) {
    cancelApproval(id: $id) {
      ...ApprovalCard
    }
  }
`);

export const APPROVALS_PAGE_SIZE = 20;

/** The inbox's first list: every pending request (an admin's) or the viewer's own (an operator's). */
export function pendingApprovalsVariables(groupId: string) {
  return { groupId, status: 'PENDING' as const, first: APPROVALS_PAGE_SIZE };
}

/** The history list below it: all statuses, newest first; pending ones are shown above instead. */
export function recentApprovalsVariables(groupId: string) {
  return { groupId, first: APPROVALS_PAGE_SIZE };
}
