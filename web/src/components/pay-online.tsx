'use client';

import { useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { CreateRazorpayOrderMutation, CreateStripePaymentIntentMutation, PaymentProvidersQuery, VerifyRazorpayPaymentMutation } from '@/graphql/payments';
import { errorMessage } from '@/lib/graphql-errors';

/** Razorpay Checkout's browser API, loaded from Razorpay when a real key is configured. */
interface RazorpayCheckout {
  open(): void;
}
type RazorpayConstructor = new (options: Record<string, unknown>) => RazorpayCheckout;

export function loadRazorpayCheckout(): Promise<RazorpayConstructor> {
  const existing = (window as unknown as { Razorpay?: RazorpayConstructor }).Razorpay;
  if (existing) return Promise.resolve(existing);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'https://checkout.razorpay.com/v1/checkout.js';
    script.onload = () => resolve((window as unknown as { Razorpay: RazorpayConstructor }).Razorpay);
    script.onerror = () => reject(new Error('Razorpay Checkout could not be loaded. Check your connection and try again.'));
    document.head.appendChild(script);
  });
}

interface Props {
  groupId: string;
  dueId?: string;
  termId?: string;
  /** What the member is paying, for the provider's dialog. */
  label: string;
  onPaid: () => void;
}

/**
 * "Pay online" for a due or a membership term, with each provider the group
 * has switched on. Without provider keys the API's sandbox stands in: its pay
 * page sends the provider's signed webhook to our API, exactly as the real
 * provider would, and the buttons say clearly that no real money moves.
 */
export function PayOnline({ groupId, dueId, termId, label, onPaid }: Props) {
  const { data } = useQuery(PaymentProvidersQuery, { variables: { groupId }, fetchPolicy: 'cache-first' });
  const [createOrder, razorpay] = useMutation(CreateRazorpayOrderMutation);
  const [createIntent, stripe] = useMutation(CreateStripePaymentIntentMutation);
  const [verify] = useMutation(VerifyRazorpayPaymentMutation);
  const [error, setError] = useState<string | null>(null);
  const providers = data?.paymentProviders;
  if (!providers || (!providers.razorpay.enabled && !providers.stripe.enabled)) return null;
  const busy = razorpay.loading || stripe.loading;
  const variables = { dueId, termId };

  async function payWithRazorpay() {
    setError(null);
    try {
      const order = (await createOrder({ variables })).data?.createRazorpayOrder;
      if (!order) return;
      if (order.checkoutUrl) {
        window.location.assign(order.checkoutUrl);
        return;
      }
      const Razorpay = await loadRazorpayCheckout();
      new Razorpay({
        key: order.keyId,
        order_id: order.providerOrderId,
        amount: order.amount.amountMinor,
        currency: order.amount.currency,
        description: label,
        // The webhook credits the payment too; whichever arrives first wins, the other is a no-op.
        handler: (response: { razorpay_order_id: string; razorpay_payment_id: string; razorpay_signature: string }) => {
          void verify({ variables: { orderId: response.razorpay_order_id, paymentId: response.razorpay_payment_id, signature: response.razorpay_signature } })
            .then(onPaid)
            .catch((caught: unknown) => setError(errorMessage(caught)));
        },
      }).open();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  async function payWithStripe() {
    setError(null);
    try {
      const intent = (await createIntent({ variables })).data?.createStripePaymentIntent;
      if (intent?.checkoutUrl) window.location.assign(intent.checkoutUrl);
      else setError('Card payments with Stripe are not available in the console yet: pay with Razorpay, or by UPI and then “I’ve paid”.');
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <span className="pay-online">
      {providers.razorpay.enabled ? (
        <button type="button" className="button button--small button--primary" disabled={busy} onClick={() => void payWithRazorpay()}>
          {providers.razorpay.sandbox ? 'Pay with Razorpay (sandbox)' : 'Pay with Razorpay'}
        </button>
      ) : null}
      {providers.stripe.enabled ? (
        <button type="button" className="button button--small button--primary" disabled={busy} onClick={() => void payWithStripe()}>
          {providers.stripe.sandbox ? 'Pay by card (sandbox)' : 'Pay by card'}
        </button>
      ) : null}
      {providers.razorpay.sandbox || providers.stripe.sandbox ? <span className="muted small">Sandbox: no real money moves.</span> : null}
      {error ? (
        <span className="field__error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
