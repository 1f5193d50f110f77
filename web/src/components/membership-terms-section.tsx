'use client';

import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { CreateMembershipTermMutation, MembershipTermsQuery } from '@/graphql/dues';
import type { MembershipTermStatus, MembershipTermType, PaymentMode } from '@/gql/graphql';
import { errorCode, errorMessage, errorReason, fieldErrors } from '@/lib/graphql-errors';
import { newIdempotencyKey } from '@/lib/ids';
import { formatDate, formatMoney } from '@/lib/format';
import { labelOf, parseOption, PAYMENT_MODE_OPTIONS, type Option } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { FormError, SelectField } from './field';
import { LoadError } from './load-error';
import { MemberPicker } from './record-transaction-form';

const TERM_TYPE_OPTIONS: ReadonlyArray<Option<MembershipTermType>> = [
  { value: 'ANNUAL', label: 'Annual' },
  { value: 'MONTHLY', label: 'Monthly' },
  { value: 'LIFETIME', label: 'Lifetime' },
  { value: 'APPLICATION_FEE', label: 'Application fee' },
];

const TERM_STATUS_OPTIONS: ReadonlyArray<Option<MembershipTermStatus>> = [
  { value: 'PENDING', label: 'Waiting for payment' },
  { value: 'ACTIVE', label: 'Active' },
  { value: 'EXPIRED', label: 'Expired' },
  { value: 'CANCELLED', label: 'Cancelled' },
];

const TONE: Record<MembershipTermStatus, string> = { PENDING: 'badge badge--warn', ACTIVE: 'badge badge--ok', EXPIRED: 'badge', CANCELLED: 'badge' };

/** Staff record a membership fee they collected; the amount and dates come from the group's rules. */
function RecordTermForm({ groupId, onRecorded }: { groupId: string; onRecorded: () => void }) {
  const locale = useLocale();
  const formRef = useRef<HTMLFormElement>(null);
  // One key per submission attempt, as for transactions: a double tap or a retry after a network
  // error is answered with the first result (recorded once); replaced once the form resets.
  const idempotencyKey = useRef<string | null>(null);
  const [open, setOpen] = useState(false);
  const [createTerm, { loading }] = useMutation(CreateMembershipTermMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ text: string; pending: boolean } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading) return;
    const form = new FormData(event.currentTarget);
    const memberId = String(form.get('memberId') ?? '');
    const type = parseOption(TERM_TYPE_OPTIONS, form.get('type'));
    const paymentMode = parseOption<PaymentMode>(PAYMENT_MODE_OPTIONS, form.get('paymentMode'));
    setErrors(memberId ? {} : { memberId: 'Choose the member who paid.' });
    setFormError(null);
    setOutcome(null);
    if (!memberId || !type) return;
    idempotencyKey.current ??= newIdempotencyKey();
    try {
      const result = await createTerm({ variables: { input: { memberId, type, paymentMode, idempotencyKey: idempotencyKey.current } } });
      const payload = result.data?.createMembershipTerm;
      if (!payload) return;
      formRef.current?.reset();
      idempotencyKey.current = null;
      const what = `${labelOf(TERM_TYPE_OPTIONS, payload.term.type).toLowerCase()} membership for ${payload.term.member.name}`;
      const again = payload.replayed ? ' It had already reached Coffer: it was recorded once.' : '';
      setOutcome(
        payload.pendingApproval
          ? { text: `Waiting for an admin’s approval: the ${what}.${again}`, pending: true }
          : { text: `Recorded the ${what}, ${payload.term.endsOn ? `valid until ${formatDate(payload.term.endsOn, locale)}` : 'valid for life'}.${again}`, pending: false },
      );
      onRecorded();
    } catch (error) {
      if (errorCode(error) === 'CONFLICT' && errorReason(error) === 'IDEMPOTENCY_KEY_REUSED') {
        // An earlier try of this form went through with other details: look before recording a second fee.
        idempotencyKey.current = null;
        setFormError('An earlier attempt from this form was already recorded with different details. Check the list below; submit again only if this is a second fee.');
        onRecorded();
        return;
      }
      if (errorCode(error) === 'CONFLICT' && errorReason(error) === 'DUPLICATE_TERM') {
        // The same fee was recorded for this member moments ago (another device or tab): the list shows it.
        idempotencyKey.current = null;
        setFormError(errorMessage(error));
        onRecorded();
        return;
      }
      const fields = fieldErrors(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) setFormError(errorMessage(error));
    }
  }

  return (
    <details className="panel" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Record a membership fee</summary>
      <form ref={formRef} method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Record membership fee">
        <FormError>{formError}</FormError>
        {outcome ? (
          <p className={outcome.pending ? 'notice notice--warn form__full' : 'notice notice--ok form__full'} role="status">
            {outcome.text}
          </p>
        ) : null}
        {open ? <MemberPicker groupId={groupId} error={errors.memberId} /> : null}
        <SelectField label="Membership type" name="type" options={TERM_TYPE_OPTIONS} defaultValue="ANNUAL" error={errors.type} />
        <SelectField label="Paid by" name="paymentMode" options={PAYMENT_MODE_OPTIONS} defaultValue="CASH" error={errors.paymentMode} />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={loading}>
            {loading ? 'Recording…' : 'Record fee'}
          </button>
        </div>
      </form>
    </details>
  );
}

/** A club's membership terms: staff see everyone's and record collected fees; a member sees their own. */
export function MembershipTermsSection({ groupId, staff }: { groupId: string; staff: boolean }) {
  const locale = useLocale();
  const [status, setStatus] = useState<MembershipTermStatus | undefined>();
  const terms = useQuery(MembershipTermsQuery, { variables: { groupId, status, first: 50 }, fetchPolicy: 'cache-and-network' });
  const rows = terms.data?.membershipTerms.edges.map((edge) => edge.node) ?? [];
  return (
    <section aria-labelledby="terms-heading">
      <div className="section-title">
        <h2 id="terms-heading">{staff ? 'Membership terms' : 'My membership'}</h2>
        {terms.data ? <span className="muted">{terms.data.membershipTerms.totalCount} terms</span> : null}
      </div>
      {staff ? <RecordTermForm groupId={groupId} onRecorded={() => void terms.refetch()} /> : null}
      <div className="toolbar toolbar--filters" role="search" aria-label="Filter membership terms">
        <div className="field field--inline">
          <label htmlFor="term-status">Status</label>
          <select id="term-status" value={status ?? ''} onChange={(event) => setStatus(parseOption(TERM_STATUS_OPTIONS, event.target.value))}>
            <option value="">All</option>
            {TERM_STATUS_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {terms.error && !terms.data ? <LoadError error={terms.error} onRetry={() => void terms.refetch()} /> : null}
      {terms.data && rows.length === 0 ? <p className="muted">No membership terms{status ? ' match' : ' yet'}.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table table--money">
            <caption className="visually-hidden">Membership terms</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Membership</th>
                <th scope="col">Valid</th>
                <th scope="col" className="num">
                  Fee
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((term) => (
                <tr key={term.id} data-testid="term-row">
                  <td>
                    <strong>{term.member.name}</strong> <span className="muted small">{term.member.memberNumber}</span>
                  </td>
                  <td>{labelOf(TERM_TYPE_OPTIONS, term.type)}</td>
                  <td>
                    {formatDate(term.startsOn, locale)} – {term.endsOn ? formatDate(term.endsOn, locale) : 'lifetime'}
                  </td>
                  <td className="num">{formatMoney(term.amount, locale)}</td>
                  <td>
                    <span className={TONE[term.status]}>{labelOf(TERM_STATUS_OPTIONS, term.status)}</span>
                    {term.paidTransaction?.receiptNumber ? <div className="muted small">Receipt {term.paidTransaction.receiptNumber}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
