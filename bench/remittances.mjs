#!/usr/bin/env node
// @ts-check
// `npm run bench:remittances`: 1,000 remittances across 100 groups at
// concurrency 20, each one quote → create (admin A) → approve (admin B) →
// complete (offline payout sandbox, settling at once), all over GraphQL against
// the compiled server in a child process. Reports throughput and p50/p99 per
// step, then checks the ledger: every transaction balanced, nothing left in
// transit, fees and sends where the remittances say. Writes its section of
// BENCHMARKS.md (between the bench:remittances markers) unless BENCH_NO_WRITE=1.
//
// Settings: BENCH_REMITTANCES (1000), BENCH_REMITTANCE_GROUPS (100),
// BENCH_CONCURRENCY (20), BENCH_DATABASE_URL / DATABASE_URL (else embedded PostgreSQL),
// BENCH_CPU_PROF=1 (a V8 CPU profile of the server during the run, in bench/.profiles/).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTarget } from './lib/child.mjs';
import { createBenchDatabase } from './lib/database.mjs';
import { ROOT, requireServer, SERVER_DIST, TARGETS_DIR } from './lib/paths.mjs';
import { insertUsers, withClient } from './lib/scale.mjs';
import { gql } from './lib/seed.mjs';
import WebSocket from 'ws';

/** @param {string} name @param {number} fallback */
function setting(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const TOTAL = setting('BENCH_REMITTANCES', 1000);
const GROUPS = setting('BENCH_REMITTANCE_GROUPS', 100);
const CONCURRENCY = setting('BENCH_CONCURRENCY', 20);
const EVENT_TIMEOUT_MS = 60_000;
const STEPS = /** @type {const} */ (['quote', 'create', 'approve', 'complete']);
const MARK_START = '<!-- bench:remittances:start (written by `npm run bench:remittances`; edits inside are overwritten) -->';
const MARK_END = '<!-- bench:remittances:end -->';

/** @param {string} line */
const log = (line) => process.stderr.write(`[bench:remittances] ${line}\n`);

const QUOTE = 'mutation($g: ID!, $r: ID!, $a: String!) { remittanceQuote(groupId: $g, recipientId: $r, amount: $a) { id totalDebited { amountMinor } } }';
const CREATE = 'mutation($q: ID!, $k: String!) { createRemittance(quoteId: $q, idempotencyKey: $k) { remittance { id status } approval { id } } }';
const APPROVE = 'mutation($id: ID!) { approve(id: $id) { status } }';
const EVENTS = 'subscription($g: ID!) { remittanceEvents(groupId: $g) { status remittance { id } } }';

/**
 * One admin socket per group on remittanceEvents (graphql-transport-ws, spoken directly):
 * when each remittance was seen COMPLETED or FAILED, by arrival time.
 * @param {string} url @param {{ groupId: string, makerToken: string }[]} groups
 */
async function watchCompletions(url, groups) {
  /** @type {Map<string, { at: number, status: string }>} */
  const seen = new Map();
  /** @type {Map<string, (value: { at: number, status: string }) => void>} */
  const waiting = new Map();
  const sockets = await Promise.all(
    groups.map(
      (g) =>
        /** @type {Promise<WebSocket>} */ (
          new Promise((resolve, reject) => {
            const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
            socket.on('error', reject);
            socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${g.makerToken}` } })));
            socket.on('message', (data) => {
              const at = performance.now();
              const message = JSON.parse(data.toString());
              if (message.type === 'connection_ack') {
                socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: EVENTS, variables: { g: g.groupId } } }));
                // The server checks the role before it listens; give it a moment.
                setTimeout(() => resolve(socket), 300);
              }
              const event = message.type === 'next' ? message.payload?.data?.remittanceEvents : undefined;
              if (event && (event.status === 'COMPLETED' || event.status === 'FAILED')) {
                const outcome = { at, status: String(event.status) };
                seen.set(event.remittance.id, outcome);
                waiting.get(event.remittance.id)?.(outcome);
              }
            });
          })
        ),
    ),
  );
  return {
    /** @param {string} id @returns {Promise<{ at: number, status: string }>} */
    settled: (id) =>
      new Promise((resolve, reject) => {
        const known = seen.get(id);
        if (known) return resolve(known);
        const timer = setTimeout(() => reject(new Error(`no COMPLETED/FAILED event for ${id} within ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
        waiting.set(id, (value) => {
          clearTimeout(timer);
          resolve(value);
        });
      }),
    close: () => sockets.forEach((socket) => socket.close()),
  };
}

/** @param {number[]} values @param {number} q */
function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** @param {number} ms */
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/**
 * @param {string} url @param {string} databaseUrl @param {string} jwtSecret
 * @returns {Promise<{ groupId: string, makerToken: string, checkerToken: string, recipientId: string }[]>}
 */
async function seedGroups(url, databaseUrl, jwtSecret) {
  /** @type {typeof import('../server/src/shared/crypto.js')} */
  const { signAccessToken } = requireServer(path.join(SERVER_DIST, 'shared', 'crypto.js'));
  const users = await withClient(databaseUrl, (client) => insertUsers(client, 'remit-admin', GROUPS * 2, 'not-a-usable-hash'));
  const token = (/** @type {string} */ id) => signAccessToken(id, jwtSecret, 3600).token;
  const groups = [];
  for (let i = 0; i < GROUPS; i += 1) {
    const maker = users[2 * i];
    const checker = users[2 * i + 1];
    const makerToken = token(maker.id);
    const groupId = String((await gql(url, 'mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }', { input: { name: `Remit ${i + 1}`, kind: 'SOCIETY', currency: 'INR', memberNumberPrefix: 'RM' } }, makerToken)).createGroup.id);
    await gql(url, 'mutation($input: AddMemberInput!) { addMember(input: $input) { member { id } } }', { input: { groupId, email: checker.email, name: 'Checker', role: 'ADMIN' } }, makerToken);
    await gql(
      url,
      'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id } } }',
      { input: { groupId, type: 'CASH_IN', category: 'DONATION', amount: { amount: '1000000.00', currency: 'INR' }, paymentMode: 'BANK_TRANSFER' } },
      makerToken,
    );
    const recipientId = String(
      (await gql(url, 'mutation($input: CreateRecipientInput!) { createRecipient(input: $input) { id } }', { input: { groupId, name: `Recipient ${i + 1}`, country: 'RS', currency: 'RSD', bankAccount: `RS35260005601001${String(i).padStart(6, '0')}` } }, makerToken))
        .createRecipient.id,
    );
    groups.push({ groupId, makerToken, checkerToken: token(checker.id), recipientId });
  }
  return groups;
}

/** @param {string} databaseUrl */
async function checkLedger(databaseUrl) {
  return withClient(databaseUrl, async (client) => {
    const unbalanced = await client.query('select count(*)::int as n from (select transaction_id from ledger_entries group by transaction_id having sum(amount_minor) <> 0) x');
    const statuses = await client.query(`select status, count(*)::int as n from remittances group by status order by status`);
    const mismatches = await client.query(`
      with balances as (
        select a.group_id, a.code, sum(e.amount_minor) as balance from ledger_accounts a join ledger_entries e on e.account_id = a.id group by a.group_id, a.code),
      expected as (
        select group_id, sum(send_minor) as sent, sum(fee_minor) as fees, sum(total_minor) as total from remittances where status = 'COMPLETED' group by group_id)
      select x.group_id from expected x
       where coalesce((select balance from balances b where b.group_id = x.group_id and b.code = 'REMITTANCES_SENT'), 0) <> x.sent
          or coalesce((select balance from balances b where b.group_id = x.group_id and b.code = 'FEES'), 0) <> x.fees
          or coalesce((select balance from balances b where b.group_id = x.group_id and b.code = 'REMITTANCES_IN_TRANSIT'), 0) <> 0
          or coalesce((select balance from balances b where b.group_id = x.group_id and b.code = 'BANK'), 0) <> 100000000 - x.total`);
    return {
      unbalanced: Number(unbalanced.rows[0].n),
      statuses: Object.fromEntries(statuses.rows.map((r) => [String(r.status), Number(r.n)])),
      groupsOff: mismatches.rows.length,
    };
  });
}

async function main() {
  const database = await createBenchDatabase(log);
  const jwtSecret = randomBytes(24).toString('hex');
  const target = await startTarget('coffer', path.join(TARGETS_DIR, 'coffer.mjs'), {
    env: { ...process.env, BENCH_TARGET_DATABASE_URL: database.url, BENCH_JWT_SECRET: jwtSecret, BENCH_ENCRYPTION_KEY: randomBytes(24).toString('hex'), BENCH_PAYOUT_SANDBOX_DELAY_MS: '0' },
  });
  try {
    log(`seeding ${GROUPS} groups (two admins, funds, a recipient each)`);
    const groups = await seedGroups(target.url, database.url, jwtSecret);
    /** @type {Record<string, number[]>} */
    const samples = { quote: [], create: [], approve: [], complete: [], total: [] };
    const failures = /** @type {string[]} */ ([]);
    let next = 0;
    const timed = async (/** @type {string} */ step, /** @type {() => Promise<any>} */ work) => {
      const started = performance.now();
      const value = await work();
      samples[step].push(performance.now() - started);
      return value;
    };
    const flow = async (/** @type {number} */ n) => {
      const g = groups[n % groups.length];
      const began = performance.now();
      const amount = `${100 + (n % 900)}.${String(n % 100).padStart(2, '0')}`;
      const quote = await timed('quote', () => gql(target.url, QUOTE, { g: g.groupId, r: g.recipientId, a: amount }, g.makerToken));
      const created = await timed('create', () => gql(target.url, CREATE, { q: quote.remittanceQuote.id, k: `bench-${n}` }, g.makerToken));
      const { remittance, approval } = created.createRemittance;
      const approved = await timed('approve', () => gql(target.url, APPROVE, { id: approval.id }, g.checkerToken));
      if (approved.approve.status !== 'APPROVED') throw new Error(`approval ${approval.id} is ${approved.approve.status}`);
      const approvedAt = performance.now();
      const outcome = await watcher.settled(remittance.id);
      if (outcome.status !== 'COMPLETED') throw new Error(`remittance ${remittance.id} is ${outcome.status}`);
      // The event can beat the approve response: the payout starts as the approval commits.
      samples.complete.push(Math.max(0, outcome.at - approvedAt));
      samples.total.push(outcome.at - began);
    };
    const watcher = await watchCompletions(target.url, groups);
    log(`running ${TOTAL} remittances at concurrency ${CONCURRENCY}`);
    if (process.env.BENCH_CPU_PROF) await target.call('profileStart');
    await target.call('resetStatements');
    const cpuBefore = /** @type {NodeJS.CpuUsage} */ (await target.call('cpuUsage'));
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) {
          const n = next;
          next += 1;
          await flow(n).catch((/** @type {Error} */ error) => failures.push(error.message));
        }
      }),
    );
    const wallMs = performance.now() - started;
    const cpuAfter = /** @type {NodeJS.CpuUsage} */ (await target.call('cpuUsage'));
    const statements = Number(await target.call('statements'));
    const serverCpuMs = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / 1000;
    watcher.close();
    if (process.env.BENCH_CPU_PROF) log(`CPU profile: ${String(await target.call('profileStop', 'remittances'))}`);
    const ledger = await checkLedger(database.url);
    const completed = samples.complete.length;
    const lines = [
      `Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end; ${database.source}; server and load generator on the same machine.`,
      '',
      `${TOTAL} remittances across ${GROUPS} groups, concurrency ${CONCURRENCY}: **${completed} completed in ${(wallMs / 1000).toFixed(1)} s = ${(completed / (wallMs / 1000)).toFixed(1)} remittances/s** (3 requests and a subscription event each); server CPU ${fmt(serverCpuMs / Math.max(completed, 1))} ms and ${(statements / Math.max(completed, 1)).toFixed(0)} SQL statements per remittance (its 3 requests, the payout step and settlement); ${failures.length} failed${failures.length ? ` (first: ${failures[0]})` : ''}.`,
      '',
      '| step | requests/s | p50 ms | p99 ms | max ms |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...[...STEPS, 'total'].map((step) => {
        const values = samples[step];
        return `| ${step === 'complete' ? 'complete (approve answered → COMPLETED event on the admin\'s remittanceEvents)' : step === 'total' ? 'whole remittance' : step} | ${(values.length / (wallMs / 1000)).toFixed(1)} | ${fmt(percentile(values, 0.5))} | ${fmt(percentile(values, 0.99))} | ${fmt(Math.max(...values))} |`;
      }),
      '',
      `Ledger check after the run: ${ledger.unbalanced} unbalanced transactions; remittances by status ${JSON.stringify(ledger.statuses)}; ${ledger.groupsOff} of ${GROUPS} groups whose BANK, FEES, REMITTANCES_SENT or in-transit balance differs from their remittances.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!process.env.BENCH_NO_WRITE) {
      const file = path.join(ROOT, 'BENCHMARKS.md');
      const text = readFileSync(file, 'utf8');
      const block = `${MARK_START}\n${lines.join('\n')}\n${MARK_END}`;
      const start = text.indexOf(MARK_START);
      const end = text.indexOf(MARK_END);
      writeFileSync(file, start >= 0 && end > start ? `${text.slice(0, start)}${block}${text.slice(end + MARK_END.length)}` : `${text.trimEnd()}\n\n${block}\n`);
      log('BENCHMARKS.md updated');
    }
    if (failures.length > 0 || ledger.unbalanced > 0 || ledger.groupsOff > 0) process.exitCode = 1;
  } finally {
    await target.stop();
    await database.drop();
  }
}

await main();
