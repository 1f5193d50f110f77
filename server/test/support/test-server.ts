import { createClient, Client as WsClient } from 'graphql-ws';
import { Client, QueryResult, QueryResultRow } from 'pg';
import WebSocket from 'ws';
import { CofferServer, startCoffer } from '../../src/app';
import { CofferConfig, loadConfig } from '../../src/config';
import { Logger, silentLogger } from '../../src/shared/logger';
import { createTestDatabase, TestDatabase } from './test-database';
import { WAIT_TIMEOUT_MS } from './until';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; reason?: string; fields?: Record<string, string>; [key: string]: unknown } }[];
}

export interface TestServer {
  server: CofferServer;
  db: TestDatabase;
  config: CofferConfig;
  url: string;
  /** POST /graphql over real HTTP. `auth` is an access token or API key. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, auth?: string): Promise<GraphQLResponse<T>>;
  /** Plain SQL on this server's database, for checking what was stored (one connection, opened on first use). */
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** A graphql-ws client against this server; closes with the server. `params` adds to the connection parameters. */
  ws(
    authorization: string | undefined,
    extra?: { onClose?: (code: number, reason: string) => void; onNonLazyError?: (errorOrCloseEvent: unknown) => void },
    params?: Record<string, unknown>,
  ): WsClient;
  close(): Promise<void>;
}

export function testConfig(overrides: NodeJS.ProcessEnv = {}): CofferConfig {
  return loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'test-jwt-secret', ENCRYPTION_KEY: 'test-encryption-key', SEED_DEMO: 'false', JOBS_ENABLED: 'false', ...overrides });
}

/** The real server (HTTP + WebSocket) on a free port, on its own fresh database. */
export async function startTestServer(options: { env?: NodeJS.ProcessEnv; db?: TestDatabase; logger?: Logger } = {}): Promise<TestServer> {
  const db = options.db ?? (await createTestDatabase());
  const config = testConfig(options.env);
  const server = await startCoffer({ config, databaseUrl: db.url, port: 0, host: '127.0.0.1', logger: options.logger ?? silentLogger, skipMigrations: true });
  const wsClients: WsClient[] = [];
  let sql: Promise<Client> | undefined;
  return {
    server,
    db,
    config,
    url: server.url,
    gql: async (query, variables, auth) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, ...body } as GraphQLResponse<never>;
    },
    query: async (text, params) => {
      sql ??= (async () => {
        const client = new Client({ connectionString: db.url });
        await client.connect();
        return client;
      })();
      return (await sql).query(text, params);
    },
    ws: (authorization, extra = {}, params = {}) => {
      const client = createClient({
        url: `${server.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { ...(authorization ? { authorization: `Bearer ${authorization}` } : {}), ...params },
        retryAttempts: 0,
        lazy: false,
        on: { closed: (event) => extra.onClose?.((event as { code: number }).code, (event as { reason: string }).reason) },
        // graphql-ws reports a close it will not retry on console.error unless told otherwise.
        ...(extra.onNonLazyError ? { onNonLazyError: extra.onNonLazyError } : {}),
      });
      wsClients.push(client);
      return client;
    },
    close: async () => {
      await Promise.allSettled(wsClients.map((client) => client.dispose()));
      if (sql) await (await sql).end();
      await server.close();
      if (!options.db) await db.drop();
    },
  };
}

/** Subscribes and collects results; `next(n)` waits until at least n results have arrived (default 1), so an event that came early is not missed. */
export function collect<T>(client: WsClient, query: string, variables: Record<string, unknown>, extensions?: Record<string, unknown>) {
  const results: { data?: T | null; errors?: unknown[] }[] = [];
  const waiters: (() => void)[] = [];
  let error: unknown;
  let completed = false;
  const dispose = client.subscribe<T>(
    { query, variables, ...(extensions ? { extensions } : {}) },
    {
      next: (value) => {
        results.push(value as { data?: T | null; errors?: unknown[] });
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (err) => {
        error = err;
        waiters.splice(0).forEach((wake) => wake());
      },
      complete: () => {
        completed = true;
        waiters.splice(0).forEach((wake) => wake());
      },
    },
  );
  return {
    results,
    get error() {
      return error;
    },
    get completed() {
      return completed;
    },
    dispose,
    async next(count = 1, timeoutMs = WAIT_TIMEOUT_MS): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count && !error && !completed) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for subscription result #${count}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}
