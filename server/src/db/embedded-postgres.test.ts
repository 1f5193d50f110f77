import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

// initdb plus two starts; generous for slow CI disks.
jest.setTimeout(120_000);

async function selectOne(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ one: number }>('select 1 as one');
    return result.rows[0]?.one ?? -1;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  let tempRoot: string;
  let current: EmbeddedPostgres | undefined;

  beforeAll(async () => {
    tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'coffer-embedded-pg-'));
  });

  afterAll(async () => {
    await current?.stop();
    await fs.rm(tempRoot, { recursive: true, force: true });
  });

  it('initialises, serves queries, stops, and restarts on the same data dir', async () => {
    // A nested path proves missing parents are created (and, as root, made
    // reachable for the postgres user).
    const dataDir = path.join(tempRoot, 'nested', 'pg');
    const port = await findFreePort();

    current = await startEmbeddedPostgres({ dataDir, port });
    expect(current.url).toBe(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
    await expect(fs.access(path.join(dataDir, 'PG_VERSION'))).resolves.toBeUndefined();
    expect(await selectOne(current.url)).toBe(1);

    // Leave a row behind to prove the second start reuses the cluster
    // rather than initialising a fresh one.
    const client = new Client({ connectionString: current.url });
    await client.connect();
    await client.query('create table kept (id int)');
    await client.query('insert into kept values (42)');
    await client.end();

    await Promise.all([current.stop(), current.stop()]);
    await current.stop();
    // A clean shutdown removes the lock file; a crash would leave it.
    await expect(fs.access(path.join(dataDir, 'postmaster.pid'))).rejects.toThrow();

    const lines: string[] = [];
    current = await startEmbeddedPostgres({ dataDir, port, log: (line) => lines.push(line) });
    expect(lines.some((line) => line.includes('initialising'))).toBe(false);
    expect(await selectOne(current.url)).toBe(1);
    const again = new Client({ connectionString: current.url });
    await again.connect();
    const kept = await again.query<{ id: number }>('select id from kept');
    await again.end();
    expect(kept.rows).toEqual([{ id: 42 }]);

    await current.stop();
    current = undefined;
  });

  it('findFreePort returns a bindable port', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});
