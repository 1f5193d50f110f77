'use client';

import type { ApprovalStatus, TransactionRowFragment } from '@/gql/graphql';
import { formatMoney } from '@/lib/format';
import { CATEGORY_OPTIONS, labelOf, PAYMENT_MODE_OPTIONS } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { LocalDateTime } from './date-time';
import { ReceiptButton } from './receipt-button';

const STATUS: Record<ApprovalStatus, { label: string; className: string }> = {
  APPROVED: { label: 'Approved', className: 'badge badge--ok' },
  PENDING: { label: 'Waiting for approval', className: 'badge badge--warn' },
  REJECTED: { label: 'Rejected', className: 'badge badge--error' },
};

function counterparty(txn: TransactionRowFragment): string | null {
  if (txn.member) return `${txn.member.name} (${txn.member.memberNumber})`;
  if (txn.senderName && txn.senderUpiId) return `${txn.senderName} · ${txn.senderUpiId}`;
  return txn.senderName ?? txn.senderUpiId ?? null;
}

export function TransactionRow({ txn }: { txn: TransactionRowFragment }) {
  const locale = useLocale();
  const status = STATUS[txn.approvalStatus];
  const who = counterparty(txn);
  const sign = txn.type === 'CASH_IN' ? '+' : '−';
  const foreign = txn.amount.currency !== txn.groupAmount.currency;
  const canPrint = txn.type === 'CASH_IN' && txn.approvalStatus === 'APPROVED' && txn.receiptNumber && !txn.reverses;

  return (
    <tr role="row" className={txn.approvalStatus === 'REJECTED' || txn.reversedBy ? 'row--removed' : undefined}>
      <td role="cell" className="cell-member">
        <span className="member__name">{labelOf(CATEGORY_OPTIONS, txn.category)}</span>
        {txn.reverses ? (
          <span className="member__nickname"> · reversal{txn.reverses.receiptNumber ? ` of ${txn.reverses.receiptNumber}` : ''}</span>
        ) : null}
        {txn.reversedBy ? <span className="member__nickname"> · reversed</span> : null}
        {who ? <span className="member__email">{txn.type === 'CASH_IN' ? `From ${who}` : `To ${who}`}</span> : null}
        {txn.description ? <span className="member__email">{txn.description}</span> : null}
      </td>
      <td role="cell" className="cell-number">
        <LocalDateTime iso={txn.occurredAt} />
        {txn.receiptNumber ? <span className="member__email">{txn.receiptNumber}</span> : null}
      </td>
      <td role="cell" className="cell-role">
        {labelOf(PAYMENT_MODE_OPTIONS, txn.paymentMode)}
      </td>
      <td role="cell" className={txn.type === 'CASH_IN' ? 'cell-amount amount--in nowrap' : 'cell-amount amount--out nowrap'}>
        <span className="visually-hidden">{txn.type === 'CASH_IN' ? 'Cash in ' : 'Cash out '}</span>
        <span aria-hidden="true">{sign}</span>
        {formatMoney(txn.groupAmount, locale)}
        {foreign ? <span className="member__email">{formatMoney(txn.amount, locale)}</span> : null}
      </td>
      <td role="cell" className="cell-status">
        <span className={status.className}>{status.label}</span>
      </td>
      <td role="cell" className="cell-actions">
        {canPrint && txn.receiptNumber ? <ReceiptButton transactionId={txn.id} receiptNumber={txn.receiptNumber} /> : null}
      </td>
    </tr>
  );
}
