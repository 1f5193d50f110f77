/**
 * Dues in the browser against the real API (see support/stack.ts): the demo admin opens a
 * billing period from the console (the form says what each member will owe and the total
 * before it opens); a member follows their signed "I've paid" link on their phone; the
 * admin's open dues page shows it without a reload, the admin confirms it, saying how it
 * was paid (PAID, with a receipt in that payment mode), and waives another member's due
 * with a reason. A JPY group's amount fields suggest no decimals.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addMemberWithTemporaryPassword, ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, ARTIFACTS, CRON_SECRET, DEMO_GROUP, graphqlAsApi, signInAndOpenDemoGroup, signInFirstTime, TEST_TIMEOUT_MS, useStack } from './support/stack';

const stack = useStack();

function tab(page: Page, name: string | RegExp) {
  return page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name });
}

function dueRow(page: Page, memberName: string) {
  return page.getByTestId('due-row').filter({ hasText: memberName });
}

test('an admin opens a period; a member says they paid; the admin sees it live, confirms one due and waives another', async () => {
  const admin = await stack.newPage();
  const phone = await stack.newPage({ width: 390, height: 844 });
  const page = admin.page;
  try {
    await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await tab(page, 'Dues').click();
    await page.getByRole('heading', { level: 2, name: 'Dues' }).waitFor();
    await page.getByText('No billing periods yet: open one above.').waitFor();

    // A bad date comes back under its field; then the period opens with a due per primary member.
    await page.getByText('Open a billing period', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Open billing period' });
    // The demo club bills each member the group's price: a typed total would be ignored, so none is asked for,
    // and the form says what the period will bill before it is opened.
    await form.getByTestId('period-preview').filter({ hasText: '5 members × ₹1,200.00 = ₹6,000.00 in all.' }).waitFor();
    expect(await form.getByRole('textbox', { name: /Total/ }).count()).toBe(0);
    await form.getByRole('textbox', { name: 'Label' }).fill('Season 2027');
    await form.getByLabel('First day').fill('2027-03-01');
    await form.getByLabel('Last day').fill('2027-02-01');
    await form.getByRole('button', { name: 'Open period' }).click();
    await form.getByText('Must not be before the start').waitFor();
    await form.getByLabel('Last day').fill('2027-03-31');
    await form.getByRole('button', { name: 'Open period' }).click();
    // The demo club bills its annual fee to each primary member: admin, operator, Ravi, Lena, Sam (Meera is Ravi's sub-member).
    await form.getByRole('status').filter({ hasText: 'Opened Season 2027: 5 dues created.' }).waitFor();
    await dueRow(page, 'Ravi Kumar').getByTestId('due-status').filter({ hasText: 'Unpaid' }).waitFor();
    expect(await page.getByTestId('due-row').count()).toBe(5);
    expect(await dueRow(page, 'Ravi Kumar').textContent()).toContain('₹1,200.00');
    // What the form said is what was billed.
    await page.getByTestId('dues-total').filter({ hasText: '₹6,000.00' }).waitFor();
    // A second period over some of the same days is refused: the form names the period in the way, next to the dates.
    await form.getByRole('textbox', { name: 'Label' }).fill('Spring 2027');
    await form.getByLabel('First day').fill('2027-03-15');
    await form.getByLabel('Last day').fill('2027-04-14');
    await form.getByRole('button', { name: 'Open period' }).click();
    const overlap = form.getByText(/^These days overlap “Season 2027” \(.+ – .+\): its members would be billed twice\. Choose days outside it\.$/);
    await overlap.waitFor();
    expect(await overlap.getAttribute('id')).toBe(await form.getByLabel('First day').getAttribute('aria-describedby'));
    expect(await page.getByTestId('due-row').count()).toBe(5);
    await page.waitForTimeout(500); // the dues subscription is registered

    // Ravi follows his link on his phone: no sign-in, a thank-you page.
    const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const { dues } = await graphqlAsApi<{ dues: { edges: { node: { member: { name: string }; iHavePaidLink: string; amount: { amount: string } } }[] } }>(
      stack.apiUrl,
      'query ($groupId: ID!) { dues(groupId: $groupId) { edges { node { member { name } iHavePaidLink amount { amount } } } } }',
      { groupId },
      token,
    );
    expect(dues.edges.reduce((sum, edge) => sum + BigInt(edge.node.amount.amount.replace('.', '')), 0n)).toBe(600000n);
    const link = dues.edges.find((edge) => edge.node.member.name === 'Ravi Kumar')!.node.iHavePaidLink;
    await phone.page.goto(link);
    await phone.page.getByRole('heading', { name: 'Thank you' }).waitFor();

    // The admin's page turns without a reload, and the request reaches the approvals badge.
    const ravi = dueRow(page, 'Ravi Kumar');
    await ravi.getByTestId('due-status').filter({ hasText: 'Member says paid' }).waitFor();
    await ravi.getByRole('button', { name: /Not received/ }).waitFor();
    await tab(page, /Approvals.*1 pending/).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dues-member-confirmed.png'), fullPage: true });

    // Confirming asks how he paid (cash unless told otherwise) and records it so: PAID with a receipt, and the inbox empties.
    await ravi.getByRole('button', { name: /Confirm paid: Ravi Kumar/ }).click();
    const confirm = ravi.getByRole('form', { name: /Confirm payment: Ravi Kumar/ });
    expect(await confirm.getByRole('combobox', { name: 'Paid by' }).inputValue()).toBe('CASH');
    await confirm.getByRole('button', { name: 'Record ₹1,200.00' }).click();
    await ravi.getByRole('status').filter({ hasText: /^Recorded ₹1,200\.00 paid by Cash · receipt R-\d{4}-\d{6}\.$/ }).waitFor();
    await ravi.getByTestId('due-status').filter({ hasText: /^Paid$/ }).waitFor();
    await ravi.getByTestId('due-payment-mode').filter({ hasText: /^Cash$/ }).waitFor();
    await ravi.getByRole('button', { name: /^Receipt R-\d{4}-\d{6}$/ }).waitFor();
    await tab(page, /Approvals.*0 pending/).waitFor();
    expect(await page.getByTestId('dues-paid').textContent()).toBe('1');

    // Waiving needs a reason.
    const sam = dueRow(page, 'Sam Okafor');
    await sam.getByRole('button', { name: 'Waive…' }).click();
    await sam.getByRole('textbox', { name: 'Reason' }).fill('Injured all season');
    await sam.getByRole('button', { name: 'Waive due' }).click();
    await sam.getByTestId('due-status').filter({ hasText: 'Waived' }).waitFor();
    await sam.getByText('Injured all season').waitFor();
    expect(await page.getByTestId('dues-open').textContent()).toBe('3');

    const { transactions } = await graphqlAsApi<{
      transactions: { totalCount: number; edges: { node: { id: string; amount: { amount: string }; member: { name: string }; paymentMode: string } }[] };
    }>(
      stack.apiUrl,
      'query ($groupId: ID!) { transactions(groupId: $groupId) { totalCount edges { node { id amount { amount } member { name } paymentMode } } } }',
      { groupId },
      token,
    );
    expect(transactions.totalCount).toBe(1);
    const { id: paidId, ...paid } = transactions.edges[0].node;
    expect(paid).toEqual({ amount: { amount: '1200.00' }, member: { name: 'Ravi Kumar' }, paymentMode: 'CASH' });
    // The receipt says cash too.
    const receipt = await fetch(stack.apiUrl.replace(/\/graphql$/, `/api/receipts/${paidId}`), { headers: { authorization: `Bearer ${token}` } });
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain('Payment mode</th><td>Cash</td>');
    await page.screenshot({ path: join(ARTIFACTS, 'dues-decided.png'), fullPage: true });

    // The club's membership terms: the admin records Lena's annual fee, paid in cash.
    await page.getByText('Record a membership fee', { exact: true }).click();
    const termForm = page.getByRole('form', { name: 'Record membership fee' });
    const memberSelect = termForm.getByRole('combobox', { name: 'Member', exact: true });
    const lena = memberSelect.locator('option', { hasText: 'Lena Fischer' });
    await lena.waitFor({ state: 'attached' });
    await memberSelect.selectOption((await lena.getAttribute('value')) ?? '');
    await termForm.getByRole('combobox', { name: 'Membership type' }).selectOption('ANNUAL');
    await termForm.getByRole('button', { name: 'Record fee' }).click();
    await termForm.getByRole('status').filter({ hasText: /^Recorded the annual membership for Lena Fischer, valid until (\d{1,2} [A-Z][a-z]{2},? \d{4}|[A-Z][a-z]{2} \d{1,2}, \d{4})\.$/ }).waitFor();
    const term = page.getByTestId('term-row').filter({ hasText: 'Lena Fischer' });
    await term.getByText('Active').waitFor();
    await term.getByText(/Receipt R-\d{4}-\d{6}/).waitFor();
    expect(await term.textContent()).toContain('₹1,200.00');
  } finally {
    await admin.context.close();
    await phone.context.close();
  }
}, TEST_TIMEOUT_MS);

test('a member pays their due through the sandbox; the admin sees it PAID with its receipt without a reload', async () => {
  // A new member gets a temporary password by e-mail: with no SMTP here, it lands in the local outbox.
  const { email, temporaryPassword, token, groupId } = await addMemberWithTemporaryPassword(stack.apiUrl, 'Priya Payer');
  await graphqlAsApi(
    stack.apiUrl,
    'mutation ($input: CreateBillingPeriodInput!) { createBillingPeriod(input: $input) { dueCount } }',
    { input: { groupId, label: 'May 2027', periodStart: '2027-05-01', periodEnd: '2027-05-31' } },
    token,
  );

  const admin = await stack.newPage();
  const member = await stack.newPage({ width: 390, height: 844 });
  try {
    // The admin watches the period's dues.
    await signInAndOpenDemoGroup(admin.page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await tab(admin.page, 'Dues').click();
    // The latest period is the one shown first.
    await admin.page.getByRole('combobox', { name: 'Period' }).locator('option:checked', { hasText: 'May 2027' }).waitFor({ state: 'attached' });
    const row = dueRow(admin.page, 'Priya Payer');
    await row.getByTestId('due-status').filter({ hasText: 'Unpaid' }).waitFor();
    await admin.page.waitForTimeout(500); // the dues subscription is registered

    // The member signs in on a phone, chooses a password, and pays from "My dues".
    const page = member.page;
    await signInFirstTime(page, stack.consoleUrl, email, temporaryPassword, 'priya-pays-her-dues');
    await page.getByRole('link', { name: new RegExp(DEMO_GROUP) }).click();
    await tab(page, 'Dues').click();
    await page.getByRole('heading', { level: 2, name: 'My dues' }).waitFor();
    const mine = dueRow(page, 'May 2027');
    await mine.getByText('₹1,200.00').waitFor();
    // Paying the club directly is explained too: its UPI id as a deep link and QR for this amount.
    await mine.getByText('Pay by UPI or bank transfer').click();
    expect(await mine.getByRole('link', { name: 'Open in a UPI app' }).getAttribute('href')).toMatch(/^upi:\/\/pay\?pa=sunrise\.club@okbank&pn=Sunrise%20Running%20Club&am=1200\.00&cu=INR&tn=May%202027$/);
    const qr = mine.getByRole('img', { name: /UPI QR code/ });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await mine.getByRole('button', { name: 'Pay with Razorpay (sandbox)' }).click();
    // The API's sandbox stands in for Razorpay: it says so, and paying sends Razorpay's signed webhooks to our endpoint.
    await page.getByText('no real money moves').first().waitFor();
    await page.getByRole('button', { name: 'Pay ₹1,200.00' }).click();
    await page.getByRole('heading', { name: 'Payment sent' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dues-sandbox-paid.png'), fullPage: true });

    // The admin's open page turns PAID with a receipt, without a reload.
    await row.getByTestId('due-status').filter({ hasText: /^Paid$/ }).waitFor();
    await row.getByRole('button', { name: /^Receipt R-\d{4}-\d{6}$/ }).waitFor();
    const { transactions } = await graphqlAsApi<{ transactions: { edges: { node: { approvalSource: string; member: { name: string } | null; amount: { amount: string } } }[] } }>(
      stack.apiUrl,
      'query ($groupId: ID!) { transactions(groupId: $groupId, first: 100) { edges { node { approvalSource member { name } amount { amount } } } } }',
      { groupId },
      token,
    );
    const paid = transactions.edges.map((edge) => edge.node).filter((node) => node.member?.name === 'Priya Payer');
    expect(paid).toEqual([{ approvalSource: 'RAZORPAY_WEBHOOK', member: { name: 'Priya Payer' }, amount: { amount: '1200.00' } }]);
    await admin.page.screenshot({ path: join(ARTIFACTS, 'dues-admin-sees-paid.png'), fullPage: true });

    // The member hears about it in their inbox once the notification worker has run.
    const worker = await fetch(stack.apiUrl.replace(/\/graphql$/, '/api/cron/notification-tasks'), { method: 'POST', headers: { 'x-cron-secret': CRON_SECRET } });
    expect(worker.status).toBe(200);
    await page.goto(`${stack.consoleUrl}/notifications`);
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const item = page.getByTestId('inbox-item').filter({ hasText: 'Payment received' });
    await item.getByText('₹1,200.00').first().waitFor();
    await item.getByRole('button', { name: 'Mark as read' }).click();
    await page.getByTestId('unread-count').filter({ hasText: '0 unread' }).waitFor();
  } finally {
    await admin.context.close();
    await member.context.close();
  }
}, TEST_TIMEOUT_MS);

test('a JPY group: amount placeholders suggest no decimals, and its equal split still asks for the total and shows each share', async () => {
  const { token } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { createGroup } = await graphqlAsApi<{ createGroup: { id: string } }>(
    stack.apiUrl,
    'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
    { input: { name: 'Tokyo Tennis Circle', kind: 'CLUB', currency: 'JPY', memberNumberPrefix: 'TTC', billingSettings: { mode: 'EQUAL_SPLIT', cycle: 'MONTHLY' } } },
    token,
  );
  const group = `${stack.consoleUrl}/groups/${encodeURIComponent(createGroup.id)}`;
  const { context, page } = await stack.newPage();
  try {
    await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);

    await page.goto(`${group}/dues`);
    await page.getByRole('heading', { level: 2, name: 'Dues' }).waitFor();
    await page.getByText('Open a billing period', { exact: true }).click();
    const form = page.getByRole('form', { name: 'Open billing period' });
    const total = form.getByRole('textbox', { name: 'Total (JPY)' });
    expect(await total.getAttribute('placeholder')).toBe('e.g. 649');
    await total.fill('1003');
    // The group's one member (its admin) carries the whole total.
    await form.getByTestId('period-preview').filter({ hasText: /^\S*1,003 split equally among 1 member: \S*1,003 each\.$/ }).waitFor();

    await page.goto(`${group}/transactions`);
    await page.getByText('Record a transaction', { exact: true }).click();
    expect(await page.getByRole('form', { name: 'Record transaction' }).getByRole('textbox', { name: 'Amount (JPY)' }).getAttribute('placeholder')).toBe('e.g. 500');

    await page.goto(group);
    await page.getByText('Add a member', { exact: true }).click();
    expect(await page.getByRole('textbox', { name: 'Custom amount (JPY)' }).getAttribute('placeholder')).toBe('e.g. 499');
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);
