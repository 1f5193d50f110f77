/**
 * The providers' browser libraries, loaded from the providers themselves when real keys
 * are configured (both require it: card and UPI details never touch Coffer's pages or
 * API). In sandbox mode neither is loaded; the sandbox has its own pay page.
 */

/** Razorpay Checkout: `new Razorpay(options).open()` shows Razorpay's own payment dialog. */
export interface RazorpayCheckout {
  open(): void;
}
export type RazorpayConstructor = new (options: Record<string, unknown>) => RazorpayCheckout;

/** The part of Stripe.js (v3) Coffer uses: the Payment Element and `confirmPayment`. */
export interface StripePaymentElement {
  mount(target: HTMLElement): void;
  destroy(): void;
  on(event: 'ready' | 'change', handler: (event: { complete?: boolean }) => void): void;
}
export interface StripeElements {
  create(type: 'payment', options?: Record<string, unknown>): StripePaymentElement;
  submit(): Promise<{ error?: StripeError }>;
}
export interface StripeError {
  type: string;
  code?: string;
  message?: string;
}
export interface StripeClient {
  elements(options: { clientSecret: string; appearance?: Record<string, unknown>; locale?: string }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    clientSecret?: string;
    redirect: 'if_required';
    confirmParams: { return_url: string };
  }): Promise<{ error?: StripeError; paymentIntent?: { id: string; status: string } }>;
}
export type StripeFactory = (publishableKey: string) => StripeClient;

const RAZORPAY_CHECKOUT_URL = 'https://checkout.razorpay.com/v1/checkout.js';
const STRIPE_JS_URL = 'https://js.stripe.com/v3/';

const pending = new Map<string, Promise<unknown>>();

/** Adds the script once per page; a failed load can be retried by clicking again. */
function loadScript<T>(url: string, read: () => T | undefined, failure: string): Promise<T> {
  const existing = read();
  if (existing) return Promise.resolve(existing);
  const inFlight = pending.get(url);
  if (inFlight) return inFlight as Promise<T>;
  const loading = new Promise<T>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => {
      const loaded = read();
      if (loaded) resolve(loaded);
      else reject(new Error(failure));
    };
    script.onerror = () => {
      script.remove();
      reject(new Error(failure));
    };
    document.head.appendChild(script);
  });
  pending.set(url, loading);
  loading.catch(() => pending.delete(url));
  return loading;
}

export function loadRazorpayCheckout(): Promise<RazorpayConstructor> {
  return loadScript(
    RAZORPAY_CHECKOUT_URL,
    () => (window as unknown as { Razorpay?: RazorpayConstructor }).Razorpay,
    'Razorpay Checkout could not be loaded. Check your connection and try again.',
  );
}

export function loadStripeJs(): Promise<StripeFactory> {
  return loadScript(STRIPE_JS_URL, () => (window as unknown as { Stripe?: StripeFactory }).Stripe, 'The card form could not be loaded. Check your connection and try again.');
}
