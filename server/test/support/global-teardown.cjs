const { Client } = require('pg');

/** Drops every database this run created, then stops the embedded PostgreSQL if we started one. */
module.exports = async function globalTeardown() {
  const adminUrl = process.env.COFFER_TEST_ADMIN_URL;
  const runId = process.env.COFFER_TEST_RUN_ID;
  if (adminUrl && runId) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query(`select datname from pg_database where datname like $1`, [`coffer_test_%${runId}%`]);
      for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    } finally {
      await admin.end();
    }
  }
  if (globalThis.__cofferEmbeddedPostgres) await globalThis.__cofferEmbeddedPostgres.stop();
};
