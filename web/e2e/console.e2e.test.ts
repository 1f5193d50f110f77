/**
 * The console in a real browser against the real API (see support/stack.ts): an admin's and an
 * operator's member changes.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiSession,
  ARTIFACTS,
  graphqlAsApi,
  memberRow,
  OPERATOR_EMAIL,
  OPERATOR_PASSWORD,
  signInAndOpenDemoGroup,
  TEST_TIMEOUT_MS,
  uniqueEmail,
  useStack,
} from './support/stack';

const stack = useStack();

test('an admin signs in, opens the demo group and adds a member; errors show inline; changes arrive live', async () => {
  const { context, page } = await stack.newPage();

  try {
    // Signed-out visitors land on the sign-in page; then the groups list and the demo group.
    await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);

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
    const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const liveEmail = uniqueEmail('live');
    await graphqlAsApi(
      stack.apiUrl,
      'mutation ($input: AddMemberInput!) { addMember(input: $input) { member { id } } }',
      { input: { groupId, email: liveEmail, name: 'Live Update' } },
      token,
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
  const { context, page } = await stack.newPage();

  try {
    await signInAndOpenDemoGroup(page, stack.consoleUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);

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
