/**
 * Accessibility of the console's main pages in a real browser against the real API (see
 * support/stack.ts): axe-core finds no serious or critical violation on any of them, the
 * sign-in and record-transaction forms work from the keyboard alone with a visible focus ring,
 * and every group tab can be seen and clicked on a laptop screen.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, ARTIFACTS, DEMO_GROUP, graphqlAsApi, TEST_TIMEOUT_MS, useStack } from './support/stack';
import { createFixture, describeFindings, type Finding, type Fixture, mainPages, open, seriousViolations, signIn, type Visitor } from './support/pages';

const stack = useStack();
let fixture: Fixture;

beforeAll(async () => {
  fixture = await createFixture(stack.apiUrl);
}, TEST_TIMEOUT_MS);

async function pageFor(visitor: Visitor): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await stack.newPage();
  if (visitor === 'admin') await signIn(opened.page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  if (visitor === 'member') await signIn(opened.page, stack.consoleUrl, fixture.memberEmail, fixture.memberPassword);
  return opened;
}

test(
  'axe-core finds no serious or critical violations on the main pages',
  async () => {
    const findings: Finding[] = [];
    const checked: string[] = [];
    for (const visitor of ['anonymous', 'admin', 'member'] as const) {
      const { context, page } = await pageFor(visitor);
      try {
        for (const main of mainPages(fixture).filter((candidate) => candidate.visitor === visitor)) {
          await open(page, stack.consoleUrl, main);
          findings.push(...(await seriousViolations(page, main.name)));
          checked.push(main.name);
        }
      } finally {
        await context.close();
      }
    }
    expect(checked).toHaveLength(mainPages(fixture).length);
    if (findings.length > 0) throw new Error(`axe-core found ${findings.length} serious or critical violation(s):\n${describeFindings(findings)}`);
  },
  TEST_TIMEOUT_MS * 3,
);

interface Focused {
  tag: string;
  name: string;
  outlineStyle: string;
  outlineWidth: number;
  outlineColor: string;
}

/** What has keyboard focus: its label (or text) and the outline the browser draws around it. */
function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const labels = (element as HTMLInputElement).labels;
    const name = (labels && labels.length > 0 ? labels[0].textContent : element.getAttribute('aria-label') ?? element.textContent) ?? '';
    const style = getComputedStyle(element);
    return { tag: element.tagName.toLowerCase(), name: name.trim(), outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), outlineColor: style.outlineColor };
  });
}

/** Presses Tab until the focused element matches, as a keyboard user would; fails if it is never reached. */
async function tabTo(page: Page, matches: (element: Focused) => boolean, what: string, maxPresses = 60): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < maxPresses; i += 1) {
    await page.keyboard.press('Tab');
    const element = await focused(page);
    if (element && matches(element)) return element;
    seen.push(element ? `${element.tag} "${element.name.slice(0, 30)}"` : '(nothing)');
  }
  throw new Error(`Tab never reached ${what}; focus went through: ${seen.join(', ')}`);
}

function expectVisibleFocus(element: Focused) {
  // A solid ring at least 2 px wide (the stylesheet's :focus-visible rule), not the browser's "none".
  expect(element.outlineStyle).not.toBe('none');
  expect(element.outlineWidth).toBeGreaterThanOrEqual(2);
  expect(element.outlineColor).not.toMatch(/rgba\(.*, 0\)$/);
}

test(
  'keyboard only: sign in, open the record form, record a cash payment with Enter; focus is always visible',
  async () => {
    const { context, page } = await stack.newPage();
    try {
      await page.goto(`${stack.consoleUrl}/signin`);
      await page.getByRole('heading', { level: 1, name: 'Sign in to Coffer' }).waitFor();

      const email = await tabTo(page, (element) => element.tag === 'input' && element.name === 'E-mail', 'the e-mail field');
      expectVisibleFocus(email);
      await page.keyboard.type(ADMIN_EMAIL);
      await page.keyboard.press('Tab');
      const password = await focused(page);
      expect(password?.name).toBe('Password');
      expectVisibleFocus(password!);
      await page.keyboard.type(ADMIN_PASSWORD);
      await page.keyboard.press('Enter');

      // The groups list: reach the demo group's link and follow it with Enter.
      await page.getByRole('heading', { level: 1, name: 'Your groups' }).waitFor();
      const groupLink = await tabTo(page, (element) => element.tag === 'a' && element.name.includes(DEMO_GROUP), 'the demo group link');
      expectVisibleFocus(groupLink);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: DEMO_GROUP }).waitFor();

      // The group's tabs, then the record form: opened with Enter on its summary.
      const transactionsTab = await tabTo(page, (element) => element.tag === 'a' && element.name === 'Transactions', 'the Transactions tab');
      expectVisibleFocus(transactionsTab);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 2, name: 'Transactions' }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const summary = await tabTo(page, (element) => element.tag === 'summary' && element.name === 'Record a transaction', 'the record form');
      expectVisibleFocus(summary);
      await page.keyboard.press('Enter');
      const form = page.getByRole('form', { name: 'Record transaction' });
      await form.waitFor();

      const amount = await tabTo(page, (element) => element.tag === 'input' && element.name.startsWith('Amount'), 'the amount field', 10);
      expectVisibleFocus(amount);
      await page.keyboard.type('123.45');
      const description = await tabTo(page, (element) => element.name === 'Description', 'the description field', 10);
      expectVisibleFocus(description);
      await page.keyboard.type('Keyboard-only fee');
      await page.keyboard.press('Enter');

      await form.getByRole('status').filter({ hasText: /^Recorded: ₹123\.45 cash in/ }).waitFor();
      await page.getByRole('table', { name: 'Transactions' }).getByRole('row').filter({ hasText: 'Keyboard-only fee' }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'keyboard-recorded.png'), fullPage: true });
    } catch (error) {
      await page.screenshot({ path: join(ARTIFACTS, 'keyboard-failure.png'), fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  },
  TEST_TIMEOUT_MS,
);

test('the pages the API renders itself pass too: the "I\'ve paid" thank-you page and a receipt', async () => {
  const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { dues } = await graphqlAsApi<{ dues: { edges: { node: { member: { name: string }; iHavePaidLink: string | null } }[] } }>(
    stack.apiUrl,
    'query ($groupId: ID!) { dues(groupId: $groupId) { edges { node { member { name } iHavePaidLink } } } }',
    { groupId },
    token,
  );
  const link = dues.edges.find((edge) => edge.node.member.name === 'Sam Okafor')?.node.iHavePaidLink;
  expect(link).toBeTruthy();
  const { recordTransaction } = await graphqlAsApi<{ recordTransaction: { transaction: { id: string; receiptNumber: string | null } } }>(
    stack.apiUrl,
    'mutation ($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id receiptNumber } } }',
    { input: { groupId, type: 'CASH_IN', category: 'DONATION', amount: { amount: '123456789.50', currency: 'INR' }, paymentMode: 'CASH', senderName: 'A. Donor' } },
    token,
  );
  expect(recordTransaction.transaction.receiptNumber).toBeTruthy();
  const receipt = await fetch(stack.apiUrl.replace(/\/graphql$/, `/api/receipts/${recordTransaction.transaction.id}`), { headers: { authorization: `Bearer ${token}` } });
  expect(receipt.status).toBe(200);
  const receiptHtml = await receipt.text();

  const { context, page } = await stack.newPage({ width: 390, height: 844 });
  try {
    await page.goto(link!);
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    const findings = await seriousViolations(page, 'paid-thanks');

    await page.setContent(receiptHtml);
    await page.getByText(recordTransaction.transaction.receiptNumber!).waitFor();
    // Indian grouping on the receipt.
    await page.getByText('₹12,34,56,789.50').first().waitFor();
    findings.push(...(await seriousViolations(page, 'receipt')));
    await page.screenshot({ path: join(ARTIFACTS, 'receipt-phone.png'), fullPage: true });
    if (findings.length > 0) throw new Error(`axe-core found ${findings.length} serious or critical violation(s):\n${describeFindings(findings)}`);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('at 1280 × 800 every group tab is in sight and can be clicked: none hides past the edge of the strip', async () => {
  const { context, page } = await stack.newPage({ width: 1280, height: 800 });
  try {
    await signIn(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${stack.consoleUrl}/groups/${encodeURIComponent(fixture.groupId)}`);
    const nav = page.getByRole('navigation', { name: 'Group sections' });
    const tabs = nav.getByRole('link');
    await nav.getByRole('link', { name: 'API keys' }).waitFor({ state: 'attached' });
    expect(await tabs.count()).toBe(12);

    // A tab is in sight when it lies inside the strip's box and the window; a strip that scrolls must show that it does.
    const strip = await nav.evaluate((element: HTMLElement) => {
      const style = getComputedStyle(element);
      const rect = element.getBoundingClientRect();
      const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
      return { left: rect.left, right: rect.right, scrolls: element.scrollWidth > element.clientWidth + 1, scrollbar: element.offsetHeight - element.clientHeight - borders > 0 };
    });
    const outOfSight: string[] = [];
    for (let i = 0; i < (await tabs.count()); i += 1) {
      const box = await tabs.nth(i).boundingBox();
      const inSight = box !== null && box.x >= Math.max(strip.left, 0) - 1 && box.x + box.width <= Math.min(strip.right, 1280) + 1 && box.y >= 0 && box.y + box.height <= 800;
      if (!inSight) outOfSight.push(`${(await tabs.nth(i).innerText()).trim()} at ${JSON.stringify(box)}`);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'tabs-1280.png') });
    expect({ outOfSight, scrollsWithoutShowingIt: strip.scrolls && !strip.scrollbar }).toEqual({ outOfSight: [], scrollsWithoutShowingIt: false });

    for (let i = 0; i < (await tabs.count()); i += 1) await tabs.nth(i).click({ trial: true, timeout: 5_000 });
    await nav.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 2, name: 'API keys' }).waitFor();
    await nav.getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { level: 2, name: 'Reminder schedules' }).waitFor();
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);
