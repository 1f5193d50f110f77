/**
 * Settings in a real browser against the real API. The demo admin turns Stripe on, sets the UPI
 * id and bank details, changes the billing price, and after a reload finds every value kept:
 * the billing save (which replaces the settings as a whole) kept the fields nobody touched, and
 * the masked bank account survives the other sections' saves. A bad UPI id or 500 grace days
 * shows the API's message by its field and changes nothing. An operator has no Settings tab and
 * is told so at the URL. A JPY group takes whole amounts only, and once deactivated the console
 * shows it read-only.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, ARTIFACTS, DEMO_GROUP, graphqlAsApi, OPERATOR_EMAIL, OPERATOR_PASSWORD, signInAndOpenDemoGroup, TEST_TIMEOUT_MS, useStack } from './support/stack';

const stack = useStack();

interface Settings {
  name: string;
  status: string;
  approvalThreshold: { amount: string } | null;
  billingSettings: Record<string, unknown> & { graceDays: number; price: { amount: string } | null };
  paymentSettings: { upiId: string | null; bankAccountMasked: string | null; bankIfsc: string | null; razorpayEnabled: boolean; stripeEnabled: boolean };
}

/** The group as the API holds it, read behind the browser's back. */
async function settingsOf(token: string, groupId: string): Promise<Settings> {
  const { group } = await graphqlAsApi<{ group: Settings }>(
    stack.apiUrl,
    `query ($id: ID!) { group(id: $id) { name status approvalThreshold { amount }
      billingSettings { mode cycle price { amount } dueDay graceDays annualDueDate termRule renewalWindowDays timeZone
        membershipFees { monthly { amount } annual { amount } lifetime { amount } applicationFee { amount } } }
      paymentSettings { upiId bankAccountMasked bankIfsc razorpayEnabled stripeEnabled } } }`,
    { id: groupId },
    token,
  );
  return group;
}

/** The message shown by this input (its aria-describedby), once the input is marked invalid. */
async function fieldError(page: Page, input: Locator): Promise<string> {
  await input.and(page.locator('[aria-invalid="true"]')).waitFor();
  const id = await input.getAttribute('aria-describedby');
  return id ? ((await page.locator(`[id="${id}"]`).textContent()) ?? '') : '';
}

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Settings', exact: true }).click();
  await page.waitForURL(/\/settings$/);
  await page.getByRole('form', { name: 'Payment settings' }).waitFor();
}

test('an admin saves payments and billing, reloads and finds them kept; bad values show the API’s message by their field and change nothing', async () => {
  const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const before = await settingsOf(token, groupId);
  expect(before.paymentSettings).toMatchObject({ razorpayEnabled: true, stripeEnabled: false, bankAccountMasked: null });

  const { page } = await stack.newPage({ width: 1280, height: 800 });
  await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  await openSettings(page);
  await page.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();

  const payments = page.getByRole('form', { name: 'Payment settings' });
  const billing = page.getByRole('form', { name: 'Billing settings' });
  const upi = payments.getByRole('textbox', { name: 'UPI id' });
  const account = payments.getByRole('textbox', { name: 'Bank account number' });
  const razorpay = payments.getByRole('checkbox', { name: /Razorpay/ });
  const stripe = payments.getByRole('checkbox', { name: /Stripe/ });
  const price = billing.getByRole('textbox', { name: 'Price (INR)' });
  const graceDays = billing.getByRole('textbox', { name: 'Grace days' });

  // The test API has no provider keys: the page says both run as the sandbox.
  await payments.getByText('Sandbox', { exact: true }).first().waitFor();
  expect(await payments.getByText('Sandbox', { exact: true }).count()).toBe(2);
  expect(await upi.inputValue()).toBe('sunrise.club@okbank');
  expect(await razorpay.isChecked()).toBe(true);
  expect(await stripe.isChecked()).toBe(false);
  expect(await price.inputValue()).toBe('1200.00');

  await upi.fill('treasurer.sunrise@okhdfc');
  await account.fill('50100123456789');
  await payments.getByRole('textbox', { name: 'IFSC' }).fill('hdfc0001234');
  await stripe.check();
  await payments.getByRole('button', { name: 'Save payment settings' }).click();
  await payments.getByRole('status').filter({ hasText: 'Payment settings saved.' }).waitFor();
  expect(await payments.getByTestId('bank-account-masked').textContent()).toBe('XXXXXXXX6789');
  // The number itself does not stay in the page once saved.
  expect(await account.inputValue()).toBe('');

  await price.fill('1350.50');
  await billing.getByRole('button', { name: 'Save billing settings' }).click();
  await billing.getByRole('status').filter({ hasText: 'Billing settings saved.' }).waitFor();

  const threshold = page.getByRole('form', { name: 'Approval threshold' }).getByRole('textbox', { name: 'Threshold (INR)' });
  expect(await threshold.getAttribute('placeholder')).toBe('e.g. 500.00');
  await threshold.fill('5000');
  await page.getByRole('button', { name: 'Save threshold' }).click();
  await page.getByRole('status').filter({ hasText: 'Approval threshold saved.' }).waitFor();

  await page.reload();
  await payments.waitFor();
  expect(await upi.inputValue()).toBe('treasurer.sunrise@okhdfc');
  expect(await payments.getByRole('textbox', { name: 'IFSC' }).inputValue()).toBe('HDFC0001234');
  expect(await stripe.isChecked()).toBe(true);
  expect(await razorpay.isChecked()).toBe(true);
  expect(await payments.getByTestId('bank-account-masked').textContent()).toBe('XXXXXXXX6789');
  expect(await price.inputValue()).toBe('1350.50');
  expect(await graceDays.inputValue()).toBe('15');
  expect(await billing.getByRole('textbox', { name: 'Annual term' }).inputValue()).toBe('1200.00');
  expect(await threshold.inputValue()).toBe('5000.00');

  // The API agrees: the billing save replaced the settings with the same ones plus the new price.
  const saved = await settingsOf(token, groupId);
  expect(saved.billingSettings).toEqual({ ...before.billingSettings, price: { amount: '1350.50' } });
  expect(saved.paymentSettings).toEqual({ upiId: 'treasurer.sunrise@okhdfc', bankAccountMasked: 'XXXXXXXX6789', bankIfsc: 'HDFC0001234', razorpayEnabled: true, stripeEnabled: true });
  expect(saved.approvalThreshold).toEqual({ amount: '5000.00' });

  // Payments saved again with the account field left empty: the saved account stays.
  await razorpay.uncheck();
  await payments.getByRole('button', { name: 'Save payment settings' }).click();
  await payments.getByRole('status').filter({ hasText: 'Payment settings saved.' }).waitFor();
  await page.reload();
  await payments.waitFor();
  expect(await razorpay.isChecked()).toBe(false);
  expect(await payments.getByTestId('bank-account-masked').textContent()).toBe('XXXXXXXX6789');
  expect((await settingsOf(token, groupId)).paymentSettings).toMatchObject({ bankAccountMasked: 'XXXXXXXX6789', razorpayEnabled: false });

  // A UPI id the API refuses: its message by the UPI field, nothing saved.
  await upi.fill('nope');
  await payments.getByRole('button', { name: 'Save payment settings' }).click();
  expect(await fieldError(page, upi)).toBe('Not a UPI id like name@bank');
  expect(await payments.getByRole('status').count()).toBe(0);

  // 500 grace days (with a new price in the same save): the message by Grace days, and neither is saved.
  await price.fill('999.00');
  await graceDays.fill('500');
  await billing.getByRole('button', { name: 'Save billing settings' }).click();
  expect(await fieldError(page, graceDays)).toBe('Grace days must be between 0 and 90');
  expect(await price.getAttribute('aria-invalid')).toBeNull();

  const unchanged = await settingsOf(token, groupId);
  expect(unchanged.paymentSettings.upiId).toBe('treasurer.sunrise@okhdfc');
  expect(unchanged.billingSettings).toEqual(saved.billingSettings);
  await page.reload();
  await payments.waitFor();
  expect(await upi.inputValue()).toBe('treasurer.sunrise@okhdfc');
  expect(await graceDays.inputValue()).toBe('15');
  expect(await price.inputValue()).toBe('1350.50');

  await page.screenshot({ path: join(ARTIFACTS, 'settings-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await payments.waitFor();
  // On a phone the page must not scroll sideways (the tab strip scrolls inside itself).
  const width = await page.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollWidth);
  expect(width).toBeLessThanOrEqual(391);
  const tab = page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Settings', exact: true });
  expect(await tab.getAttribute('aria-current')).toBe('page');
  await page.screenshot({ path: join(ARTIFACTS, 'settings-390.png'), fullPage: true });
}, TEST_TIMEOUT_MS);

test('an operator has no Settings tab, and the settings URL tells them it is for admins', async () => {
  const { groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { page } = await stack.newPage();
  await signInAndOpenDemoGroup(page, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
  const tabs = page.getByRole('navigation', { name: 'Group sections' });
  await tabs.getByRole('link', { name: 'Transactions' }).waitFor();
  expect(await tabs.getByRole('link', { name: 'Settings', exact: true }).count()).toBe(0);

  await page.goto(`${stack.consoleUrl}/groups/${encodeURIComponent(groupId)}/settings`);
  await page.getByRole('alert').filter({ hasText: 'Only the group’s admins can see and change its settings.' }).waitFor();
  expect(await page.getByRole('form').count()).toBe(0);
}, TEST_TIMEOUT_MS);

test('a JPY group takes whole amounts only; renamed and then deactivated, the console shows it read-only', async () => {
  const { token } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { createGroup } = await graphqlAsApi<{ createGroup: { id: string } }>(
    stack.apiUrl,
    'mutation ($input: CreateGroupInput!) { createGroup(input: $input) { id } }',
    { input: { name: 'Tokyo Film Circle', kind: 'CLUB', currency: 'JPY', memberNumberPrefix: 'TFC' } },
    token,
  );
  const groupId = createGroup.id;
  const { page } = await stack.newPage();
  await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.goto(`${stack.consoleUrl}/groups/${encodeURIComponent(groupId)}/settings`);
  await page.getByRole('form', { name: 'Approval threshold' }).waitFor();

  const threshold = page.getByRole('textbox', { name: 'Threshold (JPY)' });
  expect(await threshold.getAttribute('placeholder')).toBe('e.g. 500');
  expect(await threshold.getAttribute('inputmode')).toBe('numeric');
  await threshold.fill('10.5');
  await page.getByRole('button', { name: 'Save threshold' }).click();
  expect(await fieldError(page, threshold)).toBe('Enter a whole amount: JPY has no decimals (e.g. 500).');
  await threshold.fill('5000');
  await page.getByRole('button', { name: 'Save threshold' }).click();
  await page.getByRole('status').filter({ hasText: 'Approval threshold saved.' }).waitFor();

  const general = page.getByRole('form', { name: 'General settings' });
  await general.getByRole('textbox', { name: 'Group name' }).fill('Tokyo Film Society');
  await general.getByRole('combobox', { name: 'Kind' }).selectOption('SOCIETY');
  await general.getByRole('button', { name: 'Save general settings' }).click();
  await general.getByRole('status').filter({ hasText: 'General settings saved.' }).waitFor();
  // The group's title follows at once (the answer updates the cached group).
  await page.getByRole('heading', { level: 1, name: 'Tokyo Film Society' }).waitFor();

  await page.reload();
  await page.getByRole('form', { name: 'Approval threshold' }).waitFor();
  expect(await threshold.inputValue()).toBe('5000');
  expect((await settingsOf(token, groupId)).approvalThreshold).toEqual({ amount: '5000' });

  await page.getByRole('button', { name: 'Deactivate group…' }).click();
  const confirm = page.getByRole('form', { name: 'Deactivate group' });
  const deactivate = confirm.getByRole('button', { name: 'Deactivate this group' });
  expect(await deactivate.isDisabled()).toBe(true);
  await confirm.getByRole('textbox', { name: 'Type the group’s name to confirm' }).fill('Tokyo Film Society');
  await deactivate.click();
  await page.getByTestId('group-deactivated').waitFor();
  expect(await page.getByRole('textbox', { name: 'Group name' }).isDisabled()).toBe(true);
  expect(await page.getByRole('button', { name: 'Save threshold' }).isDisabled()).toBe(true);
  expect((await settingsOf(token, groupId)).status).toBe('DEACTIVATED');
  await page.getByRole('status').filter({ hasText: 'This group is deactivated' }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'settings-deactivated.png'), fullPage: true });

  await page.goto(`${stack.consoleUrl}/`);
  await page.getByRole('link', { name: /Tokyo Film Society/ }).filter({ hasText: 'Deactivated' }).waitFor();
  await page.getByRole('link', { name: new RegExp(DEMO_GROUP) }).filter({ hasNotText: 'Deactivated' }).first().waitFor();
}, TEST_TIMEOUT_MS);
