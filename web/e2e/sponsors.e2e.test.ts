/**
 * Sponsors in a real browser against the real API (see support/stack.ts): the demo admin adds
 * a sponsor and creates a sponsor link; a visitor who is not signed in opens the link and sees
 * the amount, the purpose, the masked account and the UPI QR code; once the admin deactivates
 * the link, the visitor gets a clear "no longer active" page.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, ARTIFACTS, graphqlAsApi, signInAndOpenDemoGroup, TEST_TIMEOUT_MS, useStack } from './support/stack';

const stack = useStack();
const ACCOUNT = '50100123456789';

test('an admin creates a sponsor and a link; the public page shows the amount, the masked account and the QR; a second link is paid online through the sandbox', async () => {
  const admin = await stack.newPage();
  const visitor = await stack.newPage({ width: 390, height: 844 });
  const { page } = admin;
  const sponsorName = `Acme Sports ${randomBytes(2).toString('hex')}`;
  const purpose = `Marathon kit & water ${randomBytes(2).toString('hex')}`;

  try {
    await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Sponsors' }).click();
    await page.getByRole('heading', { level: 2, name: 'Sponsors' }).waitFor();

    // A sponsor: the API's field errors show inline, then it is added to the table.
    await page.getByText('Add a sponsor', { exact: true }).click();
    const sponsorForm = page.getByRole('form', { name: 'Add sponsor' });
    await sponsorForm.getByRole('textbox', { name: 'Name', exact: true }).fill(sponsorName);
    await sponsorForm.getByRole('textbox', { name: 'Contact e-mail' }).fill('not-an-email');
    await sponsorForm.getByRole('button', { name: 'Add sponsor' }).click();
    await sponsorForm.getByText('Enter a valid e-mail address').waitFor();
    await sponsorForm.getByRole('textbox', { name: 'Contact e-mail' }).fill('deals@acme.example');
    await sponsorForm.getByRole('button', { name: 'Add sponsor' }).click();
    await page.getByRole('table', { name: 'Sponsors' }).getByRole('row').filter({ hasText: sponsorName }).waitFor();

    // A link for that sponsor, paid into a stated account.
    await page.getByText('Create a sponsor link', { exact: true }).click();
    const linkForm = page.getByRole('form', { name: 'Create sponsor link' });
    await linkForm.getByRole('combobox', { name: 'Sponsor' }).selectOption({ label: sponsorName });
    await linkForm.getByRole('textbox', { name: /^Amount/ }).fill('25000.50');
    await linkForm.getByRole('textbox', { name: 'Purpose' }).fill(purpose);
    await linkForm.getByRole('textbox', { name: 'Bank account number' }).fill(ACCOUNT);
    await linkForm.getByRole('textbox', { name: 'IFSC' }).fill('HDFC0001234');
    await linkForm.getByRole('button', { name: 'Create link' }).click();
    const urlField = page.getByRole('textbox', { name: 'Sponsor link URL' });
    await urlField.waitFor();
    const url = await urlField.inputValue();
    expect(url).toMatch(new RegExp(`^${stack.consoleUrl}/sponsor/[A-Za-z0-9_-]{32}$`));
    const linkRow = page.getByRole('table', { name: 'Sponsor links' }).getByRole('row').filter({ hasText: purpose });
    await linkRow.waitFor();
    expect(await linkRow.textContent()).toContain('Active');
    expect(await linkRow.textContent()).toContain(sponsorName);

    // The sponsor opens it without signing in.
    const publicPage = visitor.page;
    await publicPage.goto(url);
    await publicPage.getByRole('heading', { level: 1, name: `Sponsorship from ${sponsorName}` }).waitFor();
    expect(await publicPage.getByTestId('sponsor-amount').textContent()).toMatch(/₹\s?25,000\.50/);
    await publicPage.getByText(purpose).waitFor();
    expect(await publicPage.getByTestId('sponsor-account').textContent()).toBe('XXXXXXXX6789');
    const qr = publicPage.getByRole('img', { name: /UPI QR code to pay/ });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const upiHref = await publicPage.getByRole('link', { name: /with a UPI app/ }).getAttribute('href');
    expect(upiHref).toMatch(/^upi:\/\/pay\?pa=sunrise\.club@okbank&pn=Sunrise%20Running%20Club&am=25000\.50&cu=INR&tn=/);
    expect(await publicPage.content()).not.toContain(ACCOUNT.slice(0, 8));
    await publicPage.screenshot({ path: join(ARTIFACTS, 'sponsor-public-page.png'), fullPage: true });

    // The admin deactivates the link: the public page says so plainly.
    page.once('dialog', (dialog) => void dialog.accept());
    await linkRow.getByRole('button', { name: 'Deactivate' }).click();
    await linkRow.getByText('Deactivated').waitFor();
    await publicPage.reload();
    await publicPage.getByRole('heading', { level: 1, name: 'This link is no longer active' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'sponsors-console.png'), fullPage: true });

    // A second link is paid online: the sandbox stands in for Razorpay and credits it once.
    const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const { createSponsorLink } = await graphqlAsApi<{ createSponsorLink: { id: string; url: string } }>(
      stack.apiUrl,
      'mutation ($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { id url } }',
      { input: { groupId, amount: { amount: '500.00', currency: 'INR' }, purpose: 'Water bottles', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
      token,
    );
    await publicPage.goto(createSponsorLink.url);
    await publicPage.getByRole('button', { name: 'Pay online' }).click();
    await publicPage.getByText('no real money moves').first().waitFor();
    await publicPage.getByRole('button', { name: 'Pay ₹500.00' }).click();
    await publicPage.getByRole('heading', { name: 'Payment sent' }).waitFor();
    await publicPage.goto(createSponsorLink.url);
    await publicPage.getByRole('heading', { level: 1, name: 'This link has been paid' }).waitFor();
    const { sponsorLink } = await graphqlAsApi<{ sponsorLink: { status: string; transaction: { category: string; amount: { amount: string } } | null } }>(
      stack.apiUrl,
      'query ($id: ID!) { sponsorLink(id: $id) { status transaction { category amount { amount } } } }',
      { id: createSponsorLink.id },
      token,
    );
    expect(sponsorLink).toEqual({ status: 'PAID', transaction: { category: 'SPONSORSHIP', amount: { amount: '500.00' } } });
  } catch (error) {
    await page.screenshot({ path: join(ARTIFACTS, 'sponsors-failure.png'), fullPage: true }).catch(() => undefined);
    await visitor.page.screenshot({ path: join(ARTIFACTS, 'sponsors-public-failure.png'), fullPage: true }).catch(() => undefined);
    throw error;
  } finally {
    await admin.context.close();
    await visitor.context.close();
  }
}, TEST_TIMEOUT_MS);
