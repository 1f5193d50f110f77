/**
 * The console in a real browser against the real API: `next start` on the built console,
 * `node server/dist/main.js` on a fresh database with the demo seed, Debian Chromium driven
 * by playwright-core. Builds the console first when web/.next is missing or older than its
 * sources (npm test builds only the server).
 *
 * A test file calls useStack() once at top level; it registers the beforeAll/afterAll that
 * start and stop its own API, console and browser (test files run in parallel workers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestDatabase } from '../../../server/test/support/test-database';

export const ROOT = resolve(__dirname, '..', '..', '..');
const WEB = join(ROOT, 'web');
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
export const ARTIFACTS = join(ROOT, '.test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Building the console and starting two servers takes a while on a cold CI machine.
export const SETUP_TIMEOUT_MS = 240_000;
export const TEST_TIMEOUT_MS = 120_000;

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'demo-admin-pass';
export const OPERATOR_EMAIL = 'operator@example.com';
export const OPERATOR_PASSWORD = 'demo-operator-pass';
export const DEMO_GROUP = 'Sunrise Running Club';
/** The API's x-cron-secret in these tests (POST /api/cron/<job>). */
export const CRON_SECRET = 'e2e-cron-secret';

interface Child {
  name: string;
  process: ChildProcess;
  output: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function start(children: Child[], name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Child {
  // Own process group, so afterAll can stop the child together with anything it forked.
  const child = spawn(process.execPath, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const record: Child = { name, process: child, output: [] };
  const keep = (chunk: Buffer) => {
    record.output.push(chunk.toString());
    if (record.output.length > 400) record.output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  children.push(record);
  return record;
}

function logsOf(child: Child): string {
  return `--- ${child.name} output ---\n${child.output.join('').slice(-6000)}`;
}

async function waitFor(what: string, child: Child, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited (${child.process.exitCode}) before ${what}\n${logsOf(child)}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}\n${logsOf(child)}`);
}

function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function consoleBuildIsFresh(): boolean {
  const buildId = join(WEB, '.next', 'BUILD_ID');
  const sources = ['src', 'next.config.ts', 'package.json', 'tsconfig.json'].map((p) => join(WEB, p)).filter(existsSync);
  const newestSource = Math.max(...sources.map(newestMtime));
  return existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource;
}

/**
 * Browser test files run in parallel workers: one builds, the others wait for it (a lock
 * directory; one older than the longest build is left over from a killed run).
 */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), `coffer-console-build-${Buffer.from(WEB).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + SETUP_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > SETUP_TIMEOUT_MS) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for another worker's console build (${lock})`);
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function ensureConsoleBuilt(children: Child[]): Promise<void> {
  if (consoleBuildIsFresh()) return;
  await withBuildLock(async () => {
    if (consoleBuildIsFresh()) return;
    const build = start(children, 'next build', [NEXT_BIN, 'build'], WEB, {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
    });
    const code = await new Promise<number | null>((done) => build.process.on('exit', done));
    children.splice(children.indexOf(build), 1);
    if (code !== 0) throw new Error(`next build failed (${code})\n${logsOf(build)}`);
  });
}

async function stop(child: Child): Promise<void> {
  const { pid } = child.process;
  if (pid === undefined || child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.process.once('exit', () => done()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

export interface Stack {
  readonly apiUrl: string;
  readonly consoleUrl: string;
  readonly browser: Browser;
  /** A fresh browser context (own cookies) with one page and the usual timeout. */
  newPage(options?: { width?: number; height?: number }): Promise<{ context: BrowserContext; page: Page }>;
}

/**
 * Registers this file's beforeAll/afterAll; read the returned object's fields inside tests.
 * `apiEnv` adds to the API's environment; as a function it is read when the stack starts,
 * after the file's earlier beforeAll hooks (e.g. one that starts a provider stub).
 */
export function useStack(options: { apiEnv?: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv) } = {}): Stack {
  const children: Child[] = [];
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let browser: Browser | undefined;
  let apiUrl = '';
  let consoleUrl = '';

  beforeAll(async () => {
    await ensureConsoleBuilt(children);
    database = await createTestDatabase();
    const [apiPort, webPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    consoleUrl = `http://127.0.0.1:${webPort}`;
    const consoleSharedSecret = randomBytes(16).toString('hex');

    const api = start(children, 'api', [join(ROOT, 'server', 'dist', 'main.js')], ROOT, {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      SEED_DEMO: 'true',
      CORS_ORIGINS: consoleUrl,
      CONSOLE_SHARED_SECRET: consoleSharedSecret,
      CRON_SECRET,
      // Sponsor links point at this console's public pages.
      CONSOLE_PUBLIC_URL: consoleUrl,
      // The console may only run its own operations: the browser tests prove every page works that way.
      PERSISTED_DOCUMENTS: 'console',
      ...(typeof options.apiEnv === 'function' ? options.apiEnv() : options.apiEnv),
    });
    const web = start(children, 'console', [NEXT_BIN, 'start', '-p', String(webPort), '-H', '127.0.0.1'], WEB, {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      COFFER_API_URL: apiUrl,
      COFFER_PUBLIC_API_URL: apiUrl,
      COFFER_PUBLIC_WS_URL: apiUrl.replace('http', 'ws'),
      NEXTAUTH_URL: consoleUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString('hex'),
      CONSOLE_SHARED_SECRET: consoleSharedSecret,
    });

    // The API logs "Coffer API ready" after the demo seed, so sign-in works from then on.
    await waitFor('the API', api, async () => api.output.join('').includes('Coffer API ready'), 90_000);
    await waitFor('the console', web, async () => (await fetch(`${consoleUrl}/signin`)).ok, 60_000);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all(children.map(stop));
    await database?.drop().catch(() => undefined);
  }, 30_000);

  return {
    get apiUrl() {
      return apiUrl;
    },
    get consoleUrl() {
      return consoleUrl;
    },
    get browser() {
      if (!browser) throw new Error('browser did not start');
      return browser;
    },
    async newPage({ width = 1280, height = 900 } = {}) {
      if (!browser) throw new Error('browser did not start');
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      return { context, page };
    },
  };
}

export async function graphqlAsApi<T>(apiUrl: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data || body.errors?.length) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** An API token and the demo group's id, for setting up or checking data behind the browser's back. */
export async function apiSession(apiUrl: string, email: string, password: string): Promise<{ token: string; groupId: string }> {
  const signIn = await graphqlAsApi<{ signIn: { accessToken: string } }>(
    apiUrl,
    'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { accessToken } }',
    { email, password },
  );
  const token = signIn.signIn.accessToken;
  const groups = await graphqlAsApi<{ groups: { edges: { node: { id: string; name: string } }[] } }>(
    apiUrl,
    '{ groups(first: 50) { edges { node { id name } } } }',
    {},
    token,
  );
  const groupId = groups.groups.edges.find((edge) => edge.node.name === DEMO_GROUP)?.node.id;
  if (!groupId) throw new Error(`${DEMO_GROUP} not found`);
  return { token, groupId };
}

export function uniqueEmail(label: string): string {
  return `e2e-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@example.com`;
}

/** The members table row that shows this e-mail. */
export function memberRow(page: Page, email: string) {
  return page.getByRole('table', { name: 'Members' }).getByRole('row').filter({ hasText: email });
}

/** Signs in from the sign-in page (where signed-out visitors land), then opens the demo group from the groups list. */
export async function signInAndOpenDemoGroup(page: Page, consoleUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/signin/);
  await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const groupLink = page.getByRole('link', { name: new RegExp(DEMO_GROUP) });
  await groupLink.waitFor();
  await groupLink.click();
  await page.getByRole('heading', { level: 1, name: DEMO_GROUP }).waitFor();
  await page.getByRole('table', { name: 'Members' }).getByRole('row').filter({ hasText: email }).waitFor();
}

/**
 * Adds a member to the demo group through the API and reads the temporary password from
 * the welcome e-mail in the local outbox (no SMTP in these tests; the notification worker
 * runs through its cron route).
 */
export async function addMemberWithTemporaryPassword(apiUrl: string, name: string): Promise<{ email: string; temporaryPassword: string; token: string; groupId: string }> {
  const { token, groupId } = await apiSession(apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const email = uniqueEmail(name.split(' ')[0].toLowerCase());
  await graphqlAsApi(apiUrl, 'mutation ($input: AddMemberInput!) { addMember(input: $input) { member { id } } }', { input: { groupId, email, name } }, token);
  const cron = await fetch(apiUrl.replace(/\/graphql$/, '/api/cron/notification-tasks'), { method: 'POST', headers: { 'x-cron-secret': CRON_SECRET } });
  if (cron.status !== 200) throw new Error(`notification worker answered ${cron.status}`);
  const { outboxMessages } = await graphqlAsApi<{ outboxMessages: { edges: { node: { recipient: string; bodyText: string } }[] } }>(
    apiUrl,
    'query ($groupId: ID!) { outboxMessages(groupId: $groupId, first: 50) { edges { node { recipient bodyText } } } }',
    { groupId },
    token,
  );
  const welcome = outboxMessages.edges.map((edge) => edge.node).find((message) => message.recipient === email);
  const temporaryPassword = /temporary password is: (\S+)/.exec(welcome?.bodyText ?? '')?.[1];
  if (!temporaryPassword) throw new Error(`no welcome e-mail with a temporary password for ${email}`);
  return { email, temporaryPassword, token, groupId };
}

/** First sign-in with a temporary password: the console insists on a new one, then shows the groups. */
export async function signInFirstTime(page: Page, consoleUrl: string, email: string, temporaryPassword: string, newPassword: string): Promise<void> {
  await page.goto(`${consoleUrl}/signin`);
  await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(temporaryPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/change-password/);
  await page.getByLabel('Current password').fill(temporaryPassword);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Repeat new password').fill(newPassword);
  await page.getByRole('button', { name: /Change password/ }).click();
}
