import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendData, sendError, sendHtml } from '../../rest/envelope';
import type { RestDeps } from '../../rest/router';
import { ErrorCode } from '../../shared/domain-error';
import { clientIp } from '../../shared/rate-limit';
import { PaymentProvider } from '../ledger/ledger.enums';
import { InboundWebhookStatus, ProviderCheckoutStatus } from './payment.entities';
import { ReceiveResult, receiveRazorpayWebhook, receiveStripeWebhook, WebhookDelivery } from './inbound-webhook.service';
import { findSandboxCheckout, isSandbox, razorpaySandboxDeliveries, renderPayPage, renderResultPage, SandboxDelivery, stripeSandboxDeliveries } from './payment-sandbox';

type RestHandler = (req: IncomingMessage, res: ServerResponse, deps: RestDeps, params: Record<string, string>) => Promise<void>;

function answer(res: ServerResponse, result: ReceiveResult): void {
  if (!result.accepted) {
    sendError(res, ErrorCode.BAD_USER_INPUT, result.message, { reason: result.reason });
    return;
  }
  // 200 once the event is stored, whatever processing does later: a failure is retried by our own job, not by the provider.
  sendData(res, 200, { id: result.id, eventId: result.eventId, duplicate: result.duplicate, status: result.status, outcome: result.outcome });
}

function webhookRoute(receive: typeof receiveRazorpayWebhook): RestHandler {
  return async (req, res, deps) => {
    // Processing makes way for receiving while this delivery is in flight (inbound-webhook-processor.ts).
    const answered = deps.inboundWebhooks.receiving();
    try {
      // The per-IP limit is counted in the statement that stores the delivery (inbound-webhook.service.ts).
      const delivery: WebhookDelivery = { rawBody: await readBody(req, deps.config.bodyLimitBytes, res), headers: req.headers, sourceIp: clientIp(req, deps.config) };
      answer(res, await receive(deps, delivery));
    } finally {
      answered();
    }
  };
}

/** Our own address as this request reached it: the sandbox posts its webhooks back to the same instance. */
function selfUrl(req: IncomingMessage): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}`;
}

/** How long the sandbox's pay page waits for a delivered event to be processed, to say what became of it. */
const SANDBOX_OUTCOME_WAIT_MS = 10_000;

/** The stored event's outcome once it is processed (by whichever instance), or null if it is still waiting after `ms`. */
async function processedOutcome(deps: RestDeps, id: string, ms: number): Promise<string | null> {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows: { status: InboundWebhookStatus; outcome: string | null }[] = await deps.orm.em.fork().execute(`select "status", "outcome" from "inbound_webhook_events" where "id" = ?`, [id]);
    if (rows[0] && rows[0].status !== InboundWebhookStatus.RECEIVED) return rows[0].outcome ?? rows[0].status;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Sends the sandbox's webhooks one after another, as a provider does, each once the previous one is processed. */
async function deliver(req: IncomingMessage, deps: RestDeps, deliveries: SandboxDelivery[]): Promise<{ status: number; outcome: string | null }[]> {
  const results: { status: number; outcome: string | null }[] = [];
  for (const delivery of deliveries) {
    const response = await fetch(`${selfUrl(req)}${delivery.path}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    const body = (await response.json().catch(() => null)) as { data?: { id?: string; outcome?: string | null } } | null;
    const id = body?.data?.id;
    const outcome = body?.data?.outcome ?? (response.status === 200 && id ? await processedOutcome(deps, id, SANDBOX_OUTCOME_WAIT_MS) : null);
    results.push({ status: response.status, outcome });
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
    const form = new URLSearchParams((await readBody(req, 10_000, res)).toString('utf8'));
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
    const webhooks = await deliver(req, deps, deliveries);
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
  '/api/webhooks/razorpay': { POST: webhookRoute(receiveRazorpayWebhook) },
  '/api/webhooks/stripe': { POST: webhookRoute(receiveStripeWebhook) },
  '/api/sandbox/razorpay/checkout/:orderId': { GET: sandboxCheckoutPage(PaymentProvider.RAZORPAY), POST: sandboxPay(PaymentProvider.RAZORPAY) },
  '/api/sandbox/stripe/checkout/:orderId': { GET: sandboxCheckoutPage(PaymentProvider.STRIPE), POST: sandboxPay(PaymentProvider.STRIPE) },
};
