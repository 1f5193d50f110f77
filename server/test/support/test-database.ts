import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.COFFER_TEST_ADMIN_URL;
  if (!url) throw new Error('COFFER_TEST_ADMIN_URL is not set: run tests through jest (global setup) or `npm test`');
  return url;
}

/**
 * A fresh, migrated database cloned from the run's template, so each test
 * file (and each worker) has its own data and files run in parallel.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.COFFER_TEST_TEMPLATE_DB;
  const runId = process.env.COFFER_TEST_RUN_ID;
  if (!template || !runId) throw new Error('Template database missing: run tests through jest');
  const name = `coffer_test_${randomBytes(4).toString('hex')}_${runId}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    // Cloning fails while another clone of the same template is starting; a short retry covers that race.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        if (attempt >= 20 || !String((error as Error).message).includes('being accessed by other users')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
