import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendData, sendError, sendHtml } from '../../rest/envelope';
import type { RestDeps } from '../../rest/router';
import { ErrorCode } from '../../shared/domain-error';
import { clientIp, consumeRateLimit } from '../../shared/rate-limit';
import { PaymentProvider } from '../ledger/ledger.enums';
import { ProviderCheckoutStatus } from './payment.entities';
import { ReceiveResult, receiveRazorpayWebhook, receiveStripeWebhook, WebhookDelivery } from './inbound-webhook.service';
import { findSandboxCheckout, isSandbox, razorpaySandboxDeliveries, renderPayPage, renderResultPage, SandboxDelivery, stripeSandboxDeliveries } from './payment-sandbox';

type RestHandler = (req: IncomingMessage, res: ServerResponse, deps: RestDeps, params: Record<string, string>) => Promise<void>;

/** Per client IP, shared by every instance; Razorpay and Stripe count separately. */
async function limitWebhooks(req: IncomingMessage, deps: RestDeps, provider: PaymentProvider): Promise<string> {
  const ip = clientIp(req, deps.config);
  await consumeRateLimit(deps.orm.em.fork(), { bucket: `webhooks:${provider.toLowerCase()}`, limit: deps.config.payments.webhookRateLimitPerMinute, windowSeconds: 60 }, ip);
  return ip;
}

function answer(res: ServerResponse, result: ReceiveResult): void {
  if (!result.accepted) {
    sendError(res, ErrorCode.BAD_USER_INPUT, result.message, { reason: result.reason });
    return;
  }
  // 200 whatever processing did: the event is stored, and a failure is retried by our own job, not by the provider.
  sendData(res, 200, { id: result.id, eventId: result.eventId, duplicate: result.duplicate, status: result.status, outcome: result.outcome });
}

function webhookRoute(provider: PaymentProvider, receive: typeof receiveRazorpayWebhook): RestHandler {
  return async (req, res, deps) => {
    const sourceIp = await limitWebhooks(req, deps, provider);
    const delivery: WebhookDelivery = { rawBody: await readBody(req, deps.config.bodyLimitBytes), headers: req.headers, sourceIp };
    answer(res, await receive(deps, delivery));
  };
}

/** Our own address as this request reached it: the sandbox posts its webhooks back to the same instance. */
function selfUrl(req: IncomingMessage): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}`;
}

async function deliver(req: IncomingMessage, deliveries: SandboxDelivery[]): Promise<{ status: number; outcome: string | null }[]> {
  const results: { status: number; outcome: string | null }[] = [];
  for (const delivery of deliveries) {
    const response = await fetch(`${selfUrl(req)}${delivery.path}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    const body = (await response.json().catch(() => null)) as { data?: { outcome?: string | null } } | null;
    results.push({ status: response.status, outcome: body?.data?.outcome ?? null });
  }
  return results;
}

function sandboxCheckoutPage(provider: PaymentProvider): RestHandler {
  return async (_req, res, deps, params) => {
    const checkout = isSandbox(deps.config, provider) ? await findSandboxCheckout(deps.orm.em.fork(), provider, params.orderId) : null;
    if (!checkout) {
      sendHtml(res, 404, renderResultPage('No such sandbox order', 'This order does not exist, or the provider is not in sandbox mode.'));
      return;
    }
    sendHtml(res, 200, renderPayPage(checkout, `/api/sandbox/${provider.toLowerCase()}/checkout/${encodeURIComponent(params.orderId)}`));
  };
}

/** POST of the pay page: the sandbox "takes" the payment and sends the provider's webhooks to our endpoint. */
function sandboxPay(provider: PaymentProvider): RestHandler {
  return async (req, res, deps, params) => {
    const wantsJson = (req.headers.accept ?? '').includes('application/json');
    const form = new URLSearchParams((await readBody(req, 10_000)).toString('utf8'));
    const checkout = isSandbox(deps.config, provider) ? await findSandboxCheckout(deps.orm.em.fork(), provider, params.orderId) : null;
    if (!checkout) {
      if (wantsJson) sendError(res, ErrorCode.NOT_FOUND, 'Sandbox order not found');
      else sendHtml(res, 404, renderResultPage('No such sandbox order', 'This order does not exist, or the provider is not in sandbox mode.'));
      return;
    }
    if (checkout.status !== ProviderCheckoutStatus.CREATED) {
      if (wantsJson) sendError(res, ErrorCode.CONFLICT, 'This order is no longer open', { reason: 'ORDER_NOT_OPEN' });
      else sendHtml(res, 409, renderResultPage('Order closed', `This order is ${checkout.status.toLowerCase()}.`));
      return;
    }
    const success = form.get('outcome') !== 'fail';
    let verification: { orderId: string; paymentId: string; signature: string } | null = null;
    let deliveries: SandboxDelivery[];
    if (provider === PaymentProvider.RAZORPAY) {
      const sent = razorpaySandboxDeliveries(deps.config, checkout, success);
      deliveries = sent.deliveries;
      if (success) verification = { orderId: checkout.providerOrderId!, paymentId: sent.paymentId, signature: sent.signature };
    } else {
      deliveries = stripeSandboxDeliveries(deps.config, checkout, success).deliveries;
    }
    const webhooks = await deliver(req, deliveries);
    if (wantsJson) {
      sendData(res, 200, { success, webhooks, verification });
      return;
    }
    const delivered = webhooks.every((w) => w.status === 200);
    sendHtml(
      res,
      delivered ? 200 : 502,
      renderResultPage(
        success ? 'Payment sent' : 'Payment failed',
        delivered
          ? `The sandbox sent ${webhooks.length} webhook(s): ${webhooks.map((w) => w.outcome ?? 'stored').join(', ')}. You can close this page.`
          : `The sandbox could not deliver its webhook (${webhooks.map((w) => String(w.status)).join(', ')}).`,
      ),
    );
  };
}

/** Added to the REST routes table (rest/router.ts). */
export const paymentRoutes: Record<string, Partial<Record<string, RestHandler>>> = {
  '/api/webhooks/razorpay': { POST: webhookRoute(PaymentProvider.RAZORPAY, receiveRazorpayWebhook) },
  '/api/webhooks/stripe': { POST: webhookRoute(PaymentProvider.STRIPE, receiveStripeWebhook) },
  '/api/sandbox/razorpay/checkout/:orderId': { GET: sandboxCheckoutPage(PaymentProvider.RAZORPAY), POST: sandboxPay(PaymentProvider.RAZORPAY) },
  '/api/sandbox/stripe/checkout/:orderId': { GET: sandboxCheckoutPage(PaymentProvider.STRIPE), POST: sandboxPay(PaymentProvider.STRIPE) },
};
