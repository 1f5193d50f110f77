'use client';

import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useApolloClient, useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { GroupQuery } from '@/graphql/groups';
import {
  BILLABLE_MEMBERS_PAGE_SIZE,
  BillableMembersQuery,
  BillingPeriodsQuery,
  ConfirmPaymentMutation,
  CreateBillingPeriodMutation,
  DUES_PAGE_SIZE,
  DueEventsSubscription,
  DuesQuery,
  OpenPeriodSettingsQuery,
  WaiveDueMutation,
} from '@/graphql/dues';
import type { BillableMembersQuery as BillableMembersData, BillingMode, BillingPeriodsQuery as BillingPeriodsData, DueRowFragment as DueRowData, DueStatus, PaymentMode } from '@/gql/graphql';
import { previewPeriod, splitsTotal, sumAmounts, type BillableMember, type PeriodPreview } from '@/lib/billing-preview';
import { errorCode, errorExtension, errorMessage, errorReason, fieldErrors } from '@/lib/graphql-errors';
import { exampleAmount, formatDate, formatMoney } from '@/lib/format';
import { labelOf, parseOption, PAYMENT_MODE_OPTIONS, type Option } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { unplacedErrors } from '@/lib/roles';
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

interface PeriodBasis {
  mode: BillingMode;
  /** The group's price in its billing settings; null when not set. */
  price: string | null;
  members: BillableMember[];
}

/**
 * What a new period's dues depend on: the group's billing mode and price and every active
 * member. Read afresh each time the form is opened (members come and go); the members are not
 * cached, so the members table's own lists stay as they are.
 */
function usePeriodBasis(groupId: string, active: boolean): { basis: PeriodBasis | null; error: unknown; retry: () => void } {
  const client = useApolloClient();
  const [basis, setBasis] = useState<PeriodBasis | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    void (async () => {
      const { data } = await client.query({ query: OpenPeriodSettingsQuery, variables: { groupId }, fetchPolicy: 'network-only', errorPolicy: 'none' });
      const settings = data.group.billingSettings;
      if (!settings) throw new Error('Only admins see the group’s billing settings.');
      const members: BillableMember[] = [];
      let after: string | null = null;
      do {
        const page: { data: BillableMembersData } = await client.query({
          query: BillableMembersQuery,
          variables: { groupId, first: BILLABLE_MEMBERS_PAGE_SIZE, after },
          fetchPolicy: 'no-cache',
          errorPolicy: 'none',
        });
        members.push(...page.data.members.edges.map((edge) => edge.node));
        after = page.data.members.pageInfo.hasNextPage ? page.data.members.pageInfo.endCursor : null;
      } while (after && !cancelled);
      if (cancelled) return;
      setError(null);
      setBasis({ mode: settings.mode, price: settings.price?.amount ?? null, members });
    })().catch((caught: unknown) => {
      if (!cancelled) setError(caught);
    });
    return () => {
      cancelled = true;
    };
  }, [client, groupId, active, attempt]);
  return { basis, error, retry: () => setAttempt((n) => n + 1) };
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The preview in plain words: what each member will owe and what it comes to, before "Open period". */
function describePreview(basis: PeriodBasis, preview: PeriodPreview, currency: string, locale: string): string {
  const money = (amount: string) => formatMoney({ amount, currency }, locale);
  const primaries = basis.members.filter((member) => member.primaryMember === null).length;
  const subs = basis.members.length - primaries;
  const covered = subs > 0 ? ` ${count(subs, 'sub-member is', 'sub-members are')} covered by their primary member.` : '';
  const price = basis.price === null ? null : money(basis.price);
  if (!preview.ok) {
    if (preview.reason === 'NO_PRICE') {
      const without = basis.members.filter((member) => member.primaryMember === null && !member.customAmount).length;
      return basis.mode === 'MEMBERSHIP_FEE'
        ? 'This group bills each member the group’s price, but its billing settings have no price (or a price of zero), so nobody would owe anything. Set the price in the billing settings first.'
        : `This group bills each member their own amount or the group’s price, but its billing settings have no price and ${count(without, 'member has', 'members have')} no amount of their own. Set the price in the billing settings, or give each member their own amount.`;
    }
    if (preview.reason === 'BAD_TOTAL') return `Enter the total as an amount, e.g. ${exampleAmount('649', currency)}.`;
    return `${basis.mode === 'VARIABLE_TOTAL' ? 'Enter this period’s total' : 'Enter a total (the group has no price to fall back on)'}: it is split equally among the ${count(primaries, 'member', 'members')}.${covered}`;
  }
  const none = preview.dues.length === 0 ? ' No dues would be created.' : '';
  const skipped = preview.unbilled > 0 && preview.dues.length > 0 ? ` ${count(preview.unbilled, 'member owes', 'members owe')} nothing and ${preview.unbilled === 1 ? 'gets' : 'get'} no due.` : '';
  if (preview.splitTotal !== undefined) {
    const from = basis.mode === 'EQUAL_SPLIT' && preview.splitTotal === basis.price ? ' (the group’s price)' : '';
    const carrier = preview.remainder ? `; ${preview.remainder.member.name} owes ${money(preview.remainder.amount)} (the remainder an equal split cannot divide)` : '';
    return `${money(preview.splitTotal)}${from} split equally among ${count(primaries, 'member', 'members')}: ${money(preview.share ?? '0')} each${carrier}.${skipped}${none}${covered}`;
  }
  if (basis.mode === 'CUSTOM_AMOUNTS') {
    const own = preview.ownAmounts ?? 0;
    if (price === null) {
      return `This group bills each member’s own amount (every member has one), so there is no total to enter. ${count(preview.dues.length, 'due', 'dues')}; ${money(preview.total)} in all.${skipped}${none}${covered}`;
    }
    return `This group bills each member’s own amount, or the group’s price of ${price} without one, so there is no total to enter. ${count(preview.dues.length, 'due', 'dues')}: ${own} at the member’s own amount, ${primaries - own} at ${price}; ${money(preview.total)} in all.${skipped}${none}${covered}`;
  }
  return `This group bills each member the group’s price, so there is no total to enter. ${count(preview.dues.length, 'member', 'members')} × ${price} = ${money(preview.total)} in all.${none}${covered}`;
}

/**
 * CONFLICT PERIOD_OVERLAP / PERIOD_EXISTS in words: which of the group's periods already has
 * some of the days (`extensions.period`). Null for any other error.
 */
function periodConflict(error: unknown, locale: string): string | null {
  const reason = errorReason(error);
  if (errorCode(error) !== 'CONFLICT' || (reason !== 'PERIOD_OVERLAP' && reason !== 'PERIOD_EXISTS')) return null;
  const period = errorExtension(error, 'period') as { label?: unknown; periodStart?: unknown; periodEnd?: unknown } | undefined;
  if (typeof period?.label !== 'string' || typeof period.periodStart !== 'string' || typeof period.periodEnd !== 'string') return errorMessage(error);
  const days = `${formatDate(period.periodStart, locale)} – ${formatDate(period.periodEnd, locale)}`;
  return `These days overlap “${period.label}” (${days}): its members would be billed twice. Choose days outside it.`;
}

/**
 * Admins open a period by hand. In the split modes its total is divided among the active
 * primary members; in the per-member modes each owes the group's price or their own amount
 * and a typed total would be ignored, so the form does not ask for one. Either way it says
 * what each member will owe and the total before the admin opens it.
 */
function OpenPeriodForm({ groupId, currency, onOpened }: { groupId: string; currency: string; onOpened: (periodId: string) => void }) {
  const locale = useLocale();
  const formRef = useRef<HTMLFormElement>(null);
  const previewId = useId();
  const [shown, setShown] = useState(false);
  const { basis, error: basisError, retry } = usePeriodBasis(groupId, shown);
  const [createPeriod, { loading }] = useMutation(CreateBillingPeriodMutation);
  const [total, setTotal] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const split = basis ? splitsTotal(basis.mode) : false;
  const preview = basis ? previewPeriod({ mode: basis.mode, price: basis.price, currency, members: basis.members, total: split ? total : '' }) : null;
  // A per-member mode without a price cannot bill anyone: nothing to open.
  const blocked = !basis || (!split && preview !== null && !preview.ok);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading || blocked) return;
    const form = new FormData(event.currentTarget);
    const typed = total.replace(/,/g, '').trim();
    setErrors({});
    setFormError(null);
    setOutcome(null);
    try {
      const result = await createPeriod({
        variables: {
          input: {
            groupId,
            label: text(form, 'label'),
            // Only where it is split: the per-member modes bill their own amounts whatever total is sent.
            totalPrice: split && typed ? { amount: typed, currency } : undefined,
            periodStart: text(form, 'periodStart'),
            periodEnd: text(form, 'periodEnd'),
            dueDate: text(form, 'dueDate') || undefined,
          },
        },
      });
      const created = result.data?.createBillingPeriod;
      if (!created) return;
      formRef.current?.reset();
      setTotal('');
      setOutcome(`Opened ${created.period.label}: ${created.dueCount} ${created.dueCount === 1 ? 'due' : 'dues'} created.`);
      onOpened(created.period.id);
    } catch (error) {
      // Another period already has some of these days: say which, next to the dates.
      const overlap = periodConflict(error, locale);
      if (overlap) {
        setErrors({ periodStart: overlap });
        return;
      }
      const fields = fieldErrors(error);
      setErrors(fields);
      // What the form has no input for (the group's price in its billing settings, a total it does not ask for) goes on top.
      const unplaced = unplacedErrors(fields, ['label', 'periodStart', 'periodEnd', 'dueDate', ...(split ? ['totalPrice'] : [])]);
      if (Object.keys(fields).length === 0 || unplaced) setFormError(unplaced ?? errorMessage(error));
    }
  }

  const priceText = basis?.price ? formatMoney({ amount: basis.price, currency }, locale) : null;
  return (
    <details className="panel" onToggle={(event) => setShown(event.currentTarget.open)}>
      <summary>Open a billing period</summary>
      <form ref={formRef} method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Open billing period">
        <FormError>{formError}</FormError>
        {outcome ? (
          <p className="notice notice--ok form__full" role="status">
            {outcome}
          </p>
        ) : null}
        <TextField label="Label" name="label" placeholder="e.g. December 2026" required error={errors.label} />
        {split ? (
          <TextField
            label={`Total (${currency})`}
            name="total"
            inputMode="decimal"
            placeholder={`e.g. ${exampleAmount('649', currency)}`}
            value={total}
            onChange={(event) => setTotal(event.target.value)}
            required={basis?.mode === 'VARIABLE_TOTAL'}
            hint={basis?.mode === 'VARIABLE_TOTAL' ? 'Split equally among the members' : `Split equally among the members; empty: the group’s price${priceText ? ` (${priceText})` : ''}`}
            error={errors['totalPrice.amount'] ?? errors['totalPrice.currency'] ?? errors.totalPrice}
          />
        ) : null}
        <TextField label="First day" name="periodStart" type="date" required error={errors.periodStart} />
        <TextField label="Last day" name="periodEnd" type="date" required error={errors.periodEnd} />
        <TextField label="Due date" name="dueDate" type="date" hint="Default: the group's due day" error={errors.dueDate} />
        {basisError && !basis ? (
          <div className="form__full">
            <LoadError error={basisError} onRetry={retry} />
          </div>
        ) : basis && preview ? (
          <p className={preview.ok || split ? 'notice form__full' : 'notice notice--error form__full'} id={previewId} data-testid="period-preview">
            {describePreview(basis, preview, currency, locale)}
          </p>
        ) : (
          <p className="muted form__full" role="status">
            Working out what each member will owe…
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={loading || blocked} aria-describedby={basis ? previewId : undefined}>
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
  const [confirmOpen, setConfirmOpen] = useState(false);
  // Asked every time: the API would book an unstated mode as UPI. Cash is what admins confirm by hand most.
  const [paymentMode, setPaymentMode] = useState<PaymentMode>('CASH');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const modeId = useId();
  const busy = confirming.loading || waiving.loading;
  const label = `${due.member.name} (${due.period.label})`;

  async function confirm(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setError(null);
    setOutcome(null);
    try {
      const result = await confirmPayment({ variables: { dueId: due.id, action: 'CONFIRM', paymentMode } });
      const transaction = result.data?.confirmPayment.transaction;
      setConfirmOpen(false);
      const receipt = transaction?.receiptNumber ? ` · receipt ${transaction.receiptNumber}` : '';
      setOutcome(`Recorded ${formatMoney(transaction?.amount ?? due.amount, locale)} paid by ${labelOf(PAYMENT_MODE_OPTIONS, transaction?.paymentMode ?? paymentMode)}${receipt}.`);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  async function reject() {
    setError(null);
    setOutcome(null);
    try {
      await confirmPayment({ variables: { dueId: due.id, action: 'REJECT' } });
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
        {due.paidTransaction ? (
          <div className="small">
            <span data-testid="due-payment-mode">{labelOf(PAYMENT_MODE_OPTIONS, due.paidTransaction.paymentMode)}</span>
            {due.paidTransaction.receiptNumber ? (
              <>
                {' · '}
                <ReceiptButton transactionId={due.paidTransaction.id} receiptNumber={due.paidTransaction.receiptNumber} />
              </>
            ) : null}
          </div>
        ) : null}
        {due.waivedReason ? <div className="muted small">{due.waivedReason}</div> : null}
      </td>
      <td className="cell-actions due-actions">
        {due.viewerCanDecide ? (
          <>
            <button
              type="button"
              className="button button--small"
              disabled={busy}
              onClick={() => {
                setConfirmOpen((open) => !open);
                setWaiveOpen(false);
              }}
              aria-expanded={confirmOpen}
              aria-label={`Confirm paid: ${label}`}
            >
              Confirm paid…
            </button>
            {due.status === 'MEMBER_CONFIRMED' ? (
              <button type="button" className="button button--small" disabled={busy} onClick={() => void reject()} aria-label={`Not received: ${label}`}>
                Not received
              </button>
            ) : null}
            <button
              type="button"
              className="button button--small button--link"
              disabled={busy}
              onClick={() => {
                setWaiveOpen((open) => !open);
                setConfirmOpen(false);
              }}
              aria-expanded={waiveOpen}
            >
              Waive…
            </button>
            {confirmOpen ? (
              <form method="post" className="due-confirm" onSubmit={confirm} aria-label={`Confirm payment: ${label}`}>
                <label htmlFor={modeId}>Paid by</label>
                <select id={modeId} value={paymentMode} onChange={(event) => setPaymentMode(parseOption(PAYMENT_MODE_OPTIONS, event.target.value) ?? 'CASH')}>
                  {PAYMENT_MODE_OPTIONS.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
                <button type="submit" className="button button--small button--primary" disabled={busy}>
                  {confirming.loading ? 'Recording…' : `Record ${formatMoney(due.amount, locale)}`}
                </button>
              </form>
            ) : null}
            {waiveOpen ? (
              <form method="post" className="form" onSubmit={waive} aria-label={`Waive ${label}`}>
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
        {outcome ? (
          <p className="notice notice--ok small due-outcome" role="status">
            {outcome}
          </p>
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
  // A per-member period has no total of its own: what its dues add up to, once every one is loaded.
  const allLoaded = !status && dues.data !== undefined && rows.length === dues.data.dues.totalCount && rows.every((row) => row.period.id === periodId);
  const billedTotal = period && !period.total && allLoaded && group ? sumAmounts(rows.map((row) => row.amount.amount), group.currency) : null;

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
              <dd data-testid="dues-total">
                {period.total ? (
                  formatMoney(period.total, locale)
                ) : billedTotal !== null && group ? (
                  formatMoney({ amount: billedTotal, currency: group.currency }, locale)
                ) : (
                  <span className="muted small">each member’s own amount</span>
                )}
              </dd>
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
