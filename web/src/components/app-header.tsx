'use client';

import Link from 'next/link';
import { useApiAccess } from '@/lib/apollo-provider';
import { useParams, useRouter } from 'next/navigation';
import { useQuery } from '@apollo/client/react';
import { signOut } from '@/lib/auth-client';
import { GROUPS_PAGE_SIZE, GroupsQuery } from '@/graphql/groups';

interface Props {
  userName: string;
  showGroups: boolean;
}

function GroupSwitcher() {
  const router = useRouter();
  const params = useParams<{ groupId?: string }>();
  // Seeded by the server; the groups page and "New group" keep the same cache entry fresh.
  const { data } = useQuery(GroupsQuery, { variables: { first: GROUPS_PAGE_SIZE }, fetchPolicy: 'cache-first' });
  const groups = data?.groups.edges.map((edge) => edge.node) ?? [];
  const current = params.groupId ?? '';
  if (groups.length === 0) return null;
  return (
    <div className="switcher">
      <label htmlFor="group-switcher" className="visually-hidden">
        Switch group
      </label>
      <select
        id="group-switcher"
        value={current}
        onChange={(event) => {
          const id = event.target.value;
          router.push(id ? `/groups/${encodeURIComponent(id)}` : '/');
        }}
      >
        <option value="">All groups</option>
        {groups.map((group) => (
          <option key={group.id} value={group.id}>
            {group.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The API's developer documentation (served by the API itself, so it always matches its schema). */
function DocsLink() {
  const { apiOrigin } = useApiAccess();
  if (!apiOrigin) return null;
  // Left out on a phone (see the stylesheet): developers read it on a bigger screen, and the header has room for three links there.
  return (
    <a className="app-header__link app-header__docs" href={`${apiOrigin}/api/docs`} target="_blank" rel="noopener noreferrer">
      API docs
    </a>
  );
}

export function AppHeader({ userName, showGroups }: Props) {
  const { apiUrl, accessToken } = useApiAccess();
  return (
    <header className="app-header">
      <Link href="/" className="app-header__brand">
        Coffer
      </Link>
      {showGroups ? <GroupSwitcher /> : null}
      <div className="app-header__user">
        <DocsLink />
        <Link href="/notifications" className="app-header__link">
          Inbox
        </Link>
        {/* On a phone the name gives way to a short "Account"; the accessible name holds both. */}
        <Link href="/account" className="app-header__name" title="My account" aria-label={`${userName}: my account`}>
          <span className="app-header__full">{userName}</span>
          <span className="app-header__short">Account</span>
        </Link>
        {/* Revokes the API token too: a copy of it (another browser, a script) stops working. */}
        <button type="button" className="button button--ghost" onClick={() => void signOut('/signin', { apiUrl, accessToken })}>
          Sign out
        </button>
      </div>
    </header>
  );
}
