/**
 * Self-service and integrators in a real browser against the real API (see support/stack.ts):
 * the demo admin creates an API key in the console, a program uses it with fetch, and once the
 * key is revoked in the console the API refuses it. The demo operator manages their account:
 * profile, consent, data download, and deleting the account with a typed confirmation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  ARTIFACTS,
  DEMO_GROUP,
  OPERATOR_EMAIL,
  OPERATOR_PASSWORD,
  signInAndOpenDemoGroup,
  TEST_TIMEOUT_MS,
  useStack,
} from './support/stack';

const stack = useStack();

interface GraphQLAnswer {
  status: number;
  data?: { me?: { apiKey: { name: string; role: string; group: { name: string } } | null } } | null;
  errors?: { extensions?: { code?: string } }[];
}

async function meWithKey(secret: string): Promise<GraphQLAnswer> {
  const response = await fetch(stack.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query: '{ me { apiKey { name role group { name } } } }' }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLAnswer, 'status'>) };
}

test('an admin creates an API key, a program uses it, and it is refused once revoked', async () => {
  const { context, page } = await stack.newPage();
  const keyName = `Accounting sync ${randomBytes(2).toString('hex')}`;
  try {
    await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: /API keys/ }).click();
    await page.getByRole('heading', { level: 2, name: 'API keys' }).waitFor();

    const form = page.getByRole('form', { name: 'Create API key' });
    if (!(await form.isVisible())) await page.getByText('Create an API key', { exact: true }).click();
    // The name is required: the console says so before asking the API.
    await form.getByRole('button', { name: 'Create key' }).click();
    await form.getByText('Name the key after the integration that uses it.').waitFor();
    await form.getByRole('textbox', { name: 'Key name' }).fill(keyName);
    await form.getByRole('combobox', { name: 'Role' }).selectOption('OPERATOR');
    await form.getByRole('button', { name: 'Create key' }).click();

    const secretField = page.getByRole('textbox', { name: 'New API key' });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^cof_[A-Za-z0-9]{8}_[A-Za-z0-9_-]+$/);
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: keyName });
    await row.waitFor();
    expect(await row.textContent()).toContain('Operator');
    expect(await row.textContent()).toContain('Never');
    expect(await row.textContent()).toContain(secret.split('_').slice(0, 2).join('_'));
    // The whole secret is in the one-time notice only, never in the list.
    expect(await page.getByRole('table', { name: 'API keys' }).textContent()).not.toContain(secret);

    // A program uses the key.
    const used = await meWithKey(secret);
    expect(used.status).toBe(200);
    expect(used.data?.me?.apiKey).toEqual({ name: keyName, role: 'OPERATOR', group: { name: DEMO_GROUP } });

    // The list shows when it was last used; the secret is gone after a reload.
    await page.reload();
    await row.waitFor();
    expect(await row.textContent()).not.toContain('Never');
    expect(await page.getByRole('textbox', { name: 'New API key' }).count()).toBe(0);

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: `Revoke ${keyName}` }).click();
    await row.getByText('Revoked').waitFor();
    const refused = await meWithKey(secret);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await page.screenshot({ path: join(ARTIFACTS, 'api-keys.png'), fullPage: true });
  } catch (error) {
    await page.screenshot({ path: join(ARTIFACTS, 'api-keys-failure.png'), fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);

test('a person edits their profile, gives consent, downloads their data and deletes their account', async () => {
  const { context, page } = await stack.newPage({ width: 390, height: 844 });
  try {
    await signInAndOpenDemoGroup(page, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
    await page.getByRole('link', { name: /my account/ }).click();
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();

    const profile = page.getByRole('form', { name: 'Profile' });
    await profile.getByRole('textbox', { name: 'Phone' }).fill('not a phone');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByText(/Not a phone number/).waitFor();
    await profile.getByRole('textbox', { name: 'Phone' }).fill('+91 98450 12345');
    await profile.getByRole('combobox', { name: 'Language' }).selectOption('hi');
    await profile.getByRole('checkbox', { name: 'WhatsApp' }).uncheck();
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByText('Your profile was saved.').waitFor();

    const marketing = page.getByRole('checkbox', { name: 'Send me news and offers' });
    await marketing.check();
    await page.getByText(/Given/).waitFor();
    expect(await marketing.isChecked()).toBe(true);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^coffer-my-data-\d{4}-\d{2}-\d{2}\.json$/);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { profile: { email: string; phone: string; language: string }; consents: { type: string; granted: boolean }[] };
    expect(exported.profile).toMatchObject({ email: OPERATOR_EMAIL, phone: '+91 98450 12345', language: 'hi' });
    expect(exported.consents).toEqual([expect.objectContaining({ type: 'MARKETING', granted: true })]);
    await page.screenshot({ path: join(ARTIFACTS, 'my-account-390.png'), fullPage: true });

    // Deleting needs the e-mail typed out; then the person is signed out for good.
    const remove = page.getByRole('form', { name: 'Delete account' });
    const button = remove.getByRole('button', { name: 'Delete my account' });
    await remove.getByRole('textbox', { name: 'Type your e-mail address to confirm' }).fill('someone@else.example');
    expect(await button.isDisabled()).toBe(true);
    await remove.getByRole('textbox', { name: 'Type your e-mail address to confirm' }).fill(OPERATOR_EMAIL);
    await button.click();
    await page.waitForURL(/\/signin/);
    await page.getByRole('textbox', { name: 'E-mail' }).fill(OPERATOR_EMAIL);
    await page.getByRole('textbox', { name: 'Password' }).fill(OPERATOR_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    expect(page.url()).toContain('/signin');
  } catch (error) {
    await page.screenshot({ path: join(ARTIFACTS, 'my-account-failure.png'), fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}, TEST_TIMEOUT_MS);
