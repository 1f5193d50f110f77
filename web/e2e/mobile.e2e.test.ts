/**
 * The console's main pages on a phone-sized screen (390 × 844, as operators record cash on
 * their phones), in a real browser against the real API (see support/stack.ts): nothing makes
 * the page scroll sideways (wide tables scroll inside their own box), the record form's submit
 * button can be reached and tapped, axe-core finds nothing serious in the phone layout, and a screenshot of each page is saved for a human to look at;
 * the controls a thumb uses are at least 24 × 24 px (WCAG 2.2, 2.5.8), and a due is confirmed paid, with how it was paid, from the phone.
 */
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, ARTIFACTS, graphqlAsApi, TEST_TIMEOUT_MS, useStack } from './support/stack';
import { createFixture, describeFindings, type Fixture, mainPages, open, seriousViolations, signIn, type Visitor } from './support/pages';

const stack = useStack();
const WIDTH = 390;
let fixture: Fixture;

beforeAll(async () => {
  fixture = await createFixture(stack.apiUrl);
}, TEST_TIMEOUT_MS);

async function phoneFor(visitor: Visitor): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ viewport: { width: WIDTH, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  if (visitor === 'admin') await signIn(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  if (visitor === 'member') await signIn(page, stack.consoleUrl, fixture.memberEmail, fixture.memberPassword);
  return { context, page };
}

interface Overflow {
  scrollWidth: number;
  /** The elements that reach past the right edge, outermost first, when the page does overflow. */
  culprits: string[];
}

function horizontalOverflow(page: Page, width: number): Promise<Overflow> {
  return page.evaluate((viewport) => {
    const scroller = document.scrollingElement ?? document.documentElement;
    const culprits: string[] = [];
    if (scroller.scrollWidth > viewport + 1) {
      for (const element of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
        if (element.getBoundingClientRect().right <= viewport + 1) continue;
        // Content that scrolls inside its own box does not widen the page.
        let clipped = false;
        for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
          if (getComputedStyle(parent).overflowX !== 'visible') clipped = true;
        }
        if (clipped) continue;
        const label = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''}`;
        culprits.push(`${label} (right edge ${Math.round(element.getBoundingClientRect().right)}px)`);
        if (culprits.length >= 8) break;
      }
      // Absolutely positioned content escapes a scroll box that is not its containing block: name what reaches the far edge.
      if (culprits.length === 0) {
        for (const element of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
          if (element.getBoundingClientRect().right < scroller.scrollWidth - 2) continue;
          culprits.push(`${element.tagName.toLowerCase()}.${String(element.className)} "${(element.textContent ?? '').slice(0, 30)}"`);
          if (culprits.length >= 8) break;
        }
      }
    }
    return { scrollWidth: scroller.scrollWidth, culprits };
  }, width);
}

test(
  'at 390 px every main page fits the width, the record button can be tapped, and each page is screenshotted',
  async () => {
    const problems: string[] = [];
    const shot: string[] = [];
    for (const visitor of ['anonymous', 'admin', 'member'] as const) {
      const { context, page } = await phoneFor(visitor);
      try {
        for (const main of mainPages(fixture).filter((candidate) => candidate.visitor === visitor)) {
          await open(page, stack.consoleUrl, main);
          const overflow = await horizontalOverflow(page, WIDTH);
          if (overflow.scrollWidth > WIDTH + 1) problems.push(`${main.name}: page is ${overflow.scrollWidth}px wide; ${overflow.culprits.join(', ')}`);
          await page.screenshot({ path: join(ARTIFACTS, `mobile-${main.name}.png`), fullPage: true });
          shot.push(main.name);
          // The phone layout restyles tables as cards and hides parts of the header: axe checks it too.
          const findings = await seriousViolations(page, main.name);
          if (findings.length > 0) problems.push(`axe-core at ${WIDTH} px:\n${describeFindings(findings)}`);

          if (main.name === 'transactions') {
            // The form the operators use most: its submit button fits the screen once scrolled to, is big enough to tap, and nothing covers it.
            const submit = page.getByRole('form', { name: 'Record transaction' }).getByRole('button', { name: 'Record transaction' });
            await submit.scrollIntoViewIfNeeded();
            const box = await submit.boundingBox();
            if (!box || box.x < 0 || box.x + box.width > WIDTH || box.height < 40) problems.push(`transactions: the record button is at ${JSON.stringify(box)}`);
            const tappable = await submit.tap({ trial: true, timeout: 5_000 }).then(
              () => true,
              (error: Error) => {
                problems.push(`transactions: the record button cannot be tapped: ${error.message.split('\n').slice(0, 12).join(' | ')}`);
                return false;
              },
            );
            if (tappable) await page.screenshot({ path: join(ARTIFACTS, 'mobile-record-form.png') });
          }
        }
      } finally {
        await context.close();
      }
    }
    expect(shot).toHaveLength(mainPages(fixture).length);
    expect(problems).toEqual([]);
  },
  TEST_TIMEOUT_MS * 3,
);

test('at 390 px an operator records a cash payment from the phone: the amount is typed and the button tapped', async () => {
  const { context, page } = await phoneFor('admin');
  try {
    await page.goto(`${stack.consoleUrl}/groups/${encodeURIComponent(fixture.groupId)}/transactions`);
    await page.getByText('Record a transaction', { exact: true }).tap();
    const form = page.getByRole('form', { name: 'Record transaction' });
    await form.getByRole('textbox', { name: 'Amount (INR)' }).fill('250');
    await form.getByRole('textbox', { name: 'Description' }).fill('Cash at the track');
    await form.getByRole('button', { name: 'Record transaction' }).tap();
    await form.getByRole('status').filter({ hasText: /^Recorded: ₹250\.00 cash in/ }).waitFor();
    await page.getByRole('table', { name: 'Transactions' }).getByRole('row').filter({ hasText: 'Cash at the track' }).waitFor();
    expect((await horizontalOverflow(page, WIDTH)).scrollWidth).toBeLessThanOrEqual(WIDTH + 1);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('amounts and dates follow the reader: the browser’s en-IN region, then the Hindi the member picks in their profile', async () => {
  const context = await stack.browser.newContext({ viewport: { width: WIDTH, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-IN' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  try {
    await signIn(page, stack.consoleUrl, fixture.memberEmail, fixture.memberPassword);
    const dues = `${stack.consoleUrl}/groups/${encodeURIComponent(fixture.groupId)}/dues`;
    await page.goto(dues);
    const due = page.getByTestId('due-row').filter({ hasText: 'Season 2027' });
    // English with India's conventions: day before month.
    await due.getByText('1 Mar 2027').waitFor();
    await due.getByText('₹1,200.00').waitFor();

    await page.goto(`${stack.consoleUrl}/account`);
    const profile = page.getByRole('form', { name: 'Profile' });
    await profile.getByRole('combobox', { name: 'Language' }).selectOption('hi');
    await profile.getByRole('button', { name: 'Save profile' }).tap();
    await profile.getByRole('status').filter({ hasText: 'Your profile was saved.' }).waitFor();

    await page.goto(dues);
    await due.getByText('1 मार्च 2027').waitFor();
    await due.getByText('₹1,200.00').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'mobile-my-dues-hindi.png'), fullPage: true });
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('at 390 px the controls a thumb uses are at least 24 × 24 px: due actions, the dashboard’s pending link, the header’s links, event and channel checkboxes', async () => {
  const { context, page } = await phoneFor('admin');
  const group = `${stack.consoleUrl}/groups/${encodeURIComponent(fixture.groupId)}`;
  const small: string[] = [];
  const measured: string[] = [];
  async function measure(what: string, target: Locator) {
    const box = await target.scrollIntoViewIfNeeded({ timeout: 5_000 }).then(
      () => target.boundingBox(),
      () => null,
    );
    measured.push(what);
    if (!box || box.width < 24 || box.height < 24) small.push(`${what}: ${box ? `${Math.round(box.width)} × ${Math.round(box.height)} px` : 'not shown'}`);
  }
  try {
    await page.goto(`${group}/dashboard`);
    await page.getByTestId('dashboard-income').waitFor();
    await measure('dashboard: pending approvals link', page.getByTestId('dashboard-pending'));
    await measure('header: Inbox', page.getByRole('link', { name: 'Inbox', exact: true }));
    await measure('header: account', page.getByRole('link', { name: /my account/ }));
    // Taller header links must not bring back what the phone header leaves out.
    expect(await page.getByRole('link', { name: 'API docs' }).isVisible()).toBe(false);

    await page.goto(`${group}/settings/webhooks`);
    await page.getByText('Add an endpoint', { exact: true }).tap();
    const events = page.getByRole('form', { name: 'Add webhook endpoint' }).getByRole('checkbox');
    await events.first().waitFor();
    for (let i = 0; i < (await events.count()); i += 1) await measure(`webhooks: event checkbox ${i + 1}`, events.nth(i));

    await page.goto(`${group}/notifications`);
    const channels = page.getByRole('form', { name: 'New reminder schedule' }).getByRole('checkbox');
    await channels.first().waitFor();
    for (let i = 0; i < (await channels.count()); i += 1) await measure(`notifications: channel checkbox ${i + 1}`, channels.nth(i));
    await page.screenshot({ path: join(ARTIFACTS, 'mobile-tap-targets-notifications.png'), fullPage: true });

    await page.goto(`${group}/dues`);
    const row = page.getByTestId('due-row').filter({ hasText: 'Lena Fischer' });
    await measure('dues: Waive…', row.getByRole('button', { name: 'Waive…' }));
    await measure('dues: Confirm paid…', row.getByRole('button', { name: /Confirm paid/ }));
    await row.getByRole('button', { name: /Confirm paid/ }).tap();
    await measure('dues: Paid by', row.getByRole('combobox', { name: 'Paid by' }));
    await measure('dues: Record', row.getByRole('button', { name: /^Record / }));
  } finally {
    await context.close();
  }
  expect(measured.length).toBeGreaterThanOrEqual(15);
  expect(small).toEqual([]);
}, TEST_TIMEOUT_MS);

test('at 390 px an admin confirms a due paid by bank transfer: asked, recorded and shown in that mode', async () => {
  const { context, page } = await phoneFor('admin');
  try {
    await page.goto(`${stack.consoleUrl}/groups/${encodeURIComponent(fixture.groupId)}/dues`);
    const row = page.getByTestId('due-row').filter({ hasText: 'Sam Okafor' });
    await row.getByRole('button', { name: /Confirm paid: Sam Okafor/ }).tap();
    await row.getByRole('combobox', { name: 'Paid by' }).selectOption('BANK_TRANSFER');
    await row.getByRole('button', { name: 'Record ₹1,200.00' }).tap();
    await row.getByRole('status').filter({ hasText: /^Recorded ₹1,200\.00 paid by Bank transfer · receipt R-\d{4}-\d{6}\.$/ }).waitFor();
    await row.getByTestId('due-payment-mode').filter({ hasText: /^Bank transfer$/ }).waitFor();
    expect((await horizontalOverflow(page, WIDTH)).scrollWidth).toBeLessThanOrEqual(WIDTH + 1);
    await page.screenshot({ path: join(ARTIFACTS, 'mobile-due-confirmed.png'), fullPage: true });

    const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const { transactions } = await graphqlAsApi<{ transactions: { edges: { node: { paymentMode: string; member: { name: string } | null } }[] } }>(
      stack.apiUrl,
      'query ($groupId: ID!) { transactions(groupId: $groupId, first: 100) { edges { node { paymentMode member { name } } } } }',
      { groupId },
      token,
    );
    expect(transactions.edges.map((edge) => edge.node).filter((node) => node.member?.name === 'Sam Okafor')).toEqual([{ paymentMode: 'BANK_TRANSFER', member: { name: 'Sam Okafor' } }]);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);
