import { createHmac } from 'node:crypto';

/** Header names of every delivery (lower case, as Node and most frameworks present them). */
export const WEBHOOK_HEADERS = {
  deliveryId: 'coffer-webhook-id',
  event: 'coffer-event',
  timestamp: 'coffer-timestamp',
  signature: 'coffer-signature',
} as const;

/** `v1=` + hex HMAC-SHA256 of `<timestamp>.<raw body>` with the endpoint's secret. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
