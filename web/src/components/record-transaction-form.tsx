'use client';

import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { MEMBER_OPTIONS_SIZE, MemberOptionsQuery, RecordTransactionMutation } from '@/graphql/transactions';
import type { RecordTransactionInput, TransactionCategory, TransactionType } from '@/gql/graphql';
import { errorCode, errorMessage, errorReason, fieldErrors } from '@/lib/graphql-errors';
import { amountExamples, exampleAmount, formatMoney } from '@/lib/format';
import { newIdempotencyKey } from '@/lib/ids';
import { CATEGORY_OPTIONS, labelOf, parseOption, PAYMENT_MODE_OPTIONS, TYPE_OPTIONS } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { unplacedErrors } from '@/lib/roles';
import { useDebounced } from '@/lib/use-debounced';
import { FormError, SelectField, TextField } from './field';

const FIELDS = ['type', 'category', 'amount', 'currency', 'paymentMode', 'memberId', 'description', 'senderName', 'senderUpiId'] as const;

const DEFAULT_CATEGORY: Record<TransactionType, TransactionCategory> = { CASH_IN: 'MEMBERSHIP_FEE', CASH_OUT: 'EXPENSE' };

interface Props {
  groupId: string;
  currency: string;
  onRecorded: () => void;
}

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

/** Active members to pick from; a search box appears when a group has more than one list's worth. */
export function MemberPicker({ groupId, error }: { groupId: string; error: string | undefined }) {
  const [searchInput, setSearchInput] = useState('');
  const search = useDebounced(searchInput.trim(), 300);
  // Kept out of the cache: the members table caches the same field with richer rows.
  const { data, loading } = useQuery(MemberOptionsQuery, {
    variables: { groupId, search: search || undefined, first: MEMBER_OPTIONS_SIZE },
    fetchPolicy: 'no-cache',
  });
  const members = data?.members.edges.map((edge) => edge.node) ?? [];
  const many = (data?.members.totalCount ?? 0) > MEMBER_OPTIONS_SIZE || search !== '';
  const options = [
    { value: '', label: loading && !data ? 'Loading members…' : 'No member' },
    ...members.map((member) => ({ value: member.id, label: `${member.name} · ${member.memberNumber}` })),
  ];
  return (
    <>
      {many ? (
        <TextField
          label="Find member"
          type="search"
          value={searchInput}
          onChange={(event) => setSearchInput(event.target.value)}
          placeholder="Name, e-mail or number"
          autoComplete="off"
        />
      ) : null}
      <SelectField label="Member" name="memberId" options={options} defaultValue="" error={error} />
    </>
  );
}

export function RecordTransactionForm({ groupId, currency, onRecorded }: Props) {
  const locale = useLocale();
  const formRef = useRef<HTMLFormElement>(null);
  // One key per submission attempt: kept across a double tap or a retry after a network
  // error (the API then answers with the first result), replaced once the form resets.
  const idempotencyKey = useRef<string | null>(null);
  const [open, setOpen] = useState(false);
  const [type, setType] = useState<TransactionType>('CASH_IN');
  const [category, setCategory] = useState<TransactionCategory>(DEFAULT_CATEGORY.CASH_IN);
  const [recordTransaction, { loading }] = useMutation(RecordTransactionMutation);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ text: string; pending: boolean } | null>(null);

  function resetForm() {
    formRef.current?.reset();
    setType('CASH_IN');
    setCategory(DEFAULT_CATEGORY.CASH_IN);
    idempotencyKey.current = null;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading) return;
    const form = new FormData(event.currentTarget);
    const amount = text(form, 'amount').replace(/,/g, '');
    const paymentMode = parseOption(PAYMENT_MODE_OPTIONS, form.get('paymentMode')) ?? 'CASH';

    const local: Record<string, string> = {};
    if (!amount) local.amount = `Enter the amount, ${amountExamples(currency)}.`;
    setErrors(local);
    setFormError(null);
    setOutcome(null);
    if (Object.keys(local).length > 0) return;

    idempotencyKey.current ??= newIdempotencyKey();
    const input: RecordTransactionInput = {
      groupId,
      type,
      category,
      amount: { amount, currency },
      paymentMode,
      memberId: text(form, 'memberId') || undefined,
      description: text(form, 'description') || undefined,
      senderName: text(form, 'senderName') || undefined,
      senderUpiId: text(form, 'senderUpiId') || undefined,
      idempotencyKey: idempotencyKey.current,
    };

    try {
      const result = await recordTransaction({ variables: { input } });
      const payload = result.data?.recordTransaction;
      resetForm();
      if (!payload) return;
      const txn = payload.transaction;
      const what = `${formatMoney(txn.groupAmount, locale)} ${txn.type === 'CASH_IN' ? 'cash in' : 'cash out'} (${labelOf(CATEGORY_OPTIONS, txn.category)})`;
      const again = payload.replayed ? ' It had already reached Coffer: it was recorded once.' : '';
      setOutcome(
        payload.pendingApproval
          ? { text: `Waiting for an admin’s approval: ${what} is saved and counts once an admin approves it.${again}`, pending: true }
          : { text: `Recorded: ${what}.${again}`, pending: false },
      );
      onRecorded();
    } catch (error) {
      if (errorCode(error) === 'CONFLICT' && errorReason(error) === 'IDEMPOTENCY_KEY_REUSED') {
        // An earlier try of this form went through with other details; a new key lets a
        // deliberate second transaction through, after the operator has looked.
        idempotencyKey.current = null;
        setFormError('An earlier attempt from this form was already recorded with different details. Check the list below; submit again only if this is a second transaction.');
        onRecorded();
        return;
      }
      const fields = fieldErrors(error);
      setErrors(fields);
      const unplaced = unplacedErrors(fields, FIELDS);
      if (Object.keys(fields).length === 0) setFormError(errorMessage(error));
      else if (unplaced) setFormError(unplaced);
    }
  }

  const amountError = errors.amount ?? errors['amount.amount'] ?? errors['amount.currency'] ?? errors.currency;

  return (
    <details className="panel" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Record a transaction</summary>
      <form ref={formRef} method="post" className="form form--grid" onSubmit={onSubmit} noValidate aria-label="Record transaction">
        <FormError>{formError}</FormError>
        {outcome ? (
          <p className={outcome.pending ? 'notice notice--warn form__full' : 'notice notice--ok form__full'} role="status">
            {outcome.text}
          </p>
        ) : null}
        <SelectField
          label="Type"
          name="type"
          options={TYPE_OPTIONS}
          value={type}
          onChange={(event) => {
            const next = parseOption(TYPE_OPTIONS, event.target.value);
            if (!next) return;
            // Fees come in and expenses go out: follow the type unless someone picked on purpose.
            if (category === DEFAULT_CATEGORY[type]) setCategory(DEFAULT_CATEGORY[next]);
            setType(next);
          }}
          error={errors.type}
        />
        <SelectField
          label="Category"
          name="category"
          options={CATEGORY_OPTIONS}
          value={category}
          onChange={(event) => {
            const next = parseOption(CATEGORY_OPTIONS, event.target.value);
            if (next) setCategory(next);
          }}
          error={errors.category}
        />
        <TextField
          label={`Amount (${currency})`}
          name="amount"
          inputMode="decimal"
          placeholder={`e.g. ${exampleAmount('500', currency)}`}
          autoComplete="off"
          required
          error={amountError}
        />
        <SelectField label="Payment mode" name="paymentMode" options={PAYMENT_MODE_OPTIONS} defaultValue="CASH" error={errors.paymentMode} />
        {open ? (
          <MemberPicker groupId={groupId} error={errors.memberId} />
        ) : (
          <SelectField label="Member" name="memberId" options={[{ value: '', label: 'No member' }]} error={errors.memberId} />
        )}
        <TextField label="Description" name="description" autoComplete="off" error={errors.description} />
        <TextField label="Sender name" name="senderName" autoComplete="off" error={errors.senderName} />
        <TextField
          label="Sender UPI id"
          name="senderUpiId"
          autoComplete="off"
          autoCapitalize="none"
          placeholder="name@bank"
          error={errors.senderUpiId}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={loading}>
            {loading ? 'Recording…' : 'Record transaction'}
          </button>
        </div>
      </form>
    </details>
  );
}
