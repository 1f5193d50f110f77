// @ts-check
// Scenario (d): `transactions(groupId, first: 50)` with member and approval
// status on a group with 100,000 transactions, as the group's admin, against
// a hand-written pg baseline (bench/targets/pg-transactions.mjs) returning
// the same JSON (checked deep-equal before the load). Also counts our
// server's SQL statements per request for first: 10 and first: 50 (must be
// the same: no per-row queries).
import { isDeepStrictEqual } from 'node:util';
import { compare } from './load.mjs';
import { seedLedger, transactionsQuery } from './scale.mjs';

/**
 * @param {object} options
 * @param {import('./child.mjs').Target} options.coffer
 * @param {(name: string, script: string) => Promise<import('./child.mjs').Target>} options.start
 * @param {string} options.databaseUrl
 * @param {number} options.transactions
 * @param {import('./load.mjs').LoadSettings} options.settings
 * @param {(label: string) => { beforeWindow?: () => Promise<unknown>, afterWindow?: () => Promise<unknown> }} options.profiled
 * @param {(line: string) => void} options.log
 * @param {{ num: (v: number) => string, ms: (v: number) => string, rps: (r: import('./load.mjs').LoadResult) => string, checked: (r: import('./load.mjs').LoadResult) => string, ratio: (r: import('./load.mjs').LoadResult, ref: import('./load.mjs').LoadResult | undefined) => string, cpu: (r: import('./load.mjs').LoadResult) => string }} options.format
 * @returns {Promise<{ lines: string[], failed: boolean }>}
 */
export async function runTransactionsScenario({ coffer, start, databaseUrl, transactions, settings, profiled, log, format }) {
  const TARGET = 0.5;
  const SEQUENTIAL_REQUESTS = 20;
  const PAGE = 50;
  let failed = false;
  const data = await seedLedger(databaseUrl, coffer.url, { transactions, members: 200, log });
  const query = transactionsQuery(data.groupId, PAGE);
  const totalCount = new RegExp(`"totalCount"\\s*:\\s*${transactions}\\b`);
  /** @param {string} url @param {string} text */
  const raw = async (url, text) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${data.token}` },
      body: JSON.stringify({ query: text }),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: JSON.parse(await response.text()) };
  };

  /** @param {number} first */
  const statementsFor = async (first) => {
    const text = transactionsQuery(data.groupId, first);
    const check = (/** @type {{ status: number, body: any }} */ answer) => {
      const page = answer.body?.data?.transactions;
      if (answer.status !== 200 || answer.body.errors || page?.totalCount !== transactions || page.edges.length !== first) {
        throw new Error(`transactions(first: ${first}): unexpected ${JSON.stringify(answer.body).slice(0, 300)}`);
      }
    };
    check(await raw(coffer.url, text));
    // The least of 3 tries: a background statement the filter does not know can only add.
    let least = Infinity;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await coffer.call('resetStatements');
      for (let i = 0; i < SEQUENTIAL_REQUESTS; i += 1) check(await raw(coffer.url, text));
      least = Math.min(least, Number(await coffer.call('requestStatements')));
    }
    return least / SEQUENTIAL_REQUESTS;
  };
  const perRequest10 = await statementsFor(10);
  const perRequestPage = await statementsFor(PAGE);
  const constant = perRequest10 === perRequestPage;
  log(`  SQL statements per request: ${perRequest10} (first: 10), ${perRequestPage} (first: ${PAGE})`);

  const baseline = await start('pg-transactions', 'pg-transactions.mjs');
  let sameAnswer = true;
  for (const first of [10, PAGE]) {
    const text = transactionsQuery(data.groupId, first);
    const ours = await raw(coffer.url, text);
    const theirs = await raw(baseline.url, text);
    const withMember = ours.body?.data?.transactions?.edges?.filter((/** @type {any} */ e) => e.node.member).length ?? 0;
    if (ours.status !== 200 || withMember === 0 || !isDeepStrictEqual(ours.body, theirs.body)) {
      sameAnswer = false;
      log(`  baseline and Coffer disagree (first: ${first}):\n  ours     ${JSON.stringify(ours.body).slice(0, 600)}\n  baseline ${JSON.stringify(theirs.body).slice(0, 600)}`);
    }
  }
  failed ||= !sameAnswer;

  /** @param {string} body */
  const verify = (body) => totalCount.test(body) && !body.includes('"errors"');
  let underLoad = 0;
  const hooks = profiled('transactions');
  const results = await compare(
    [
      { name: 'pg-transactions', server: baseline, url: baseline.url, query, token: data.token, verify },
      {
        name: 'coffer',
        server: coffer,
        url: coffer.url,
        query,
        token: data.token,
        verify,
        beforeWindow: async () => {
          await coffer.call('resetStatements');
          await hooks.beforeWindow?.();
        },
        afterWindow: async () => {
          await hooks.afterWindow?.();
          underLoad += Number(await coffer.call('requestStatements'));
        },
      },
    ],
    settings,
    log,
  );
  await baseline.stop();
  const [base, ours] = /** @type {import('./load.mjs').LoadResult[]} */ (['pg-transactions', 'coffer'].map((name) => results.get(name)));
  failed ||= base.failed || ours.failed;
  const met = sameAnswer && !ours.failed && !base.failed && ours.rps >= TARGET * base.rps;
  const lines = [
    `### (d) \`transactions(groupId, first: ${PAGE})\` with member and approval status, group with ${format.num(transactions)} transactions`,
    '',
    `Query: \`${transactionsQuery('…', PAGE).replace('"…"', '$groupId')}\`, as the group's admin (200 members; 90% approved with balanced entries, 5% pending, 5% rejected, 10% without a member). Same load settings as (a) and (b).`,
    '',
    '| target | req/s | p50 ms | p99 ms | vs baseline | server CPU µs / request | SQL statements / request | responses |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| hand-written \`pg\` baseline (\`node:http\`, \`pg.Pool\` of 10, one SQL statement builds the JSON) | ${format.rps(base)} | ${format.ms(base.p50)} | ${format.ms(base.p99)} | ${format.ratio(base, base)} | ${format.cpu(base)} | 1 | ${format.checked(base)} |`,
    `| **Coffer** (\`startCoffer\`, MikroORM pool of 10) | ${format.rps(ours)} | ${format.ms(ours.p50)} | ${format.ms(ours.p99)} | ${format.ratio(ours, base)} | ${format.cpu(ours)} | ${perRequestPage} | ${format.checked(ours)} |`,
    '',
    `Target: Coffer ≥ ${TARGET.toFixed(2)}× the baseline: **${met ? 'met' : 'missed'}** (${format.ratio(ours, base)}).`,
    '',
    `SQL statements per request in our server (${SEQUENTIAL_REQUESTS} sequential requests each, the least of 3 tries; background job and webhook-dispatcher statements left out): first: 10 **${perRequest10}**, first: ${PAGE} **${perRequestPage}**: ` +
      `${constant ? '**constant** (no per-row queries)' : '**NOT constant** (grows with the page)'}. ` +
      `Under load: ${ours.total > 0 ? (underLoad / ours.total).toFixed(2) : '—'} per response (requests in flight when a window ends are counted but not their responses).`,
    '',
    `Same answer: ${sameAnswer ? "the baseline's responses (first: 10 and first: 50) are deep-equal to ours" : '**NO: the baseline and our server disagree** (see the log)'}. ` +
      'The baseline checks the same token and, in its one statement, that the user exists and is an active admin or operator of the group; ' +
      "like ours it counts the group's transactions for `totalCount`. Server CPU counts the Node process only, not PostgreSQL.",
    '',
  ];
  return { lines, failed };
}
