'use client';

import { useEffect, useRef, useState } from 'react';
import { loadStripeJs, type StripeClient, type StripeElements } from '@/lib/provider-scripts';

export interface StripeCardPayment {
  publishableKey: string;
  clientSecret: string;
}

interface Props extends StripeCardPayment {
  /** What is being paid, with its formatted amount, e.g. "Season 2027: ₹1,200.00". */
  label: string;
  /**
   * Stripe accepted the payment (`succeeded`) or is still confirming it (`processing`).
   * Either way the ledger changes only when Stripe's signed webhook reaches the API.
   */
  onSubmitted: (status: string) => void;
  onCancel: () => void;
}

type Phase = { kind: 'loading' } | { kind: 'ready' } | { kind: 'paying' } | { kind: 'failed'; message: string; canRetry: boolean };

/**
 * Card payment with real Stripe keys: Stripe's Payment Element, in Stripe's own iframes,
 * for the PaymentIntent the API created (`createStripePaymentIntent`). Payment methods that
 * need a redirect (3-D Secure on some cards, bank redirects) come back to this page.
 */
export function StripeCardForm({ publishableKey, clientSecret, label, onSubmitted, onCancel }: Props) {
  const mountPoint = useRef<HTMLDivElement>(null);
  const stripe = useRef<{ client: StripeClient; elements: StripeElements } | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    loadStripeJs()
      .then((Stripe) => {
        if (cancelled || !mountPoint.current) return;
        const client = Stripe(publishableKey);
        const elements = client.elements({ clientSecret, locale: document.documentElement.lang || 'auto' });
        const element = elements.create('payment');
        element.on('ready', () => {
          if (!cancelled) setPhase({ kind: 'ready' });
        });
        element.mount(mountPoint.current);
        stripe.current = { client, elements };
        destroy = () => element.destroy();
      })
      .catch((error: unknown) => {
        if (!cancelled) setPhase({ kind: 'failed', message: (error as Error).message, canRetry: false });
      });
    return () => {
      cancelled = true;
      destroy?.();
      stripe.current = null;
    };
  }, [publishableKey, clientSecret]);

  async function pay() {
    if (!stripe.current) return;
    setPhase({ kind: 'paying' });
    const { client, elements } = stripe.current;
    // Stripe checks the form first (missing or invalid card details are shown in its own fields).
    const submitted = await elements.submit();
    if (submitted.error) {
      setPhase({ kind: 'failed', message: submitted.error.message ?? 'Check the card details.', canRetry: true });
      return;
    }
    const result = await client.confirmPayment({ elements, redirect: 'if_required', confirmParams: { return_url: window.location.href } });
    if (result.error) {
      setPhase({ kind: 'failed', message: result.error.message ?? 'The payment did not go through.', canRetry: true });
      return;
    }
    onSubmitted(result.paymentIntent?.status ?? 'processing');
  }

  const busy = phase.kind === 'loading' || phase.kind === 'paying';
  return (
    <section className="card-payment" aria-labelledby="card-payment-heading">
      <h3 id="card-payment-heading" className="card-payment__heading">
        Pay by card
      </h3>
      <p className="small">{label}</p>
      {/* Stripe's iframes go here; Stripe labels its own fields. */}
      <div ref={mountPoint} className="card-payment__element" data-testid="stripe-payment-element" />
      {phase.kind === 'loading' ? (
        <p className="muted small" role="status">
          Loading the card form…
        </p>
      ) : null}
      {phase.kind === 'failed' ? (
        <p className="field__error" role="alert">
          {phase.message}
        </p>
      ) : null}
      <div className="card-payment__actions">
        <button type="button" className="button button--primary" disabled={busy || (phase.kind === 'failed' && !phase.canRetry)} onClick={() => void pay()}>
          {phase.kind === 'paying' ? 'Paying…' : 'Pay now'}
        </button>
        <button type="button" className="button" disabled={phase.kind === 'paying'} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}

const RETURN_PARAMS = ['payment_intent', 'payment_intent_client_secret', 'redirect_status'];

/**
 * Some payment methods (3-D Secure on some cards, bank redirects) leave the page and come
 * back to it with Stripe's `redirect_status`: say what happened, then tidy the address so a
 * reload does not say it again. Crediting still waits for Stripe's webhook.
 */
export function StripeReturnNotice() {
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => {
    const url = new URL(window.location.href);
    const returned = url.searchParams.get('redirect_status');
    if (!returned) return;
    setStatus(returned);
    for (const name of RETURN_PARAMS) url.searchParams.delete(name);
    window.history.replaceState(window.history.state, '', url.toString());
  }, []);
  if (!status) return null;
  const failed = status === 'failed';
  return (
    <p className={failed ? 'field__error' : 'notice notice--ok'} role={failed ? 'alert' : 'status'}>
      {failed
        ? 'Your card payment did not go through. Nothing was charged: try again, or pay another way.'
        : 'Your card payment was sent. It shows as paid as soon as Stripe confirms it.'}
    </p>
  );
}
