// Plain JS: jest loads global setup outside the per-project ts-jest transform.
// It uses the compiled server (npm test builds it first).
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');

const dist = join(__dirname, '..', '..', 'dist');

module.exports = async function globalSetup() {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  let adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!adminUrl) {
    const { startEmbeddedPostgres, findFreePort } = require(join(dist, 'db', 'embedded-postgres.js'));
    const dataDir = join(mkdtempSync(join(tmpdir(), 'coffer-test-pg-')), 'data');
    const embedded = await startEmbeddedPostgres({ dataDir, port: await findFreePort() });
    globalThis.__cofferEmbeddedPostgres = embedded;
    adminUrl = embedded.url;
  }
  const templateDb = `coffer_test_tpl_${runId}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${templateDb}"`);
  } finally {
    await admin.end();
  }
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${templateDb}`;
  const { initOrm, migrate } = require(join(dist, 'db', 'orm.js'));
  const orm = await initOrm(templateUrl.toString());
  try {
    await migrate(orm);
  } finally {
    await orm.close(true);
  }
  process.env.COFFER_TEST_ADMIN_URL = adminUrl;
  process.env.COFFER_TEST_TEMPLATE_DB = templateDb;
  process.env.COFFER_TEST_RUN_ID = runId;
};
