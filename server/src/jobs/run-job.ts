import 'reflect-metadata';
import { loadConfig } from '../config';
import { initOrm, migrate } from '../db/orm';
import { closeTransports } from '../modules/notifications/notification-channels';
import { PostgresEventBus, RedisEventBus } from '../shared/event-bus';
import { consoleLogger, describeError } from '../shared/logger';
import { cofferJobs, findJob } from './job-list';
import { createJobPool, runJob } from './job-runner';

/**
 * `node server/dist/jobs/run-job.js <job>`: runs one job once against
 * DATABASE_URL and prints its report as JSON — for a Kubernetes CronJob or
 * a shell, and for tests that need a worker in its own process.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  const job = name ? findJob(name) : undefined;
  if (!job) {
    consoleLogger.error('Usage: run-job <job>', { jobs: cofferJobs.map((candidate) => candidate.name) });
    process.exit(2);
  }
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const orm = await initOrm(config.databaseUrl);
  await migrate(orm);
  const events = config.redisUrl ? await RedisEventBus.connect(config.redisUrl) : await PostgresEventBus.connect(config.databaseUrl);
  const pool = createJobPool(config.databaseUrl, consoleLogger);
  try {
    const result = await runJob({ orm, pool, config, events, logger: consoleLogger }, job);
    process.stdout.write(`${JSON.stringify({ job: job.name, result })}\n`);
  } finally {
    closeTransports();
    await pool.end();
    await events.close();
    await orm.close(true);
  }
}

main().catch((error) => {
  consoleLogger.error('Job failed', describeError(error));
  process.exit(1);
});
