'use client';

import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { MarkNotificationReadMutation, MyNotificationsQuery, MyNotificationsSubscription } from '@/graphql/inbox';
import { errorMessage } from '@/lib/graphql-errors';
import { LocalDateTime } from './date-time';
import { LoadError } from './load-error';

const PAGE = 30;

/** The viewer's in-app messages across their groups: reminders, payments received, approvals; new ones arrive live. */
export function InboxPage() {
  const { data, error, refetch, fetchMore, loading } = useQuery(MyNotificationsQuery, { variables: { first: PAGE }, fetchPolicy: 'cache-and-network' });
  const [markRead, marking] = useMutation(MarkNotificationReadMutation);
  useSubscription(MyNotificationsSubscription, { onData: () => void refetch() });
  const connection = data?.myNotifications;
  const rows = connection?.edges.map((edge) => edge.node) ?? [];
  return (
    <section aria-labelledby="inbox-heading">
      <div className="section-title">
        <h1 id="inbox-heading">Notifications</h1>
        {data ? (
          <span className="muted" aria-live="polite" data-testid="unread-count">
            {data.unreadNotificationCount} unread
          </span>
        ) : null}
      </div>
      {error && !data ? <LoadError error={error} onRetry={() => void refetch()} /> : null}
      {marking.error ? (
        <p className="notice notice--error" role="alert">
          {errorMessage(marking.error)}
        </p>
      ) : null}
      {!data && loading ? (
        <p className="muted" role="status">
          Loading notifications…
        </p>
      ) : null}
      {data && rows.length === 0 ? <p className="muted">Nothing here yet.</p> : null}
      <ul className="log-list" aria-label="Notifications">
        {rows.map((row) => (
          <li key={row.id} className="log" data-testid="inbox-item">
            <p>
              <strong>{row.title}</strong> {row.readAt ? null : <span className="badge badge--warn">New</span>}
            </p>
            <p>{row.body}</p>
            <p className="muted small">
              <LocalDateTime iso={row.createdAt} />
              {row.link ? (
                <>
                  {' · '}
                  <a href={row.link} target="_blank" rel="noopener noreferrer">
                    Open
                  </a>
                </>
              ) : null}
              {row.readAt ? null : (
                <>
                  {' · '}
                  <button type="button" className="button button--link" disabled={marking.loading} onClick={() => void markRead({ variables: { id: row.id } }).then(() => refetch())}>
                    Mark as read
                  </button>
                </>
              )}
            </p>
          </li>
        ))}
      </ul>
      {connection?.pageInfo.hasNextPage ? (
        <button type="button" className="button" onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}>
          Show older
        </button>
      ) : null}
    </section>
  );
}
