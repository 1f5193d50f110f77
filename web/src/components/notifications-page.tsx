'use client';

import { useState, type FormEvent } from 'react';
import { NetworkStatus } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  CreateReminderScheduleMutation,
  DeleteReminderScheduleMutation,
  JobStatusQuery,
  NotificationLogQuery,
  OutboxQuery,
  ReminderSchedulesQuery,
  RetryNotificationTaskMutation,
  UpdateReminderScheduleMutation,
} from '@/graphql/notifications';
import type { NotificationChannel, NotificationStatus, ReminderDirection, ReminderType } from '@/gql/graphql';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { FormError, SelectField, TextField } from './field';
import { LoadError } from './load-error';
import { LocalDateTime } from './date-time';

const CHANNELS: ReadonlyArray<{ value: NotificationChannel; label: string }> = [
  { value: 'EMAIL', label: 'E-mail' },
  { value: 'WHATSAPP', label: 'WhatsApp' },
  { value: 'IN_APP', label: 'In-app' },
];
const TYPE_OPTIONS: ReadonlyArray<{ value: ReminderType; label: string }> = [
  { value: 'DUE_DATE', label: 'Due date' },
  { value: 'MEMBERSHIP_EXPIRY', label: 'Membership expiry' },
];
const DIRECTION_OPTIONS: ReadonlyArray<{ value: ReminderDirection; label: string }> = [
  { value: 'BEFORE', label: 'before' },
  { value: 'AFTER', label: 'after' },
];
const STATUS_OPTIONS: ReadonlyArray<{ value: NotificationStatus | ''; label: string }> = [
  { value: '', label: 'Any status' },
  { value: 'PENDING', label: 'Pending' },
  { value: 'LOCKED', label: 'Sending' },
  { value: 'COMPLETED', label: 'Sent' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'SKIPPED', label: 'Skipped' },
];

const label = <T extends string>(options: ReadonlyArray<{ value: T; label: string }>, value: T): string =>
  options.find((option) => option.value === value)?.label ?? value;

function ScheduleForm({ groupId, onCreated }: { groupId: string; onCreated: () => void }) {
  const [reminderType, setReminderType] = useState<ReminderType>('DUE_DATE');
  const [direction, setDirection] = useState<ReminderDirection>('BEFORE');
  const [offsetDays, setOffsetDays] = useState('3');
  const [channels, setChannels] = useState<NotificationChannel[]>(['EMAIL']);
  const [create, { loading, error, reset }] = useMutation(CreateReminderScheduleMutation);
  const fields = fieldErrors(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    reset();
    const offset = Number(offsetDays);
    try {
      await create({ variables: { groupId, reminderType, direction, offsetDays: Number.isInteger(offset) ? offset : -1, channels } });
      onCreated();
    } catch {
      // shown from `error`
    }
  };

  return (
    <form method="post" className="panel form" onSubmit={(event) => void submit(event)} aria-label="New reminder schedule">
      <div className="form form--grid">
        <TextField label="Days" type="number" hint="0 to 365" required value={offsetDays} onChange={(e) => setOffsetDays(e.target.value)} error={fields.offsetDays} />
        <SelectField label="Before or after" value={direction} options={DIRECTION_OPTIONS} onChange={(e) => setDirection(e.target.value as ReminderDirection)} />
        <SelectField label="Counted from" value={reminderType} options={TYPE_OPTIONS} onChange={(e) => setReminderType(e.target.value as ReminderType)} />
      </div>
      <fieldset className="checks">
        <legend>Channels</legend>
        {CHANNELS.map((channel) => (
          <label key={channel.value}>
            <input
              type="checkbox"
              checked={channels.includes(channel.value)}
              onChange={(e) => setChannels((current) => (e.target.checked ? [...current, channel.value] : current.filter((c) => c !== channel.value)))}
            />
            {channel.label}
          </label>
        ))}
        {fields.channels ? <p className="field__error">{fields.channels}</p> : null}
      </fieldset>
      <FormError>{error && Object.keys(fields).length === 0 ? errorMessage(error) : null}</FormError>
      <button type="submit" className="button button--primary" disabled={loading}>
        {loading ? 'Adding…' : 'Add schedule'}
      </button>
    </form>
  );
}

function Schedules({ groupId }: { groupId: string }) {
  const { data, error, refetch } = useQuery(ReminderSchedulesQuery, { variables: { groupId }, fetchPolicy: 'cache-and-network' });
  const [update] = useMutation(UpdateReminderScheduleMutation);
  const [remove] = useMutation(DeleteReminderScheduleMutation);
  const [actionError, setActionError] = useState<unknown>(null);
  const act = async (work: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await work();
      await refetch();
    } catch (caught) {
      setActionError(caught);
    }
  };
  const schedules = data?.reminderSchedules ?? [];
  return (
    <section aria-labelledby="schedules-heading">
      <h2 id="schedules-heading">Reminder schedules</h2>
      <p className="muted small">Each reminder goes to a member at most once per due and schedule, in the group&apos;s time zone; never for paid or waived dues.</p>
      {error && !data ? <LoadError error={error} onRetry={() => void refetch()} /> : null}
      <ul className="log-list" aria-label="Reminder schedules">
        {schedules.map((schedule) => (
          <li key={schedule.id} className="log log__line" data-testid="reminder-schedule">
            <span>
              {schedule.offsetDays} {schedule.offsetDays === 1 ? 'day' : 'days'} {label(DIRECTION_OPTIONS, schedule.direction)} the {label(TYPE_OPTIONS, schedule.reminderType).toLowerCase()} by{' '}
              {schedule.channels.map((channel) => label(CHANNELS, channel)).join(', ')}
              {schedule.status === 'PAUSED' ?  <span className="badge badge--warn">paused</span> : null}
            </span>
            <span className="schedule__actions">
              <button
                type="button"
                className="button button--link"
                onClick={() => void act(() => update({ variables: { id: schedule.id, input: { status: schedule.status === 'ACTIVE' ? 'PAUSED' : 'ACTIVE' } } }))}
              >
                {schedule.status === 'ACTIVE' ? 'Pause' : 'Resume'}
              </button>
              <button type="button" className="button button--link" onClick={() => void act(() => remove({ variables: { id: schedule.id } }))}>
                Delete
              </button>
            </span>
          </li>
        ))}
        {data && schedules.length === 0 ? <li className="notice">No reminders are scheduled.</li> : null}
      </ul>
      <FormError>{actionError ? errorMessage(actionError) : null}</FormError>
      <ScheduleForm groupId={groupId} onCreated={() => void refetch()} />
    </section>
  );
}

function NotificationLog({ groupId }: { groupId: string }) {
  const [status, setStatus] = useState<NotificationStatus | ''>('');
  const { data, error, refetch, fetchMore, networkStatus } = useQuery(NotificationLogQuery, {
    variables: { groupId, status: status || null, first: 20 },
    fetchPolicy: 'cache-and-network',
    notifyOnNetworkStatusChange: true,
  });
  const [retry] = useMutation(RetryNotificationTaskMutation);
  const [retryError, setRetryError] = useState<unknown>(null);
  const counts = data?.notificationCounts;
  const connection = data?.notificationTasks;
  return (
    <section aria-labelledby="log-heading">
      <div className="section-title">
        <h2 id="log-heading">Notification log</h2>
        <button type="button" className="button button--link" onClick={() => void refetch()}>
          Refresh
        </button>
      </div>
      {counts ? (
        <dl className="stats" aria-label="Notifications by status">
          {(['pending', 'locked', 'completed', 'failed', 'skipped'] as const).map((key) => (
            <div key={key}>
              <dt>{key === 'locked' ? 'sending' : key === 'completed' ? 'sent' : key}</dt>
              <dd>{counts[key]}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <div className="toolbar toolbar--filters">
        <SelectField label="Status" value={status} options={STATUS_OPTIONS} onChange={(e) => setStatus(e.target.value as NotificationStatus | '')} />
      </div>
      {error && !connection ? <LoadError error={error} onRetry={() => void refetch()} /> : null}
      <FormError>{retryError ? errorMessage(retryError) : null}</FormError>
      {connection ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Notification tasks</caption>
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
                <th scope="col">Queued</th>
                <th scope="col">
                  <span className="visually-hidden">Retry</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node }) => (
                <tr key={node.id} data-testid="notification-task">
                  <td>
                    <code>{node.template}</code> <span className="muted">{label(CHANNELS, node.channel as NotificationChannel)}</span>
                  </td>
                  <td>{node.recipient}</td>
                  <td>
                    {label(STATUS_OPTIONS, node.status)}
                    {node.attempts > 1 ? <span className="muted"> after {node.attempts} attempts</span> : null}
                    {node.lastError ? <div className="muted small">{node.lastError}</div> : null}
                  </td>
                  <td>
                    <LocalDateTime iso={node.createdAt} />
                  </td>
                  <td>
                    {node.status === 'FAILED' || node.status === 'SKIPPED' ? (
                      <button
                        type="button"
                        className="button button--link"
                        onClick={() => {
                          setRetryError(null);
                          retry({ variables: { id: node.id } }).then(() => refetch(), setRetryError);
                        }}
                      >
                        Retry
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
              {connection.edges.length === 0 ? (
                <tr>
                  <td colSpan={5} className="table__empty">
                    No notifications{status ? ' with this status' : ''} yet.
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
            disabled={networkStatus === NetworkStatus.fetchMore}
            onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}
          >
            Load more ({connection.edges.length} of {connection.totalCount} shown)
          </button>
        </div>
      ) : null}
    </section>
  );
}

function Outbox({ groupId }: { groupId: string }) {
  const { data, error, refetch } = useQuery(OutboxQuery, { variables: { groupId, first: 20 }, fetchPolicy: 'cache-and-network' });
  const connection = data?.outboxMessages;
  return (
    <section aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">Outbox</h2>
      <p className="muted small">With no SMTP server configured, e-mails are kept here instead of being sent.</p>
      {error && !connection ? <LoadError error={error} onRetry={() => void refetch()} /> : null}
      {connection && connection.edges.length === 0 ? <p className="notice">The outbox is empty.</p> : null}
      <ol className="log-list" aria-label="Outbox">
        {connection?.edges.map(({ node }) => (
          <li key={node.id} className="log">
            <div className="log__line">
              <strong>{node.subject}</strong>
              <span className="muted">to {node.recipient}</span>
              <span className="log__time muted">
                <LocalDateTime iso={node.createdAt} />
              </span>
            </div>
            <details className="log__details">
              <summary>Message</summary>
              <pre>{node.bodyText}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Jobs() {
  const { data, error, refetch } = useQuery(JobStatusQuery, { fetchPolicy: 'cache-and-network' });
  return (
    <section aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">Jobs</h2>
      {error && !data ? <LoadError error={error} onRetry={() => void refetch()} /> : null}
      <ul className="log-list" aria-label="Jobs">
        {data?.jobStatus.map((job) => (
          <li key={job.name} className="log log__line">
            <span>
              <code>{job.name}</code> <span className="muted">every {job.every}</span>
            </span>
            <span className="muted small">
              {job.runs} runs, {job.failures} failed · last <LocalDateTime iso={job.lastFinishedAt ?? job.lastStartedAt} />
              {job.lastError ? <span className="amount--out"> · {job.lastError}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Admins' page: reminder schedules, the notification log with retry, the local outbox and the jobs. */
export function NotificationsPage({ groupId }: { groupId: string }) {
  return (
    <>
      <Schedules groupId={groupId} />
      <NotificationLog groupId={groupId} />
      <Outbox groupId={groupId} />
      <Jobs />
    </>
  );
}
