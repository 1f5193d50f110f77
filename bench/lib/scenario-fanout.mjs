// @ts-check
// Scenario (c): approvalEvents fan-out. N admins of one group (separate users,
// separate graphql-ws connections, in the bench parent) subscribe with the
// console's own subscription; an operator records a transaction through
// instance A's HTTP, which queues an approval request and publishes one
// QUEUED event after commit. Measured per event: from sending the mutation to
// the first and to the N-th (last) delivery. Once with the subscribers on A,
// once on a second instance B (the event crosses PostgreSQL NOTIFY; on A it
// also goes out through NOTIFY and comes back through A's own LISTEN).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { measureEvent, openSubscribers } from './fanout.mjs';
import { APPROVAL_EVENTS_SUBSCRIPTION, RECORD_TRANSACTION, seedFanout } from './scale.mjs';

/**
 * @typedef {object} FanoutRow
 * @property {string} where
 * @property {number} subscribers
 * @property {import('./fanout.mjs').EventSample[]} samples
 * @property {number} cpuMsPerEvent          fan-out instance's CPU per measured event
 * @property {number | undefined} publisherCpuMsPerEvent  instance A's, when the subscribers are on B
 * @property {number} statementsPerDelivery  SQL statements on the fan-out instance per event and subscriber
 * @property {number} setupMs                opening the N sockets and subscribing
 * @property {string[]} problems
 */

/** @param {number[]} values @param {number} q */
function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * @param {object} options
 * @param {import('./child.mjs').Target} options.coffer  instance A (already running)
 * @param {(name: string, script: string) => Promise<import('./child.mjs').Target>} options.start
 * @param {string} options.databaseUrl
 * @param {string} options.jwtSecret
 * @param {number[]} options.sizes
 * @param {number} options.events   measured events per (instance, size)
 * @param {number} options.warmups
 * @param {boolean} options.profile
 * @param {(line: string) => void} options.log
 * @param {{ ms: (value: number) => string, num: (value: number) => string }} options.format
 * @returns {Promise<{ lines: string[], failed: boolean }>}
 */
export async function runFanoutScenario({ coffer, start, databaseUrl, jwtSecret, sizes, events, warmups, profile, log, format }) {
  const TARGET_P99_MS = 100;
  const EVENT_TIMEOUT_MS = 30_000;
  const data = await seedFanout(databaseUrl, coffer.url, { admins: Math.max(...sizes), jwtSecret, log });
  const instanceB = await start('coffer-b', 'coffer.mjs');

  let sequence = 0;
  const send = async () => {
    sequence += 1;
    const response = await fetch(coffer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${data.operatorToken}` },
      body: JSON.stringify({
        query: RECORD_TRANSACTION,
        variables: {
          input: { groupId: data.groupId, type: 'CASH_IN', category: 'DONATION', amount: { amount: '10.00', currency: 'INR' }, paymentMode: 'CASH', memberId: data.memberId, description: `fan-out ${sequence}` },
        },
      }),
      signal: AbortSignal.timeout(EVENT_TIMEOUT_MS),
    });
    const body = /** @type {any} */ (await response.json());
    const payload = body?.data?.recordTransaction;
    if (!response.ok || body.errors || payload?.pendingApproval !== true || !payload.approval?.id) {
      throw new Error(`operator's recordTransaction did not queue a request: ${JSON.stringify(body).slice(0, 400)}`);
    }
    return String(payload.approval.id);
  };
  /** @param {any} event @param {string} approvalId */
  const check = (event, approvalId) => {
    const e = event?.approvalEvents;
    return (
      e?.type === 'QUEUED' &&
      e.approval?.id === approvalId &&
      e.approval.status === 'PENDING' &&
      e.approval.entityType === 'TRANSACTION' &&
      e.approval.requestedBy?.name === 'Bench fanout-operator 1' &&
      e.approval.viewerCanApprove === true &&
      Number.isInteger(e.pendingCount) &&
      e.pendingCount > 0
    );
  };
  /** @param {import('./child.mjs').Target} target */
  const cpuMs = async (target) => {
    const usage = /** @type {NodeJS.CpuUsage} */ (await target.call('cpuUsage'));
    return (usage.user + usage.system) / 1000;
  };
  /** System (kernel) CPU alone: on loopback a socket write also runs much of the receiving side's TCP work. @param {import('./child.mjs').Target} target */
  const systemCpuMs = async (target) => /** @type {NodeJS.CpuUsage} */ (await target.call('cpuUsage')).system / 1000;

  /** @type {FanoutRow[]} */
  const rows = [];
  try {
    for (const [where, target] of /** @type {const} */ ([
      ['A (same instance as the mutation)', coffer],
      ['B (mutation on A, via NOTIFY)', instanceB],
    ])) {
      for (const size of sizes) {
        log(`(c) ${size} subscribers on ${target.name}`);
        const opened = performance.now();
        const subscribers = await openSubscribers({
          url: target.url,
          tokens: data.adminTokens.slice(0, size),
          query: APPROVAL_EVENTS_SUBSCRIPTION,
          variables: { groupId: data.groupId },
        });
        try {
          // Subscriptions go live asynchronously on the server (each checks its admin's role
          // first): until one event has reached every subscriber, a miss only means "not live
          // yet", so the first warm-up is repeated (at most 5 times) until all are live.
          for (let attempt = 1; ; attempt += 1) {
            const sample = await measureEvent(subscribers, send, check, 60_000);
            if (sample.wrong > 0) throw new Error(`warm-up: ${sample.wrong} of ${size} subscribers got a wrong event (${sample.wrongExample ?? '—'})`);
            if (sample.missing === 0) break;
            if (attempt === 5) throw new Error(`warm-up: ${sample.missing} of ${size} subscribers still got nothing after ${attempt} events; ${subscribers.problems.slice(0, 3).join('; ')}`);
            log(`  warm-up ${attempt}: ${sample.missing} of ${size} not live yet; another event`);
          }
          for (let i = 1; i < warmups; i += 1) {
            const sample = await measureEvent(subscribers, send, check, EVENT_TIMEOUT_MS);
            if (sample.missing > 0 || sample.wrong > 0) {
              throw new Error(`warm-up event ${i + 1}: ${sample.missing} of ${size} subscribers got nothing, ${sample.wrong} got a wrong event (${sample.wrongExample ?? '—'}); ${subscribers.problems.slice(0, 3).join('; ')}`);
            }
          }
          const setupMs = performance.now() - opened;
          log(`  ${size} subscribed and warmed up in ${Math.round(setupMs)} ms`);
          await target.call('resetStatements');
          const cpuBefore = await cpuMs(target);
          const systemBefore = await systemCpuMs(target);
          const publisherBefore = target === coffer ? 0 : await cpuMs(coffer);
          if (profile) await target.call('profileStart');
          // With the subscribers on B, A only serves the mutations: its profile shows what one costs.
          if (profile && target !== coffer) await coffer.call('profileStart');
          /** @type {import('./fanout.mjs').EventSample[]} */
          const samples = [];
          for (let i = 0; i < events; i += 1) {
            samples.push(await measureEvent(subscribers, send, check, EVENT_TIMEOUT_MS));
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          if (profile) log(`  CPU profile: ${String(await target.call('profileStop', `fanout-${target.name}-${size}`))}`);
          if (profile && target !== coffer) log(`  CPU profile of A (mutations only): ${String(await coffer.call('profileStop', `fanout-publisher-${size}`))}`);
          const cpuAfter = await cpuMs(target);
          const systemAfter = await systemCpuMs(target);
          const publisherAfter = target === coffer ? 0 : await cpuMs(coffer);
          const statements = Number(await target.call('statements'));
          const row = {
            where,
            subscribers: size,
            samples,
            cpuMsPerEvent: (cpuAfter - cpuBefore) / events,
            publisherCpuMsPerEvent: target === coffer ? undefined : (publisherAfter - publisherBefore) / events,
            statementsPerDelivery: statements / events / size,
            setupMs,
            problems: [...subscribers.problems],
          };
          rows.push(row);
          const lasts = samples.map((s) => s.last);
          const clientCpuUsPerDelivery = (samples.reduce((sum, s) => sum + s.clientCpuMs, 0) * 1000) / events / size;
          log(
            `  first delivery p50 ${format.ms(percentile(samples.map((s) => s.first), 0.5))} ms; last delivery p50 ${format.ms(percentile(lasts, 0.5))} ms, p99 ${format.ms(percentile(lasts, 0.99))} ms; ` +
              `server CPU ${format.ms(row.cpuMsPerEvent)} ms/event (${format.num((row.cpuMsPerEvent * 1000) / size)} µs/delivery, of which system ${format.num(((systemAfter - systemBefore) * 1000) / events / size)}); bench client CPU ${format.num(clientCpuUsPerDelivery)} µs/delivery; ` +
              `${row.statementsPerDelivery.toFixed(2)} SQL statements per delivery; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`,
          );
        } finally {
          await subscribers.close();
        }
      }
    }
  } finally {
    await instanceB.stop();
  }

  let failed = false;
  /** @param {number} value */
  const shown = (value) => (Number.isFinite(value) ? format.ms(value) : '**never**');
  const table = rows.map((row) => {
    const firsts = row.samples.map((s) => s.first);
    const lasts = row.samples.map((s) => s.last);
    const medians = row.samples.map((s) => s.median);
    const mutations = row.samples.map((s) => s.mutation);
    const missing = row.samples.reduce((sum, s) => sum + s.missing, 0);
    const wrong = row.samples.reduce((sum, s) => sum + s.wrong, 0);
    const bad = missing > 0 || wrong > 0 || row.problems.length > 0;
    failed ||= bad;
    const verdict = bad
      ? `**FAILED**: ${missing} deliveries missing, ${wrong} wrong, ${row.problems.length} socket problems`
      : `ok (${format.num(row.samples.length * row.subscribers)} checked)`;
    const perDelivery = `${format.num((row.cpuMsPerEvent * 1000) / row.subscribers)} µs / delivery`;
    const cpu =
      row.publisherCpuMsPerEvent === undefined
        ? `${format.num(row.cpuMsPerEvent)} (${perDelivery})`
        : `${format.num(row.cpuMsPerEvent)} (${perDelivery}); A: ${format.num(row.publisherCpuMsPerEvent)}`;
    return (
      `| ${row.where} | ${format.num(row.subscribers)} | ${shown(percentile(firsts, 0.5))} / ${shown(percentile(firsts, 0.99))} | ` +
      `${shown(percentile(medians, 0.5))} | **${shown(percentile(lasts, 0.5))} / ${shown(percentile(lasts, 0.99))}** | ${format.ms(percentile(mutations, 0.5))} | ` +
      `${cpu} | ${row.statementsPerDelivery.toFixed(2)} | ${verdict} |`
    );
  });
  /** @param {string} where */
  const p99At = (where) => {
    const row = rows.find((r) => r.where.startsWith(where) && r.subscribers === Math.max(...sizes));
    return row ? percentile(row.samples.map((s) => s.last), 0.99) : NaN;
  };
  const p99A = p99At('A');
  const p99B = p99At('B');
  const met = !failed && p99A < TARGET_P99_MS && p99B < TARGET_P99_MS;
  const lines = [
    `### (c) Subscription fan-out: \`approvalEvents\`, publish → delivery`,
    '',
    `${events} measured events per row (after ${warmups} warm-up events), sent one at a time: an operator's \`recordTransaction\` over HTTP to instance A queues an approval request, ` +
      'and its QUEUED event goes to every admin subscribed with the console\'s `ApprovalEvents` subscription (each admin a distinct user with its own token and graphql-ws connection; all clients in the bench parent). ' +
      'Times are from sending the mutation; "p50 / p99" are over the events (with this few events p99 is the worst one). ' +
      "Server CPU is the subscribers' instance's user + system time over the measured events (for B, A's is given too: it serves the mutation); " +
      'SQL statements are counted on the subscribers\' instance and divided by deliveries (on A they include the mutation\'s own).',
    '',
    '| subscribers on | subscribers | first delivery p50 / p99 ms | median delivery p50 ms | **last delivery p50 / p99 ms** | mutation response p50 ms | subscribers\' server CPU ms / event | SQL statements / delivery | deliveries |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...table,
    '',
    `Target: last delivery p99 < ${TARGET_P99_MS} ms at ${format.num(Math.max(...sizes))} subscribers: **${met ? 'met' : 'missed'}** (A ${shown(p99A)} ms, B ${shown(p99B)} ms).`,
    '',
  ];
  return { lines, failed };
}
