/**
 * Settings › Webhooks in a real browser against the real API: the demo admin adds an
 * endpoint (the secret is shown once), a member added through the API reaches a local
 * receiver signed with that secret, the delivery shows up with its status, the admin
 * redelivers it, rotates the secret (the old one stops verifying) and deletes the endpoint.
 */
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { startWebhookReceiver, type WebhookReceiver } from '../../server/test/support/webhook-receiver';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, graphqlAsApi, signInAndOpenDemoGroup, TEST_TIMEOUT_MS, uniqueEmail, useStack } from './support/stack';

// The receiver listens on 127.0.0.1, which only an allow-list lets webhooks reach.
const stack = useStack({ apiEnv: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32' } });
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => receiver.close());

function signedWith(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  const expected = `v1=${createHmac('sha256', secret).update(`${headers['coffer-timestamp']}.${body}`).digest('hex')}`;
  return headers['coffer-signature'] === expected;
}

test('an admin adds an endpoint, sees the signed delivery arrive, redelivers it, rotates the secret and deletes the endpoint', async () => {
  const { page } = await stack.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { name: 'Webhooks' }).waitFor();

  await page.getByText('Add an endpoint').click();
  const form = page.getByRole('form', { name: 'Add webhook endpoint' });
  await form.getByRole('textbox', { name: 'URL' }).fill('http://10.0.0.1/hook');
  await form.getByRole('checkbox', { name: 'member.added' }).check();
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  // Not allow-listed: refused, named on the URL field.
  await form.getByText(/private, loopback, link-local or reserved/).waitFor();

  await form.getByRole('textbox', { name: 'URL' }).fill(`${receiver.url}/e2e`);
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  const secret = (await page.getByTestId('webhook-secret').locator('code').textContent()) ?? '';
  expect(secret).toMatch(/^whsec_/);
  const endpoint = page.getByTestId('webhook-endpoint').filter({ hasText: `${receiver.url}/e2e` });
  await endpoint.waitFor();

  const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const email = uniqueEmail('hook');
  await graphqlAsApi(stack.apiUrl, 'mutation($input: AddMemberInput!) { addMember(input: $input) { member { id } } }', { input: { groupId, email, name: 'Hooked' } }, token);
  const [first] = await receiver.waitFor('/e2e', 1, 20_000);
  expect(signedWith(secret, first.body, first.headers)).toBe(true);
  expect(JSON.parse(first.body)).toMatchObject({ type: 'member.added', groupId, data: { member: { email } } });

  await endpoint.getByText('Deliveries', { exact: true }).click();
  const deliveries = endpoint.getByTestId('webhook-delivery');
  await deliveries.filter({ hasText: 'SUCCEEDED' }).first().waitFor();
  await deliveries.first().getByRole('button', { name: 'Redeliver' }).click();
  const [, again] = await receiver.waitFor('/e2e', 2, 20_000);
  expect(JSON.parse(again.body).id).toBe(JSON.parse(first.body).id);
  await endpoint.getByRole('button', { name: 'Refresh' }).click();
  await deliveries.nth(1).waitFor();
  expect(await deliveries.count()).toBe(2);

  await endpoint.getByRole('button', { name: 'Rotate secret' }).click();
  const rotatedCode = page.getByTestId('webhook-secret').locator('code').filter({ hasNotText: secret });
  await rotatedCode.waitFor();
  const rotated = (await rotatedCode.textContent()) ?? '';
  expect(rotated).toMatch(/^whsec_/);
  await graphqlAsApi(stack.apiUrl, 'mutation($input: AddMemberInput!) { addMember(input: $input) { member { id } } }', { input: { groupId, email: uniqueEmail('hook'), name: 'Hooked Again' } }, token);
  const [, , third] = await receiver.waitFor('/e2e', 3, 20_000);
  expect(signedWith(rotated, third.body, third.headers)).toBe(true);
  expect(signedWith(secret, third.body, third.headers)).toBe(false);

  await endpoint.getByRole('button', { name: 'Delete' }).click();
  await page.getByText('No endpoints yet.').waitFor();
}, TEST_TIMEOUT_MS);
