'use client';

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import {
  BillingPeriodsQuery,
  ConfirmPaymentMutation,
  CreateBillingPeriodMutation,
  DUES_PAGE_SIZE,
  DueEventsSubscription,
  DuesQuery,
  WaiveDueMutation,
} from '@/graphql/dues';
import type { BillingPeriodsQuery as BillingPeriodsData, DueRowFragment as DueRowData, DueStatus } from '@/gql/graphql';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { formatDate, formatMoney } from '@/lib/format';
import { labelOf, parseOption, type Option } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { useSeed } from '@/lib/seed';
import { FormError, TextField } from './field';
import { LoadError } from './load-error';
import { MembershipTermsSection } from './membership-terms-section';
import { PayOnline } from './pay-online';
import { StripeReturnNotice } from './stripe-card-form';
import { ReceiptButton } from './receipt-button';

export const DUE_STATUS_OPTIONS: ReadonlyArray<Option<DueStatus>> = [
  { value: 'UNPAID', label: 'Unpaid' },
  { value: 'MEMBER_CONFIRMED', label: 'Member says paid' },
  { value: 'OVERDUE', label: 'Overdue' },
  { value: 'PAID', label: 'Paid' },
  { value: 'WAIVED', label: 'Waived' },
];

const STATUS_TONE: Record<DueStatus, string> = {
  UNPAID: 'badge',
  MEMBER_CONFIRMED: 'badge badge--warn',
  OVERDUE: 'badge badge--error',
  PAID: 'badge badge--ok',
  WAIVED: 'badge',
};

interface Props {
  groupId: string;
  initialPeriods: BillingPeriodsData | undefined;
}

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

/** Admins open a period by hand: its total is split among the active members at once. */
function OpenPeriodForm({ groupId, currency, onOpened }: { groupId: string; currency: string; onOpened: (periodId: string) => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [createPeriod, { loading }] = useMutation(CreateBillingPeriodMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading) return;
    const form = new FormData(event.currentTarget);
    const total = text(form, 'total').replace(/,/g, '');
    setErrors({});
    setFormError(null);
    setOutcome(null);
    try {
      const result = await createPeriod({
        variables: {
          input: {
            groupId,
            label: text(form, 'label'),
            totalPrice: total ? { amount: total, currency } : undefined,
            periodStart: text(form, 'periodStart'),
            periodEnd: text(form, 'periodEnd'),
            dueDate: text(form, 'dueDate') || undefined,
          },
        },
      });
      const created = result.data?.createBillingPeriod;
      if (!created) return;
      formRef.current?.reset();
      setOutcome(`Opened ${created.period.label}: ${created.dueCount} ${created.dueCount === 1 ? 'due' : 'dues'} created.`);
      onOpened(created.period.id);
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) setFormError(errorMessage(error));
    }
  }

  return (
    <details className="panel">
      <summary>Open a billing period</summary>
      <form ref={formRef} className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Open billing period">
        <FormError>{formError}</FormError>
        {outcome ? (
          <p className="notice notice--ok form__full" role="status">
            {outcome}
          </p>
        ) : null}
        <TextField label="Label" name="label" placeholder="e.g. December 2026" required error={errors.label} />
        <TextField
          label={`Total (${currency})`}
          name="total"
          inputMode="decimal"
          placeholder="e.g. 649.00"
          hint="Split equally in split and variable modes; empty: the group's price"
          error={errors['totalPrice.amount'] ?? errors['totalPrice.currency'] ?? errors.totalPrice}
        />
        <TextField label="First day" name="periodStart" type="date" required error={errors.periodStart} />
        <TextField label="Last day" name="periodEnd" type="date" required error={errors.periodEnd} />
        <TextField label="Due date" name="dueDate" type="date" hint="Default: the group's due day" error={errors.dueDate} />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={loading}>
            {loading ? 'Opening…' : 'Open period'}
          </button>
        </div>
      </form>
    </details>
  );
}

/** One due with the buttons the viewer may press: confirm, reject a member's claim, waive; or, for the member, "I've paid". */
type HowToPay = { upiId: string | null; upiDeepLink: string | null; upiQrCode: string | null; bankAccountMasked: string | null; bankIfsc: string | null };

/** The group's own payment details for one due: UPI (deep link and QR for the amount) and the bank account, masked. */
function HowToPay({ how }: { how: HowToPay }) {
  return (
    <details className="small how-to-pay">
      <summary>Pay by UPI or bank transfer</summary>
      {how.upiDeepLink ? (
        <p>
          <a className="button button--small" href={how.upiDeepLink}>
            Open in a UPI app
          </a>
        </p>
      ) : null}
      {how.upiQrCode ? <img src={how.upiQrCode} alt={`UPI QR code to pay ${how.upiId ?? ''}`} width={160} height={160} /> : null}
      {how.upiId ? <p>UPI id: {how.upiId}</p> : null}
      {how.bankAccountMasked ? (
        <p>
          Bank account {how.bankAccountMasked}
          {how.bankIfsc ? ` · IFSC ${how.bankIfsc}` : ''}
        </p>
      ) : null}
      <p className="muted">Then press “I’ve paid” so the treasurer can confirm it.</p>
    </details>
  );
}

function DueRow({ due, staff, groupId, onChanged }: { due: DueRowData & { howToPay?: HowToPay | null }; staff: boolean; groupId: string; onChanged: () => void }) {
  const locale = useLocale();
  const [confirmPayment, confirming] = useMutation(ConfirmPaymentMutation);
  const [waiveDue, waiving] = useMutation(WaiveDueMutation);
  const [waiveOpen, setWaiveOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const busy = confirming.loading || waiving.loading;
  const label = `${due.member.name} (${due.period.label})`;

  async function decide(action: 'CONFIRM' | 'REJECT') {
    setError(null);
    try {
      await confirmPayment({ variables: { dueId: due.id, action } });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  async function waive(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await waiveDue({ variables: { dueId: due.id, reason } });
      setWaiveOpen(false);
    } catch (caught) {
      setError(fieldErrors(caught).reason ?? errorMessage(caught));
    }
  }

  return (
    <tr data-testid="due-row" data-due-id={due.id}>
      <td>
        {staff ? (
          <>
            <strong>{due.member.name}</strong> <span className="muted small">{due.member.memberNumber}</span>
          </>
        ) : (
          <strong>{due.period.label}</strong>
        )}
      </td>
      <td className="num">{formatMoney(due.amount, locale)}</td>
      <td>{formatDate(due.dueDate, locale)}</td>
      <td>
        <span className={STATUS_TONE[due.status]} data-testid="due-status">
          {labelOf(DUE_STATUS_OPTIONS, due.status)}
        </span>
        {due.paidTransaction?.receiptNumber ? (
          <div className="small">
            <ReceiptButton transactionId={due.paidTransaction.id} receiptNumber={due.paidTransaction.receiptNumber} />
          </div>
        ) : null}
        {due.waivedReason ? <div className="muted small">{due.waivedReason}</div> : null}
      </td>
      <td className="cell-actions">
        {due.viewerCanDecide ? (
          <>
            <button type="button" className="button button--small" disabled={busy} onClick={() => void decide('CONFIRM')} aria-label={`Confirm paid: ${label}`}>
              Confirm paid
            </button>
            {due.status === 'MEMBER_CONFIRMED' ? (
              <button type="button" className="button button--small" disabled={busy} onClick={() => void decide('REJECT')} aria-label={`Not received: ${label}`}>
                Not received
              </button>
            ) : null}
            <button type="button" className="button button--small button--link" disabled={busy} onClick={() => setWaiveOpen((open) => !open)} aria-expanded={waiveOpen}>
              Waive…
            </button>
            {waiveOpen ? (
              <form className="form" onSubmit={waive} aria-label={`Waive ${label}`}>
                <TextField label="Reason" value={reason} onChange={(event) => setReason(event.target.value)} required />
                <button type="submit" className="button button--small" disabled={busy}>
                  Waive due
                </button>
              </form>
            ) : null}
          </>
        ) : null}
        {!staff && due.iHavePaidLink ? (
          <>
            <PayOnline groupId={groupId} dueId={due.id} label={`${due.period.label}: ${formatMoney(due.amount, locale)}`} onPaid={onChanged} />
            <a className="button button--small" href={due.iHavePaidLink} target="_blank" rel="noopener noreferrer">
              I’ve paid
            </a>
            {due.howToPay ? <HowToPay how={due.howToPay} /> : null}
          </>
        ) : null}
        {error ? (
          <p className="field__error" role="alert">
            {error}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

export function DuesPage({ groupId, initialPeriods }: Props) {
  const locale = useLocale();
  const seeded = useSeed(BillingPeriodsQuery, { groupId, first: 20 }, initialPeriods);
  const { data: groupData } = useQuery(GroupQuery, { variables: { id: groupId }, fetchPolicy: 'cache-first' });
  const group = groupData?.group;
  const staff = group?.viewerRole === 'ADMIN' || group?.viewerRole === 'OPERATOR';
  const admin = group?.viewerRole === 'ADMIN';
  const periods = useQuery(BillingPeriodsQuery, { variables: { groupId, first: 20 }, fetchPolicy: seeded ? 'cache-first' : 'cache-and-network' });
  const periodList = periods.data?.billingPeriods.edges.map((edge) => edge.node) ?? [];
  const [chosenPeriod, setChosenPeriod] = useState<string | undefined>();
  const [status, setStatus] = useState<DueStatus | undefined>();
  // Members see their dues across periods; staff look at one period at a time.
  const periodId = staff ? (chosenPeriod ?? periodList[0]?.id) : undefined;
  const dues = useQuery(DuesQuery, {
    // A member's own dues also say how to pay the group directly (a QR each: not for staff's long lists).
    variables: { groupId, periodId, status, first: DUES_PAGE_SIZE, withHowToPay: !staff },
    skip: !group || (staff && !periodId),
    fetchPolicy: 'cache-and-network',
  });

  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetchDues = dues.refetch;
  const refetchPeriods = periods.refetch;
  const scheduleRefetch = useCallback(() => {
    if (refetchTimer.current) clearTimeout(refetchTimer.current);
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void refetchPeriods().catch(() => undefined);
      void refetchDues().catch(() => undefined);
    }, 250);
  }, [refetchDues, refetchPeriods]);
  useEffect(
    () => () => {
      if (refetchTimer.current) clearTimeout(refetchTimer.current);
    },
    [],
  );
  // The changed due arrives whole and updates its row in the cache; a new period or a
  // status filter needs the lists again.
  useSubscription(DueEventsSubscription, { variables: { groupId }, skip: !staff, onData: () => scheduleRefetch() });

  const rows = dues.data?.dues.edges.map((edge) => edge.node) ?? [];
  const period = periodList.find((p) => p.id === periodId);
  const paid = rows.filter((row) => row.status === 'PAID');
  const open = rows.filter((row) => row.status === 'UNPAID' || row.status === 'OVERDUE' || row.status === 'MEMBER_CONFIRMED');

  return (
    <>
      <section aria-labelledby="dues-heading">
        <div className="section-title">
          <h2 id="dues-heading">{staff ? 'Dues' : 'My dues'}</h2>
          {dues.data ? (
            <span className="muted" aria-live="polite">
              {dues.data.dues.totalCount} {dues.data.dues.totalCount === 1 ? 'due' : 'dues'}
            </span>
          ) : null}
        </div>

        {admin && group ? <OpenPeriodForm groupId={groupId} currency={group.currency} onOpened={(id) => { setChosenPeriod(id); scheduleRefetch(); }} /> : null}

        {staff ? (
          <div className="toolbar toolbar--filters" role="search" aria-label="Choose dues">
            <div className="field field--inline">
              <label htmlFor="due-period">Period</label>
              <select id="due-period" value={periodId ?? ''} onChange={(event) => setChosenPeriod(event.target.value || undefined)}>
                {periodList.length === 0 ? <option value="">No periods yet</option> : null}
                {periodList.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label} · {p.status === 'CLOSED' ? 'closed' : `due ${formatDate(p.dueDate, locale)}`}
                  </option>
                ))}
              </select>
            </div>
            <div className="field field--inline">
              <label htmlFor="due-status">Status</label>
              <select id="due-status" value={status ?? ''} onChange={(event) => setStatus(parseOption(DUE_STATUS_OPTIONS, event.target.value))}>
                <option value="">All</option>
                {DUE_STATUS_OPTIONS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
        ) : null}

        {staff && period && !status ? (
          <dl className="stats" aria-label="This period">
            <div>
              <dt>Total</dt>
              <dd>{period.total ? formatMoney(period.total, locale) : <span className="muted small">each member’s own amount</span>}</dd>
            </div>
            <div>
              <dt>Paid</dt>
              <dd data-testid="dues-paid">{paid.length}</dd>
            </div>
            <div>
              <dt>Still open</dt>
              <dd data-testid="dues-open">{open.length}</dd>
            </div>
          </dl>
        ) : null}

        {staff ? null : <StripeReturnNotice />}
        {periods.error && !periods.data ? <LoadError error={periods.error} onRetry={() => void periods.refetch()} /> : null}
        {dues.error && !dues.data ? <LoadError error={dues.error} onRetry={() => void dues.refetch()} /> : null}
        {staff && periods.data && periodList.length === 0 ? <p className="muted">No billing periods yet{admin ? ': open one above.' : '.'}</p> : null}
        {!dues.data && dues.loading ? (
          <p className="muted" role="status">
            Loading dues…
          </p>
        ) : null}
        {dues.data && rows.length === 0 ? <p className="muted">{staff ? 'No dues match.' : 'You owe nothing right now.'}</p> : null}

        {rows.length > 0 ? (
          <div className="table-wrap">
            <table className="table table--money">
              <caption className="visually-hidden">{staff ? `Dues for ${period?.label ?? 'the period'}` : 'My dues'}</caption>
              <thead>
                <tr>
                  <th scope="col">{staff ? 'Member' : 'Period'}</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col">Due</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <DueRow key={row.id} due={row} staff={staff} groupId={groupId} onChanged={scheduleRefetch} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      {group?.kind === 'CLUB' ? <MembershipTermsSection groupId={groupId} staff={staff} /> : null}
    </>
  );
}
