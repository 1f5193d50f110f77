'use client';

import { useState, type KeyboardEvent } from 'react';
import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { ActivityLogQuery, AuditLogQuery, initialLogVariables } from '@/graphql/logs';
import type { ActorKind, AuditLogQuery as AuditLogData } from '@/gql/graphql';
import { LoadError } from './load-error';
import { useSeed } from '@/lib/seed';
import { LocalDateTime } from './date-time';

type Tab = 'audit' | 'activity';

interface Entry {
  id: string;
  action: string;
  entityType: string;
  entityId: string | null;
  createdAt: string;
  actor: { kind: ActorKind; name: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface ListState {
  entries: Entry[];
  totalCount: number | null;
  hasNextPage: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  onMore: () => void;
  onRetry: () => void;
}

export function actorLabel(actor: Entry['actor']): string {
  if (actor.kind === 'SYSTEM') return 'Coffer (automatic)';
  if (actor.kind === 'API_KEY') return `API key ${actor.name ?? ''}`.trim();
  return actor.name ?? 'A former user';
}

function Json({ label, value }: { label: string; value: Record<string, unknown> | null }) {
  if (!value) return null;
  return (
    <div className="log__json">
      <span className="log__json-label">{label}</span>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

function LogList({ title, state }: { title: string; state: ListState }) {
  if (state.error && state.entries.length === 0) {
    return <LoadError error={state.error} onRetry={state.onRetry} />;
  }
  if (state.loading && state.totalCount === null) {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  return (
    <>
      {state.totalCount !== null ? (
        <p className="muted">
          {state.totalCount} {state.totalCount === 1 ? 'entry' : 'entries'}, newest first
        </p>
      ) : null}
      {state.entries.length === 0 ? <p className="notice">Nothing has been logged yet.</p> : null}
      <ol className="log-list" aria-label={title}>
        {state.entries.map((entry) => (
          <li key={entry.id} className="log">
            <div className="log__line">
              <code className="log__action">{entry.action}</code>
              <span className="log__actor">{actorLabel(entry.actor)}</span>
              <span className="log__time muted">
                <LocalDateTime iso={entry.createdAt} />
              </span>
            </div>
            <div className="log__entity muted">
              {entry.entityType}
              {entry.entityId ? <span className="log__id"> {entry.entityId}</span> : null}
            </div>
            {entry.before || entry.after ? (
              <details className="log__details">
                <summary>{entry.before && entry.after ? 'Before and after' : entry.after ? 'After' : 'Before'}</summary>
                <div className="log__json-pair">
                  <Json label="Before" value={entry.before} />
                  <Json label="After" value={entry.after} />
                </div>
              </details>
            ) : null}
          </li>
        ))}
      </ol>
      {state.hasNextPage ? (
        <div className="load-more">
          <button type="button" className="button" disabled={state.loadingMore} onClick={state.onMore}>
            {state.loadingMore ? 'Loading…' : `Load more (${state.entries.length} of ${state.totalCount ?? '?'} shown)`}
          </button>
        </div>
      ) : null}
    </>
  );
}

function useAuditLog(groupId: string, initial: AuditLogData | undefined): ListState {
  const variables = initialLogVariables(groupId);
  const seeded = useSeed(AuditLogQuery, variables, initial);
  const { data, loading, error, fetchMore, refetch, networkStatus } = useQuery(AuditLogQuery, {
    variables,
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.auditLog;
  return {
    entries: (connection?.edges ?? []).map(({ node }) => ({ ...node, before: node.previousData, after: node.newData })),
    totalCount: connection?.totalCount ?? null,
    hasNextPage: connection?.pageInfo.hasNextPage ?? false,
    loading,
    loadingMore: networkStatus === NetworkStatus.fetchMore,
    error,
    onMore: () => void fetchMore({ variables: { after: connection?.pageInfo.endCursor } }),
    onRetry: () => void refetch(),
  };
}

function useActivityLog(groupId: string, skip: boolean): ListState {
  const { data, loading, error, fetchMore, refetch, networkStatus } = useQuery(ActivityLogQuery, {
    variables: initialLogVariables(groupId),
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
    skip,
  });
  const connection = data?.activityLog;
  return {
    entries: connection?.edges.map(({ node }) => node) ?? [],
    totalCount: connection?.totalCount ?? null,
    hasNextPage: connection?.pageInfo.hasNextPage ?? false,
    loading: loading || (!skip && !data),
    loadingMore: networkStatus === NetworkStatus.fetchMore,
    error,
    onMore: () => void fetchMore({ variables: { after: connection?.pageInfo.endCursor } }),
    onRetry: () => void refetch(),
  };
}

const TABS: ReadonlyArray<{ id: Tab; label: string; hint: string }> = [
  { id: 'audit', label: 'Audit log', hint: 'Every change to money: transactions, approvals, balances. It can never be edited.' },
  { id: 'activity', label: 'Activity', hint: 'Everything people and Coffer did in this group.' },
];

export function LogsPage({ groupId, initialAudit }: { groupId: string; initialAudit: AuditLogData | undefined }) {
  const [tab, setTab] = useState<Tab>('audit');
  const [activityOpened, setActivityOpened] = useState(false);
  const audit = useAuditLog(groupId, initialAudit);
  // The activity log is only fetched once someone opens its tab.
  const activity = useActivityLog(groupId, !activityOpened);
  const current = TABS.find((entry) => entry.id === tab) ?? TABS[0];

  function select(next: Tab) {
    setTab(next);
    if (next === 'activity') setActivityOpened(true);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = tab === 'audit' ? 'activity' : 'audit';
    select(next);
    document.getElementById(`log-tab-${next}`)?.focus();
  }

  return (
    <section aria-labelledby="logs-heading">
      <div className="section-title">
        <h2 id="logs-heading">Audit &amp; activity</h2>
      </div>
      <div className="segmented" role="tablist" aria-label="Logs" onKeyDown={onKeyDown}>
        {TABS.map((entry) => (
          <button
            key={entry.id}
            type="button"
            role="tab"
            id={`log-tab-${entry.id}`}
            aria-selected={tab === entry.id}
            aria-controls="log-panel"
            tabIndex={tab === entry.id ? 0 : -1}
            className="segmented__item"
            onClick={() => select(entry.id)}
          >
            {entry.label}
          </button>
        ))}
      </div>
      <div id="log-panel" role="tabpanel" aria-labelledby={`log-tab-${tab}`}>
        <p className="muted small">{current.hint}</p>
        <LogList title={current.label} state={tab === 'audit' ? audit : activity} />
      </div>
    </section>
  );
}
