// @ts-check
// autocannon with the same settings for every target, and every response
// checked: non-2xx statuses, connection errors and timeouts, and bodies that
// fail the scenario's check (any `errors` key, or not the expected data).
//
// The targets of one comparison are measured in interleaved rounds
// (A B C, then C B A, ...), so a change in background load on a shared
// machine hits every target alike instead of whichever ran at that moment.
import autocannon from 'autocannon';

/**
 * @typedef {object} LoadSettings
 * @property {number} connections
 * @property {number} duration   measured seconds per target, split over the rounds
 * @property {number} warmup     seconds per target run first and discarded (its errors still count)
 * @property {number} rounds
 */

/**
 * @typedef {object} LoadTarget
 * @property {string} name
 * @property {string} url
 * @property {string} query
 * @property {string} [token]
 * @property {(body: string) => boolean} verify
 * @property {() => Promise<unknown>} [beforeWindow]  runs before each measured window
 * @property {() => Promise<unknown>} [afterWindow]   runs after each measured window
 * @property {import('./child.mjs').Target} [server]   the target's process, asked for its CPU time
 */

/**
 * @typedef {object} LoadResult
 * @property {number} rps        2xx responses per second over the measured windows
 * @property {number} p50        ms
 * @property {number} p99        ms
 * @property {number} total      responses in the measured windows
 * @property {number} seconds    measured time
 * @property {number} non2xx
 * @property {number} badBodies
 * @property {number} socketErrors  connection errors and timeouts
 * @property {number | undefined} cpuPerRequest  µs of the server process's CPU (user + system) per response
 * @property {boolean} failed
 */

/** @param {Float64Array} sorted @param {number} q */
function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * @param {LoadTarget} target
 * @param {number} connections
 * @param {number} duration
 * @param {number[] | undefined} latencies  collects response times (ms) when given
 */
async function run(target, connections, duration, latencies) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const instance = autocannon({
    url: target.url,
    method: 'POST',
    headers,
    body: JSON.stringify({ query: target.query }),
    connections,
    pipelining: 1,
    duration,
    timeout: 10,
    verifyBody: target.verify,
  });
  if (latencies) instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  return instance;
}

/**
 * Warms every target up, then measures them in interleaved rounds.
 * @param {LoadTarget[]} targets
 * @param {LoadSettings} settings
 * @param {(line: string) => void} log
 * @returns {Promise<Map<string, LoadResult>>}
 */
export async function compare(targets, settings, log) {
  const perRound = settings.duration / settings.rounds;
  /** @type {Map<string, { latencies: number[], ok: number, non2xx: number, badBodies: number, socketErrors: number, seconds: number, cpu: number }>} */
  const totals = new Map(targets.map((t) => [t.name, { latencies: [], ok: 0, non2xx: 0, badBodies: 0, socketErrors: 0, seconds: 0, cpu: 0 }]));
  /** @param {LoadTarget} target */
  const cpuOf = async (target) => {
    const usage = /** @type {NodeJS.CpuUsage | undefined} */ (await target.server?.call('cpuUsage'));
    return usage ? usage.user + usage.system : 0;
  };
  /** @param {LoadTarget} target @param {import('autocannon').Result} result @param {boolean} measured */
  const add = (target, result, measured) => {
    const total = /** @type {NonNullable<ReturnType<typeof totals.get>>} */ (totals.get(target.name));
    total.non2xx += result.non2xx;
    total.badBodies += result.mismatches;
    total.socketErrors += result.errors;
    if (measured) {
      total.ok += result['2xx'];
      total.seconds += result.duration;
    }
  };
  if (settings.warmup > 0) {
    for (const target of targets) add(target, await run(target, settings.connections, settings.warmup, undefined), false);
  }
  for (let round = 0; round < settings.rounds; round += 1) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      await target.beforeWindow?.();
      const cpuBefore = await cpuOf(target);
      const result = await run(target, settings.connections, perRound, totals.get(target.name)?.latencies);
      const cpuAfter = await cpuOf(target);
      await target.afterWindow?.();
      add(target, result, true);
      const total = totals.get(target.name);
      if (total) total.cpu += cpuAfter - cpuBefore;
      log(`  round ${round + 1}/${settings.rounds} ${target.name}: ${Math.round(result['2xx'] / result.duration)} req/s`);
    }
  }
  /** @type {Map<string, LoadResult>} */
  const results = new Map();
  for (const [name, total] of totals) {
    const sorted = Float64Array.from(total.latencies).sort();
    results.set(name, {
      rps: total.seconds > 0 ? total.ok / total.seconds : 0,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      total: total.latencies.length,
      seconds: total.seconds,
      non2xx: total.non2xx,
      badBodies: total.badBodies,
      socketErrors: total.socketErrors,
      cpuPerRequest: targets.find((t) => t.name === name)?.server && total.latencies.length > 0 ? total.cpu / total.latencies.length : undefined,
      failed: total.non2xx > 0 || total.badBodies > 0 || total.socketErrors > 0 || total.ok === 0,
    });
  }
  return results;
}
