'use client';

import type { ApolloCache } from '@apollo/client';
import { useApolloClient, useSubscription } from '@apollo/client/react';
import {
  ApprovalsQuery,
  PendingApprovalCountQuery,
  ApprovalEventsSubscription,
  pendingApprovalsVariables,
  recentApprovalsVariables,
} from '@/graphql/approvals';
import type { ApprovalCardFragment } from '@/gql/graphql';

/** Puts a new request at the top of a cached list (if that list is in the cache at all). */
function prepend(cache: ApolloCache, variables: { groupId: string; status?: 'PENDING'; first: number }, approval: ApprovalCardFragment) {
  cache.updateQuery({ query: ApprovalsQuery, variables }, (data) => {
    if (!data || data.approvals.edges.some((edge) => edge.node.id === approval.id)) return data;
    const edge = { __typename: 'ApprovalEdge' as const, cursor: '', node: approval };
    return {
      approvals: { ...data.approvals, totalCount: data.approvals.totalCount + 1, edges: [edge, ...data.approvals.edges] },
    };
  });
}

/** Takes a decided request out of the cached pending list; its card moves to the history below. */
export function removeFromPending(cache: ApolloCache, groupId: string, approvalId: string) {
  cache.updateQuery({ query: ApprovalsQuery, variables: pendingApprovalsVariables(groupId) }, (data) => {
    if (!data || !data.approvals.edges.some((edge) => edge.node.id === approvalId)) return data;
    return {
      approvals: {
        ...data.approvals,
        totalCount: Math.max(0, data.approvals.totalCount - 1),
        edges: data.approvals.edges.filter((edge) => edge.node.id !== approvalId),
      },
    };
  });
}

/**
 * An admin's live feed of the group's requests (the API sends approvalEvents to admins only).
 * Applied straight to the cache, without a round trip: the badge takes the event's count,
 * a new request appears in the inbox, a decided one moves out of "waiting". The request itself
 * is normalised (ApprovalRequest:id), so its card updates wherever it is shown.
 */
export function useApprovalEvents(groupId: string): void {
  const client = useApolloClient();
  useSubscription(ApprovalEventsSubscription, {
    variables: { groupId },
    onData: ({ data: result }) => {
      const event = result.data?.approvalEvents;
      if (!event) return;
      const { cache } = client;
      cache.writeQuery({
        query: PendingApprovalCountQuery,
        variables: { groupId },
        data: { pendingApprovalCount: event.pendingCount },
      });
      if (event.type === 'QUEUED') {
        prepend(cache, pendingApprovalsVariables(groupId), event.approval);
        prepend(cache, recentApprovalsVariables(groupId), event.approval);
      } else {
        removeFromPending(cache, groupId, event.approval.id);
      }
    },
  });
}
