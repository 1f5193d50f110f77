'use client';

import { useQuery } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import type { GroupQuery as GroupQueryData, MembersQuery as MembersQueryData } from '@/gql/graphql';
import { useLocale } from '@/lib/locale';
import { useSeed } from '@/lib/seed';
import { formatDate } from '@/lib/format';
import { MembersSection } from './members-section';

interface Props {
  groupId: string;
  initialGroup: GroupQueryData | undefined;
  initialMembers: MembersQueryData | undefined;
}

/** The group's members tab; the title, tabs and "not found" live in GroupShell (the layout). */
export function GroupPage({ groupId, initialGroup, initialMembers }: Props) {
  const locale = useLocale();
  const variables = { id: groupId };
  const seeded = useSeed(GroupQuery, variables, initialGroup);
  const { data, refetch } = useQuery(GroupQuery, {
    variables,
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
  });
  const group = data?.group;

  return (
    <>
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
