'use client';

import Link from 'next/link';
import { useQuery } from '@apollo/client/react';
import { GROUPS_PAGE_SIZE, GroupsQuery } from '@/graphql/groups';
import type { GroupsQuery as GroupsQueryData } from '@/gql/graphql';
import { useLocale } from '@/lib/locale';
import { useSeed } from '@/lib/seed';
import { LoadError } from './load-error';
import { formatDate, formatKind, formatRole } from '@/lib/format';
import { NewGroupForm } from './new-group-form';

const VARIABLES = { first: GROUPS_PAGE_SIZE };

export function GroupsPage({ initial }: { initial: GroupsQueryData | undefined }) {
  const locale = useLocale();
  const seeded = useSeed(GroupsQuery, VARIABLES, initial);
  const { data, loading, error, refetch } = useQuery(GroupsQuery, {
    variables: VARIABLES,
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
  });
  const groups = data?.groups.edges.map((edge) => edge.node) ?? [];

  return (
    <>
      <div className="page-title">
        <h1>Your groups</h1>
        {data ? <span className="muted">{data.groups.totalCount} in total</span> : null}
      </div>

      {error && !data ? <LoadError error={error} onRetry={() => void refetch()} /> : null}

      {loading && !data ? <p className="muted" role="status">Loading groups…</p> : null}

      {data && groups.length === 0 ? (
        <p className="notice">You are not in any group yet. Create one below, or ask a treasurer to add you.</p>
      ) : null}

      {groups.length > 0 ? (
        <ul className="group-list">
          {groups.map((group) => (
            <li key={group.id}>
              <Link href={`/groups/${encodeURIComponent(group.id)}`} className="group-card">
                <span className="group-card__name">{group.name}</span>
                <span className="group-card__meta">
                  {formatKind(group.kind)} · {group.currency}
                  {group.status === 'DEACTIVATED' ? ' · Deactivated' : ''}
                </span>
                <dl className="group-card__stats">
                  <div>
                    <dt>My role</dt>
                    <dd>{formatRole(group.viewerRole)}</dd>
                  </div>
                  <div>
                    <dt>Members</dt>
                    <dd>{group.memberCount}</dd>
                  </div>
                  <div>
                    <dt>Unpaid</dt>
                    <dd className={group.unpaidCount > 0 ? 'text-warn' : undefined}>{group.unpaidCount}</dd>
                  </div>
                  <div>
                    <dt>Next billing</dt>
                    <dd>{formatDate(group.nextBillingDate, locale)}</dd>
                  </div>
                </dl>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}

      <NewGroupForm />
    </>
  );
}
