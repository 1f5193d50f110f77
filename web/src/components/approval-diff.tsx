'use client';

import type { ReactNode } from 'react';
import { useQuery } from '@apollo/client/react';
import { MemberNameQuery } from '@/graphql/members';
import type { ApprovalCardFragment } from '@/gql/graphql';
import { formatMoney, formatRole, minorToDecimal } from '@/lib/format';
import { createContext, useContext } from 'react';
import { CATEGORY_OPTIONS, labelOf, PAYMENT_MODE_OPTIONS, TYPE_OPTIONS } from '@/lib/labels';
import { useLocale } from '@/lib/locale';
import { LocalDateTime } from './date-time';

/** What an operation stored in proposedData does, in words. */
const OPERATIONS: Record<string, string> = {
  addMember: 'Add a member',
  addSubMember: 'Add a sub-member',
  updateMember: 'Change a member',
  removeMember: 'Remove a member',
  recordTransaction: 'Record a transaction',
  updateTransaction: 'Correct a transaction',
  deleteTransaction: 'Delete a transaction',
  confirmPayment: 'Confirm a member’s payment',
  recordTermPayment: 'Record a membership fee',
  sendRemittance: 'Send a remittance',
};

const LABELS: Record<string, string> = {
  type: 'Type',
  category: 'Category',
  amount: 'Amount',
  amountMinor: 'Amount',
  fxRate: 'Exchange rate',
  paymentMode: 'Payment mode',
  description: 'Description',
  memberId: 'Member',
  primaryMemberId: 'Primary member',
  senderName: 'Sender',
  senderUpiId: 'Sender UPI id',
  senderBankAccount: 'Sender bank account',
  senderBankAccountMasked: 'Sender bank account',
  occurredAt: 'When',
  name: 'Name',
  email: 'E-mail',
  phone: 'Phone',
  nickname: 'Nickname',
  role: 'Role',
  customAmount: 'Custom amount',
  customAmountMinor: 'Custom amount',
  memberNumber: 'Member number',
  status: 'Status',
  receiptNumber: 'Receipt',
  memberName: 'Member',
  period: 'Billing period',
  startsOn: 'Starts',
  endsOn: 'Ends',
  country: 'Country',
  account: 'Bank account',
  fee: 'Fee',
  total: 'Total debited',
  rate: 'Exchange rate',
  receives: 'Recipient receives',
  eta: 'Expected arrival',
  reference: 'Reference',
};

// Bookkeeping that means nothing to the person deciding.
const HIDDEN = new Set([
  'id',
  'version',
  'currency',
  'groupAmountMinor',
  'approvalStatus',
  'approvalSource',
  'reversesId',
  'reversedById',
  'provider',
  'providerPaymentId',
  'groupId',
  'idempotencyKey',
  'dueId',
  'periodId',
  'paidTransactionId',
]);

// A proposed input names a field one way, the stored record the other.
const STORED_AS: Record<string, string> = {
  amount: 'amountMinor',
  customAmount: 'customAmountMinor',
  senderBankAccount: 'senderBankAccountMasked',
};

type Data = Record<string, unknown>;

/** Member records store amounts in minor units without a currency: they are in the group's. */
const GroupCurrency = createContext<string | null>(null);

const STATUS_LABELS: Record<string, string> = { ACTIVE: 'Active', REMOVED: 'Removed' };

function asData(value: unknown): Data | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : null;
}

export function describeOperation(approval: ApprovalCardFragment): string {
  const operation = asData(approval.proposedData)?.operation;
  if (typeof operation === 'string' && OPERATIONS[operation]) return OPERATIONS[operation];
  const noun = { MEMBER: 'member', TRANSACTION: 'transaction', DUE: 'due', MEMBERSHIP_TERM: 'membership term', REMITTANCE: 'remittance' }[approval.entityType] ?? 'record';
  const verb = approval.action === 'CREATE' ? 'Add' : approval.action === 'UPDATE' ? 'Change' : 'Remove';
  return `${verb} a ${noun}`;
}

/** The proposed input (`{ operation, input }`), whatever shape an older request stored. */
function proposedInput(approval: ApprovalCardFragment): Data {
  const proposed = asData(approval.proposedData) ?? {};
  return asData(proposed.input) ?? proposed;
}

/** One line that says what the request is about: an amount, or a person's name. */
export function approvalSummary(approval: ApprovalCardFragment, locale: string): string | null {
  const input = proposedInput(approval);
  const previous = asData(approval.previousData) ?? {};
  const merged = { ...previous, ...input };
  const currency = typeof merged.currency === 'string' ? merged.currency : null;
  const parts: string[] = [];
  if (typeof merged.type === 'string') parts.push(labelOf(TYPE_OPTIONS, merged.type));
  const amount = asData(merged.amount);
  if (amount && typeof amount.amount === 'string' && typeof amount.currency === 'string') {
    parts.push(formatMoney({ amount: amount.amount, currency: amount.currency }, locale));
  } else if (typeof merged.amountMinor === 'string' && currency) {
    const decimal = minorToDecimal(merged.amountMinor, currency);
    if (decimal) parts.push(formatMoney({ amount: decimal, currency }, locale));
  }
  if (typeof merged.category === 'string') parts.push(labelOf(CATEGORY_OPTIONS, merged.category));
  if (typeof merged.name === 'string') parts.push(merged.name);
  return parts.length > 0 ? parts.join(' · ') : null;
}

function MemberName({ id }: { id: string }) {
  const { data, error } = useQuery(MemberNameQuery, { variables: { id }, fetchPolicy: 'cache-first' });
  if (data?.member) return <>{`${data.member.name} (${data.member.memberNumber})`}</>;
  return <span className="muted">{error ? 'a removed or unknown member' : '…'}</span>;
}

function Value({ field, value, record }: { field: string; value: unknown; record: Data }): ReactNode {
  const locale = useLocale();
  const groupCurrency = useContext(GroupCurrency);
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  const currency = typeof record.currency === 'string' ? record.currency : groupCurrency;
  if ((field === 'memberId' || field === 'primaryMemberId') && typeof value === 'string') return <MemberName id={value} />;
  if (field === 'occurredAt' && typeof value === 'string') return <LocalDateTime iso={value} />;
  if (field === 'type' && typeof value === 'string') return labelOf(TYPE_OPTIONS, value);
  if (field === 'category' && typeof value === 'string') return labelOf(CATEGORY_OPTIONS, value);
  if (field === 'paymentMode' && typeof value === 'string') return labelOf(PAYMENT_MODE_OPTIONS, value);
  if (field === 'role' && typeof value === 'string') return formatRole(value);
  if (field === 'status' && typeof value === 'string') return STATUS_LABELS[value] ?? value;
  if (field.endsWith('Minor') && typeof value === 'string') {
    const decimal = currency ? minorToDecimal(value, currency) : null;
    return decimal && currency ? formatMoney({ amount: decimal, currency }, locale) : `${value} (minor units)`;
  }
  const money = asData(value);
  if (money && typeof money.amount === 'string' && typeof money.currency === 'string') {
    return formatMoney({ amount: money.amount, currency: money.currency }, locale);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return <code>{JSON.stringify(value)}</code>;
}

interface Row {
  field: string;
  before: unknown;
  after: unknown;
  changed: boolean;
}

function rowsOf(approval: ApprovalCardFragment): { rows: Row[]; mode: 'create' | 'update' | 'delete' } {
  const input = proposedInput(approval);
  const previous = asData(approval.previousData);
  const operation = asData(approval.proposedData)?.operation;
  const removes = approval.action === 'DELETE' || operation === 'removeMember' || operation === 'deleteTransaction';
  if (removes) {
    const rows = Object.entries(previous ?? {})
      .filter(([field, value]) => !HIDDEN.has(field) && value !== null && value !== '')
      .map(([field, value]) => ({ field, before: value, after: undefined, changed: true }));
    return { rows, mode: 'delete' };
  }
  // A new record (add, record) has nothing it replaces, even when previousData holds a primary member.
  // A member's "I've paid" proposes no field changes: show what is being confirmed.
  if (approval.action === 'CREATE' || operation === 'confirmPayment') {
    const rows = Object.entries(input)
      .filter(([field, value]) => !HIDDEN.has(field) && value !== null && value !== '' && value !== undefined)
      .map(([field, value]) => ({ field, before: undefined, after: value, changed: true }));
    return { rows, mode: 'create' };
  }
  const rows = Object.entries(input)
    .filter(([field]) => !HIDDEN.has(field))
    .map(([field, after]) => {
      const before = previous ? previous[STORED_AS[field] ?? field] : undefined;
      return { field, before, after, changed: JSON.stringify(before) !== JSON.stringify(after) };
    });
  return { rows, mode: 'update' };
}

/** The request as a small table: for a change, each field now and as proposed. */
export function ApprovalDiff({ approval, currency }: { approval: ApprovalCardFragment; currency: string | null }) {
  const { rows, mode } = rowsOf(approval);
  const previous = asData(approval.previousData) ?? {};
  const input = proposedInput(approval);
  // Amounts stored in minor units need the record's currency.
  const afterRecord = { ...previous, ...input };
  if (rows.length === 0) return <p className="muted">No details were stored with this request.</p>;
  return (
    <GroupCurrency.Provider value={currency}>
    <table className="diff">
      <caption className="visually-hidden">
        {mode === 'update' ? 'Fields: now and proposed' : mode === 'delete' ? 'What would be removed' : 'What would be added'}
      </caption>
      {mode === 'update' ? (
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Now</th>
            <th scope="col">Proposed</th>
          </tr>
        </thead>
      ) : null}
      <tbody>
        {rows.map((row) => (
          <tr key={row.field} className={row.changed && mode === 'update' ? 'diff__changed' : undefined}>
            <th scope="row">{LABELS[row.field] ?? row.field}</th>
            {mode === 'update' ? (
              <>
                <td className="diff__before">
                  <Value field={STORED_AS[row.field] ?? row.field} value={row.before} record={previous} />
                </td>
                <td className="diff__after">
                  <Value field={row.field} value={row.after} record={afterRecord} />
                </td>
              </>
            ) : (
              <td className={mode === 'delete' ? 'diff__before' : 'diff__after'}>
                <Value field={row.field} value={mode === 'delete' ? row.before : row.after} record={mode === 'delete' ? previous : afterRecord} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
    </GroupCurrency.Provider>
  );
}
