import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import Razorpay from 'razorpay';
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils';
import Stripe from 'stripe';
import type { CofferConfig } from '../../config';
import { conflict } from '../../shared/domain-error';
import { PaymentProvider } from '../ledger/ledger.enums';

/*
 * The two providers as Coffer uses them: real SDK clients when keys are
 * configured, else a built-in sandbox with the same ids, signatures and
 * webhooks. Sandbox secrets are derived from JWT_SECRET, so they differ per
 * deployment and nobody without that secret can forge a sandbox webhook.
 */

export interface RazorpaySettings {
  /** Real keys, or the sandbox where it is allowed (PAYMENT_SANDBOX). */
  available: boolean;
  sandbox: boolean;
  keyId: string;
  keySecret: string;
  webhookSecret: string;
  apiUrl: string;
}

export interface StripeSettings {
  available: boolean;
  sandbox: boolean;
  secretKey: string;
  publishableKey: string | null;
  webhookSecret: string;
  apiUrl: string;
}

/** Stripe verifies signatures with this tolerance (its own default) against replays. */
export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

function derivedSecret(config: CofferConfig, purpose: string): string {
  return createHmac('sha256', config.jwtSecret).update(`coffer-payment-sandbox:${purpose}`).digest('hex').slice(0, 32);
}

export function razorpaySettings(config: CofferConfig): RazorpaySettings {
  const { keyId, keySecret, webhookSecret, apiUrl } = config.payments.razorpay;
  if (keyId && keySecret && webhookSecret) return { available: true, sandbox: false, keyId, keySecret, webhookSecret, apiUrl };
  return { available: config.payments.sandboxAllowed, sandbox: true, keyId: 'rzp_test_coffersandbox', keySecret: derivedSecret(config, 'razorpay-key'), webhookSecret: derivedSecret(config, 'razorpay-webhook'), apiUrl };
}

export const providerName = (provider: PaymentProvider): string => (provider === PaymentProvider.RAZORPAY ? 'Razorpay' : 'Stripe');

/** Settings of either provider, for what both have. */
export function providerSettings(config: CofferConfig, provider: PaymentProvider): { available: boolean; sandbox: boolean } {
  return provider === PaymentProvider.RAZORPAY ? razorpaySettings(config) : stripeSettings(config);
}

export function stripeSettings(config: CofferConfig): StripeSettings {
  const { secretKey, publishableKey, webhookSecret, apiUrl } = config.payments.stripe;
  if (secretKey && webhookSecret) return { available: true, sandbox: false, secretKey, publishableKey: publishableKey ?? null, webhookSecret, apiUrl };
  return { available: config.payments.sandboxAllowed, sandbox: true, secretKey: 'sk_test_coffersandbox', publishableKey: 'pk_test_coffersandbox', webhookSecret: `whsec_${derivedSecret(config, 'stripe-webhook')}`, apiUrl };
}

/** Provider-style ids for the sandbox: a prefix and 14 base62-ish characters. */
export function sandboxId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `${prefix}_${Array.from(randomBytes(14), (b) => alphabet[b % alphabet.length]).join('')}`;
}

const razorpayClients = new WeakMap<CofferConfig, Razorpay>();
const stripeClients = new WeakMap<CofferConfig, Stripe>();

/** The axios instance inside the SDK: it has no option for the API host, which tests point at a local stub. */
interface RazorpayApiInternals {
  rq: { defaults: { baseURL?: string } };
}

function razorpayClient(config: CofferConfig, settings: RazorpaySettings): Razorpay {
  let client = razorpayClients.get(config);
  if (!client) {
    client = new Razorpay({ key_id: settings.keyId, key_secret: settings.keySecret });
    (client.api as unknown as RazorpayApiInternals).rq.defaults.baseURL = settings.apiUrl;
    razorpayClients.set(config, client);
  }
  return client;
}

function stripeClient(config: CofferConfig, settings: StripeSettings): Stripe {
  let client = stripeClients.get(config);
  if (!client) {
    const url = new URL(settings.apiUrl);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    client = new Stripe(settings.secretKey, {
      host: url.hostname,
      port: url.port || (protocol === 'http' ? 80 : 443),
      protocol,
      // Safe with the idempotency key every create carries.
      maxNetworkRetries: 2,
      timeout: 20_000,
    });
    stripeClients.set(config, client);
  }
  return client;
}

export interface OrderRequest {
  checkoutId: string;
  amountMinor: bigint;
  currency: string;
  description: string;
  /** Links the provider's object back to what it pays for. */
  notes: Record<string, string>;
  payerEmail: string | null;
}

function providerAmount(amountMinor: bigint): number {
  if (amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) throw conflict('The amount is too large for the payment provider', 'AMOUNT_TOO_LARGE');
  return Number(amountMinor);
}

function providerFailure(provider: string, error: unknown): Error {
  const detail = (error as { error?: { description?: string }; message?: string }).error?.description ?? (error as Error).message ?? 'unknown error';
  return conflict(`${provider} did not accept the payment request: ${detail}`, 'PROVIDER_ERROR');
}

/** A Razorpay order (amount in paise for INR), or a sandbox order id. */
export async function createRazorpayOrderAtProvider(config: CofferConfig, request: OrderRequest): Promise<{ orderId: string }> {
  const settings = razorpaySettings(config);
  const amount = providerAmount(request.amountMinor);
  if (settings.sandbox) return { orderId: sandboxId('order') };
  try {
    const order = await razorpayClient(config, settings).orders.create({
      amount,
      currency: request.currency,
      // At most 40 characters; the checkout id without dashes is 32.
      receipt: request.checkoutId.replace(/-/g, ''),
      notes: request.notes,
    });
    return { orderId: order.id };
  } catch (error) {
    throw providerFailure('Razorpay', error);
  }
}

/** A Stripe PaymentIntent (minor units), or a sandbox one; the idempotency key makes a retried request safe. */
export async function createStripeIntentAtProvider(config: CofferConfig, request: OrderRequest): Promise<{ intentId: string; clientSecret: string }> {
  const settings = stripeSettings(config);
  const amount = providerAmount(request.amountMinor);
  if (settings.sandbox) {
    const intentId = sandboxId('pi');
    return { intentId, clientSecret: `${intentId}_secret_${randomBytes(12).toString('hex')}` };
  }
  try {
    const intent = await stripeClient(config, settings).paymentIntents.create(
      {
        amount,
        currency: request.currency.toLowerCase(),
        description: request.description,
        metadata: request.notes,
        automatic_payment_methods: { enabled: true },
        ...(request.payerEmail ? { receipt_email: request.payerEmail } : {}),
      },
      { idempotencyKey: `coffer-checkout-${request.checkoutId}` },
    );
    if (!intent.client_secret) throw new Error('no client_secret in the answer');
    return { intentId: intent.id, clientSecret: intent.client_secret };
  } catch (error) {
    throw providerFailure('Stripe', error);
  }
}

/** Razorpay's Checkout callback signature (order_id|payment_id under the key secret), checked by the SDK. */
export function razorpayPaymentSignatureValid(config: CofferConfig, orderId: string, paymentId: string, signature: string): boolean {
  return validatePaymentVerification({ order_id: orderId, payment_id: paymentId }, signature, razorpaySettings(config).keySecret);
}

/** x-razorpay-signature: hex HMAC-SHA256 of the raw body bytes under the webhook secret. */
export function razorpayWebhookSignature(secret: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export function razorpayWebhookSignatureValid(config: CofferConfig, rawBody: Buffer, signature: string): boolean {
  const expected = Buffer.from(razorpayWebhookSignature(razorpaySettings(config).webhookSecret, rawBody));
  const given = Buffer.from(signature.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Verifies Stripe-Signature over the raw bytes and parses the event; throws Stripe's SignatureVerificationError. */
export function constructStripeEvent(config: CofferConfig, rawBody: Buffer, header: string): Stripe.Event {
  return Stripe.webhooks.constructEvent(rawBody, header, stripeSettings(config).webhookSecret, STRIPE_SIGNATURE_TOLERANCE_SECONDS);
}

/** The Stripe-Signature header Stripe would send for this body (the sandbox signs its webhooks with it). */
export function stripeSignatureHeader(secret: string, payload: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}
