import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import type { CofferConfig } from '../config';
import { renderDeveloperDocs } from '../docs/developer-docs';
import { PaymentProvider } from '../modules/ledger/ledger.enums';
import { createCheckout } from '../modules/payments/checkout.service';
import { sponsorLinkPaymentTargetForToken } from '../modules/sponsors/sponsor-link.payment-target';
import { buildCofferSchema } from '../graphql/schema';
import { createRequestContext } from '../graphql/context';
import { signInFederated } from '../modules/auth/auth.service';
import { anonymousViewer } from '../modules/auth/viewer';
import { verifyConfirmToken } from '../modules/dues/confirm-link';
import { renderConfirmPage, THANK_YOU_PAGE } from '../modules/dues/confirm-page';
import { markDueMemberConfirmed } from '../modules/dues/due.service';
import { renderReceiptHtml } from '../modules/ledger/receipt';
import { verifyReceiptToken } from '../modules/ledger/receipt-link';
import { getReceipt, getReceiptForSignedLink } from '../modules/ledger/receipt.service';
import { paymentRoutes } from '../modules/payments/payment.routes';
import { publicSponsorLink } from '../modules/sponsors/sponsor-link.service';
import { remittanceReceiptHtml } from '../modules/remittances/remittance-receipt';
import { secretMatches } from '../shared/crypto';
import { DomainError, ErrorCode } from '../shared/domain-error';
import type { EventBus } from '../shared/event-bus';
import { createLoaders } from '../shared/loaders';
import { ApiKeyRateLimitedError, clientIp, consumeRateLimit, RateLimitRule, rateLimitHeaders } from '../shared/rate-limit';
import { describeError, Logger } from '../shared/logger';
import type { ServiceContext } from '../shared/service-context';
import type { InboundWebhookProcessor } from '../modules/payments/inbound-webhook-processor';
import type { LiveSubscriptions } from '../graphql/live-subscriptions';
import { cronRoutes } from './cron-routes';
import { BodyTooLargeError, readJsonObject, RequestAbortedError, sendData, sendDomainError, sendError, sendHtml } from './envelope';

export interface RestDeps {
  orm: MikroORM;
  config: CofferConfig;
  events: EventBus;
  logger: Logger;
  startedAt: number;
  /** Plain pg pool for jobs run by the cron routes. */
  pool: Pool;
  /** This instance's processor of stored provider webhooks. */
  inboundWebhooks: InboundWebhookProcessor;
  /** The graphql-ws subscriptions this instance serves. */
  liveSubscriptions: LiveSubscriptions;
}

/** `params` holds the `:name` segments of the matched route, decoded. */
type Handler = (req: IncomingMessage, res: ServerResponse, deps: RestDeps, params: Record<string, string>) => Promise<void>;

/** A request's service context, built as for GraphQL: the viewer from the Authorization header, a fork on first use. */
async function serviceContext(req: IncomingMessage, res: ServerResponse, deps: RestDeps): Promise<ServiceContext> {
  try {
    const ctx = await createRequestContext(deps, req.headers.authorization, clientIp(req, deps.config));
    if (ctx.viewer.kind === 'apiKey') setHeaders(res, rateLimitHeaders(ctx.viewer.rateLimit));
    return ctx;
  } catch (error) {
    if (error instanceof ApiKeyRateLimitedError) setHeaders(res, rateLimitHeaders(error.state));
    throw error;
  }
}

function setHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/** GET /api/health gives up on the database after this long (reported as db: down). */
export const HEALTH_TIMEOUT_MS = 2000;

/** GET /api/health: 200 when the database answers, 503 when it does not. */
const health: Handler = async (_req, res, deps) => {
  const started = performance.now();
  let db: 'up' | 'down' = 'down';
  try {
    await Promise.race([
      deps.orm.em.getConnection().execute('select 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), HEALTH_TIMEOUT_MS).unref()),
    ]);
    db = 'up';
  } catch {
    // reported as db: down
  }
  const body = {
    status: db === 'up' ? 'ok' : 'unavailable',
    version: deps.config.version,
    uptime: Math.round((Date.now() - deps.startedAt) / 1000),
    db,
    dbLatencyMs: db === 'up' ? Math.round((performance.now() - started) * 100) / 100 : null,
    // Live GraphQL subscriptions on this instance: how the consoles' WebSocket load spreads over replicas.
    subscriptions: deps.liveSubscriptions.total,
    timestamp: new Date().toISOString(),
  };
  sendData(res, db === 'up' ? 200 : 503, body);
};

/** POST /api/auth/federated-sign-in: the console's server exchanges a verified Google identity for our token. */
const federatedSignIn: Handler = async (req, res, deps) => {
  if (!secretMatches(req.headers['x-console-secret'] as string | undefined, deps.config.consoleSharedSecret)) {
    sendError(res, ErrorCode.UNAUTHENTICATED, 'Missing or wrong x-console-secret');
    return;
  }
  const body = await readJsonObject(req, deps.config.bodyLimitBytes, res);
  if (typeof body.email !== 'string') {
    sendError(res, ErrorCode.BAD_USER_INPUT, 'email is required', { fields: { email: 'Required' } });
    return;
  }
  const em = deps.orm.em.fork();
  const result = await signInFederated({ em, viewer: anonymousViewer, config: deps.config, events: deps.events, loaders: createLoaders(em, anonymousViewer) }, body.email);
  sendData(res, 200, {
    accessToken: result.accessToken,
    expiresAt: result.expiresAt.toISOString(),
    user: { id: result.user.id, email: result.user.email, name: result.user.name, mustChangePassword: result.user.mustChangePassword },
  });
};

/**
 * GET /api/receipts/:id: a printable A5 HTML receipt. Authorization header
 * only (access token or API key), never a token in the URL; errors use the
 * JSON envelope.
 */
const receipt: Handler = async (req, res, deps, params) => {
  const ctx = await serviceContext(req, res, deps);
  sendPrintableHtml(res, renderReceiptHtml(await getReceipt(ctx, params.id)));
};

/**
 * GET /api/receipts/signed/:token: the receipt link in a payment message,
 * opened on a phone without signing in. The token names one transaction and
 * expires (receipt-link.ts); tampered 400, expired 410, in the JSON envelope.
 */
const signedReceipt: Handler = async (_req, res, deps, params) => {
  const check = verifyReceiptToken(params.token, deps.config.jwtSecret);
  if (!check.ok) {
    if (check.reason === 'EXPIRED') sendError(res, ErrorCode.GONE, 'This receipt link has expired; sign in to see the receipt', { reason: 'LINK_EXPIRED' });
    else sendError(res, ErrorCode.BAD_USER_INPUT, 'This receipt link is not valid', { reason: 'LINK_INVALID' });
    return;
  }
  const em = deps.orm.em.fork();
  const ctx: ServiceContext = { em, viewer: anonymousViewer, config: deps.config, events: deps.events, loaders: createLoaders(em, anonymousViewer) };
  sendPrintableHtml(res, renderReceiptHtml(await getReceiptForSignedLink(ctx, check.id)));
};

/** GET /api/receipts/remittance/:id: a remittance's printable page, on the same terms as a receipt. */
const remittanceReceipt: Handler = async (req, res, deps, params) => {
  const ctx = await serviceContext(req, res, deps);
  sendPrintableHtml(res, await remittanceReceiptHtml(ctx, params.id));
};

function sendPrintableHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    // Defence in depth behind the escaping: the page needs nothing but its inline style.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}


/**
 * GET /api/confirm/:token — the member's signed "I've paid" link. Valid: the
 * due becomes MEMBER_CONFIRMED (once; a second visit changes nothing) and the
 * browser goes to the thank-you page. Tampered: 400; expired: 410.
 */
const confirmDuePaid: Handler = async (_req, res, deps, params) => {
  const check = verifyConfirmToken(params.token, deps.config.jwtSecret);
  if (!check.ok) {
    if (check.reason === 'EXPIRED') sendHtml(res, 410, renderConfirmPage('This link has expired', 'Ask your group’s treasurer for a new link, or tell them you paid.'));
    else sendHtml(res, 400, renderConfirmPage('This link is not valid', 'It may have been copied incompletely. Open it again from the message you received.'));
    return;
  }
  const em = deps.orm.em.fork();
  const ctx: ServiceContext = { em, viewer: anonymousViewer, config: deps.config, events: deps.events, loaders: createLoaders(em, anonymousViewer) };
  try {
    await markDueMemberConfirmed(ctx, check.dueId);
  } catch (error) {
    if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
      sendHtml(res, 404, renderConfirmPage('Nothing to confirm', 'This payment request no longer exists.'));
      return;
    }
    throw error;
  }
  res.writeHead(303, { location: '/api/confirm/thanks', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
};

const confirmThanks: Handler = async (_req, res) => {
  sendHtml(res, 200, THANK_YOU_PAGE);
};

/** Public and unauthenticated: enough to read a page now and then, too little to guess tokens. */
const SPONSOR_LINK_RATE: RateLimitRule = { bucket: 'sponsor-links', limit: 30, windowSeconds: 60 };

/**
 * GET /api/sponsor-links/:token: the public sponsor page's data (no sign-in).
 * Counted per client IP before the lookup, so unknown tokens count too.
 * Unknown → 404; expired, deactivated or paid → 410 GONE with a stable reason.
 */
const sponsorLink: Handler = async (req, res, deps, params) => {
  const em = deps.orm.em.fork();
  await consumeRateLimit(em, SPONSOR_LINK_RATE, clientIp(req, deps.config));
  sendData(res, 200, await publicSponsorLink(em, params.token));
};

/**
 * POST /api/sponsor-links/:token/checkout `{ "provider": "RAZORPAY" | "STRIPE" }`: the
 * public page's "Pay online". No sign-in (the token is the permission), the
 * same per-IP limit as the page; answers the provider checkout (in sandbox
 * mode, the sandbox pay page's URL).
 */
const sponsorLinkCheckout: Handler = async (req, res, deps, params) => {
  const em = deps.orm.em.fork();
  await consumeRateLimit(em, SPONSOR_LINK_RATE, clientIp(req, deps.config));
  const body = await readJsonObject(req, deps.config.bodyLimitBytes, res);
  const provider = Object.values(PaymentProvider).find((value) => value === body.provider);
  if (!provider) {
    sendError(res, ErrorCode.BAD_USER_INPUT, 'provider must be RAZORPAY or STRIPE', { fields: { provider: 'RAZORPAY or STRIPE' } });
    return;
  }
  const ctx: ServiceContext = { em, viewer: anonymousViewer, config: deps.config, events: deps.events, loaders: createLoaders(em, anonymousViewer) };
  const { checkout: order, keyId, clientSecret, publishableKey, checkoutUrl } = await createCheckout(ctx, provider, await sponsorLinkPaymentTargetForToken(ctx, params.token));
  sendData(res, 200, {
    provider,
    providerOrderId: order.providerOrderId,
    amount: { amountMinor: order.amountMinor.toString(), currency: order.currency },
    sandbox: checkoutUrl !== null,
    keyId,
    clientSecret,
    publishableKey,
    checkoutUrl,
  });
};

let developerDocs: string | undefined;

/** GET /api/docs: the developer documentation, its reference generated from the schema this server runs. */
const docs: Handler = async (_req, res) => {
  developerDocs ??= renderDeveloperDocs(buildCofferSchema());
  sendHtml(res, 200, developerDocs);
};

const routes: Record<string, Partial<Record<string, Handler>>> = {
  '/api/health': { GET: health },
  '/api/docs': { GET: docs },
  '/api/auth/federated-sign-in': { POST: federatedSignIn },
  '/api/receipts/signed/:token': { GET: signedReceipt },
  '/api/receipts/:id': { GET: receipt },
  '/api/sponsor-links/:token': { GET: sponsorLink },
  '/api/sponsor-links/:token/checkout': { POST: sponsorLinkCheckout },
  '/api/confirm/thanks': { GET: confirmThanks },
  '/api/confirm/:token': { GET: confirmDuePaid },
  '/api/receipts/remittance/:id': { GET: remittanceReceipt },
  ...cronRoutes,
  ...paymentRoutes,
};

/** Exact paths first, then patterns whose `:name` segments match any one non-empty segment. */
function matchRoute(pathname: string): { route: Partial<Record<string, Handler>>; params: Record<string, string> } | null {
  if (routes[pathname]) return { route: routes[pathname], params: {} };
  const segments = pathname.split('/');
  for (const [pattern, route] of Object.entries(routes)) {
    const parts = pattern.split('/');
    if (!pattern.includes('/:') || parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      if (!part.startsWith(':')) return part === segments[i];
      if (!segments[i]) return false;
      try {
        params[part.slice(1)] = decodeURIComponent(segments[i]);
      } catch {
        return false; // malformed percent-encoding: no such resource
      }
      return true;
    });
    if (matches) return { route, params };
  }
  return null;
}

export async function handleRest(req: IncomingMessage, res: ServerResponse, pathname: string, deps: RestDeps): Promise<void> {
  const matched = matchRoute(pathname);
  if (!matched) {
    sendError(res, ErrorCode.NOT_FOUND, `No route ${pathname}`);
    return;
  }
  const { route, params } = matched;
  const handler = route[req.method ?? 'GET'];
  if (!handler) {
    res.setHeader('allow', Object.keys(route).join(', '));
    sendError(res, ErrorCode.BAD_USER_INPUT, `Method ${req.method} not allowed on ${pathname}`, { reason: 'METHOD_NOT_ALLOWED' }, 405);
    return;
  }
  try {
    await handler(req, res, deps, params);
  } catch (error) {
    if (error instanceof DomainError) sendDomainError(res, error);
    // 413 as on /graphql; readBody has marked the response `connection: close`, so the unread rest of the body is dropped.
    else if (error instanceof BodyTooLargeError) sendError(res, ErrorCode.BAD_USER_INPUT, 'Request body too large', { reason: 'BODY_TOO_LARGE' }, 413);
    else if (error instanceof RequestAbortedError) return; // the client left: nothing to answer, nothing to log
    else if (error instanceof SyntaxError) sendError(res, ErrorCode.BAD_USER_INPUT, 'Body is not valid JSON', { reason: 'INVALID_JSON' });
    else {
      deps.logger.error('REST handler failed', { path: pathname, ...describeError(error) });
      sendError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
    }
  }
}
