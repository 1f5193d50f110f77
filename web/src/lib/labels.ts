import type {
  ApprovalRequestStatus,
  ApprovalStatus,
  PaymentMode,
  TransactionCategory,
  TransactionType,
  WebhookDeliveryStatus,
  WebhookEventType,
} from '@/gql/graphql';

export interface Option<T extends string> {
  value: T;
  label: string;
}

export const TYPE_OPTIONS: ReadonlyArray<Option<TransactionType>> = [
  { value: 'CASH_IN', label: 'Cash in' },
  { value: 'CASH_OUT', label: 'Cash out' },
];

export const CATEGORY_OPTIONS: ReadonlyArray<Option<TransactionCategory>> = [
  { value: 'MEMBERSHIP_FEE', label: 'Membership fee' },
  { value: 'SUBSCRIPTION_SHARE', label: 'Subscription share' },
  { value: 'SPONSORSHIP', label: 'Sponsorship' },
  { value: 'DONATION', label: 'Donation' },
  { value: 'EXPENSE', label: 'Expense' },
  { value: 'REMITTANCE', label: 'Remittance' },
  { value: 'REFUND', label: 'Refund' },
  { value: 'OTHER', label: 'Other' },
];

export const PAYMENT_MODE_OPTIONS: ReadonlyArray<Option<PaymentMode>> = [
  { value: 'CASH', label: 'Cash' },
  { value: 'UPI', label: 'UPI' },
  { value: 'BANK_TRANSFER', label: 'Bank transfer' },
  { value: 'CARD', label: 'Card' },
  { value: 'OTHER', label: 'Other' },
];

export const TRANSACTION_STATUS_OPTIONS: ReadonlyArray<Option<ApprovalStatus>> = [
  { value: 'PENDING', label: 'Waiting for approval' },
  { value: 'APPROVED', label: 'Approved' },
  { value: 'REJECTED', label: 'Rejected' },
];

export const REQUEST_STATUS_LABELS: Record<ApprovalRequestStatus, string> = {
  PENDING: 'Pending',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
};

/** The value of an option list, or undefined for anything else (e.g. "all"). */
export function parseOption<T extends string>(options: ReadonlyArray<Option<T>>, value: unknown): T | undefined {
  return options.find((option) => option.value === value)?.value;
}

export function labelOf(options: ReadonlyArray<Option<string>>, value: string | null | undefined): string {
  if (!value) return '—';
  return options.find((option) => option.value === value)?.label ?? value;
}

/** Labelled with the dotted names integrators see in the envelope's `type`. */
export const WEBHOOK_EVENT_OPTIONS: ReadonlyArray<Option<WebhookEventType>> = [
  { value: 'MEMBER_ADDED', label: 'member.added' },
  { value: 'MEMBER_UPDATED', label: 'member.updated' },
  { value: 'MEMBER_REMOVED', label: 'member.removed' },
  { value: 'TRANSACTION_RECORDED', label: 'transaction.recorded' },
  { value: 'APPROVAL_QUEUED', label: 'approval.queued' },
  { value: 'APPROVAL_RESOLVED', label: 'approval.resolved' },
  { value: 'DUE_PAID', label: 'due.paid' },
  { value: 'DUE_OVERDUE', label: 'due.overdue' },
  { value: 'REMITTANCE_UPDATED', label: 'remittance.updated' },
];

export const WEBHOOK_DELIVERY_STATUS_OPTIONS: ReadonlyArray<Option<WebhookDeliveryStatus>> = [
  { value: 'PENDING', label: 'Pending' },
  { value: 'SENDING', label: 'Sending' },
  { value: 'SUCCEEDED', label: 'Succeeded' },
  { value: 'FAILED', label: 'Failed' },
];
