import { signLinkToken, verifyLinkToken } from '../../shared/signed-link';

/** How long a receipt link in a message stays valid; the receipt itself never expires for signed-in viewers. */
const RECEIPT_LINK_TTL_DAYS = 90;

/**
 * A receipt link for a message (payment received, receipt): opens
 * `GET /api/receipts/signed/<token>` without signing in. The token names one
 * transaction and expires; GET /api/receipts/:id still wants the Authorization header.
 */
export function receiptLinkFor(config: { publicApiUrl: string; jwtSecret: string }, transactionId: string, now = Date.now()): string {
  const token = signLinkToken('receipt-link', transactionId, new Date(now + RECEIPT_LINK_TTL_DAYS * 86_400_000), config.jwtSecret);
  return `${config.publicApiUrl.replace(/\/$/, '')}/api/receipts/signed/${token}`;
}

export const verifyReceiptToken = (token: string, secret: string, now = Date.now()) => verifyLinkToken('receipt-link', token, secret, now);
