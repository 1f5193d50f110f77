/**
 * Maker–checker in two browsers against the real API (see support/stack.ts): the demo
 * operator records cash; the demo admin's open inbox shows the request and the tab's badge
 * without a reload; the admin approves; the transaction is approved, the cash position moves (on the
 * transactions page and the dashboard) and the receipt opens with its number and the amount in words.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiSession,
  ARTIFACTS,
  graphqlAsApi,
  OPERATOR_EMAIL,
  OPERATOR_PASSWORD,
  signInAndOpenDemoGroup,
  TEST_TIMEOUT_MS,
  useStack,
} from './support/stack';

const stack = useStack();

/** The group's tab link; the Approvals one carries the admin's pending count in its name. */
function tab(page: Page, name: string | RegExp) {
  return page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name });
}

/**
 * Notes every subscription the page asks the API for over graphql-ws, from the start: the
 * group layout opens the socket (the badge's approvalEvents) before any inbox is on screen.
 */
function watchSubscriptions(page: Page): (operationName: string) => Promise<void> {
  const seen = new Set<string>();
  const waiting = new Map<string, () => void>();
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => {
      const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString();
      if (!text.includes('"subscribe"')) return;
      for (const match of text.matchAll(/subscription (\w+)/g)) {
        seen.add(match[1]);
        waiting.get(match[1])?.();
      }
    });
  });
  return (operationName) =>
    new Promise<void>((resolve, reject) => {
      if (seen.has(operationName)) return resolve();
      const timer = setTimeout(() => reject(new Error(`${operationName} was never subscribed`)), 20_000);
      waiting.set(operationName, () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

test('an operator records cash; the admin sees it live, approves it; it is approved and the balance moves', async () => {
  const admin = await stack.newPage();
  const operator = await stack.newPage();
  const adminPage = admin.page;
  const operatorPage = operator.page;
  const adminSubscribed = watchSubscriptions(adminPage);
  const operatorSubscribed = watchSubscriptions(operatorPage);

  try {
    // The admin looks at the cash position first, then opens the inbox and leaves it open.
    await signInAndOpenDemoGroup(adminPage, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await tab(adminPage, 'Transactions').click();
    await adminPage.getByRole('heading', { level: 2, name: 'Transactions' }).waitFor();
    const cashPosition = adminPage.getByTestId('cash-position');
    await adminPage.waitForFunction((el) => el?.textContent?.includes('₹'), await cashPosition.elementHandle());
    expect(await cashPosition.textContent()).toBe('₹0.00');

    await tab(adminPage, /Approvals/).click();
    await adminPage.getByRole('heading', { level: 2, name: 'Approvals' }).waitFor();
    await adminPage.getByText('Nothing is waiting for a decision.').waitFor();
    expect(await tab(adminPage, /Approvals/).textContent()).toContain('0');
    await adminSubscribed('ApprovalEvents');
    // The API checks the admin's role before it listens; give it a moment.
    await adminPage.waitForTimeout(500);
    const inboxUrl = adminPage.url();

    // The operator records cash from a member; a double tap must not record it twice.
    await signInAndOpenDemoGroup(operatorPage, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
    await tab(operatorPage, 'Transactions').click();
    await operatorPage.getByRole('heading', { level: 2, name: 'Transactions' }).waitFor();
    await operatorSubscribed('TransactionEvents');
    await operatorPage.waitForTimeout(500);
    await operatorPage.getByText('Record a transaction', { exact: true }).click();
    const form = operatorPage.getByRole('form', { name: 'Record transaction' });

    // An amount the API refuses comes back under its field.
    const amount = form.getByRole('textbox', { name: 'Amount (INR)' });
    await amount.fill('12.345');
    await form.getByRole('button', { name: 'Record transaction' }).click();
    await operatorPage.waitForFunction((input) => input?.getAttribute('aria-invalid') === 'true', await amount.elementHandle());
    const errorId = await amount.getAttribute('aria-describedby');
    expect(await operatorPage.locator(`[id="${errorId}"]`).textContent()).toBeTruthy();

    await amount.fill('750');
    await form.getByRole('combobox', { name: 'Payment mode' }).selectOption('CASH');
    const memberSelect = form.getByRole('combobox', { name: 'Member' });
    const ravi = memberSelect.locator('option', { hasText: 'Ravi Kumar' });
    await ravi.waitFor({ state: 'attached' });
    await memberSelect.selectOption((await ravi.getAttribute('value')) ?? '');
    await form.getByRole('textbox', { name: 'Description' }).fill('Cash collected at the Sunday run');
    await form.getByRole('button', { name: 'Record transaction' }).dblclick();
    await form.getByRole('status').filter({ hasText: /waiting for an admin’s approval/i }).waitFor();

    const operatorRow = operatorPage
      .getByRole('table', { name: 'Transactions' })
      .getByRole('row')
      .filter({ hasText: 'Cash collected at the Sunday run' });
    await operatorRow.getByText('Waiting for approval').waitFor();

    // The admin's inbox shows the request without a reload, and the badge counts it.
    const waiting = adminPage.getByRole('list', { name: 'Waiting for a decision' });
    const card = waiting.getByRole('listitem').filter({ hasText: '₹750.00' });
    await card.waitFor();
    expect(adminPage.url()).toBe(inboxUrl);
    const cardText = (await card.textContent()) ?? '';
    expect(cardText).toContain('Record a transaction');
    expect(cardText).toContain('Omar Operator');
    expect(cardText).toContain('Cash collected at the Sunday run');
    await card.getByText(/Ravi Kumar/).waitFor();
    await tab(adminPage, /Approvals.*1 pending/).waitFor();
    expect(await waiting.getByRole('listitem').count()).toBe(1);
    await adminPage.screenshot({ path: join(ARTIFACTS, 'approvals-inbox.png'), fullPage: true });

    // The operator sees their own request with Cancel, never Approve.
    await tab(operatorPage, /Approvals/).click();
    const ownCard = operatorPage.getByRole('list', { name: 'Waiting for a decision' }).getByRole('listitem').filter({ hasText: '₹750.00' });
    await ownCard.getByRole('button', { name: 'Cancel request' }).waitFor();
    expect(await ownCard.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await tab(operatorPage, 'Transactions').click();
    await operatorRow.waitFor();

    // The admin approves with a note; the card leaves "waiting", the badge drops to 0.
    await card.getByRole('textbox', { name: 'Note (optional)' }).fill('Counted the cash');
    await card.getByRole('button', { name: 'Approve' }).click();
    await adminPage.getByRole('status').filter({ hasText: /^Approved: Record a transaction/ }).waitFor();
    await adminPage.getByText('Nothing is waiting for a decision.').waitFor();
    await tab(adminPage, /Approvals.*0 pending/).waitFor();
    const decided = adminPage.getByRole('list', { name: 'Decided' }).getByRole('listitem').filter({ hasText: '₹750.00' });
    expect(await decided.textContent()).toMatch(/Approved by\s*Asha Admin/);

    // The operator's open transactions page turns approved by itself, and its balance moves.
    await operatorRow.getByText('Approved', { exact: true }).waitFor();
    await operatorPage.waitForFunction(
      (el) => el?.textContent === '₹750.00',
      await operatorPage.getByTestId('cash-position').elementHandle(),
    );

    // The admin's transactions page: approved, with a receipt number, and the cash position moved.
    await tab(adminPage, 'Transactions').click();
    const adminRow = adminPage
      .getByRole('table', { name: 'Transactions' })
      .getByRole('row')
      .filter({ hasText: 'Cash collected at the Sunday run' });
    await adminRow.getByText('Approved', { exact: true }).waitFor();
    await adminPage.waitForFunction((el) => el?.textContent === '₹750.00', await adminPage.getByTestId('cash-position').elementHandle());
    expect(await adminRow.count()).toBe(1);

    // Exactly one transaction and one request exist, double tap or not.
    const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const counts = await graphqlAsApi<{ transactions: { totalCount: number }; approvals: { totalCount: number }; groupBalance: { cashPosition: { amount: string } } }>(
      stack.apiUrl,
      'query ($groupId: ID!) { transactions(groupId: $groupId) { totalCount } approvals(groupId: $groupId) { totalCount } groupBalance(groupId: $groupId) { cashPosition { amount } } }',
      { groupId },
      token,
    );
    expect(counts.transactions.totalCount).toBe(1);
    expect(counts.approvals.totalCount).toBe(1);
    expect(counts.groupBalance.cashPosition.amount).toBe('750.00');

    // The receipt opens in a new window: the API's own HTML, with its number and the amount in words.
    const { transactions: receipted } = await graphqlAsApi<{ transactions: { edges: { node: { receiptNumber: string | null } }[] } }>(
      stack.apiUrl,
      'query ($groupId: ID!) { transactions(groupId: $groupId) { edges { node { receiptNumber } } } }',
      { groupId },
      token,
    );
    const receiptNumber = receipted.edges[0]?.node.receiptNumber;
    expect(receiptNumber).toBeTruthy();
    expect(await adminRow.textContent()).toContain(receiptNumber);
    const receipt = adminRow.getByRole('button', { name: `Receipt ${receiptNumber}` });
    const popup = adminPage.context().waitForEvent('page', { timeout: 10_000 });
    await receipt.click();
    const receiptPage = await popup;
    try {
      await receiptPage.waitForURL(/^blob:/, { timeout: 10_000 });
      await receiptPage.getByText('Rupees Seven Hundred Fifty Only').waitFor();
      const receiptText = (await receiptPage.textContent('body')) ?? '';
      expect(receiptText).toContain(receiptNumber);
      expect(receiptText).toContain('Rupees Seven Hundred Fifty Only');
      expect(await adminRow.getByRole('status').count()).toBe(0);
    } finally {
      await receiptPage.close().catch(() => undefined);
    }

    await adminPage.screenshot({ path: join(ARTIFACTS, 'approvals-transactions.png'), fullPage: true });

    // The dashboard (the staff's first tab) shows the new cash position and this month's income.
    await tab(adminPage, 'Dashboard').click();
    await adminPage.getByRole('heading', { level: 2, name: 'Dashboard' }).waitFor();
    await adminPage.waitForFunction((el) => el?.textContent === '₹750.00', await adminPage.getByTestId('dashboard-cash-position').elementHandle());
    expect(await adminPage.getByTestId('dashboard-income').textContent()).toBe('₹750.00');
    expect(await adminPage.getByTestId('dashboard-pending').textContent()).toMatch(/^0/);
    await adminPage.getByRole('img', { name: /Income and expenses per month/ }).waitFor();
    await adminPage.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    await adminPage.setViewportSize({ width: 390, height: 844 });
    await adminPage.screenshot({ path: join(ARTIFACTS, 'dashboard-390.png'), fullPage: true });
  } catch (error) {
    await adminPage.screenshot({ path: join(ARTIFACTS, 'approvals-admin-failure.png'), fullPage: true }).catch(() => undefined);
    await operatorPage.screenshot({ path: join(ARTIFACTS, 'approvals-operator-failure.png'), fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await admin.context.close();
    await operator.context.close();
  }
}, TEST_TIMEOUT_MS);

/** "₹1,100.00" → 110000 (paise), for comparing cash positions before and after. */
function paise(text: string | null): number {
  return Math.round(Number((text ?? '').replace(/[^0-9.-]/g, '')) * 100);
}

/** Waits until the live cash position shows `expected` paise. */
async function waitForCashPosition(page: Page, expected: number): Promise<void> {
  await page.waitForFunction(
    ([el, want]) => el !== null && Math.round(Number((el.textContent ?? '').replace(/[^0-9.-]/g, '')) * 100) === want,
    [await page.getByTestId('cash-position').elementHandle(), expected] as const,
  );
}

test('an admin corrects an approved transaction (reversal + corrected one) and deletes it (reversal); the cash position follows', async () => {
  const { context, page } = await stack.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  try {
    await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await tab(page, 'Transactions').click();
    await page.getByRole('heading', { level: 2, name: 'Transactions' }).waitFor();
    const cashPosition = page.getByTestId('cash-position');
    await page.waitForFunction((el) => el?.textContent?.includes('₹'), await cashPosition.elementHandle());
    const before = paise(await cashPosition.textContent());

    // An admin's own cash is approved at once.
    await page.getByText('Record a transaction', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Record transaction' });
    await form.getByRole('textbox', { name: 'Amount (INR)' }).fill('300');
    await form.getByRole('textbox', { name: 'Description' }).fill('Kit sale at the club night');
    await form.getByRole('button', { name: 'Record transaction' }).click();
    await form.getByRole('status').filter({ hasText: /^Recorded:/ }).waitFor();
    const table = page.getByRole('table', { name: 'Transactions' });
    const original = table.getByRole('row').filter({ hasText: 'Kit sale at the club night' }).filter({ hasText: '₹300.00' });
    await original.getByText('Approved', { exact: true }).waitFor();
    await waitForCashPosition(page, before + 30000);

    // Correcting an approved transaction never edits it: it is reversed and recorded again.
    await original.getByRole('button', { name: 'Correct Membership fee of ₹300.00' }).click();
    const correction = page.getByRole('form', { name: 'Correct Membership fee of ₹300.00' });
    await correction.getByRole('textbox', { name: 'Amount (INR)' }).fill('350');
    await correction.getByRole('button', { name: 'Save correction' }).click();
    await page.getByRole('status').filter({ hasText: 'Corrected: the original is reversed and the corrected transaction recorded.' }).waitFor();
    const corrected = table.getByRole('row').filter({ hasText: 'Kit sale at the club night' }).filter({ hasText: '₹350.00' });
    await corrected.getByText('Approved', { exact: true }).waitFor();
    await table.getByRole('row').filter({ hasText: /Reversal of R-\d{4}-\d{6}/ }).first().waitFor();
    await original.getByText(/Reversed by a reversal/).waitFor();
    await waitForCashPosition(page, before + 35000);

    // Deleting reverses the corrected one too; the cash position returns to where it was.
    await corrected.getByRole('button', { name: 'Delete Membership fee of ₹350.00' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted: a reversal cancels it.' }).waitFor();
    await waitForCashPosition(page, before);
    await page.screenshot({ path: join(ARTIFACTS, 'transactions-corrected-deleted.png'), fullPage: true });

    const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const data = await graphqlAsApi<{ transactions: { edges: { node: { description: string | null; amount: { amount: string }; reverses: { id: string } | null; reversedBy: { id: string } | null } }[] } }>(
      stack.apiUrl,
      'query ($groupId: ID!) { transactions(groupId: $groupId, first: 100) { edges { node { description amount { amount } reverses { id } reversedBy { id } } } } }',
      { groupId },
      token,
    );
    const kit = data.transactions.edges.map((edge) => edge.node).filter((node) => node.amount.amount === '300.00' || node.amount.amount === '350.00');
    // 300 and its reversal, 350 and its reversal: four rows, every original reversed exactly once.
    expect(kit).toHaveLength(4);
    expect(kit.filter((node) => node.reverses !== null)).toHaveLength(2);
    expect(kit.filter((node) => node.reversedBy !== null)).toHaveLength(2);
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);
