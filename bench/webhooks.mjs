#!/usr/bin/env node
// @ts-check
// `npm run bench:webhooks`: webhook ingestion. Signed Razorpay and Stripe
// deliveries for real sandbox orders of real dues, 20% of them redeliveries of
// an event already sent, posted at a fixed concurrency to our server and to a
// baseline that only verifies the signature and inserts the raw event
// (targets/webhook-baseline.mjs); both in their own processes, in interleaved
// rounds. Our server answers once an event is stored and processes it in the
// background: the bench reports the acknowledged rate (the ingestion target,
// against the baseline) and, separately, how long until every stored event
// was processed (credits/s). Afterwards it asserts exactly one transaction
// per payment, every due PAID and every stored event PROCESSED.
//
// Settings (environment): BENCH_WEBHOOK_PAYMENTS (1000 per round, half
// Razorpay: payment.captured + order.paid; half Stripe:
// payment_intent.succeeded), BENCH_WEBHOOK_GROUPS (20: the payments are
// spread over them), BENCH_WEBHOOK_CONCURRENCY (50),
// BENCH_WEBHOOK_ROUNDS (2), BENCH_DATABASE_URL / DATABASE_URL (else embedded
// PostgreSQL), BENCH_NO_WRITE=1 (do not update BENCHMARKS.md), BENCH_CPU_PROF=1
// (V8 CPU profiles of our server's measured windows, in bench/.profiles/).
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTarget } from './lib/child.mjs';
import { createBenchDatabase } from './lib/database.mjs';
import { requireServer, ROOT, SERVER_DIST, TARGETS_DIR } from './lib/paths.mjs';
import { insertMembers, insertUsers, signIn, withClient } from './lib/scale.mjs';
import { gql } from './lib/seed.mjs';

/** @type {typeof import('stripe').default} */
const Stripe = requireServer('stripe');

/** @param {string} name @param {number} fallback @param {number} min @param {number} max */
function setting(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
  return value;
}

const PAYMENTS = setting('BENCH_WEBHOOK_PAYMENTS', 1000, 10, 100_000);
const CONCURRENCY = setting('BENCH_WEBHOOK_CONCURRENCY', 50, 1, 500);
const ROUNDS = setting('BENCH_WEBHOOK_ROUNDS', 2, 1, 10);
/** Payments are spread over this many groups (receipt numbers are sequential per group, so one group's credits queue behind each other). */
const GROUPS = setting('BENCH_WEBHOOK_GROUPS', 20, 1, 1000);
const DUPLICATE_SHARE = 0.2;
const PROFILE = Boolean(process.env.BENCH_CPU_PROF);
const TARGET_EVENTS_PER_SECOND = 500;
/** Client addresses the deliveries come from (X-Forwarded-For), so the per-IP limit of 50/min is exercised but not hit. */
const CLIENT_IPS = 2000;
const AMOUNT_MINOR = 10_000;
const BENCHMARKS_MD = path.join(ROOT, 'BENCHMARKS.md');
const START = '<!-- bench:webhooks:start (written by `npm run bench:webhooks`; edits inside are overwritten) -->';
const END = '<!-- bench:webhooks:end -->';

/** @param {string} line */
const log = (line) => process.stderr.write(`[bench:webhooks] ${line}\n`);

/**
 * @typedef {{ provider: 'RAZORPAY' | 'STRIPE', orderId: string, dueId: string }} Order
 * @typedef {{ path: string, headers: Record<string, string>, body: string, eventId: string }} Delivery
 */

/** @param {string} prefix */
const id = (prefix) => `${prefix}_${randomBytes(7).toString('hex')}`;

/**
 * Razorpay's two events for one captured payment of an order, in its documented shape, signed as Razorpay signs.
 * @param {Order} order @param {string} secret @returns {Delivery[]}
 */
function razorpayDeliveries(order, secret) {
  const now = Math.floor(Date.now() / 1000);
  const payment = {
    id: id('pay'), entity: 'payment', amount: AMOUNT_MINOR, currency: 'INR', status: 'captured', order_id: order.orderId, invoice_id: null, international: false, method: 'upi',
    amount_refunded: 0, refund_status: null, captured: true, description: null, card_id: null, bank: null, wallet: null, vpa: 'bench@upi', email: 'bench@example.com',
    contact: '+919876543210', notes: [], fee: 2, tax: 0, error_code: null, error_description: null, created_at: now,
  };
  const order_ = { id: order.orderId, entity: 'order', amount: AMOUNT_MINOR, amount_paid: AMOUNT_MINOR, amount_due: 0, currency: 'INR', receipt: null, status: 'paid', attempts: 1, notes: [], created_at: now - 60 };
  return [
    { entity: 'event', account_id: 'acc_bench', event: 'payment.captured', contains: ['payment'], payload: { payment: { entity: payment } }, created_at: now },
    { entity: 'event', account_id: 'acc_bench', event: 'order.paid', contains: ['payment', 'order'], payload: { payment: { entity: payment }, order: { entity: order_ } }, created_at: now },
  ].map((event) => {
    const body = JSON.stringify(event);
    const eventId = id('evt');
    return { path: '/api/webhooks/razorpay', eventId, body, headers: { 'content-type': 'application/json', 'x-razorpay-event-id': eventId, 'x-razorpay-signature': createHmac('sha256', secret).update(body).digest('hex') } };
  });
}

/**
 * Stripe's payment_intent.succeeded, signed with the SDK's own helper.
 * @param {Order} order @param {string} secret @returns {Delivery[]}
 */
function stripeDeliveries(order, secret) {
  const eventId = id('evt');
  const intent = {
    id: order.orderId, object: 'payment_intent', amount: AMOUNT_MINOR, amount_received: AMOUNT_MINOR, currency: 'inr', status: 'succeeded', metadata: {}, payment_method_types: ['card'],
    latest_charge: id('ch'), created: Math.floor(Date.now() / 1000) - 30, livemode: false,
  };
  const body = JSON.stringify({ id: eventId, object: 'event', api_version: '2025-10-29.clover', created: Math.floor(Date.now() / 1000), data: { object: intent }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: 'payment_intent.succeeded' });
  return [{ path: '/api/webhooks/stripe', eventId, body, headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) } }];
}

/** @template T @param {T[]} items */
function shuffle(items) {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Unique deliveries plus redeliveries of a random quarter of them (so 20% of all deliveries are duplicates), shuffled. */
function withDuplicates(/** @type {Delivery[]} */ unique) {
  const extra = Math.round((unique.length * DUPLICATE_SHARE) / (1 - DUPLICATE_SHARE));
  const picks = shuffle([...unique]).slice(0, extra);
  return shuffle([...unique, ...picks]);
}

/**
 * Posts every delivery with `CONCURRENCY` in flight.
 * @param {string} baseUrl @param {Delivery[]} deliveries
 */
async function blast(baseUrl, deliveries) {
  const latencies = new Float64Array(deliveries.length);
  let next = 0;
  let non200 = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= deliveries.length) return;
      const delivery = deliveries[index];
      const sent = performance.now();
      const response = await fetch(`${baseUrl}${delivery.path}`, {
        method: 'POST',
        headers: { ...delivery.headers, 'x-forwarded-for': `10.9.${(index % CLIENT_IPS) >> 8}.${index % 256}` },
        body: delivery.body,
      });
      await response.arrayBuffer();
      latencies[index] = performance.now() - sent;
      if (response.status !== 200) non200 += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.slice().sort();
  const at = (/** @type {number} */ q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { count: deliveries.length, seconds, perSecond: deliveries.length / seconds, p50: at(0.5), p99: at(0.99), non200 };
}

/**
 * Seconds from `startedAt` (performance.now()) until no stored event is still RECEIVED: our server answers
 * once an event is stored and processes it afterwards, so this is when the round's processing is done.
 * @param {string} databaseUrl @param {number} startedAt
 */
async function drain(databaseUrl, startedAt) {
  await withClient(databaseUrl, async (client) => {
    for (;;) {
      const { rows } = await client.query("select count(*)::int as n from inbound_webhook_events where status = 'RECEIVED'");
      if (rows[0].n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return (performance.now() - startedAt) / 1000;
}

async function main() {
  log('building the server');
  const build = spawnSync('npm', ['run', 'build', '-w', 'server'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('server build failed');
  const db = await createBenchDatabase(log);
  const jwtSecret = randomBytes(32).toString('hex');
  const encryptionKey = randomBytes(32).toString('hex');
  /** @type {typeof import('../server/src/config.js')} */
  const { loadConfig } = requireServer(path.join(SERVER_DIST, 'config.js'));
  /** @type {typeof import('../server/src/modules/payments/provider-gateways.js')} */
  const gateways = requireServer(path.join(SERVER_DIST, 'modules', 'payments', 'provider-gateways.js'));
  // No provider keys: the sandbox's secrets, derived from JWT_SECRET, are what the deliveries are signed with.
  const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: jwtSecret, ENCRYPTION_KEY: encryptionKey, SEED_DEMO: 'false', PAYMENT_SANDBOX: 'true' });
  const razorpaySecret = gateways.razorpaySettings(config).webhookSecret;
  const stripeSecret = gateways.stripeSettings(config).webhookSecret;
  const env = { ...process.env, BENCH_TARGET_DATABASE_URL: db.url, BENCH_JWT_SECRET: jwtSecret, BENCH_ENCRYPTION_KEY: encryptionKey };
  /** @type {import('./lib/child.mjs').Target[]} */
  const started = [];
  try {
    const coffer = await startTarget('coffer', path.join(TARGETS_DIR, 'coffer.mjs'), { env: { ...env, BENCH_COFFER_ENV: JSON.stringify({ TRUST_PROXY_HOPS: '1', PAYMENT_SANDBOX: 'true' }) } });
    started.push(coffer);
    const baseline = await startTarget('baseline', path.join(TARGETS_DIR, 'webhook-baseline.mjs'), { env: { ...env, BENCH_RAZORPAY_WEBHOOK_SECRET: razorpaySecret, BENCH_STRIPE_WEBHOOK_SECRET: stripeSecret } });
    started.push(baseline);
    const graphqlUrl = coffer.url;
    const cofferBase = graphqlUrl.replace(/\/graphql$/, '');

    // ---- seed: a group whose members each owe 100.00, and a sandbox order or intent per due
    const total = PAYMENTS * ROUNDS;
    const seedStart = Date.now();
    /** @type {typeof import('../server/src/shared/crypto.js')} */
    const { hashPassword } = requireServer(path.join(SERVER_DIST, 'shared', 'crypto.js'));
    const password = `bench-${randomBytes(8).toString('hex')}`;
    const owner = await withClient(db.url, async (client) => (await insertUsers(client, 'webhook-owner', 1, await hashPassword(password)))[0]);
    const token = await signIn(graphqlUrl, owner.email, password);
    /** @type {string[]} */
    const groupIds = [];
    /** @type {string[]} */
    const dueIds = [];
    for (let g = 0; g < GROUPS; g += 1) {
      // Group g takes the payments g, g + GROUPS, …; its owner is one of its members.
      const size = Math.floor(total / GROUPS) + (g < total % GROUPS ? 1 : 0);
      const created = await gql(
        graphqlUrl,
        'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
        {
          input: {
            name: `Bench Webhooks ${g + 1}`, kind: 'SUBSCRIPTION_SHARE', currency: 'INR', memberNumberPrefix: 'WH',
            billingSettings: { mode: 'VARIABLE_TOTAL', cycle: 'MONTHLY', dueDay: 5, graceDays: 3 },
            paymentSettings: { razorpayEnabled: true, stripeEnabled: true },
          },
        },
        token,
      );
      const groupId = String(created.createGroup.id);
      groupIds.push(groupId);
      await withClient(db.url, (client) => insertMembers(client, groupId, Array.from({ length: size - 1 }, (_, i) => ({ userId: null, name: `Payer ${i + 1}`, email: null })), 'MEMBER'));
      await gql(
        graphqlUrl,
        'mutation($input: CreateBillingPeriodInput!) { createBillingPeriod(input: $input) { dueCount } }',
        { input: { groupId, label: 'Bench month', totalPrice: { amount: String(size * (AMOUNT_MINOR / 100)), currency: 'INR' }, periodStart: '2026-12-01', periodEnd: '2026-12-31' } },
        token,
      );
      dueIds.push(...(await withClient(db.url, async (client) => (await client.query('select id from dues where group_id = $1', [groupId])).rows.map((row) => String(row.id)))));
    }
    shuffle(dueIds);
    if (dueIds.length !== total) throw new Error(`expected ${total} dues, got ${dueIds.length}`);
    /** @type {Order[]} */
    const orders = new Array(total);
    let nextDue = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (;;) {
          const index = nextDue;
          nextDue += 1;
          if (index >= total) return;
          const provider = index % 2 === 0 ? 'RAZORPAY' : 'STRIPE';
          const mutation = provider === 'RAZORPAY' ? 'createRazorpayOrder' : 'createStripePaymentIntent';
          const data = await gql(graphqlUrl, `mutation($d: ID) { ${mutation}(dueId: $d) { providerOrderId sandbox } }`, { d: dueIds[index] }, token);
          orders[index] = { provider, orderId: data[mutation].providerOrderId, dueId: dueIds[index] };
        }
      }),
    );
    log(`seeded ${total} dues of 100.00 in ${GROUPS} groups and their sandbox orders (${Date.now() - seedStart} ms)`);

    // ---- rounds: the same deliveries to both targets, order alternating
    /** @type {Record<string, { count: number, seconds: number, non200: number, p99s: number[], p50s: number[] }>} */
    const totals = { coffer: { count: 0, seconds: 0, non200: 0, p99s: [], p50s: [] }, baseline: { count: 0, seconds: 0, non200: 0, p99s: [], p50s: [] } };
    /** Our server's end-to-end side: from the round's first delivery until every stored event is processed. */
    const processing = { seconds: 0, events: 0, payments: 0, statements: 0, deliveries: 0 };
    let uniqueEvents = 0;
    let duplicates = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const slice = orders.slice(round * PAYMENTS, (round + 1) * PAYMENTS);
      const unique = slice.flatMap((order) => (order.provider === 'RAZORPAY' ? razorpayDeliveries(order, razorpaySecret) : stripeDeliveries(order, stripeSecret)));
      const deliveries = withDuplicates(unique);
      uniqueEvents += unique.length;
      duplicates += deliveries.length - unique.length;
      const order = round % 2 === 0 ? ['baseline', 'coffer'] : ['coffer', 'baseline'];
      for (const name of order) {
        const profiled = PROFILE && name === 'coffer';
        if (profiled) await coffer.call('profileStart');
        if (name === 'coffer') await coffer.call('resetStatements');
        const startedAt = performance.now();
        const result = await blast(name === 'coffer' ? cofferBase : baseline.url, deliveries);
        let detail = '';
        if (name === 'coffer') {
          // Our server answers once an event is stored; the round's processing ends when nothing is left RECEIVED.
          const seconds = await drain(db.url, startedAt);
          const statements = Number(await coffer.call('statements'));
          processing.seconds += seconds;
          processing.events += unique.length;
          processing.payments += slice.length;
          processing.statements += statements;
          processing.deliveries += deliveries.length;
          detail = ` | processed ${unique.length} events (${slice.length} payments) ${seconds.toFixed(2)} s after the first delivery = ${(slice.length / seconds).toFixed(0)} credits/s; ${(statements / deliveries.length).toFixed(1)} SQL statements per delivery`;
        }
        if (profiled) log(`CPU profile: ${await coffer.call('profileStop', `webhooks-round-${round + 1}`)}`);
        const sum = totals[name];
        sum.count += result.count;
        sum.seconds += result.seconds;
        sum.non200 += result.non200;
        sum.p50s.push(result.p50);
        sum.p99s.push(result.p99);
        log(`round ${round + 1} ${name}: acknowledged ${result.count} deliveries in ${result.seconds.toFixed(2)} s = ${result.perSecond.toFixed(0)}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, non-200 ${result.non200}${detail}`);
      }
    }

    // ---- exactly once
    const check = await withClient(db.url, async (client) => {
      const q = async (/** @type {string} */ sql, /** @type {unknown[]} */ params = []) => (await client.query(sql, params)).rows;
      const [transactions] = await q('select count(*)::int as n from transactions where group_id = any($1)', [groupIds]);
      const doubled = await q('select provider_payment_id from transactions where group_id = any($1) group by 1 having count(*) > 1', [groupIds]);
      const [unpaid] = await q("select count(*)::int as n from dues where group_id = any($1) and status <> 'PAID'", [groupIds]);
      const statuses = await q('select status, outcome, count(*)::int as n from inbound_webhook_events group by 1, 2 order by 1, 2');
      const [raw] = await q('select count(*)::int as n from bench_raw_webhooks');
      const [retried] = await q('select count(*)::int as n from inbound_webhook_events where attempts > 1');
      return { transactions: transactions.n, doubled: doubled.length, unpaid: unpaid.n, statuses, baselineRows: raw.n, retried: retried.n };
    });
    const stored = check.statuses.reduce((sum, row) => sum + row.n, 0);
    const problems = [];
    if (check.transactions !== total) problems.push(`${check.transactions} transactions for ${total} payments`);
    if (check.doubled !== 0) problems.push(`${check.doubled} payments credited more than once`);
    if (check.unpaid !== 0) problems.push(`${check.unpaid} dues not PAID`);
    if (check.statuses.some((row) => row.status !== 'PROCESSED')) problems.push(`events not all PROCESSED: ${JSON.stringify(check.statuses)}`);
    if (stored !== uniqueEvents) problems.push(`${stored} stored events for ${uniqueEvents} unique events`);
    if (check.baselineRows !== uniqueEvents) problems.push(`baseline stored ${check.baselineRows} of ${uniqueEvents}`);
    if (totals.coffer.non200 + totals.baseline.non200 > 0) problems.push(`non-200 answers: coffer ${totals.coffer.non200}, baseline ${totals.baseline.non200}`);
    log(`check: ${check.transactions} transactions for ${total} payments, stored events ${JSON.stringify(check.statuses)}, ${check.retried} processed more than once (a failed attempt retried)`);

    const rate = (/** @type {string} */ name) => totals[name].count / totals[name].seconds;
    const worst = (/** @type {number[]} */ values) => Math.max(...values);
    const cofferRate = rate('coffer');
    const row = (/** @type {string} */ name, /** @type {string} */ label) =>
      `| ${label} | ${totals[name].count} | ${rate(name).toFixed(0)} | ${worst(totals[name].p50s).toFixed(1)} | ${worst(totals[name].p99s).toFixed(1)} | ${totals[name].non200} |`;
    const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const load = os.loadavg().map((value) => value.toFixed(1)).join(' / ');
    // The acknowledging path is one statement per delivery (count against the limit and store); the rest is processing.
    const processingStatements = (processing.statements - processing.deliveries) / processing.payments;
    const table = [
      `Run of ${date} UTC on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load} at the end; ${ROUNDS} interleaved rounds of ${PAYMENTS} payments over ${GROUPS} groups (half Razorpay: payment.captured + order.paid; half Stripe: payment_intent.succeeded), ${uniqueEvents} unique events + ${duplicates} redeliveries (${((duplicates / (uniqueEvents + duplicates)) * 100).toFixed(0)}%), concurrency ${CONCURRENCY}, database: ${db.source}.`,
      '',
      'Ingestion: deliveries answered per second and the answers\' latency.',
      '',
      '| target | deliveries | events/s acknowledged | p50 ms (worst round) | p99 ms (worst round) | non-200 |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('coffer', 'Coffer: rate limit + verify + store (dedupe on the event id), 200; processing in the background'),
      row('baseline', 'baseline: verify the signature, insert the raw event'),
      '',
      `Coffer / baseline ingestion: ${(cofferRate / rate('baseline')).toFixed(2)}x. Target ≥ ${TARGET_EVENTS_PER_SECOND} events/s acknowledged: **${cofferRate >= TARGET_EVENTS_PER_SECOND ? 'met' : 'missed'}** in this run.`,
      '',
      `Processing, end to end (first delivery of a round until no stored event is RECEIVED, both rounds): ${processing.events} events for ${processing.payments} payments in ${processing.seconds.toFixed(1)} s = **${(processing.payments / processing.seconds).toFixed(0)} credits/s** (${(processing.events / processing.seconds).toFixed(0)} unique events/s, ${((processing.events / processing.seconds) / rate('baseline')).toFixed(2)}x the baseline's ingestion rate); ${(processing.statements / processing.deliveries).toFixed(1)} SQL statements per delivery in all, about ${processingStatements.toFixed(1)} per payment for processing (its credit and its duplicate events) besides the one per delivery that stores it.`,
      `Exactly once afterwards: ${problems.length === 0 ? `**yes** — ${check.transactions} transactions for ${total} payments, none doubled, every due PAID, ${stored} stored events all PROCESSED (${check.statuses.map((s) => `${s.outcome} ${s.n}`).join(', ')})` : `**NO**: ${problems.join('; ')}`}.`,
    ].join('\n');
    process.stdout.write(`${table}\n`);
    if (!process.env.BENCH_NO_WRITE && !PROFILE) {
      const markdown = readFileSync(BENCHMARKS_MD, 'utf8');
      const block = `${START}\n${table}\n${END}`;
      const startAt = markdown.indexOf(START);
      const next = startAt >= 0 ? markdown.slice(0, startAt) + block + markdown.slice(markdown.indexOf(END) + END.length) : `${markdown.trimEnd()}\n\n## Results: webhook ingestion\n\n${block}\n`;
      writeFileSync(BENCHMARKS_MD, next);
      log('BENCHMARKS.md updated');
    }
    if (problems.length > 0) {
      process.exitCode = 1;
      log(`FAILED: ${problems.join('; ')}`);
    }
  } finally {
    for (const target of started.reverse()) await target.stop();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
