'use client';

import Link from 'next/link';
import { useCallback, useEffect, useId, useRef } from 'react';
import { useQuery, useSubscription } from '@apollo/client/react';
import { DashboardQuery, dashboardVariables } from '@/graphql/dashboard';
import { TransactionEventsSubscription } from '@/graphql/transactions';
import type { DashboardQuery as DashboardData } from '@/gql/graphql';
import { errorCode, errorMessage } from '@/lib/graphql-errors';
import { formatMonth, formatMoney } from '@/lib/format';
import { useLocale } from '@/lib/locale';
import { useSeed } from '@/lib/seed';
import { LocalDateTime } from './date-time';
import { actorLabel } from './logs-page';

type Dashboard = DashboardData['dashboard'];
type Month = Dashboard['monthly'][number];
type LogEntry = Dashboard['recentAudit'][number] | Dashboard['recentActivity'][number];

interface Props {
  groupId: string;
  initialDashboard: DashboardData | undefined;
}

/**
 * Bar heights only. Number() is safe here because the result is a proportion of the chart's
 * height, never shown: a rounding error in the 16th digit moves a bar by far less than a pixel.
 * Every amount a reader sees is the API's decimal string, formatted as a string by Intl.
 */
function magnitude(amount: string): number {
  const value = Number(amount);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

const SLOT = 10; // viewBox units per month
const PLOT_HEIGHT = 100;

function MonthlyChart({ months, locale }: { months: Month[]; locale: string }) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  // The tallest bar, kept as the API's Money so its label is the exact decimal string.
  let top: Month['income'] | null = null;
  let max = 0;
  for (const month of months) {
    for (const money of [month.income, month.expenses]) {
      const value = magnitude(money.amount);
      if (value > max) {
        max = value;
        top = money;
      }
    }
  }
  const height = (amount: string) => (max > 0 ? (magnitude(amount) / max) * (PLOT_HEIGHT - 4) : 0);
  const first = months[0];
  const last = months[months.length - 1];
  const span = first && last ? `${formatMonth(first.month, locale, true)} to ${formatMonth(last.month, locale, true)}` : '';

  return (
    <figure className="chart">
      <figcaption className="chart__caption">
        <h3 className="chart__title">Income and expenses, last 12 months</h3>
        <span className="chart__legend" aria-hidden="true">
          <span className="chart__key chart__key--in" /> Income
          <span className="chart__key chart__key--out" /> Expenses
        </span>
      </figcaption>
      <div className="chart__plot">
        <span className="chart__max muted" aria-hidden="true">
          {top ? formatMoney(top, locale) : ''}
        </span>
        <svg
          className="chart__svg"
          viewBox={`0 0 ${SLOT * Math.max(months.length, 1)} ${PLOT_HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
        >
          <title id={titleId}>Income and expenses per month</title>
          <desc id={descId}>
            {max > 0
              ? `Bar chart, ${span}: a pair of bars per month, income then expenses. The table that follows has the amounts.`
              : `No approved income or expenses ${span ? `from ${span}` : 'in the last 12 months'}.`}
          </desc>
          <line className="chart__grid" x1="0" x2={SLOT * months.length} y1={PLOT_HEIGHT / 2} y2={PLOT_HEIGHT / 2} />
          <line className="chart__axis" x1="0" x2={SLOT * months.length} y1={PLOT_HEIGHT} y2={PLOT_HEIGHT} />
          {months.map((month, index) => {
            const income = height(month.income.amount);
            const expenses = height(month.expenses.amount);
            const label = formatMonth(month.month, locale, true);
            return (
              <g key={month.month}>
                <rect className="chart__bar chart__bar--in" x={index * SLOT + 1.5} width={3.4} y={PLOT_HEIGHT - income} height={income}>
                  <title>{`${label}: income ${formatMoney(month.income, locale)}`}</title>
                </rect>
                <rect className="chart__bar chart__bar--out" x={index * SLOT + 5.1} width={3.4} y={PLOT_HEIGHT - expenses} height={expenses}>
                  <title>{`${label}: expenses ${formatMoney(month.expenses, locale)}`}</title>
                </rect>
              </g>
            );
          })}
        </svg>
      </div>
      <ol className="chart__months" aria-hidden="true" style={{ gridTemplateColumns: `repeat(${Math.max(months.length, 1)}, minmax(0, 1fr))` }}>
        {months.map((month) => (
          <li key={month.month}>{formatMonth(month.month, locale)}</li>
        ))}
      </ol>
      {/* Wrapped: a table ignores its own width and overflow, so hiding it directly widens a phone's page. */}
      <div className="visually-hidden">
        <table>
          <caption>Income and expenses per month, approved, reversals subtracted</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col">Income</th>
              <th scope="col">Expenses</th>
            </tr>
          </thead>
          <tbody>
            {months.map((month) => (
              <tr key={month.month}>
                <th scope="row">{formatMonth(month.month, locale, true)}</th>
                <td>{formatMoney(month.income, locale)}</td>
                <td>{formatMoney(month.expenses, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function RecentList({ title, entries, moreHref }: { title: string; entries: LogEntry[]; moreHref: string }) {
  const headingId = useId();
  return (
    <section className="dashboard__list" aria-labelledby={headingId}>
      <div className="section-title">
        <h3 id={headingId}>{title}</h3>
        <Link href={moreHref} className="small">
          See all
        </Link>
      </div>
      {entries.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="log-list log-list--compact" aria-label={title}>
          {entries.map((entry) => (
            <li key={entry.id} className="log">
              <div className="log__line">
                <code className="log__action">{entry.action}</code>
                <span className="log__actor">{actorLabel(entry.actor)}</span>
                <span className="log__time muted">
                  <LocalDateTime iso={entry.createdAt} />
                </span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function DashboardPage({ groupId, initialDashboard }: Props) {
  const locale = useLocale();
  const variables = dashboardVariables(groupId);
  const seeded = useSeed(DashboardQuery, variables, initialDashboard);
  const { data, error, loading, refetch } = useQuery(DashboardQuery, {
    variables,
    fetchPolicy: seeded ? 'cache-first' : 'cache-and-network',
  });

  // Money moving (a record, an approval, a reversal) reloads the figures; bursts collapse.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scheduleRefetch = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void refetch().catch(() => undefined);
    }, 250);
  }, [refetch]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useSubscription(TransactionEventsSubscription, { variables: { groupId }, onData: () => scheduleRefetch() });

  const dashboard = data?.dashboard;
  const base = `/groups/${encodeURIComponent(groupId)}`;

  if (!dashboard) {
    if (error) {
      const forbidden = errorCode(error) === 'FORBIDDEN';
      return (
        <div className="notice notice--error" role="alert">
          <p>{forbidden ? 'The dashboard is for the group’s admins and operators.' : errorMessage(error)}</p>
          {forbidden ? (
            <Link href={base}>See the members</Link>
          ) : (
            <button type="button" className="button" onClick={() => void refetch()}>
              Try again
            </button>
          )}
        </div>
      );
    }
    return (
      <p className="muted" role="status">
        {loading ? 'Loading the dashboard…' : ''}
      </p>
    );
  }

  const thisMonth = dashboard.monthly[dashboard.monthly.length - 1]?.month ?? dashboard.from.slice(0, 7);

  return (
    <section aria-labelledby="dashboard-heading" className="dashboard">
      <div className="section-title">
        <h2 id="dashboard-heading">Dashboard</h2>
        <span className="muted">{formatMonth(thisMonth, locale, true)}</span>
      </div>

      <dl className="stats stats--dashboard" aria-label="Summary">
        <div className="stats__main">
          <dt>Cash position</dt>
          <dd data-testid="dashboard-cash-position">{formatMoney(dashboard.balance, locale)}</dd>
        </div>
        <div>
          <dt>Income this month</dt>
          <dd className="amount--in" data-testid="dashboard-income">
            {formatMoney(dashboard.income, locale)}
          </dd>
        </div>
        <div>
          <dt>Expenses this month</dt>
          <dd className="amount--out" data-testid="dashboard-expenses">
            {formatMoney(dashboard.expenses, locale)}
          </dd>
        </div>
        <div>
          <dt>Members</dt>
          <dd>
            <Link href={base} className="stats__link">
              {dashboard.members.active}
              <span className="muted small"> active of {dashboard.members.total}</span>
            </Link>
          </dd>
        </div>
        <div className={dashboard.pendingApprovals > 0 ? 'stats__alert' : undefined}>
          <dt>Pending approvals</dt>
          <dd>
            <Link href={`${base}/approvals`} className="stats__link" data-testid="dashboard-pending">
              {dashboard.pendingApprovals}
              <span className="visually-hidden"> waiting, open the approvals inbox</span>
            </Link>
          </dd>
        </div>
      </dl>
      <p className="muted small">
        Cash position: cash, bank and provider balances now. Income and expenses: approved this month (UTC), reversals subtracted.
      </p>

      <MonthlyChart months={dashboard.monthly} locale={locale} />

      <div className="dashboard__lists">
        <RecentList title="Recent activity" entries={dashboard.recentActivity} moreHref={`${base}/activity`} />
        <RecentList title="Recent audit" entries={dashboard.recentAudit} moreHref={`${base}/activity`} />
      </div>
    </section>
  );
}
