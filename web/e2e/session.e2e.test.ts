/**
 * The session in a real browser against the real API (see support/stack.ts):
 * - on a slow phone connection (Chromium throttled to 2 s latency and 500 kbit/s, as QA did) a
 *   form typed in and submitted as soon as it shows, before React has hydrated it, never puts its
 *   fields in the URL and is not lost: it is sent once the page is ready (lib/form-guard.ts);
 * - a tab stops acting for a session that ended elsewhere: signed out in another tab, or its
 *   cookie cleared (lib/session-sync.ts);
 * - signing out, and changing the password, revoke the API token (a copy of it is refused), and
 *   the console goes on working after a sign-in.
 */
import { randomBytes } from 'node:crypto';
import type { CDPSession, Locator, Page } from 'playwright-core';
import {
  addMemberWithTemporaryPassword,
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiSession,
  DEMO_GROUP,
  graphqlAsApi,
  OPERATOR_EMAIL,
  OPERATOR_PASSWORD,
  signInFirstTime,
  TEST_TIMEOUT_MS,
  useStack,
} from './support/stack';
import { signIn } from './support/pages';

const stack = useStack();
/** Everything is slow when throttled: a page with its scripts takes 10–20 s. */
const SLOW_MS = 90_000;

async function throttle(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 2_000, downloadThroughput: 500_000 / 8, uploadThroughput: 500_000 / 8 });
  return cdp;
}

/** Every URL the tab navigated to or asked for as a page, with its method. */
function recordNavigations(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) seen.push(`${request.method()} ${request.url()}`);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) seen.push(`at ${frame.url()}`);
  });
  return seen;
}

/** React's errors in the page (a hydration mismatch would throw the typed fields away). */
function collectReactErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /react|hydrat/i.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Whether React has taken this element over yet (it keeps its props on the DOM node). */
function hydrated(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => Object.keys(element).some((key) => key.startsWith('__reactProps$')));
}

/** What the form guard says right now ('' when nothing; null on a page without the guard). */
function guardMessage(page: Page): Promise<string | null> {
  return page.evaluate(() => document.getElementById('form-guard-status')?.textContent ?? null);
}

async function transactionsDescribed(apiUrl: string, description: string): Promise<number> {
  const { token, groupId } = await apiSession(apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const data = await graphqlAsApi<{ transactions: { edges: { node: { description: string | null } }[] } }>(
    apiUrl,
    'query ($groupId: ID!) { transactions(groupId: $groupId, first: 100) { edges { node { description } } } }',
    { groupId },
    token,
  );
  return data.transactions.edges.filter((edge) => edge.node.description === description).length;
}

/** How the API answers `me` for a token: 200, or 401 with UNAUTHENTICATED once it is revoked. */
async function apiAnswerFor(apiUrl: string, token: string): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { user { email } } }' }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code };
}

/** The API token of the session the page's browser holds (next-auth's session endpoint). */
function sessionToken(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const session = (await (await fetch('/api/auth/session')).json()) as { accessToken?: string } | null;
    return session?.accessToken;
  });
}

function transactionsPath(groupId: string): string {
  return `/groups/${encodeURIComponent(groupId)}/transactions`;
}

/**
 * What a user does next in a tab whose session ended elsewhere: record ₹13 cash. Every step may
 * find the page gone (it went to the sign-in page): that is the point, so failures are ignored.
 */
async function tryToRecord(page: Page, description: string): Promise<void> {
  const quickly = { timeout: 3_000 };
  try {
    const form = page.getByRole('form', { name: 'Record transaction' });
    if (!(await form.isVisible())) await page.getByText('Record a transaction', { exact: true }).click(quickly);
    await form.getByRole('textbox', { name: 'Amount (INR)' }).fill('13', quickly);
    await form.getByRole('textbox', { name: 'Description' }).fill(description, quickly);
    await form.getByRole('button', { name: 'Record transaction' }).click(quickly);
    await form.getByRole('status').filter({ hasText: /^Recorded: / }).waitFor({ timeout: 5_000 });
  } catch {
    // not on the transactions page any more
  }
}

test('on a slow connection, sign-in submitted before the page has hydrated keeps the password out of the URL and signs in', async () => {
  const { context, page } = await stack.newPage({ width: 390, height: 844 });
  try {
    await throttle(page);
    const navigations = recordNavigations(page);
    const reactErrors = collectReactErrors(page);
    await page.goto(`${stack.consoleUrl}/signin`, { waitUntil: 'commit' });
    // As soon as the form shows: type and tap.
    await page.getByRole('textbox', { name: 'E-mail' }).fill(OPERATOR_EMAIL, { timeout: SLOW_MS });
    await page.getByRole('textbox', { name: 'Password' }).fill(OPERATOR_PASSWORD);
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    expect(await hydrated(button)).toBe(false);
    await button.click();
    const held = await guardMessage(page);

    // Either the sign-in lands on the groups page or (the defect) the fields went into the URL.
    await Promise.race([
      page.waitForURL((url) => url.pathname === '/', { timeout: SLOW_MS }),
      page.waitForURL((url) => url.search.includes('password'), { timeout: SLOW_MS }),
    ]);
    const leaks = navigations.filter((entry) => entry.includes('password') || entry.includes(encodeURIComponent(OPERATOR_EMAIL)) || entry.includes(OPERATOR_PASSWORD));
    expect(leaks).toEqual([]);
    expect(held).toMatch(/still loading/);
    await page.getByRole('link', { name: new RegExp(DEMO_GROUP) }).waitFor({ timeout: SLOW_MS });
    // Nothing but the sign-in page itself and the groups page it led to.
    expect(navigations.filter((entry) => entry.startsWith('GET ') || entry.startsWith('POST '))).toEqual([`GET ${stack.consoleUrl}/signin`, `GET ${stack.consoleUrl}/`]);
    expect(reactErrors).toEqual([]);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS * 2);

test('on a slow connection, a transaction recorded before the page has hydrated says it is waiting, then is recorded once', async () => {
  const { context, page } = await stack.newPage({ width: 390, height: 844 });
  try {
    const { groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await signIn(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await throttle(page);
    const navigations = recordNavigations(page);
    const reactErrors = collectReactErrors(page);
    const description = `Early tap ${randomBytes(3).toString('hex')}`;

    await page.goto(`${stack.consoleUrl}${transactionsPath(groupId)}`, { waitUntil: 'commit' });
    // <details> opens without JavaScript: the operator does not wait for the page either.
    await page.getByText('Record a transaction', { exact: true }).click({ timeout: SLOW_MS });
    const form = page.getByRole('form', { name: 'Record transaction' });
    await form.getByRole('textbox', { name: 'Amount (INR)' }).fill('88');
    await form.getByRole('textbox', { name: 'Description' }).fill(description);
    const button = form.getByRole('button', { name: 'Record transaction' });
    expect(await hydrated(button)).toBe(false);
    await button.click();
    const held = await guardMessage(page);

    await Promise.race([
      form.getByRole('status').filter({ hasText: /^Recorded: ₹88\.00 cash in/ }).waitFor({ timeout: SLOW_MS }),
      page.waitForURL((url) => url.search.includes('amount'), { timeout: SLOW_MS }),
    ]);
    expect(navigations.filter((entry) => entry.includes('amount=') || entry.includes('description='))).toEqual([]);
    expect(held).toMatch(/still loading/);
    expect(await transactionsDescribed(stack.apiUrl, description)).toBe(1);
    // The guard's "still loading" message is gone once the form went out.
    expect(await guardMessage(page)).toBe('');
    expect(reactErrors).toEqual([]);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS * 2);

test('before hydration the tap is held with a message, and nothing leaves the page', async () => {
  const { context, page } = await stack.newPage({ width: 390, height: 844 });
  try {
    const cdp = await throttle(page);
    const navigations = recordNavigations(page);
    await page.goto(`${stack.consoleUrl}/signin`, { waitUntil: 'commit' });
    await page.getByRole('textbox', { name: 'E-mail' }).fill(ADMIN_EMAIL, { timeout: SLOW_MS });
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong password, said early');
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    expect(await hydrated(button)).toBe(false);
    // Enter in the password field: the browser's implicit submission.
    await page.getByRole('textbox', { name: 'Password' }).press('Enter');
    expect(await guardMessage(page)).toMatch(/still loading/);
    // Once the page is ready the sign-in goes out and its answer shows in the form.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.getByRole('alert').filter({ hasText: /wrong|invalid|incorrect/i }).waitFor({ timeout: SLOW_MS });
    expect(await guardMessage(page)).toBe('');
    expect(navigations.filter((entry) => entry.startsWith('GET ') || entry.startsWith('POST '))).toEqual([`GET ${stack.consoleUrl}/signin`]);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS * 2);

test('signed out in one tab, the other tab stops: on its next action it is on the sign-in page and nothing is recorded', async () => {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const [first, second] = [await context.newPage(), await context.newPage()];
    first.setDefaultTimeout(30_000);
    second.setDefaultTimeout(30_000);
    const { groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await signIn(first, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await first.goto(`${stack.consoleUrl}${transactionsPath(groupId)}`);
    await first.getByRole('heading', { level: 2, name: 'Transactions' }).waitFor();
    await second.goto(`${stack.consoleUrl}${transactionsPath(groupId)}`);
    await second.getByRole('heading', { level: 2, name: 'Transactions' }).waitFor();

    // From the sign-out on, the first tab must not send the old token anywhere.
    const sentWithToken: string[] = [];
    await second.getByRole('button', { name: 'Sign out' }).click();
    first.on('request', (request) => {
      request.allHeaders().then(
        (headers) => {
          if (headers.authorization) sentWithToken.push(`${request.method()} ${request.url()}`);
        },
        () => undefined,
      );
    });
    await second.waitForURL(/\/signin/);

    const description = `After sign-out ${randomBytes(3).toString('hex')}`;
    await tryToRecord(first, description);
    await first.waitForURL(/\/signin/, { timeout: 10_000 });
    await first.getByRole('heading', { level: 1, name: 'Sign in to Coffer' }).waitFor();
    await first.getByRole('alert').filter({ hasText: 'Your session has ended' }).waitFor();
    // Signing in again brings the tab back where it was.
    expect(new URL(first.url()).searchParams.get('callbackUrl')).toBe(transactionsPath(groupId));
    expect(await transactionsDescribed(stack.apiUrl, description)).toBe(0);
    expect(sentWithToken).toEqual([]);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test("signing out revokes the API token: the console's copy and one from another device are refused, and signing in again works", async () => {
  const { context, page } = await stack.newPage();
  try {
    await signIn(page, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
    const consoleToken = await sessionToken(page);
    expect(consoleToken).toEqual(expect.any(String));
    const { token: otherDevice } = await apiSession(stack.apiUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
    expect(await apiAnswerFor(stack.apiUrl, consoleToken!)).toEqual({ status: 200, code: undefined });

    const revoked = page.waitForResponse((response) => response.url() === stack.apiUrl && response.request().method() === 'POST' && (response.request().postData() ?? '').includes('signOut'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await revoked).status()).toBe(200);
    await page.waitForURL(/\/signin/);
    for (const token of [consoleToken!, otherDevice]) expect(await apiAnswerFor(stack.apiUrl, token)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });

    // The next sign-in gets a token that works.
    await signIn(page, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
    const fresh = await sessionToken(page);
    expect(fresh).not.toBe(consoleToken);
    expect(await apiAnswerFor(stack.apiUrl, fresh!)).toEqual({ status: 200, code: undefined });
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('signing out does not wait on an API that does not answer: the sign-out completes within a few seconds', async () => {
  const { context, page } = await stack.newPage();
  try {
    await signIn(page, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
    // The API never answers the revocation (a network that drops it, an API that hangs).
    let asked = false;
    await page.route(stack.apiUrl, async (route) => {
      if (route.request().method() === 'POST' && (route.request().postData() ?? '').includes('signOut')) {
        asked = true;
        return; // left hanging
      }
      await route.continue();
    });
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/, { timeout: 15_000 });
    expect(asked).toBe(true);
    expect(Date.now() - clicked).toBeLessThan(15_000);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Coffer' }).waitFor();
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('after the first sign-in\'s forced password change the console keeps working, and the temporary-password token is refused', async () => {
  const { context, page } = await stack.newPage();
  try {
    const member = await addMemberWithTemporaryPassword(stack.apiUrl, 'Pavan Password');
    const { token: beforeChange } = await apiSession(stack.apiUrl, member.email, member.temporaryPassword);
    await signInFirstTime(page, stack.consoleUrl, member.email, member.temporaryPassword, 'pavan-new-password');
    // Signed in again with the new password: the groups page, and the group itself, load.
    const groupLink = page.getByRole('link', { name: new RegExp(DEMO_GROUP) });
    await groupLink.waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await groupLink.click();
    await page.getByRole('heading', { level: 1, name: DEMO_GROUP }).waitFor();
    expect(new URL(page.url()).pathname).not.toMatch(/signin|change-password/);
    expect(await apiAnswerFor(stack.apiUrl, beforeChange)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await apiAnswerFor(stack.apiUrl, (await sessionToken(page))!)).toEqual({ status: 200, code: undefined });
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('with its session cookie cleared, a tab coming back into view goes to the sign-in page and records nothing', async () => {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const { groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await signIn(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${stack.consoleUrl}${transactionsPath(groupId)}`);
    await page.getByRole('heading', { level: 2, name: 'Transactions' }).waitFor();

    await context.clearCookies();
    // The person looks at another tab, then comes back. Headless Chromium keeps every tab visible
    // (bringToFront fires nothing), so the page gets the event a browser sends on the way back.
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));

    const description = `After cookie cleared ${randomBytes(3).toString('hex')}`;
    await tryToRecord(page, description);
    await page.waitForURL(/\/signin/, { timeout: 10_000 });
    expect(await transactionsDescribed(stack.apiUrl, description)).toBe(0);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('a transaction recorded by an operator with JavaScript on still works after hydration, exactly as before', async () => {
  const { context, page } = await stack.newPage();
  try {
    const { groupId } = await apiSession(stack.apiUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
    await signIn(page, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
    await page.goto(`${stack.consoleUrl}${transactionsPath(groupId)}`);
    await page.getByRole('heading', { level: 2, name: 'Transactions' }).waitFor();
    await page.waitForLoadState('networkidle');
    const form = page.getByRole('form', { name: 'Record transaction' });
    await page.getByText('Record a transaction', { exact: true }).click();
    expect(await hydrated(form.getByRole('button', { name: 'Record transaction' }))).toBe(true);
    await form.getByRole('textbox', { name: 'Amount (INR)' }).fill('42');
    await form.getByRole('textbox', { name: 'Description' }).fill('After hydration');
    await form.getByRole('button', { name: 'Record transaction' }).click();
    await form.getByRole('status').filter({ hasText: /₹42\.00 cash in/ }).waitFor();
    expect(page.url()).toBe(`${stack.consoleUrl}${transactionsPath(groupId)}`);
    expect(await guardMessage(page)).toBe('');
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('with JavaScript off, the sign-in form posts: the password stays out of the URL and the page says JavaScript is needed', async () => {
  const context = await stack.browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const navigations = recordNavigations(page);
    // Playwright turns scripts off without telling the HTML parser, so <noscript> is not shown
    // here as it is in a browser with JavaScript off: check that the page carries it.
    const noscript = () => page.locator('noscript').first().textContent();
    await page.goto(`${stack.consoleUrl}/signin`);
    expect(await noscript()).toContain('Coffer needs JavaScript');
    await page.getByRole('textbox', { name: 'E-mail' }).fill(OPERATOR_EMAIL);
    await page.getByRole('textbox', { name: 'Password' }).fill(OPERATOR_PASSWORD);
    const posted = page.waitForResponse((response) => response.request().isNavigationRequest() && response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect((await posted).status()).toBe(200);
    await page.waitForLoadState('load');
    expect(navigations.filter((entry) => entry.includes('password') || entry.includes(OPERATOR_PASSWORD) || entry.includes(encodeURIComponent(OPERATOR_EMAIL)))).toEqual([]);
    // The form went to the page itself as a POST, which renders the sign-in page again, empty.
    expect(navigations.filter((entry) => entry.startsWith('GET ') || entry.startsWith('POST '))).toEqual([`GET ${stack.consoleUrl}/signin`, `POST ${stack.consoleUrl}/signin`]);
    expect(page.url()).toBe(`${stack.consoleUrl}/signin`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Coffer' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Password' }).inputValue()).toBe('');
    expect(await noscript()).toContain('Coffer needs JavaScript');
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);
