import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, TestDatabase } from '../../test/support/test-database';

/*
 * jest runs every test inside its own AsyncLocalStorage run, so the hooks can
 * never be off inside a jest worker. The checks therefore run in a plain Node
 * process, against the compiled module (`npm test` builds first), and report
 * what they saw. "Enabled" is the store's own flag: Node keeps the promise hooks
 * on while any store is enabled.
 */
const DIST = join(__dirname, '..', '..', 'dist');

const probe = `
const { AsyncLocalStorage } = require('node:async_hooks');
const { setTimeout: sleep } = require('node:timers/promises');
const { keepPromiseHooksOffBetweenRuns, asyncContextRunsInFlight } = require(${JSON.stringify(join(DIST, 'shared', 'async-context-hooks.js'))});
const { initOrm } = require(${JSON.stringify(join(DIST, 'db', 'orm.js'))});
const { TransactionContext } = require('@mikro-orm/core');
const enabled = (store) => Boolean(store.enabled);

(async () => {
  keepPromiseHooksOffBetweenRuns();
  const report = {};

  // Two requests whose runs overlap, one with a nested run: each sees its own store across awaits.
  const requests = new AsyncLocalStorage();
  const flushes = new AsyncLocalStorage();
  const seen = [];
  const first = requests.run('first', async () => {
    await sleep(5);
    seen.push('first:' + requests.getStore());
    await flushes.run(1, async () => {
      await sleep(10);
      seen.push('first-flush:' + requests.getStore() + ':' + flushes.getStore());
    });
    await sleep(5);
    seen.push('first-after-flush:' + requests.getStore() + ':' + flushes.getStore());
  });
  const second = requests.run('second', async () => {
    await sleep(1);
    seen.push('second:' + requests.getStore());
    await sleep(12);
    seen.push('second-late:' + requests.getStore() + ':' + flushes.getStore());
  });
  report.inFlightWhileRunning = asyncContextRunsInFlight();
  await Promise.all([first, second]);
  await sleep(0);
  report.seen = seen.sort();
  report.afterOverlap = { inFlight: asyncContextRunsInFlight(), requests: enabled(requests), flushes: enabled(flushes), storeOutside: requests.getStore() ?? null };

  // Runs that throw or reject still end; the next run enables its store again.
  const store = new AsyncLocalStorage();
  try { store.run('sync', () => { throw new Error('boom'); }); } catch (error) { report.syncError = error.message; }
  report.asyncError = await store.run('async', async () => { await sleep(1); throw new Error('later'); }).catch((error) => error.message);
  await sleep(0);
  report.afterErrors = { inFlight: asyncContextRunsInFlight(), enabled: enabled(store) };
  report.nextRun = await store.run('again', async () => { await sleep(1); return store.getStore(); });
  report.syncRun = store.run('plain', () => store.getStore());

  // MikroORM: a transaction and a flush run their stores; afterwards both are off again.
  const orm = await initOrm(process.env.PROBE_DATABASE_URL);
  report.insideTransaction = await orm.em.fork().transactional(async (em) => {
    await em.execute('select 1');
    await sleep(1);
    return TransactionContext.getEntityManager() === em;
  });
  await orm.em.fork().flush();
  await sleep(0);
  report.afterOrm = { inFlight: asyncContextRunsInFlight(), transactionStore: enabled(TransactionContext.storage) };
  await orm.close();
  process.stdout.write(JSON.stringify(report));
})().catch((error) => { console.error(error); process.exit(1); });
`;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('keepPromiseHooksOffBetweenRuns (in a plain Node process)', () => {
  it('keeps stores visible inside overlapping runs and turns them off when no run is in flight', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, PROBE_DATABASE_URL: db.url },
      timeout: 30_000,
    });
    const report = JSON.parse(stdout);
    expect(report.inFlightWhileRunning).toBe(2);
    expect(report.seen).toEqual(['first-after-flush:first:undefined', 'first-flush:first:1', 'first:first', 'second-late:second:undefined', 'second:second']);
    expect(report.afterOverlap).toEqual({ inFlight: 0, requests: false, flushes: false, storeOutside: null });
    expect(report.syncError).toBe('boom');
    expect(report.asyncError).toBe('later');
    expect(report.afterErrors).toEqual({ inFlight: 0, enabled: false });
    expect(report.nextRun).toBe('again');
    expect(report.syncRun).toBe('plain');
    expect(report.insideTransaction).toBe(true);
    expect(report.afterOrm).toEqual({ inFlight: 0, transactionStore: false });
  });
});
