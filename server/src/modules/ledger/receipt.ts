import { amountInWords } from '../../shared/amount-in-words';
import { formatMoneyForDisplay, Money } from '../../shared/money';
import { PaymentMode, TransactionCategory } from './ledger.enums';

/** Everything printed on a receipt, already resolved (names, not ids). */
export interface ReceiptData {
  groupName: string;
  receiptNumber: string;
  /** The member's name, else the sender's name; null when neither is known. */
  payerName: string | null;
  memberNumber: string | null;
  /** As received, in the currency it was paid in. */
  amount: Money;
  /** What the books recorded in the group's currency, when the payment was in another currency. */
  groupAmount: Money | null;
  fxRate: string | null;
  paymentMode: PaymentMode;
  category: TransactionCategory;
  description: string | null;
  occurredAt: Date;
  /** Who approved the money in (or recorded it, when it needed no approval). */
  confirmedBy: string | null;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every interpolated string goes through this: names and descriptions are typed by people. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

const PAYMENT_MODE_LABELS: Record<PaymentMode, string> = {
  [PaymentMode.CASH]: 'Cash',
  [PaymentMode.UPI]: 'UPI',
  [PaymentMode.BANK_TRANSFER]: 'Bank transfer',
  [PaymentMode.CARD]: 'Card',
  [PaymentMode.OTHER]: 'Other',
};

const CATEGORY_LABELS: Record<TransactionCategory, string> = {
  [TransactionCategory.MEMBERSHIP_FEE]: 'Membership fee',
  [TransactionCategory.SUBSCRIPTION_SHARE]: 'Subscription share',
  [TransactionCategory.SPONSORSHIP]: 'Sponsorship',
  [TransactionCategory.DONATION]: 'Donation',
  [TransactionCategory.EXPENSE]: 'Expense',
  [TransactionCategory.REMITTANCE]: 'Remittance',
  [TransactionCategory.REFUND]: 'Refund',
  [TransactionCategory.OTHER]: 'Other',
};

// Receipts are in English (their labels are), with the day first as on Indian receipts.
const RECEIPT_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const RECEIPT_TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

/** "21 November 2026": the UTC calendar date, the same whatever the server's time zone. */
export function receiptDate(date: Date): string {
  return RECEIPT_DATE.format(date);
}

/** "21 November 2026 18:45 UTC": a moment on a receipt, in UTC like its date. */
export function receiptDateTime(date: Date): string {
  return `${RECEIPT_DATE.format(date)} ${RECEIPT_TIME.format(date)} UTC`;
}

/** "2027-03-31" (a calendar day from the database) → "31 March 2027"; anything else as it is. */
export function receiptDay(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return isoDate;
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : RECEIPT_DATE.format(date);
}

export const RECEIPT_STYLE = `
@page { size: A5; margin: 12mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Helvetica Neue", Arial, sans-serif; color: #111; font-size: 11pt; line-height: 1.4; }
.receipt { max-width: 148mm; margin: 0 auto; padding: 8mm; border: 1px solid #ccc; }
header { border-bottom: 2px solid #111; padding-bottom: 4mm; margin-bottom: 5mm; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
.title { font-size: 10pt; letter-spacing: 0.2em; text-transform: uppercase; color: #444; }
.meta { display: flex; justify-content: space-between; margin-bottom: 5mm; }
.amount { font-size: 20pt; font-weight: bold; margin: 2mm 0 1mm; }
.words { font-style: italic; margin-bottom: 5mm; }
table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-weight: normal; color: #555; width: 38%; padding: 1.5mm 0; vertical-align: top; }
td { padding: 1.5mm 0; }
footer { margin-top: 8mm; font-size: 9pt; color: #555; border-top: 1px solid #ccc; padding-top: 3mm; }
@media print { .receipt { border: none; padding: 0; } }
`;

function row(label: string, value: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
}

/** A self-contained, printable A5 HTML page: inline CSS, no scripts, no external resources. */
export function renderReceiptHtml(receipt: ReceiptData): string {
  const figures = formatMoneyForDisplay(receipt.amount);
  const words = amountInWords(receipt.amount.amountMinor, receipt.amount.currency);
  const payer = receipt.payerName ?? '—';
  const rows = [
    row('Received from', receipt.memberNumber ? `${payer} (${receipt.memberNumber})` : payer),
    row('Towards', receipt.description ? `${CATEGORY_LABELS[receipt.category]}: ${receipt.description}` : CATEGORY_LABELS[receipt.category]),
    row('Payment mode', PAYMENT_MODE_LABELS[receipt.paymentMode]),
    row('Date', receiptDate(receipt.occurredAt)),
  ];
  if (receipt.groupAmount) {
    const rate = receipt.fxRate ? ` at ${receipt.fxRate}` : '';
    rows.push(row('Recorded as', `${formatMoneyForDisplay(receipt.groupAmount)}${rate}`));
  }
  rows.push(row('Confirmed by', receipt.confirmedBy ?? '—'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Receipt ${escapeHtml(receipt.receiptNumber)} — ${escapeHtml(receipt.groupName)}</title>
<style>${RECEIPT_STYLE}</style>
</head>
<body>
<main class="receipt">
<header>
<h1>${escapeHtml(receipt.groupName)}</h1>
<div class="title">Receipt</div>
</header>
<div class="meta"><span>Receipt no. <strong>${escapeHtml(receipt.receiptNumber)}</strong></span><span>${escapeHtml(receiptDate(receipt.occurredAt))}</span></div>
<div class="amount">${escapeHtml(figures)}</div>
<div class="words">${escapeHtml(words)}</div>
<table>
${rows.join('\n')}
</table>
<footer>This receipt was generated by Coffer from the group's ledger.</footer>
</main>
</body>
</html>
`;
}
