/**
 * Remittances in two browsers against the real API and the offline payout sandbox: admin A
 * adds a recipient, asks for a quote (every cost line and a countdown), confirms; admin B sees
 * the request arrive in the open inbox and approves; A's list moves to Completed without a
 * reload, and the timeline tells who did what.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, ARTIFACTS, graphqlAsApi, OPERATOR_EMAIL, OPERATOR_PASSWORD, signInAndOpenDemoGroup, TEST_TIMEOUT_MS, useStack } from './support/stack';

const stack = useStack();

function tab(page: Page, name: string | RegExp) {
  return page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name });
}

/** The demo operator becomes the second admin; the group gets money to send. */
async function prepare(): Promise<void> {
  const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const members = await graphqlAsApi<{ members: { edges: { node: { id: string; email: string | null } }[] } }>(
    stack.apiUrl,
    'query($g: ID!) { members(groupId: $g, first: 100) { edges { node { id email } } } }',
    { g: groupId },
    token,
  );
  const operator = members.members.edges.find((edge) => edge.node.email === OPERATOR_EMAIL)!.node;
  await graphqlAsApi(stack.apiUrl, 'mutation($id: ID!) { updateMember(id: $id, input: { role: ADMIN }) { pendingApproval } }', { id: operator.id }, token);
  await graphqlAsApi(
    stack.apiUrl,
    'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id } } }',
    { input: { groupId, type: 'CASH_IN', category: 'DONATION', amount: { amount: '5000.00', currency: 'INR' }, paymentMode: 'BANK_TRANSFER' } },
    token,
  );
}

test('admin A quotes and creates a remittance; admin B approves it live; it completes in A’s list without a reload', async () => {
  await prepare();
  const a = (await stack.newPage()).page;
  const b = (await stack.newPage()).page;

  // Admin B keeps the inbox open.
  await signInAndOpenDemoGroup(b, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
  await tab(b, /Approvals/).click();
  await b.getByRole('heading', { level: 2, name: 'Approvals' }).waitFor();
  await b.waitForTimeout(1000);

  // Admin A adds a recipient: the account comes back masked.
  await signInAndOpenDemoGroup(a, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  await tab(a, 'Remittances').click();
  await a.getByRole('heading', { level: 2, name: 'Remittances' }).waitFor();
  await a.getByText('Add a recipient', { exact: true }).click();
  const recipientForm = a.getByRole('form', { name: 'Add recipient' });
  await recipientForm.getByRole('textbox', { name: 'Name', exact: true }).fill('Marko Marković');
  await recipientForm.getByRole('combobox', { name: 'Country and currency' }).selectOption('RS/RSD');
  await recipientForm.getByRole('textbox', { name: 'Bank account or IBAN' }).fill('RS35 2600 0560 1001 6113 79');
  await recipientForm.getByRole('button', { name: 'Add recipient' }).click();
  const recipientRow = a.getByRole('table', { name: 'Recipients' }).getByRole('row').filter({ hasText: 'Marko Marković' });
  await recipientRow.getByText('*****1379').waitFor();
  expect(await a.content()).not.toContain('35260005601001611379');

  // A quote shows every cost line and a countdown before anything is sent.
  const send = a.getByRole('form', { name: 'Send money' });
  const recipientSelect = send.getByRole('combobox', { name: 'Recipient' });
  const option = recipientSelect.locator('option', { hasText: 'Marko Marković' });
  await option.waitFor({ state: 'attached' });
  await recipientSelect.selectOption((await option.getAttribute('value')) ?? '');
  await send.getByRole('textbox', { name: 'Amount (INR)' }).fill('1000.005');
  await send.getByRole('button', { name: 'Get quote' }).click();
  await send.getByText(/at most 2 decimal places/).waitFor();
  await send.getByRole('textbox', { name: 'Amount (INR)' }).fill('1000');
  await send.getByRole('button', { name: 'Get quote' }).click();
  const quote = a.getByRole('region', { name: 'Quote' });
  await quote.waitFor();
  expect(await quote.getByTestId('quote-send').textContent()).toBe('₹1,000.00');
  expect(await quote.getByTestId('quote-fee').textContent()).toBe('₹5.00');
  expect(await quote.getByTestId('quote-total').textContent()).toBe('₹1,005.00');
  expect(await quote.getByTestId('quote-rate').textContent()).toContain('1 INR = 1.20205128 RSD');
  expect(await quote.getByTestId('quote-receive').textContent()).toMatch(/1,202\.05/);
  expect(await quote.getByText('2–4 business days').count()).toBe(1);
  const countdown = quote.getByTestId('quote-countdown');
  const first = await countdown.textContent();
  expect(first).toMatch(/Rate held for (10:00|9:5\d)/);
  // It ticks.
  await a.waitForTimeout(1500);
  expect(await countdown.textContent()).not.toBe(first);
  await a.screenshot({ path: join(ARTIFACTS, 'remittance-quote.png'), fullPage: true });
  await quote.getByRole('textbox', { name: 'Reference (optional)' }).fill('Coach fee November');
  await quote.getByRole('button', { name: 'Confirm and send for approval' }).dblclick();
  await a.getByRole('status').filter({ hasText: /Waiting for a second admin/ }).waitFor();
  const row = a.getByRole('table', { name: 'Remittances' }).getByTestId('remittance-row').filter({ hasText: 'Coach fee November' });
  await row.getByText('Waiting for approval').waitFor();
  expect(await a.getByRole('table', { name: 'Remittances' }).getByTestId('remittance-row').count()).toBe(1);

  // Admin B sees the request live, with its cost lines, and approves it.
  const card = b.getByRole('list', { name: 'Waiting for a decision' }).getByRole('listitem').filter({ hasText: 'Send a remittance' });
  await card.waitFor();
  const cardText = (await card.textContent()) ?? '';
  expect(cardText).toContain('Marko Marković');
  expect(cardText).toContain('₹1,005.00');
  expect(cardText).toContain('*****1379');
  await card.getByRole('button', { name: 'Approve' }).click();
  await b.getByRole('status').filter({ hasText: /^Approved: Send a remittance/ }).waitFor();

  // A's list moves on by itself to Completed; the timeline names both admins.
  const urlBefore = a.url();
  await row.getByText('Completed').waitFor({ timeout: 30_000 });
  expect(a.url()).toBe(urlBefore);
  await row.getByRole('button', { name: 'Timeline' }).click();
  const timeline = a.getByRole('list', { name: /Timeline of the remittance/ });
  await timeline.getByText('Completed').waitFor();
  const steps = await timeline.getByRole('listitem').allTextContents();
  expect(steps.map((step) => step.split(' · ')[0])).toEqual(['Waiting for approval', 'Approved', 'Processing', 'Completed']);
  expect(steps[0]).toContain('Asha Admin');
  expect(steps[1]).toContain('Omar Operator');
  await a.screenshot({ path: join(ARTIFACTS, 'remittance-completed.png'), fullPage: true });
}, TEST_TIMEOUT_MS);
