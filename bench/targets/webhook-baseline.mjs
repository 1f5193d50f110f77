// @ts-check
// Baseline for the webhook bench: what any webhook endpoint must do at least.
// node:http, a pg Pool of 10 (like the server's), the provider's signature
// checked over the raw body (Razorpay: HMAC-SHA256 hex; Stripe: the SDK's
// constructEvent, as our server does), the raw event inserted once per event
// id, 200. No dedupe on payment ids, no ledger, no processing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import { serveTarget } from '../lib/child.mjs';
import { requireServer } from '../lib/paths.mjs';

/** @type {typeof import('stripe').default} */
const Stripe = requireServer('stripe');

serveTarget(async () => {
  const connectionString = process.env.BENCH_TARGET_DATABASE_URL;
  const razorpaySecret = process.env.BENCH_RAZORPAY_WEBHOOK_SECRET;
  const stripeSecret = process.env.BENCH_STRIPE_WEBHOOK_SECRET;
  if (!connectionString || !razorpaySecret || !stripeSecret) throw new Error('BENCH_TARGET_DATABASE_URL and the webhook secrets must be set');
  const pool = new pg.Pool({ connectionString, max: 10 });
  await pool.query(`create table if not exists bench_raw_webhooks (provider text not null, event_id text not null, body bytea not null, received_at timestamptz not null default now(), primary key (provider, event_id))`);

  /** @param {import('node:http').ServerResponse} res @param {number} status */
  const send = (res, status) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  };

  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      /** @type {{ provider: string, eventId: string } | null} */
      let event = null;
      try {
        if (req.url === '/api/webhooks/razorpay') {
          const given = Buffer.from(String(req.headers['x-razorpay-signature'] ?? ''));
          const expected = Buffer.from(createHmac('sha256', razorpaySecret).update(body).digest('hex'));
          if (given.length === expected.length && timingSafeEqual(given, expected)) event = { provider: 'RAZORPAY', eventId: String(req.headers['x-razorpay-event-id']) };
        } else if (req.url === '/api/webhooks/stripe') {
          const parsed = Stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature'] ?? ''), stripeSecret, 300);
          event = { provider: 'STRIPE', eventId: parsed.id };
        }
      } catch {
        event = null;
      }
      if (!event) return send(res, 400);
      pool.query('insert into bench_raw_webhooks (provider, event_id, body) values ($1, $2, $3) on conflict do nothing', [event.provider, event.eventId, body]).then(
        () => send(res, 200),
        () => send(res, 500),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await pool.end();
    },
    handlers: {
      count: async () => Number((await pool.query('select count(*) from bench_raw_webhooks')).rows[0].count),
    },
  };
});
