import 'reflect-metadata';
import { resolve } from 'node:path';
import { startCoffer } from './app';
import { loadConfig } from './config';
import { startEmbeddedPostgres } from './db/embedded-postgres';
import { ensureDatabase, withDatabase } from './db/ensure-database';
import { seedDemo } from './db/seed';
import { consoleLogger, describeError } from './shared/logger';

/**
 * `node server/dist/main.js`: the API process. Without DATABASE_URL it runs
 * its own PostgreSQL (embedded-postgres) in .coffer-data/ and stops it on exit.
 */
/** Past this, a stuck shutdown step (a hung connection) no longer holds the process. */
const SHUTDOWN_TIMEOUT_MS = 30_000;
const REPEATED_SIGNAL_MS = 2_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = consoleLogger;
  const stops: (() => Promise<void>)[] = [];
  let stoppingSince = 0;
  const shutdown = async (signal: string): Promise<void> => {
    if (stoppingSince) {
      // Ctrl-C reaches us from the terminal and again from `npm start` within moments: that is one request.
      // A signal well after the first means "now": do not wait for a stuck step.
      if (Date.now() - stoppingSince < REPEATED_SIGNAL_MS) return;
      logger.warn('Forced exit', { signal });
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info('Shutting down', { signal });
    setTimeout(() => {
      logger.error('Shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error('Error while stopping', describeError(error));
      }
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dataDir = resolve(process.cwd(), config.embeddedDataDir);
    logger.info('No DATABASE_URL: starting embedded PostgreSQL', { dataDir, port: config.embeddedPort });
    const embedded = await startEmbeddedPostgres({ dataDir, port: config.embeddedPort });
    stops.push(() => embedded.stop());
    databaseUrl = withDatabase(embedded.url, 'coffer');
    await ensureDatabase(databaseUrl);
  }
  if (stoppingSince) return;

  const server = await startCoffer({ config, databaseUrl, logger });
  stops.push(() => server.close());

  if (config.seedDemo) {
    const accounts = await seedDemo(server.orm, config);
    if (accounts) {
      console.log('\nSeeded the demo group "Sunrise Running Club". Sign in to the console with:');
      for (const account of accounts) console.log(`  ${account.role.padEnd(8)} ${account.email}  password: ${account.password}`);
      console.log('');
    }
  }
  logger.info('Coffer API ready', { graphql: `${server.url}/graphql`, websocket: `${server.url.replace('http', 'ws')}/graphql`, health: `${server.url}/api/health` });
}

main().catch((error) => {
  consoleLogger.error('Coffer failed to start', describeError(error));
  process.exit(1);
});
