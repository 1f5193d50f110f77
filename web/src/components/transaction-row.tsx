'use client';

import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { DeleteTransactionMutation, UpdateTransactionMutation } from '@/graphql/transactions';
import type { ApprovalStatus, TransactionRowFragment, UpdateTransactionInput } from '@/gql/graphql';
import { errorMessage, fieldErrors } from '@/lib/graphql-errors';
import { amountExamples, formatDate, formatMoney } from '@/lib/format';
import { CATEGORY_OPTIONS, labelOf, parseOption, PAYMENT_MODE_OPTIONS } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { unplacedErrors } from '@/lib/roles';
import { LocalDateTime } from './date-time';
import { FormError, SelectField, TextField } from './field';
import { ReceiptButton } from './receipt-button';

const STATUS: Record<ApprovalStatus, { label: string; className: string }> = {
  APPROVED: { label: 'Approved', className: 'badge badge--ok' },
  PENDING: { label: 'Waiting for approval', className: 'badge badge--warn' },
  REJECTED: { label: 'Rejected', className: 'badge badge--error' },
};

const FIELDS = ['amount', 'amount.amount', 'amount.currency', 'currency', 'category', 'description', 'occurredAt'] as const;
const COLUMNS = 6;

const SENT_FOR_APPROVAL = 'Sent to an admin for approval.';

interface Props {
  txn: TransactionRowFragment;
  /** After a change went through (or was sent for approval): reload the list and balance. */
  onChanged?: () => void;
}

function counterparty(txn: TransactionRowFragment): string | null {
  if (txn.member) return `${txn.member.name} (${txn.member.memberNumber})`;
  if (txn.senderName && txn.senderUpiId) return `${txn.senderName} · ${txn.senderUpiId}`;
  return txn.senderName ?? txn.senderUpiId ?? null;
}

function text(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

/** Sends only what changed, so a correction never rewrites a field nobody touched. */
function changes(txn: TransactionRowFragment, form: FormData): UpdateTransactionInput {
  const input: UpdateTransactionInput = {};
  const amount = text(form, 'amount').replace(/,/g, '');
  const category = parseOption(CATEGORY_OPTIONS, form.get('category'));
  const description = text(form, 'description');
  const date = text(form, 'date');
  if (amount !== txn.amount.amount) input.amount = { amount, currency: txn.amount.currency };
  if (category && category !== txn.category) input.category = category;
  if (description !== (txn.description ?? '')) input.description = description;
  // The day changes; the time of day (and its UTC offset) stays as recorded.
  if (/^\d{4}-\d{2}-\d{2}$/.test(date) && date !== txn.occurredAt.slice(0, 10)) input.occurredAt = `${date}${txn.occurredAt.slice(10)}`;
  return input;
}

export function TransactionRow({ txn, onChanged }: Props) {
  const locale = useLocale();
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [updateTransaction, { loading: saving }] = useMutation(UpdateTransactionMutation);
  const [deleteTransaction, { loading: deleting }] = useMutation(DeleteTransactionMutation);

  const status = STATUS[txn.approvalStatus];
  const who = counterparty(txn);
  // A reversal has its original's type and negates it: money in comes back out.
  const outward = (txn.type === 'CASH_OUT') !== Boolean(txn.reverses);
  const foreign = txn.amount.currency !== txn.groupAmount.currency;
  const canPrint = txn.type === 'CASH_IN' && txn.approvalStatus === 'APPROVED' && txn.receiptNumber && !txn.reverses;
  const category = labelOf(CATEGORY_OPTIONS, txn.category);
  const name = `${category} of ${formatMoney(txn.groupAmount, locale)}`;

  async function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (saving) return;
    const input = changes(txn, new FormData(event.currentTarget));
    setErrors({});
    setFormError(null);
    setNotice(null);
    if (input.amount && !input.amount.amount) {
      setErrors({ amount: `Enter the amount, ${amountExamples(txn.amount.currency)}.` });
      return;
    }
    if (Object.keys(input).length === 0) {
      setEditing(false);
      return;
    }
    try {
      const result = await updateTransaction({ variables: { id: txn.id, input } });
      const payload = result.data?.updateTransaction;
      if (payload?.pendingApproval) {
        // Nothing changed yet: the form keeps what was typed and says where it went.
        setNotice(`${SENT_FOR_APPROVAL} The correction applies once an admin approves it.`);
        onChanged?.();
        return;
      }
      setEditing(false);
      setNotice(
        txn.approvalStatus === 'APPROVED' ? 'Corrected: the original is reversed and the corrected transaction recorded.' : 'Corrected.',
      );
      onChanged?.();
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      setFormError(Object.keys(fields).length === 0 ? errorMessage(error) : unplacedErrors(fields, FIELDS));
    }
  }

  async function onDelete() {
    const what =
      txn.approvalStatus === 'APPROVED'
        ? `Delete this ${category.toLowerCase()} of ${formatMoney(txn.groupAmount, locale)}? It is reversed; its history is kept.`
        : `Delete this ${category.toLowerCase()} of ${formatMoney(txn.groupAmount, locale)}? It is rejected; its history is kept.`;
    if (!window.confirm(what)) return;
    setFormError(null);
    setNotice(null);
    try {
      const result = await deleteTransaction({ variables: { id: txn.id } });
      const payload = result.data?.deleteTransaction;
      setEditing(false);
      setNotice(
        payload?.pendingApproval
          ? `${SENT_FOR_APPROVAL} The transaction stays until an admin approves the deletion.`
          : txn.approvalStatus === 'APPROVED'
            ? 'Deleted: a reversal cancels it.'
            : 'Deleted.',
      );
      onChanged?.();
    } catch (error) {
      setFormError(errorMessage(error));
      setEditing(true);
    }
  }

  const amountError = errors.amount ?? errors['amount.amount'] ?? errors['amount.currency'] ?? errors.currency;

  return (
    <>
      <tr role="row" className={txn.approvalStatus === 'REJECTED' || txn.reversedBy ? 'row--removed' : undefined}>
        <td role="cell" className="cell-member">
          <span className="member__name">{category}</span>
          {who ? <span className="member__email">{txn.type === 'CASH_IN' ? `From ${who}` : `To ${who}`}</span> : null}
          {txn.description ? <span className="member__email">{txn.description}</span> : null}
          {txn.reverses ? (
            <span className="member__email txn__link">
              Reversal of {txn.reverses.receiptNumber ?? 'the transaction'} of {formatDate(txn.reverses.occurredAt, locale)}
            </span>
          ) : null}
          {txn.reversedBy ? (
            <span className="member__email txn__link">Reversed by a reversal of {formatDate(txn.reversedBy.occurredAt, locale)}</span>
          ) : null}
        </td>
        <td role="cell" className="cell-number">
          <LocalDateTime iso={txn.occurredAt} />
          {txn.receiptNumber ? <span className="member__email">{txn.receiptNumber}</span> : null}
        </td>
        <td role="cell" className="cell-role">
          {labelOf(PAYMENT_MODE_OPTIONS, txn.paymentMode)}
        </td>
        <td role="cell" className={outward ? 'cell-amount amount--out nowrap' : 'cell-amount amount--in nowrap'}>
          <span className="visually-hidden">{outward ? 'Cash out ' : 'Cash in '}</span>
          <span aria-hidden="true">{outward ? '−' : '+'}</span>
          {formatMoney(txn.groupAmount, locale)}
          {foreign ? <span className="member__email">{formatMoney(txn.amount, locale)}</span> : null}
        </td>
        <td role="cell" className="cell-status">
          <span className={status.className}>{status.label}</span>
        </td>
        <td role="cell" className="cell-actions">
          {canPrint && txn.receiptNumber ? <ReceiptButton transactionId={txn.id} receiptNumber={txn.receiptNumber} /> : null}
          {txn.viewerCanChange ? (
            <span className="txn__actions">
              <button
                type="button"
                className="button button--small"
                aria-expanded={editing}
                aria-label={`Correct ${name}`}
                onClick={() => {
                  setNotice(null);
                  setEditing((open) => !open);
                }}
              >
                {editing ? 'Close' : 'Correct'}
              </button>
              <button
                type="button"
                className="button button--small button--danger"
                disabled={deleting}
                aria-label={`Delete ${name}`}
                onClick={() => void onDelete()}
              >
                {deleting ? 'Deleting…' : 'Delete'}
              </button>
            </span>
          ) : null}
          {notice && !editing ? (
            <span className="cell-note" role="status">
              {notice}
            </span>
          ) : null}
        </td>
      </tr>
      {editing ? (
        <tr role="row" className="row--editor">
          <td role="cell" colSpan={COLUMNS}>
            <form method="post" className="form form--grid" onSubmit={onSave} noValidate aria-label={`Correct ${name}`}>
              <FormError>{formError}</FormError>
              {notice ? (
                <p className="notice notice--warn form__full" role="status">
                  {notice}
                </p>
              ) : null}
              <TextField
                label={`Amount (${txn.amount.currency})`}
                name="amount"
                inputMode="decimal"
                autoComplete="off"
                defaultValue={txn.amount.amount}
                required
                error={amountError}
              />
              <SelectField label="Category" name="category" options={CATEGORY_OPTIONS} defaultValue={txn.category} error={errors.category} />
              <TextField label="Description" name="description" autoComplete="off" defaultValue={txn.description ?? ''} error={errors.description} />
              <TextField
                label="Date"
                name="date"
                type="date"
                defaultValue={txn.occurredAt.slice(0, 10)}
                error={errors.occurredAt}
                hint="UTC day"
              />
              <div className="form__actions">
                <button type="submit" className="button button--primary" disabled={saving}>
                  {saving ? 'Saving…' : 'Save correction'}
                </button>
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setNotice(null);
                    setEditing(false);
                  }}
                >
                  Cancel
                </button>
              </div>
            </form>
          </td>
        </tr>
      ) : null}
    </>
  );
}
