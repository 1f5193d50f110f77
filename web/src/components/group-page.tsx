'use client';

import Link from 'next/link';
import { useEffect } from 'react';
import { useQuery } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import type { GroupQuery as GroupQueryData, MembersQuery as MembersQueryData } from '@/gql/graphql';
import { useLocale } from '@/lib/locale';
import { useSeed } from '@/lib/seed';
import { errorCode, errorMessage } from '@/lib/graphql-errors';
import { formatDate, formatKind, formatRole } from '@/lib/format';
import { MembersSection } from './members-section';

interface Props {
  groupId: string;
  initialGroup: GroupQueryData | undefined;
  initialMembers: MembersQueryData | undefined;
}

export function GroupPage({ groupId, initialGroup, initialMembers }: Props) {
  const locale = useLocale();
  const variables = { id: groupId };
  const seeded = useSeed(GroupQuery, variables, initialGroup);
  const { data, error, refetch } = useQuery(GroupQuery, {
    variables,
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
  });
  const group = data?.group;

  useEffect(() => {
    if (group) document.title = `${group.name} · Coffer`;
  }, [group]);

  if (error && !group) {
    const code = errorCode(error);
    return (
      <div className="notice notice--error" role="alert">
        <p>
          {code === 'NOT_FOUND' || code === 'FORBIDDEN'
            ? 'This group does not exist or you are not a member of it.'
            : errorMessage(error)}
        </p>
        <p>
          <Link href="/">Back to your groups</Link>
          {code !== 'NOT_FOUND' && code !== 'FORBIDDEN' ? (
            <>
              {' · '}
              <button type="button" className="button button--link" onClick={() => void refetch()}>
                Try again
              </button>
            </>
          ) : null}
        </p>
      </div>
    );
  }

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Groups</Link> <span aria-hidden="true">›</span>
      </nav>
      <div className="page-title">
        <h1>{group ? group.name : 'Loading…'}</h1>
        {group ? (
          <span className="muted">
            {formatKind(group.kind)} · {group.currency} · you are {formatRole(group.viewerRole).toLowerCase()}
          </span>
        ) : null}
      </div>
      {group ? (
        <dl className="stats">
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
      ) : null}
      <MembersSection
        groupId={groupId}
        initialMembers={initialMembers}
        currency={group?.currency ?? null}
        canAdd={group?.viewerRole === 'ADMIN' || group?.viewerRole === 'OPERATOR'}
        onMembershipChanged={() => void refetch()}
      />
    </>
  );
}
