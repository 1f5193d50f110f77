'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { NetworkStatus } from '@apollo/client';
import { useQuery, useSubscription } from '@apollo/client/react';
import {
  initialMembersVariables,
  MEMBERS_PAGE_SIZE,
  MemberChangedSubscription,
  MembersQuery,
} from '@/graphql/members';
import type { MembersQuery as MembersQueryData, MemberStatus } from '@/gql/graphql';
import { useSeed } from '@/lib/seed';
import { LoadError } from './load-error';
import { useDebounced } from '@/lib/use-debounced';
import { AddMemberForm } from './add-member-form';
import { MemberRow } from './member-row';

type StatusFilter = MemberStatus | 'ALL';

const STATUS_OPTIONS: ReadonlyArray<{ value: StatusFilter; label: string }> = [
  { value: 'ACTIVE', label: 'Active' },
  { value: 'REMOVED', label: 'Removed' },
  { value: 'ALL', label: 'All' },
];

interface Props {
  groupId: string;
  initialMembers: MembersQueryData | undefined;
  currency: string | null;
  canAdd: boolean;
  onMembershipChanged: () => void;
}

export function MembersSection({ groupId, initialMembers, currency, canAdd, onMembershipChanged }: Props) {
  const seeded = useSeed(MembersQuery, initialMembersVariables(groupId), initialMembers);
  const [searchInput, setSearchInput] = useState('');
  const search = useDebounced(searchInput.trim(), 300);
  const [status, setStatus] = useState<StatusFilter>('ACTIVE');

  const { data, previousData, loading, error, fetchMore, refetch, networkStatus } = useQuery(MembersQuery, {
    variables: {
      groupId,
      status: status === 'ALL' ? undefined : status,
      search: search || undefined,
      first: MEMBERS_PAGE_SIZE,
    },
    // Live updates come over the subscription, so a seeded or cached page needs no refetch.
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  // Keep the old rows on screen while a new search loads instead of flashing an empty table.
  const connection = (data ?? previousData)?.members;
  const edges = connection?.edges ?? [];
  const loadedCount = useRef(0);
  loadedCount.current = edges.length;

  // Bursts of changes (an import, our own add plus its echo) collapse into one refetch that
  // keeps every page already loaded.
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scheduleRefetch = useCallback(() => {
    if (refetchTimer.current) clearTimeout(refetchTimer.current);
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void refetch({ first: Math.max(MEMBERS_PAGE_SIZE, loadedCount.current), after: undefined });
    }, 250);
  }, [refetch]);
  useEffect(
    () => () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
    },
    [],
  );

  useSubscription(MemberChangedSubscription, {
    variables: { groupId },
    onData: ({ data: event }) => {
      const action = event.data?.memberChanged.action;
      if (!action) return;
      scheduleRefetch();
      if (action !== 'UPDATED') onMembershipChanged();
    },
  });

  const onAdded = useCallback(() => {
    scheduleRefetch();
    onMembershipChanged();
  }, [scheduleRefetch, onMembershipChanged]);

  const showActions = edges.some((edge) => edge.node.viewerCanEdit);
  const loadingMore = networkStatus === NetworkStatus.fetchMore;
  const searching = loading && !loadingMore && Boolean(previousData) && !data;

  return (
    <section className="members" aria-labelledby="members-heading">
      <div className="section-title">
        <h2 id="members-heading">Members</h2>
        {connection ? (
          <span className="muted" aria-live="polite">
            {connection.totalCount} {connection.totalCount === 1 ? 'member' : 'members'}
            {search ? ` matching “${search}”` : ''}
          </span>
        ) : null}
      </div>

      {canAdd ? <AddMemberForm groupId={groupId} currency={currency} onAdded={onAdded} /> : null}

      <div className="toolbar" role="search">
        <div className="field field--inline">
          <label htmlFor="member-search">Search members</label>
          <input
            id="member-search"
            type="search"
            placeholder="Name, e-mail or number"
            value={searchInput}
            onChange={(event) => setSearchInput(event.target.value)}
            autoComplete="off"
          />
        </div>
        <div className="field field--inline">
          <label htmlFor="member-status">Status</label>
          <select
            id="member-status"
            value={status}
            onChange={(event) => {
              const next = STATUS_OPTIONS.find((option) => option.value === event.target.value);
              if (next) setStatus(next.value);
            }}
          >
            {STATUS_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>

      {error && !connection ? <LoadError error={error} onRetry={() => void refetch()} /> : null}

      {!connection && loading ? (
        <p className="muted" role="status">
          Loading members…
        </p>
      ) : null}

      {connection ? (
        <div className={searching ? 'table-wrap table-wrap--stale' : 'table-wrap'} aria-busy={loading}>
          <table className="table" role="table">
            <caption className="visually-hidden">Members</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">Member</th>
                <th scope="col" role="columnheader">Number</th>
                <th scope="col" role="columnheader" className="hide-narrow">
                  Phone
                </th>
                <th scope="col" role="columnheader">Role</th>
                <th scope="col" role="columnheader" className="hide-narrow">
                  Amount
                </th>
                <th scope="col" role="columnheader">Status</th>
                {showActions ? (
                  <th scope="col" role="columnheader">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody role="rowgroup">
              {edges.map((edge) => (
                <MemberRow
                  key={edge.node.id}
                  member={edge.node}
                  currency={currency}
                  showActions={showActions}
                  onChanged={onAdded}
                />
              ))}
              {edges.length === 0 ? (
                <tr role="row">
                  <td role="cell" colSpan={showActions ? 7 : 6} className="table__empty">
                    {search ? 'No member matches your search.' : 'No members yet.'}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}

      {connection?.pageInfo.hasNextPage ? (
        <div className="load-more">
          <button
            type="button"
            className="button"
            disabled={loadingMore}
            onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}
          >
            {loadingMore ? 'Loading…' : `Load more (${edges.length} of ${connection.totalCount} shown)`}
          </button>
        </div>
      ) : null}
    </section>
  );
}
