// @ts-check
// One worker process of the notification benchmark (bench/notification-worker.mjs).
//   argv[2] = 'coffer'   : Coffer's notification worker (compiled server), batch after batch until nothing is due
//   argv[2] = 'baseline' : a plain FOR UPDATE SKIP LOCKED loop in pg doing the same work
// Both deliver every task to the outbox table (no SMTP configured) and mark it COMPLETED.
// Protocol: prints "ready" once connected, starts on the parent's "go" (IPC), and
// sends { done, tasks } when the queue is empty.
import path from 'node:path';
import pg from 'pg';
import { requireServer, SERVER_DIST } from './paths.mjs';

const mode = process.argv[2];
const databaseUrl = /** @type {string} */ (process.env.BENCH_NOTIFICATION_DB);
const BATCH = 100;

/** @param {object} message */
const send = (message) => process.send?.(message);

/** The baseline: claim with SKIP LOCKED inside one transaction, write the outbox rows, complete, commit. */
async function baseline() {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => undefined);
  await pool.query('select 1');
  return {
    run: async () => {
      let tasks = 0;
      for (;;) {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const claimed = await client.query(
            `select id, group_id, recipient, payload from notification_tasks
             where status = 'PENDING' and next_run_at <= now() order by next_run_at limit $1 for update skip locked`,
            [BATCH],
          );
          if (claimed.rows.length === 0) {
            await client.query('commit');
            return tasks;
          }
          const ids = claimed.rows.map((row) => row.id);
          await client.query(
            `insert into outbox_messages (id, created_at, group_id, task_id, channel, recipient, subject, body_text)
             select gen_random_uuid(), now(), v.group_id, v.task_id, 'EMAIL', v.recipient, v.subject, v.body
             from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) as v(group_id, task_id, recipient, subject, body)`,
            [
              claimed.rows.map((row) => row.group_id),
              ids,
              claimed.rows.map((row) => row.recipient),
              claimed.rows.map((row) => `${row.payload.groupName}: Message`),
              claimed.rows.map((row) => String(row.payload.message)),
            ],
          );
          await client.query(`update notification_tasks set status = 'COMPLETED', attempts = attempts + 1, completed_at = now(), updated_at = now() where id = any($1::uuid[])`, [ids]);
          await client.query('commit');
          tasks += ids.length;
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      }
    },
    close: () => pool.end(),
  };
}

/** Coffer's worker, as the notification-tasks job runs it, until a run finds nothing due. */
async function coffer() {
  /** @type {typeof import('../../server/src/config.js')} */
  const { loadConfig } = requireServer(path.join(SERVER_DIST, 'config.js'));
  /** @type {typeof import('../../server/src/modules/notifications/notification-worker.js')} */
  const { runNotificationWorker } = requireServer(path.join(SERVER_DIST, 'modules', 'notifications', 'notification-worker.js'));
  /** @type {typeof import('../../server/src/jobs/job-runner.js')} */
  const { createJobPool } = requireServer(path.join(SERVER_DIST, 'jobs', 'job-runner.js'));
  /** @type {typeof import('../../server/src/shared/event-bus.js')} */
  const { LocalEventBus } = requireServer(path.join(SERVER_DIST, 'shared', 'event-bus.js'));
  /** @type {typeof import('../../server/src/shared/logger.js')} */
  const { silentLogger } = requireServer(path.join(SERVER_DIST, 'shared', 'logger.js'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, NOTIFICATION_BATCH_SIZE: String(BATCH) });
  const pool = createJobPool(databaseUrl, silentLogger, 2);
  await pool.query('select 1');
  const deps = { pool, config, events: new LocalEventBus(), logger: silentLogger };
  return {
    run: async () => {
      let tasks = 0;
      for (;;) {
        const report = await runNotificationWorker(deps, { budgetMs: 60_000 });
        tasks += report.completed;
        if (report.claimed === 0) return tasks;
      }
    },
    close: () => pool.end(),
  };
}

const worker = mode === 'coffer' ? await coffer() : mode === 'baseline' ? await baseline() : null;
if (!worker) throw new Error(`Unknown mode ${mode}`);
process.on('message', (message) => {
  if (message !== 'go') return;
  worker
    .run()
    .then(async (tasks) => {
      send({ done: true, tasks });
      await worker.close();
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
});
process.on('disconnect', () => process.exit(1));
send({ ready: true });
