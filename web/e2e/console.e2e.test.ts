/**
 * The console in a real browser against the real API: `next start` on the built console,
 * `node server/dist/main.js` on a fresh database with the demo seed, Debian Chromium driven
 * by playwright-core. Builds the console first when web/.next is missing or older than its
 * sources (npm test builds only the server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestDatabase } from '../../server/test/support/test-database';

const ROOT = resolve(__dirname, '..', '..');
const WEB = join(ROOT, 'web');
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const ARTIFACTS = join(ROOT, '.test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Building the console and starting two servers takes a while on a cold CI machine.
const SETUP_TIMEOUT_MS = 240_000;
const TEST_TIMEOUT_MS = 120_000;

const ADMIN_EMAIL = 'admin@example.com';
const ADMIN_PASSWORD = 'demo-admin-pass';
const OPERATOR_EMAIL = 'operator@example.com';
const OPERATOR_PASSWORD = 'demo-operator-pass';
const DEMO_GROUP = 'Sunrise Running Club';

interface Child {
  name: string;
  process: ChildProcess;
  output: string[];
}

const children: Child[] = [];
let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let browser: Browser | undefined;
let apiUrl = '';
let consoleUrl = '';

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

function start(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Child {
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

async function ensureConsoleBuilt(): Promise<void> {
  const buildId = join(WEB, '.next', 'BUILD_ID');
  const sources = ['src', 'next.config.ts', 'package.json', 'tsconfig.json'].map((p) => join(WEB, p)).filter(existsSync);
  const newestSource = Math.max(...sources.map(newestMtime));
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource) return;
  const build = start('next build', [NEXT_BIN, 'build'], WEB, {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
  });
  const code = await new Promise<number | null>((done) => build.process.on('exit', done));
  children.splice(children.indexOf(build), 1);
  if (code !== 0) throw new Error(`next build failed (${code})\n${logsOf(build)}`);
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

async function graphqlAsApi<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data || body.errors?.length) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function uniqueEmail(label: string): string {
  return `e2e-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@example.com`;
}

/** The members table row that shows this e-mail. */
function memberRow(page: Page, email: string) {
  return page.getByRole('table', { name: 'Members' }).getByRole('row').filter({ hasText: email });
}

/** Signs in from the sign-in page (where signed-out visitors land), then opens the demo group from the groups list. */
async function signInAndOpenDemoGroup(page: Page, email: string, password: string): Promise<void> {
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

beforeAll(async () => {
  await ensureConsoleBuilt();
  database = await createTestDatabase();
  const [apiPort, webPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
  consoleUrl = `http://127.0.0.1:${webPort}`;
  const consoleSharedSecret = randomBytes(16).toString('hex');

  const api = start('api', [join(ROOT, 'server', 'dist', 'main.js')], ROOT, {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    SEED_DEMO: 'true',
    CORS_ORIGINS: consoleUrl,
    CONSOLE_SHARED_SECRET: consoleSharedSecret,
  });
  const web = start('console', [NEXT_BIN, 'start', '-p', String(webPort), '-H', '127.0.0.1'], WEB, {
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
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await Promise.all(children.map(stop));
  await database?.drop().catch(() => undefined);
}, 30_000);

test('an admin signs in, opens the demo group and adds a member; errors show inline; changes arrive live', async () => {
  if (!browser) throw new Error('browser did not start');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  mkdirSync(ARTIFACTS, { recursive: true });

  try {
    // Signed-out visitors land on the sign-in page; then the groups list and the demo group.
    await signInAndOpenDemoGroup(page, ADMIN_EMAIL, ADMIN_PASSWORD);

    // An invalid e-mail is refused by the API and the message appears under the field.
    await page.getByText('Add a member', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Add member' });
    const emailInput = form.getByRole('textbox', { name: 'E-mail', exact: true });
    await emailInput.fill('not-an-email');
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Nobody Valid');
    await form.getByRole('button', { name: 'Add member' }).click();
    await page.waitForFunction(
      (input) => input?.getAttribute('aria-invalid') === 'true',
      await emailInput.elementHandle(),
    );
    const errorId = await emailInput.getAttribute('aria-describedby');
    expect(errorId).toBeTruthy();
    const fieldError = page.locator(`[id="${errorId}"]`);
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/e-?mail/i);

    // A valid member is added and shows up in the table.
    const email = uniqueEmail('added');
    const name = `Test Runner ${randomBytes(2).toString('hex')}`;
    await emailInput.fill(email);
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    await form.getByRole('textbox', { name: 'Nickname' }).fill('Speedy');
    await form.getByRole('button', { name: 'Add member' }).click();
    const row = memberRow(page, email);
    await row.waitFor();
    expect(await row.textContent()).toContain(name);
    expect(await emailInput.getAttribute('aria-invalid')).toBeNull();

    // Adding the same e-mail again is a conflict, said plainly.
    await emailInput.fill(email);
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
    await form.getByRole('button', { name: 'Add member' }).click();
    await page.getByText(/already a member/i).waitFor();

    // Another session adds a member through the API: it appears without a reload.
    const signIn = await graphqlAsApi<{ signIn: { accessToken: string } }>(
      'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { accessToken } }',
      { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    );
    const groups = await graphqlAsApi<{ groups: { edges: { node: { id: string; name: string } }[] } }>(
      '{ groups(first: 50) { edges { node { id name } } } }',
      {},
      signIn.signIn.accessToken,
    );
    const groupId = groups.groups.edges.find((edge) => edge.node.name === DEMO_GROUP)?.node.id;
    expect(groupId).toBeTruthy();
    const liveEmail = uniqueEmail('live');
    await graphqlAsApi(
      'mutation ($input: AddMemberInput!) { addMember(input: $input) { member { id } } }',
      { input: { groupId, email: liveEmail, name: 'Live Update' } },
      signIn.signIn.accessToken,
    );
    await memberRow(page, liveEmail).waitFor();

    await page.screenshot({ path: join(ARTIFACTS, 'console-members.png'), fullPage: true });
  } catch (error) {
    await page.screenshot({ path: join(ARTIFACTS, 'console-failure.png'), fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('an operator adds a member: the change waits for an admin and no row appears', async () => {
  if (!browser) throw new Error('browser did not start');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  mkdirSync(ARTIFACTS, { recursive: true });

  try {
    await signInAndOpenDemoGroup(page, OPERATOR_EMAIL, OPERATOR_PASSWORD);

    await page.getByText('Add a member', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Add member' });
    const email = uniqueEmail('pending');
    await form.getByRole('textbox', { name: 'E-mail', exact: true }).fill(email);
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Pending Person');
    await form.getByRole('button', { name: 'Add member' }).click();

    const status = form.getByRole('status').filter({ hasText: /sent to an admin for approval/i });
    await status.waitFor();
    expect(await status.textContent()).toContain('Pending Person');

    // Nothing was added: the table still has no row for this e-mail, even after a reload.
    expect(await memberRow(page, email).count()).toBe(0);
    await page.reload();
    await page.getByRole('table', { name: 'Members' }).getByRole('row').filter({ hasText: OPERATOR_EMAIL }).waitFor();
    expect(await memberRow(page, email).count()).toBe(0);
  } catch (error) {
    await page.screenshot({ path: join(ARTIFACTS, 'console-operator-failure.png'), fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);
