'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { NetworkStatus } from '@apollo/client';
import { useQuery, useSubscription } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import {
  GroupBalanceQuery,
  initialTransactionsVariables,
  TRANSACTIONS_PAGE_SIZE,
  TransactionEventsSubscription,
  TransactionsQuery,
} from '@/graphql/transactions';
import type {
  ApprovalStatus,
  GroupBalanceQuery as GroupBalanceData,
  TransactionCategory,
  TransactionsQuery as TransactionsData,
  TransactionType,
} from '@/gql/graphql';
import { LoadError } from './load-error';
import { formatMoney } from '@/lib/format';
import { CATEGORY_OPTIONS, parseOption, TRANSACTION_STATUS_OPTIONS, TYPE_OPTIONS, type Option } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { useSeed } from '@/lib/seed';
import { RecordTransactionForm } from './record-transaction-form';
import { TransactionRow } from './transaction-row';

/** A page is at most 100 rows (the API's limit), also when a live update reloads what is shown. */
const MAX_PAGE = 100;

interface Props {
  groupId: string;
  initialTransactions: TransactionsData | undefined;
  initialBalance: GroupBalanceData | undefined;
}

function FilterSelect<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: T | undefined;
  options: ReadonlyArray<Option<T>>;
  onChange: (value: T | undefined) => void;
}) {
  return (
    <div className="field field--inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(event) => onChange(parseOption(options, event.target.value))}>
        <option value="">All</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TransactionsPage({ groupId, initialTransactions, initialBalance }: Props) {
  const locale = useLocale();
  const seeded = useSeed(TransactionsQuery, initialTransactionsVariables(groupId), initialTransactions);
  const balanceSeeded = useSeed(GroupBalanceQuery, { groupId }, initialBalance);
  const [type, setType] = useState<TransactionType | undefined>();
  const [category, setCategory] = useState<TransactionCategory | undefined>();
  const [approvalStatus, setApprovalStatus] = useState<ApprovalStatus | undefined>();

  const { data: groupData } = useQuery(GroupQuery, { variables: { id: groupId }, fetchPolicy: 'cache-first' });
  const group = groupData?.group;
  const canRecord = group?.viewerRole === 'ADMIN' || group?.viewerRole === 'OPERATOR';

  const { data, previousData, loading, error, fetchMore, refetch, networkStatus } = useQuery(TransactionsQuery, {
    variables: { groupId, type, category, approvalStatus, first: TRANSACTIONS_PAGE_SIZE },
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const balance = useQuery(GroupBalanceQuery, {
    variables: { groupId },
    fetchPolicy: balanceSeeded ? 'cache-first' : 'cache-and-network',
    skip: group !== undefined && !canRecord,
  });

  const connection = (data ?? previousData)?.transactions;
  const edges = connection?.edges ?? [];
  const loadedCount = useRef(0);
  loadedCount.current = edges.length;

  // Bursts (our own record plus its echo, an admin approving a batch) collapse into one
  // reload of everything already shown, and of the cash position.
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchBalance = balance.refetch;
  const scheduleRefetch = useCallback(() => {
    if (refetchTimer.current) clearTimeout(refetchTimer.current);
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      const first = Math.min(MAX_PAGE, Math.max(TRANSACTIONS_PAGE_SIZE, loadedCount.current));
      void refetch({ first, after: undefined });
      void refetchBalance().catch(() => undefined);
    }, 250);
  }, [refetch, refetchBalance]);
  useEffect(
    () => () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
    },
    [],
  );

  useSubscription(TransactionEventsSubscription, {
    variables: { groupId },
    skip: !canRecord,
    onData: () => scheduleRefetch(),
  });

  const loadingMore = networkStatus === NetworkStatus.fetchMore;
  const filtering = loading && !loadingMore && Boolean(previousData) && !data;
  const filtered = Boolean(type || category || approvalStatus);
  const totals = connection?.totals;
  const cashPosition = balance.data?.groupBalance.cashPosition;

  return (
    <section aria-labelledby="transactions-heading">
      <div className="section-title">
        <h2 id="transactions-heading">Transactions</h2>
        {connection ? (
          <span className="muted" aria-live="polite">
            {connection.totalCount} {connection.totalCount === 1 ? 'transaction' : 'transactions'}
            {filtered ? ' matching the filters' : ''}
          </span>
        ) : null}
      </div>

      <dl className="stats stats--money" aria-label="Money">
        <div className="stats__main">
          <dt>Cash position</dt>
          <dd data-testid="cash-position" aria-live="polite">
            {cashPosition ? formatMoney(cashPosition, locale) : '—'}
          </dd>
        </div>
        <div>
          <dt>Cash in</dt>
          <dd className="amount--in">{totals ? formatMoney(totals.cashIn, locale) : '—'}</dd>
        </div>
        <div>
          <dt>Cash out</dt>
          <dd className="amount--out">{totals ? formatMoney(totals.cashOut, locale) : '—'}</dd>
        </div>
        <div>
          <dt>Net</dt>
          <dd>{totals ? formatMoney(totals.net, locale) : '—'}</dd>
        </div>
      </dl>
      <p className="muted small">
        Cash position: cash, bank and provider balances now. Totals: approved transactions{filtered ? ' matching the filters' : ''}, reversals subtracted.
      </p>

      {canRecord && group ? (
        <RecordTransactionForm groupId={groupId} currency={group.currency} onRecorded={scheduleRefetch} />
      ) : null}

      <div className="toolbar toolbar--filters" role="search" aria-label="Filter transactions">
        <FilterSelect id="txn-type" label="Type" value={type} options={TYPE_OPTIONS} onChange={setType} />
        <FilterSelect id="txn-category" label="Category" value={category} options={CATEGORY_OPTIONS} onChange={setCategory} />
        <FilterSelect
          id="txn-status"
          label="Status"
          value={approvalStatus}
          options={TRANSACTION_STATUS_OPTIONS}
          onChange={setApprovalStatus}
        />
      </div>

      {error && !connection ? <LoadError error={error} onRetry={() => void refetch()} /> : null}

      {!connection && loading ? (
        <p className="muted" role="status">
          Loading transactions…
        </p>
      ) : null}

      {connection ? (
        <div className={filtering ? 'table-wrap table-wrap--stale' : 'table-wrap'} aria-busy={loading}>
          <table className="table table--money" role="table">
            <caption className="visually-hidden">Transactions</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">What</th>
                <th scope="col" role="columnheader">When</th>
                <th scope="col" role="columnheader">Mode</th>
                <th scope="col" role="columnheader" className="num">
                  Amount
                </th>
                <th scope="col" role="columnheader">Status</th>
                <th scope="col" role="columnheader">
                  <span className="visually-hidden">Receipt</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {edges.map((edge) => (
                <TransactionRow key={edge.node.id} txn={edge.node} onChanged={canRecord ? scheduleRefetch : undefined} />
              ))}
              {edges.length === 0 ? (
                <tr role="row">
                  <td role="cell" colSpan={6} className="table__empty">
                    {filtered ? 'No transaction matches the filters.' : 'No transactions yet.'}
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
