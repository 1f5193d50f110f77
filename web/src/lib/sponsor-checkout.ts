import { loadRazorpayCheckout } from '@/lib/provider-scripts';

/**
 * "Pay online" on the public sponsor page: asks the API for a checkout of the link
 * (POST /api/sponsor-links/:token/checkout, no sign-in: the token is the permission),
 * Razorpay first, then Stripe if the group takes card payments only. In sandbox mode the
 * answer is the sandbox's pay page; with real Razorpay keys, Razorpay Checkout opens here
 * and with real Stripe keys the caller shows Stripe's card form; either way the provider's
 * webhook credits the payment.
 */
export type SponsorCheckoutResult =
  | { kind: 'redirect'; url: string }
  | { kind: 'opened' }
  | { kind: 'card'; publishableKey: string; clientSecret: string }
  | { kind: 'unavailable'; message: string };

interface CheckoutAnswer {
  data?: { provider: string; providerOrderId: string; amount: { amountMinor: string; currency: string }; keyId: string | null; clientSecret: string | null; publishableKey: string | null; checkoutUrl: string | null };
  error?: { code: string; message: string; details?: { reason?: string } };
}

const UNAVAILABLE = 'Online payment is not available for this link. Please pay by UPI or bank transfer.';

export async function startSponsorLinkCheckout(apiOrigin: string, token: string): Promise<SponsorCheckoutResult> {
  for (const provider of ['RAZORPAY', 'STRIPE'] as const) {
    let answer: CheckoutAnswer;
    try {
      const response = await fetch(`${apiOrigin}/api/sponsor-links/${encodeURIComponent(token)}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider }),
      });
      answer = (await response.json()) as CheckoutAnswer;
    } catch {
      return { kind: 'unavailable', message: 'Could not reach the payment service. Check your connection and try again.' };
    }
    const reason = answer.error?.details?.reason;
    // This provider is off for the group (or has no keys): try the next one.
    if (reason === 'PROVIDER_DISABLED' || reason === 'PROVIDER_NOT_CONFIGURED') continue;
    if (answer.error) return { kind: 'unavailable', message: answer.error.message };
    const checkout = answer.data!;
    if (checkout.checkoutUrl) return { kind: 'redirect', url: checkout.checkoutUrl };
    if (provider === 'RAZORPAY' && checkout.keyId) {
      const Razorpay = await loadRazorpayCheckout();
      new Razorpay({ key: checkout.keyId, order_id: checkout.providerOrderId, amount: checkout.amount.amountMinor, currency: checkout.amount.currency }).open();
      return { kind: 'opened' };
    }
    if (provider === 'STRIPE' && checkout.clientSecret && checkout.publishableKey) {
      return { kind: 'card', publishableKey: checkout.publishableKey, clientSecret: checkout.clientSecret };
    }
    return { kind: 'unavailable', message: UNAVAILABLE };
  }
  return { kind: 'unavailable', message: UNAVAILABLE };
}
