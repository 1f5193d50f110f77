'use client';

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import {
  CancelRemittanceMutation,
  CorridorsQuery,
  CreateRecipientMutation,
  CreateRemittanceMutation,
  DeleteRecipientMutation,
  RecipientsQuery,
  REMITTANCES_PAGE_SIZE,
  RemittanceEventsSubscription,
  RemittanceQuoteMutation,
  RemittancesQuery,
} from '@/graphql/remittances';
import type { RemittanceQuoteMutation as QuoteData, RemittanceRowFragment, RemittanceStatus } from '@/gql/graphql';
import { exampleAmount, formatMoney } from '@/lib/format';
import { errorExtension, errorMessage, errorReason, fieldErrors } from '@/lib/graphql-errors';
import { newIdempotencyKey } from '@/lib/ids';
import { useLocale } from '@/lib/locale';
import { LocalDateTime } from './date-time';
import { FormError, SelectField, TextField } from './field';
import { LoadError } from './load-error';

type Quote = QuoteData['remittanceQuote'];

export const REMITTANCE_STATUS_LABELS: Record<RemittanceStatus, string> = {
  PENDING_APPROVAL: 'Waiting for approval',
  APPROVED: 'Approved',
  PROCESSING: 'Processing',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
};

const STATUS_CLASS: Record<RemittanceStatus, string> = {
  PENDING_APPROVAL: 'badge badge--warn',
  APPROVED: 'badge badge--warn',
  PROCESSING: 'badge badge--warn',
  COMPLETED: 'badge badge--ok',
  FAILED: 'badge badge--error',
  REJECTED: 'badge badge--error',
  CANCELLED: 'badge',
};

const text = (form: FormData, name: string): string => String(form.get(name) ?? '').trim();

/** What the API's refusal of a quote or remittance means for the person at the form. */
function sendError(error: unknown, locale: string): string {
  const reason = errorReason(error);
  if (reason === 'INSUFFICIENT_FUNDS') {
    const shortfall = errorExtension(error, 'shortfall') as { amount: string; currency: string } | undefined;
    return `Not enough money in the group: ${shortfall ? `${formatMoney(shortfall, locale)} short` : 'short'}. Record the money in first, or send less.`;
  }
  if (reason === 'QUOTE_EXPIRED') return 'The quote expired before you confirmed. Get a new quote: the rate may have changed.';
  if (reason === 'RATE_STALE' || reason === 'RATE_UNAVAILABLE') return 'No current exchange rate for this currency right now. Try again later.';
  return errorMessage(error);
}

/** Seconds left until `iso`, ticking once a second; 0 when past. */
function useSecondsLeft(iso: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso ? Math.max(0, Math.floor((new Date(iso).getTime() - now) / 1000)) : 0;
}

function QuoteCard({ quote, onConfirm, onDiscard, busy, error }: { quote: Quote; onConfirm: (reference: string) => void; onDiscard: () => void; busy: boolean; error: string | null }) {
  const locale = useLocale();
  const left = useSecondsLeft(quote.expiresAt);
  const [reference, setReference] = useState('');
  const expired = left === 0;
  return (
    <section className="panel quote" aria-label="Quote">
      <h3>Quote for {quote.recipient.name}</h3>
      <dl className="quote__lines">
        <dt>You send</dt>
        <dd data-testid="quote-send">{formatMoney(quote.sendAmount, locale)}</dd>
        <dt>Fee ({quote.feePercent} %)</dt>
        <dd data-testid="quote-fee">{formatMoney(quote.fee, locale)}</dd>
        <dt>Total debited from the group</dt>
        <dd data-testid="quote-total">
          <strong>{formatMoney(quote.totalDebited, locale)}</strong>
        </dd>
        <dt>Exchange rate</dt>
        <dd data-testid="quote-rate">
          1 {quote.sendAmount.currency} = {quote.rate} {quote.receiveAmount.currency}
          {quote.rateOffline ? <span className="muted"> (offline reference rate, not market data)</span> : null}
        </dd>
        <dt>Recipient receives</dt>
        <dd data-testid="quote-receive">
          <strong>{formatMoney(quote.receiveAmount, locale)}</strong>
        </dd>
        <dt>Expected arrival</dt>
        <dd>{quote.eta}</dd>
      </dl>
      <p role="timer" aria-live="off" data-testid="quote-countdown" className={expired ? 'notice notice--error' : 'muted'}>
        {expired ? 'This quote has expired. Get a new one.' : `Rate held for ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`}
      </p>
      <FormError>{error}</FormError>
      <TextField label="Reference (optional)" value={reference} onChange={(event) => setReference(event.target.value)} maxLength={140} autoComplete="off" />
      <div className="form__actions">
        <button type="button" className="button button--primary" disabled={busy || expired} onClick={() => onConfirm(reference)}>
          {busy ? 'Sending…' : 'Confirm and send for approval'}
        </button>
        <button type="button" className="button" onClick={onDiscard} disabled={busy}>
          Discard
        </button>
      </div>
      <p className="muted small">Nothing moves until a second admin approves; the funds are reserved then.</p>
    </section>
  );
}

function SendMoney({ groupId, currency, onCreated }: { groupId: string; currency: string; onCreated: (text: string) => void }) {
  const locale = useLocale();
  const { data } = useQuery(RecipientsQuery, { variables: { groupId, first: 100 }, fetchPolicy: 'cache-and-network' });
  const [requestQuote, quoting] = useMutation(RemittanceQuoteMutation);
  const [createRemittance, creating] = useMutation(CreateRemittanceMutation);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  // One key per quote: a double click or a retry replays the first answer.
  const keyFor = useRef(new Map<string, string>());
  const recipients = data?.recipients.edges.map((edge) => edge.node) ?? [];

  async function onQuote(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const recipientId = text(form, 'recipientId');
    const amount = text(form, 'amount').replace(/,/g, '');
    const local: Record<string, string> = {};
    if (!recipientId) local.recipientId = 'Choose who receives the money.';
    if (!amount) local.amount = `Enter the amount to send, e.g. ${exampleAmount('1500', currency)}.`;
    setErrors(local);
    setFormError(null);
    setQuote(null);
    if (Object.keys(local).length > 0) return;
    try {
      const result = await requestQuote({ variables: { groupId, recipientId, amount } });
      setConfirmError(null);
      setQuote(result.data?.remittanceQuote ?? null);
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (!fields.amount) setFormError(sendError(error, locale));
    }
  }

  async function onConfirm(reference: string) {
    if (!quote || creating.loading) return;
    const key = keyFor.current.get(quote.id) ?? newIdempotencyKey();
    keyFor.current.set(quote.id, key);
    setConfirmError(null);
    try {
      const result = await createRemittance({ variables: { quoteId: quote.id, idempotencyKey: key, reference: reference.trim() || null } });
      const created = result.data?.createRemittance.remittance;
      setQuote(null);
      if (created) onCreated(`Waiting for a second admin: ${formatMoney(created.totalDebited, locale)} to ${created.recipient.name}.`);
    } catch (error) {
      setConfirmError(sendError(error, locale));
    }
  }

  return (
    <details className="panel" open>
      <summary>Send money</summary>
      <form method="post" className="form form--grid" onSubmit={onQuote} noValidate aria-label="Send money">
        <FormError>{formError}</FormError>
        <SelectField
          label="Recipient"
          name="recipientId"
          options={[{ value: '', label: recipients.length ? 'Choose a recipient' : 'Add a recipient first' }, ...recipients.map((r) => ({ value: r.id, label: `${r.name} · ${r.country} · ${r.currency} · ${r.bankAccountMasked}` }))]}
          defaultValue=""
          error={errors.recipientId}
        />
        <TextField label={`Amount (${currency})`} name="amount" inputMode="decimal" placeholder={`e.g. ${exampleAmount('1500', currency)}`} autoComplete="off" required error={errors.amount} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={quoting.loading}>
            {quoting.loading ? 'Getting a quote…' : 'Get quote'}
          </button>
        </div>
      </form>
      {quote ? <QuoteCard key={quote.id} quote={quote} onConfirm={(reference) => void onConfirm(reference)} onDiscard={() => setQuote(null)} busy={creating.loading} error={confirmError} /> : null}
    </details>
  );
}

interface Column {
  label: string;
  num?: boolean;
  /** Named for screen readers only (an actions column). */
  hidden?: boolean;
}

/** The console's list table: caption for screen readers, header, rows, and a line when empty. */
function ListTable({ caption, columns, empty, money, children }: { caption: string; columns: Column[]; empty: string | null; money?: boolean; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={money ? 'table table--money' : 'table'} role="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead role="rowgroup">
          <tr role="row">
            {columns.map((column) => (
              <th key={column.label} scope="col" role="columnheader" className={column.num ? 'num' : undefined}>
                {column.hidden ? <span className="visually-hidden">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {children}
          {empty ? (
            <tr role="row">
              <td role="cell" colSpan={columns.length} className="table__empty">
                {empty}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function Timeline({ remittance }: { remittance: RemittanceRowFragment }) {
  return (
    <ol className="timeline" aria-label={`Timeline of the remittance to ${remittance.recipient.name}`}>
      {remittance.timeline.map((step, index) => (
        <li key={`${step.status}-${index}`}>
          <strong>{REMITTANCE_STATUS_LABELS[step.status]}</strong> · <LocalDateTime iso={step.at} /> · {step.actor.name ?? (step.actor.kind === 'SYSTEM' ? 'Coffer' : 'someone')}
          {step.note ? <span className="muted"> — {step.note}</span> : null}
        </li>
      ))}
    </ol>
  );
}

function RemittanceRow({ remittance, onChanged }: { remittance: RemittanceRowFragment; onChanged: () => void }) {
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const [cancel, cancelling] = useMutation(CancelRemittanceMutation);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <tr role="row" data-testid="remittance-row">
        <td role="cell">
          {remittance.recipient.name} <span className="muted">({remittance.recipient.country})</span>
          {remittance.reference ? <div className="muted small">{remittance.reference}</div> : null}
        </td>
        <td role="cell">
          <LocalDateTime iso={remittance.createdAt} />
        </td>
        <td role="cell" className="num">
          {formatMoney(remittance.totalDebited, locale)}
          <div className="muted small">fee {formatMoney(remittance.fee, locale)}</div>
        </td>
        <td role="cell" className="num">
          {formatMoney(remittance.receiveAmount, locale)}
        </td>
        <td role="cell">
          <span className={STATUS_CLASS[remittance.status]} data-testid="remittance-status">
            {REMITTANCE_STATUS_LABELS[remittance.status]}
          </span>
          {remittance.failureReason ? <div className="muted small">{remittance.failureReason}</div> : null}
        </td>
        <td role="cell">
          <button type="button" className="button button--link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide timeline' : 'Timeline'}
          </button>
          {remittance.viewerCanCancel ? (
            <button
              type="button"
              className="button button--link"
              disabled={cancelling.loading}
              onClick={() =>
                void cancel({ variables: { id: remittance.id } }).then(onChanged, (caught: unknown) => setError(errorMessage(caught)))
              }
            >
              Cancel
            </button>
          ) : null}
          {error ? <p className="form-error">{error}</p> : null}
        </td>
      </tr>
      {open ? (
        <tr role="row">
          <td role="cell" colSpan={6}>
            <Timeline remittance={remittance} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function RemittanceList({ groupId, live, refreshKey }: { groupId: string; live: boolean; refreshKey: number }) {
  const { data, error, loading, refetch, fetchMore } = useQuery(RemittancesQuery, {
    variables: { groupId, first: REMITTANCES_PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  // Admins get every status change pushed; the remittance is normalised, so its row updates in place.
  useSubscription(RemittanceEventsSubscription, {
    variables: { groupId },
    skip: !live,
    onData: ({ data: event }) => {
      const id = event.data?.remittanceEvents.remittance.id;
      if (id && !data?.remittances.edges.some((edge) => edge.node.id === id)) void refetch();
    },
  });
  useEffect(() => {
    if (refreshKey > 0) void refetch();
  }, [refreshKey, refetch]);
  const connection = data?.remittances;
  if (error && !connection) return <LoadError error={error} onRetry={() => void refetch()} />;
  if (!connection) return <p className="muted">{loading ? 'Loading remittances…' : ''}</p>;
  return (
    <>
      <ListTable
        caption="Remittances"
        money
        columns={[{ label: 'To' }, { label: 'Created' }, { label: 'Total debited', num: true }, { label: 'Arrives', num: true }, { label: 'Status' }, { label: 'Actions', hidden: true }]}
        empty={connection.edges.length === 0 ? 'No remittances yet.' : null}
      >
        {connection.edges.map((edge) => (
          <RemittanceRow key={edge.node.id} remittance={edge.node} onChanged={() => void refetch()} />
        ))}
      </ListTable>
      {connection.pageInfo.hasNextPage ? (
        <div className="load-more">
          <button type="button" className="button" onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}>
            Load more ({connection.edges.length} of {connection.totalCount} shown)
          </button>
        </div>
      ) : null}
    </>
  );
}

function Recipients({ groupId, isAdmin }: { groupId: string; isAdmin: boolean }) {
  const { data, refetch } = useQuery(RecipientsQuery, { variables: { groupId, first: 100 }, fetchPolicy: 'cache-and-network' });
  const corridors = useQuery(CorridorsQuery, { variables: { groupId } });
  const [createRecipient, creating] = useMutation(CreateRecipientMutation);
  const [deleteRecipient] = useMutation(DeleteRecipientMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const destinations = corridors.data?.remittanceCorridors ?? [];

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const [country, currency] = text(form, 'corridor').split('/');
    setErrors({});
    setFormError(null);
    try {
      await createRecipient({
        variables: {
          input: { groupId, name: text(form, 'name'), country: country ?? '', currency: currency ?? '', bankAccount: text(form, 'bankAccount'), bankName: text(form, 'bankName') || null },
        },
      });
      formRef.current?.reset();
      await refetch();
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0 || fields.country) setFormError(fields.country ?? errorMessage(error));
    }
  }

  const recipients = data?.recipients.edges.map((edge) => edge.node) ?? [];
  return (
    <section aria-labelledby="recipients-heading">
      <h2 id="recipients-heading">Recipients</h2>
      <ListTable
        caption="Recipients"
        columns={[{ label: 'Name' }, { label: 'Country' }, { label: 'Receives' }, { label: 'Bank account' }, { label: 'Actions', hidden: true }]}
        empty={recipients.length === 0 ? 'No recipients yet.' : null}
      >
        {recipients.map((recipient) => (
          <tr role="row" key={recipient.id}>
            <td role="cell">{recipient.name}</td>
            <td role="cell">{recipient.country}</td>
            <td role="cell">{recipient.currency}</td>
            <td role="cell">
              <code>{recipient.bankAccountMasked}</code>
              {recipient.bankName ? <span className="muted"> · {recipient.bankName}</span> : null}
            </td>
            <td role="cell">
              {isAdmin ? (
                <button type="button" className="button button--link" onClick={() => void deleteRecipient({ variables: { id: recipient.id } }).then(() => refetch())}>
                  Delete
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </ListTable>
      {isAdmin ? (
        <details className="panel">
          <summary>Add a recipient</summary>
          <form ref={formRef} method="post" className="form form--grid" onSubmit={onCreate} noValidate aria-label="Add recipient">
            <FormError>{formError}</FormError>
            <TextField label="Name" name="name" required maxLength={200} autoComplete="off" error={errors.name} />
            <SelectField
              label="Country and currency"
              name="corridor"
              options={destinations.map((c) => ({ value: `${c.country}/${c.currency}`, label: `${c.country} · ${c.currency} · ${c.eta}` }))}
              error={errors.currency}
            />
            <TextField label="Bank account or IBAN" name="bankAccount" required autoComplete="off" hint="Stored encrypted; shown only as its last four characters." error={errors.bankAccount} />
            <TextField label="Bank name" name="bankName" autoComplete="off" error={errors.bankName} />
            <div className="form__actions">
              <button type="submit" className="button" disabled={creating.loading}>
                Add recipient
              </button>
            </div>
          </form>
        </details>
      ) : null}
    </section>
  );
}

export function RemittancesPage({ groupId }: { groupId: string }) {
  const { data } = useQuery(GroupQuery, { variables: { id: groupId }, fetchPolicy: 'cache-first' });
  const [notice, setNotice] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const group = data?.group;
  const role = group?.viewerRole;
  const staff = role === 'ADMIN' || role === 'OPERATOR';
  return (
    <section aria-labelledby="remittances-heading">
      <div className="section-head">
        <h2 id="remittances-heading">Remittances</h2>
      </div>
      {notice ? (
        <p className="notice notice--warn" role="status">
          {notice}
        </p>
      ) : null}
      {group && staff ? (
        <SendMoney
          groupId={groupId}
          currency={group.currency}
          onCreated={(message) => {
            setNotice(message);
            setRefreshKey((key) => key + 1);
          }}
        />
      ) : null}
      {group ? <RemittanceList groupId={groupId} live={role === 'ADMIN'} refreshKey={refreshKey} /> : null}
      {group && staff ? <Recipients groupId={groupId} isAdmin={role === 'ADMIN'} /> : null}
    </section>
  );
}
