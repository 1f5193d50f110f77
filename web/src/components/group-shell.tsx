'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useRef, type ReactNode } from 'react';
import { useQuery } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import { PendingApprovalCountQuery } from '@/graphql/approvals';
import type { GroupQuery as GroupQueryData, PendingApprovalCountQuery as PendingCountData, Role } from '@/gql/graphql';
import { useSeed } from '@/lib/seed';
import { errorCode, errorMessage } from '@/lib/graphql-errors';
import { formatKind, formatRole } from '@/lib/format';
import { useApprovalEvents } from './approval-events';

interface Props {
  groupId: string;
  initialGroup: GroupQueryData | undefined;
  initialPendingCount: PendingCountData | undefined;
  children: ReactNode;
}

interface Tab {
  href: string;
  label: string;
  /** Shown instead of the label's tail on a phone, so the tabs fit across. */
  short?: string;
  roles: readonly Role[];
}

const STAFF: readonly Role[] = ['ADMIN', 'OPERATOR'];

function tabsFor(groupId: string): Tab[] {
  const base = `/groups/${encodeURIComponent(groupId)}`;
  // Staff land on the figures first; Members stays one tab along (and is members' only page).
  return [
    { href: `${base}/dashboard`, label: 'Dashboard', roles: STAFF },
    { href: base, label: 'Members', roles: ['ADMIN', 'OPERATOR', 'MEMBER'] },
    { href: `${base}/dues`, label: 'Dues', roles: ['ADMIN', 'OPERATOR', 'MEMBER'] },
    { href: `${base}/transactions`, label: 'Transactions', roles: STAFF },
    { href: `${base}/remittances`, label: 'Remittances', roles: STAFF },
    { href: `${base}/approvals`, label: 'Approvals', roles: STAFF },
    { href: `${base}/sponsors`, label: 'Sponsors', roles: STAFF },
    { href: `${base}/activity`, label: 'Audit & activity', short: 'Audit', roles: STAFF },
    { href: `${base}/settings`, label: 'Settings', roles: ['ADMIN'] },
    { href: `${base}/settings/webhooks`, label: 'Webhooks', roles: ['ADMIN'] },
    { href: `${base}/notifications`, label: 'Notifications', roles: ['ADMIN'] },
    { href: `${base}/api-keys`, label: 'API keys', short: 'API', roles: ['ADMIN'] },
  ];
}

/** Admins' live count of requests waiting for them: seeded by the server, kept current by approvalEvents. */
function PendingBadge({ groupId, initial }: { groupId: string; initial: PendingCountData | undefined }) {
  const variables = { groupId };
  const seeded = useSeed(PendingApprovalCountQuery, variables, initial);
  const { data } = useQuery(PendingApprovalCountQuery, {
    variables,
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
  });
  useApprovalEvents(groupId);
  const count = data?.pendingApprovalCount ?? 0;
  return (
    <span className={count > 0 ? 'tab-badge tab-badge--alert' : 'tab-badge'} data-testid="pending-badge">
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">{`, ${count} pending`}</span>
    </span>
  );
}

export function GroupShell({ groupId, initialGroup, initialPendingCount, children }: Props) {
  const pathname = usePathname();
  const variables = { id: groupId };
  const seeded = useSeed(GroupQuery, variables, initialGroup);
  const { data, error, refetch } = useQuery(GroupQuery, {
    variables,
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
  });
  const group = data?.group;
  const role = group?.viewerRole ?? null;
  const tabs = tabsFor(groupId).filter((tab) => role !== null && tab.roles.includes(role));
  const current = tabs.find((tab) => tab.href === pathname);
  const currentLink = useRef<HTMLAnchorElement>(null);

  // On a narrow phone the strip scrolls: keep the open tab in view.
  useEffect(() => {
    currentLink.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname]);

  useEffect(() => {
    if (!group) return;
    document.title = current && current.label !== 'Members' ? `${current.label} · ${group.name} · Coffer` : `${group.name} · Coffer`;
  }, [group, current]);

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
        {group?.status === 'DEACTIVATED' ? <span className="badge badge--warn">Deactivated</span> : null}
      </div>
      {group?.status === 'DEACTIVATED' ? (
        <p className="notice notice--warn" data-testid="group-deactivated">
          This group is deactivated: it is kept for the record and can no longer be changed.
        </p>
      ) : null}
      {tabs.length > 1 ? (
        <nav className="tabs" aria-label="Group sections">
          {tabs.map((tab) => (
            <Link
              key={tab.href}
              href={tab.href}
              className="tabs__link"
              aria-current={tab === current ? 'page' : undefined}
              ref={tab === current ? currentLink : undefined}
            >
              {tab.short ? (
                <>
                  {tab.short}
                  <span className="hide-narrow">{tab.label.slice(tab.short.length)}</span>
                </>
              ) : (
                tab.label
              )}
              {tab.label === 'Approvals' && role === 'ADMIN' ? (
                <PendingBadge groupId={groupId} initial={initialPendingCount} />
              ) : null}
            </Link>
          ))}
        </nav>
      ) : null}
      {children}
    </>
  );
}
