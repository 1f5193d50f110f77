import { createHmac } from 'node:crypto';
import { formatMoneyForDisplay } from '../../shared/money';
import { escapeHtml } from '../ledger/receipt';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../../config';
import { PaymentProvider } from '../ledger/ledger.enums';
import { ProviderCheckout } from './payment.entities';
import { providerName, providerSettings, razorpaySettings, razorpayWebhookSignature, sandboxId, stripeSettings, stripeSignatureHeader } from './provider-gateways';
import { CHECKOUT_ID_NOTE, TARGET_ID_NOTE, TARGET_KIND_NOTE } from './provider-events';

/*
 * The built-in stand-in for Razorpay and Stripe when no keys are configured:
 * a pay page for each order / intent, and on "pay" the webhooks the provider
 * would send, in its body shapes and signed with its scheme, posted over HTTP
 * to our own endpoints. Everything after that is the real path.
 */

/** The sandbox serves pages only where it stands in for the provider and is allowed to (PAYMENT_SANDBOX). */
export function isSandbox(config: CofferConfig, provider: PaymentProvider): boolean {
  const settings = providerSettings(config, provider);
  return settings.sandbox && settings.available;
}

export async function findSandboxCheckout(em: EntityManager, provider: PaymentProvider, orderId: string): Promise<ProviderCheckout | null> {
  return em.findOne(ProviderCheckout, { provider, providerOrderId: orderId, sandbox: true });
}

export function renderPayPage(checkout: ProviderCheckout, actionPath: string): string {
  const amount = escapeHtml(formatMoneyForDisplay({ amountMinor: checkout.amountMinor, currency: checkout.currency }));
  const provider = providerName(checkout.provider);
  const open = checkout.status === 'CREATED';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${provider} sandbox — pay ${amount}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}.banner{background:#fff3cd;border:1px solid #e0b100;padding:.5rem .75rem;border-radius:.375rem}
.amount{font-size:2rem;margin:1rem 0}button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:.375rem;border:1px solid #333;cursor:pointer}.pay{background:#0a7d32;color:#fff}</style></head>
<body><p class="banner" role="note"><strong>Sandbox</strong> — no real money moves. This page stands in for ${provider}.</p>
<h1>${escapeHtml(checkout.description ?? 'Payment')}</h1>
<p class="amount">${amount}</p>
<p>Order <code>${escapeHtml(checkout.providerOrderId ?? '')}</code> · status ${escapeHtml(checkout.status)}</p>
${open ? `<form method="post" action="${escapeHtml(actionPath)}"><button class="pay" name="outcome" value="success" type="submit">Pay ${amount}</button><button name="outcome" value="fail" type="submit">Fail the payment</button></form>` : '<p>This order is no longer open.</p>'}
</body></html>`;
}

export function renderResultPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}.banner{background:#fff3cd;border:1px solid #e0b100;padding:.5rem .75rem;border-radius:.375rem}</style></head>
<body><p class="banner"><strong>Sandbox</strong> — no real money moves.</p><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

export interface SandboxDelivery {
  path: string;
  headers: Record<string, string>;
  body: string;
}

const notesOf = (checkout: ProviderCheckout): Record<string, string> => ({
  [TARGET_KIND_NOTE]: checkout.targetKind,
  [TARGET_ID_NOTE]: checkout.targetId,
  [CHECKOUT_ID_NOTE]: checkout.id,
});

/** What Razorpay sends for a captured payment of an order: payment.captured, then order.paid (or payment.failed). */
export function razorpaySandboxDeliveries(config: CofferConfig, checkout: ProviderCheckout, success: boolean): { paymentId: string; signature: string; deliveries: SandboxDelivery[] } {
  const settings = razorpaySettings(config);
  const now = Math.floor(Date.now() / 1000);
  const paymentId = sandboxId('pay');
  const amount = Number(checkout.amountMinor);
  const payment = {
    id: paymentId,
    entity: 'payment',
    amount,
    currency: checkout.currency,
    status: success ? 'captured' : 'failed',
    order_id: checkout.providerOrderId,
    invoice_id: null,
    international: false,
    method: 'upi',
    amount_refunded: 0,
    refund_status: null,
    captured: success,
    description: checkout.description,
    card_id: null,
    bank: null,
    wallet: null,
    vpa: 'sandbox@razorpay',
    email: null,
    contact: null,
    notes: notesOf(checkout),
    fee: 0,
    tax: 0,
    error_code: success ? null : 'BAD_REQUEST_ERROR',
    error_description: success ? null : 'Payment declined in the sandbox',
    error_source: success ? null : 'customer',
    error_step: success ? null : 'payment_authorization',
    error_reason: success ? null : 'payment_declined',
    created_at: now,
  };
  const events: object[] = success
    ? [
        { entity: 'event', account_id: 'acc_coffersandbox', event: 'payment.captured', contains: ['payment'], payload: { payment: { entity: payment } }, created_at: now },
        {
          entity: 'event',
          account_id: 'acc_coffersandbox',
          event: 'order.paid',
          contains: ['payment', 'order'],
          payload: {
            payment: { entity: payment },
            order: { entity: { id: checkout.providerOrderId, entity: 'order', amount, amount_paid: amount, amount_due: 0, currency: checkout.currency, receipt: checkout.id.replace(/-/g, ''), offer_id: null, status: 'paid', attempts: 1, notes: notesOf(checkout), created_at: Math.floor(checkout.createdAt.getTime() / 1000) } },
          },
          created_at: now,
        },
      ]
    : [{ entity: 'event', account_id: 'acc_coffersandbox', event: 'payment.failed', contains: ['payment'], payload: { payment: { entity: payment } }, created_at: now }];
  const deliveries = events.map((event) => {
    const body = JSON.stringify(event);
    return {
      path: '/api/webhooks/razorpay',
      headers: { 'content-type': 'application/json', 'x-razorpay-signature': razorpayWebhookSignature(settings.webhookSecret, Buffer.from(body)), 'x-razorpay-event-id': sandboxId('evt') },
      body,
    };
  });
  // What Razorpay Checkout hands the browser, so the console can also verify: HMAC(key secret, order_id|payment_id).
  const signature = createHmac('sha256', settings.keySecret).update(`${checkout.providerOrderId}|${paymentId}`).digest('hex');
  return { paymentId, signature, deliveries };
}

/** What Stripe sends when a PaymentIntent succeeds (or fails), in the current API shape. */
export function stripeSandboxDeliveries(config: CofferConfig, checkout: ProviderCheckout, success: boolean): { deliveries: SandboxDelivery[] } {
  const settings = stripeSettings(config);
  const now = Math.floor(Date.now() / 1000);
  const amount = Number(checkout.amountMinor);
  const intent = {
    id: checkout.providerOrderId,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: success ? amount : 0,
    capture_method: 'automatic',
    client_secret: null,
    created: Math.floor(checkout.createdAt.getTime() / 1000),
    currency: checkout.currency.toLowerCase(),
    description: checkout.description,
    last_payment_error: success ? null : { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined (sandbox).', type: 'card_error' },
    latest_charge: success ? sandboxId('ch') : null,
    livemode: false,
    metadata: notesOf(checkout),
    payment_method: sandboxId('pm'),
    payment_method_types: ['card'],
    receipt_email: null,
    status: success ? 'succeeded' : 'requires_payment_method',
  };
  const event = {
    id: sandboxId('evt'),
    object: 'event',
    api_version: '2025-10-29.clover',
    created: now,
    data: { object: intent },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: success ? 'payment_intent.succeeded' : 'payment_intent.payment_failed',
  };
  const body = JSON.stringify(event);
  return { deliveries: [{ path: '/api/webhooks/stripe', headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignatureHeader(settings.webhookSecret, body) }, body }] };
}
