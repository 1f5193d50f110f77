'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { NetworkStatus } from '@apollo/client';
import { useApolloClient, useQuery, useSubscription } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import { MemberChangedSubscription } from '@/graphql/members';
import { TransactionEventsSubscription } from '@/graphql/transactions';
import {
  ApprovalsQuery,
  APPROVALS_PAGE_SIZE,
  PendingApprovalCountQuery,
  pendingApprovalsVariables,
  recentApprovalsVariables,
} from '@/graphql/approvals';
import type { ApprovalsQuery as ApprovalsData } from '@/gql/graphql';
import { LoadError } from './load-error';
import { useSeed } from '@/lib/seed';
import { ApprovalCard, type DecisionNotice } from './approval-card';

interface Props {
  groupId: string;
  initialPending: ApprovalsData | undefined;
  initialRecent: ApprovalsData | undefined;
}

/**
 * Operators get no approvalEvents (the API keeps them for admins); what happens to their
 * requests shows up as transaction and member changes, so those re-read the lists.
 */
function useOperatorRefresh(groupId: string, active: boolean, refresh: () => void) {
  useSubscription(TransactionEventsSubscription, { variables: { groupId }, skip: !active, onData: refresh });
  useSubscription(MemberChangedSubscription, { variables: { groupId }, skip: !active, onData: refresh });
}

function LoadMore({
  connection,
  shown,
  loading,
  onMore,
}: {
  connection: ApprovalsData['approvals'] | undefined;
  shown: number;
  loading: boolean;
  onMore: (after: string | null) => void;
}) {
  if (!connection?.pageInfo.hasNextPage) return null;
  return (
    <div className="load-more">
      <button type="button" className="button" disabled={loading} onClick={() => onMore(connection.pageInfo.endCursor)}>
        {loading ? 'Loading…' : `Load more (${shown} shown)`}
      </button>
    </div>
  );
}

export function ApprovalsPage({ groupId, initialPending, initialRecent }: Props) {
  const pendingVariables = pendingApprovalsVariables(groupId);
  const recentVariables = recentApprovalsVariables(groupId);
  const pendingSeeded = useSeed(ApprovalsQuery, pendingVariables, initialPending);
  const recentSeeded = useSeed(ApprovalsQuery, recentVariables, initialRecent);
  const [notice, setNotice] = useState<DecisionNotice | null>(null);

  const { data: groupData } = useQuery(GroupQuery, { variables: { id: groupId }, fetchPolicy: 'cache-first' });
  const role = groupData?.group.viewerRole;
  const currency = groupData?.group.currency ?? null;
  const isAdmin = role === 'ADMIN';

  const pending = useQuery(ApprovalsQuery, {
    variables: pendingVariables,
    fetchPolicy: pendingSeeded ? 'cache-first' : 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const recent = useQuery(ApprovalsQuery, {
    variables: recentVariables,
    fetchPolicy: recentSeeded ? 'cache-first' : 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });

  const client = useApolloClient();
  const refetchPending = pending.refetch;
  const refetchRecent = recent.refetch;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void refetchPending().catch(() => undefined);
      void refetchRecent().catch(() => undefined);
      // The badge follows approvalEvents; after a lost race it is re-read as well.
      if (isAdmin) void client.refetchQueries({ include: [PendingApprovalCountQuery] }).catch(() => undefined);
    }, 250);
  }, [refetchPending, refetchRecent, isAdmin, client]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useOperatorRefresh(groupId, role === 'OPERATOR', refresh);

  const onDecided = useCallback(
    (next: DecisionNotice) => {
      setNotice(next);
      refresh();
    },
    [refresh],
  );

  const pendingConnection = pending.data?.approvals;
  const pendingEdges = pendingConnection?.edges ?? [];
  const recentConnection = recent.data?.approvals;
  // Requests still waiting are listed above; the history shows how the others ended.
  const decidedEdges = (recentConnection?.edges ?? []).filter((edge) => edge.node.status !== 'PENDING');
  const error = pending.error ?? recent.error;

  const renderList = (edges: typeof pendingEdges, label: string) =>
    edges.length > 0 ? (
      <ul className="approval-list" aria-label={label}>
        {edges.map((edge) => (
          <ApprovalCard key={edge.node.id} groupId={groupId} currency={currency} approval={edge.node} onDecided={onDecided} />
        ))}
      </ul>
    ) : null;

  return (
    <section aria-labelledby="approvals-heading">
      <div className="section-title">
        <h2 id="approvals-heading">{isAdmin ? 'Approvals' : 'Your requests'}</h2>
        <span className="muted">
          {isAdmin
            ? 'Changes by operators, and any over the group’s limit, wait here for an admin other than the person who asked.'
            : 'Changes you made that wait for an admin. You can cancel them while they wait.'}
        </span>
      </div>

      {notice ? (
        <p className={notice.tone === 'ok' ? 'notice notice--ok' : 'notice notice--error'} role="status">
          {notice.text}{' '}
          <button type="button" className="button button--link" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      ) : null}

      {error && !pendingConnection ? <LoadError error={error} onRetry={refresh} /> : null}

      <section className="approvals-section" aria-labelledby="pending-heading">
        <div className="section-title">
          <h3 id="pending-heading">Waiting for a decision</h3>
          {pendingConnection ? (
            <span className="muted" aria-live="polite" data-testid="pending-total">
              {pendingConnection.totalCount} {pendingConnection.totalCount === 1 ? 'request' : 'requests'}
            </span>
          ) : null}
        </div>
        {!pendingConnection && pending.loading ? (
          <p className="muted" role="status">
            Loading requests…
          </p>
        ) : null}
        {pendingConnection && pendingEdges.length === 0 ? (
          <p className="notice">{isAdmin ? 'Nothing is waiting for a decision.' : 'None of your requests is waiting.'}</p>
        ) : null}
        {renderList(pendingEdges, 'Waiting for a decision')}
        <LoadMore
          connection={pendingConnection}
          shown={pendingEdges.length}
          loading={pending.networkStatus === NetworkStatus.fetchMore}
          onMore={(after) => void pending.fetchMore({ variables: { after, first: APPROVALS_PAGE_SIZE } })}
        />
      </section>

      <section className="approvals-section" aria-labelledby="decided-heading">
        <div className="section-title">
          <h3 id="decided-heading">Decided</h3>
        </div>
        {recentConnection && decidedEdges.length === 0 ? <p className="muted">No decided requests yet.</p> : null}
        {renderList(decidedEdges, 'Decided')}
        <LoadMore
          connection={recentConnection}
          shown={decidedEdges.length}
          loading={recent.networkStatus === NetworkStatus.fetchMore}
          onMore={(after) => void recent.fetchMore({ variables: { after, first: APPROVALS_PAGE_SIZE } })}
        />
      </section>
    </section>
  );
}
