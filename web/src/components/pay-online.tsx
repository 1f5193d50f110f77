'use client';

import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { CreateRazorpayOrderMutation, CreateStripePaymentIntentMutation, PaymentProvidersQuery, VerifyRazorpayPaymentMutation } from '@/graphql/payments';
import { errorMessage } from '@/lib/graphql-errors';
import { loadRazorpayCheckout } from '@/lib/provider-scripts';
import { StripeCardForm, type StripeCardPayment } from './stripe-card-form';

/** After a card payment Stripe's webhook credits it, usually within seconds: refresh until then (the row unmounts once paid). */
const AWAIT_CREDIT_EVERY_MS = 2000;
const AWAIT_CREDIT_FOR_MS = 60_000;

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
  const [cardPayment, setCardPayment] = useState<StripeCardPayment | null>(null);
  const [awaitingCredit, setAwaitingCredit] = useState(false);

  useEffect(() => {
    if (!awaitingCredit) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > AWAIT_CREDIT_FOR_MS) {
        clearInterval(timer);
        setAwaitingCredit(false);
        return;
      }
      onPaid();
    }, AWAIT_CREDIT_EVERY_MS);
    return () => clearInterval(timer);
  }, [awaitingCredit, onPaid]);

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
      if (!intent) return;
      if (intent.checkoutUrl) window.location.assign(intent.checkoutUrl);
      else if (intent.clientSecret && intent.publishableKey) setCardPayment({ clientSecret: intent.clientSecret, publishableKey: intent.publishableKey });
      else setError('Card payment could not be started. Pay with Razorpay, or by UPI and then “I’ve paid”.');
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  if (cardPayment) {
    return (
      <StripeCardForm
        {...cardPayment}
        label={label}
        onCancel={() => setCardPayment(null)}
        onSubmitted={() => {
          setCardPayment(null);
          setAwaitingCredit(true);
          onPaid();
        }}
      />
    );
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
      {awaitingCredit ? (
        <span className="small" role="status">
          Payment sent. It shows as paid as soon as Stripe confirms it.
        </span>
      ) : null}
      {error ? (
        <span className="field__error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
