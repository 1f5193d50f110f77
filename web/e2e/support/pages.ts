/**
 * The console's main pages, for tests that check every one of them the same way (accessibility,
 * a phone-sized screen): how to reach each and what shows once it has loaded.
 */
import { readFileSync } from 'node:fs';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, CRON_SECRET, DEMO_GROUP, graphqlAsApi, OPERATOR_EMAIL, OPERATOR_PASSWORD, uniqueEmail } from './stack';

export type Visitor = 'admin' | 'member' | 'anonymous';

export interface MainPage {
  /** Short name, also the screenshot's file name. */
  name: string;
  visitor: Visitor;
  path: string;
  /** Resolves once the page shows its data (not just a loading state). */
  ready(page: Page): Promise<void>;
}

/** Data the pages need so they show real content: a member who can sign in, a period with dues, a sponsor link. */
export interface Fixture {
  groupId: string;
  memberEmail: string;
  memberPassword: string;
  sponsorUrl: string;
}

export async function createFixture(apiUrl: string): Promise<Fixture> {
  const { token, groupId } = await apiSession(apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const memberEmail = uniqueEmail('quality');
  await graphqlAsApi(apiUrl, 'mutation ($input: AddMemberInput!) { addMember(input: $input) { member { id } } }', { input: { groupId, email: memberEmail, name: 'Mina Member' } }, token);
  // The new member's temporary password arrives by e-mail (the local outbox without SMTP).
  const cron = await fetch(apiUrl.replace(/\/graphql$/, '/api/cron/notification-tasks'), { method: 'POST', headers: { 'x-cron-secret': CRON_SECRET } });
  if (cron.status !== 200) throw new Error(`notification worker: ${cron.status}`);
  const { outboxMessages } = await graphqlAsApi<{ outboxMessages: { edges: { node: { recipient: string; bodyText: string } }[] } }>(
    apiUrl,
    'query ($groupId: ID!) { outboxMessages(groupId: $groupId, first: 50) { edges { node { recipient bodyText } } } }',
    { groupId },
    token,
  );
  const welcome = outboxMessages.edges.map((edge) => edge.node).find((message) => message.recipient === memberEmail);
  const temporary = /temporary password is: (\S+)/.exec(welcome?.bodyText ?? '')?.[1];
  if (!temporary) throw new Error('no welcome message with a temporary password');
  const memberPassword = 'mina-checks-her-dues';
  const { signIn } = await graphqlAsApi<{ signIn: { accessToken: string } }>(
    apiUrl,
    'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { accessToken } }',
    { email: memberEmail, password: temporary },
  );
  await graphqlAsApi(apiUrl, 'mutation ($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { id } }', { current: temporary, next: memberPassword }, signIn.accessToken);

  await graphqlAsApi(
    apiUrl,
    'mutation ($input: CreateBillingPeriodInput!) { createBillingPeriod(input: $input) { dueCount } }',
    { input: { groupId, label: 'Season 2027', periodStart: '2027-03-01', periodEnd: '2027-03-31' } },
    token,
  );
  // Two requests wait in the approvals inbox: a member says they paid (their "I've paid" link), an operator adds a member.
  const { dues } = await graphqlAsApi<{ dues: { edges: { node: { member: { name: string }; iHavePaidLink: string | null } }[] } }>(
    apiUrl,
    'query ($groupId: ID!) { dues(groupId: $groupId) { edges { node { member { name } iHavePaidLink } } } }',
    { groupId },
    token,
  );
  const link = dues.edges.find((edge) => edge.node.member.name === 'Ravi Kumar')?.node.iHavePaidLink;
  if (!link || !(await fetch(link)).ok) throw new Error('the "I\'ve paid" link did not work');
  const operator = await apiSession(apiUrl, OPERATOR_EMAIL, OPERATOR_PASSWORD);
  await graphqlAsApi(apiUrl, 'mutation ($input: AddMemberInput!) { addMember(input: $input) { member { id } } }', { input: { groupId, email: uniqueEmail('waiting'), name: 'Wanda Waiting' } }, operator.token);

  const { createSponsor } = await graphqlAsApi<{ createSponsor: { id: string } }>(
    apiUrl,
    'mutation ($input: CreateSponsorInput!) { createSponsor(input: $input) { id } }',
    { input: { groupId, name: 'Acme Sports', contactEmail: 'deals@acme.example' } },
    token,
  );
  const { createSponsorLink } = await graphqlAsApi<{ createSponsorLink: { url: string } }>(
    apiUrl,
    'mutation ($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { url } }',
    {
      input: {
        groupId,
        sponsorId: createSponsor.id,
        amount: { amount: '25000.50', currency: 'INR' },
        purpose: 'Marathon kit and water',
        bankDetails: { accountNumber: '50100123456789', ifsc: 'HDFC0001234', accountName: 'Sunrise Running Club' },
        expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    },
    token,
  );
  return { groupId, memberEmail, memberPassword, sponsorUrl: createSponsorLink.url };
}

function heading(level: number, name: string | RegExp) {
  return async (page: Page) => {
    await page.getByRole('heading', { level, name }).first().waitFor();
  };
}

function table(name: string) {
  return async (page: Page) => {
    await page.getByRole('table', { name }).getByRole('row').nth(1).waitFor();
  };
}

function all(...steps: ((page: Page) => Promise<void>)[]) {
  return async (page: Page) => {
    for (const step of steps) await step(page);
  };
}

export function mainPages(fixture: Fixture): MainPage[] {
  const group = `/groups/${encodeURIComponent(fixture.groupId)}`;
  return [
    { name: 'signin', visitor: 'anonymous', path: '/signin', ready: heading(1, 'Sign in to Coffer') },
    { name: 'sponsor-public', visitor: 'anonymous', path: new URL(fixture.sponsorUrl).pathname, ready: heading(1, 'Sponsorship from Acme Sports') },
    { name: 'groups', visitor: 'admin', path: '/', ready: all(heading(1, 'Your groups'), async (page) => page.getByRole('link', { name: new RegExp(DEMO_GROUP) }).waitFor()) },
    { name: 'members', visitor: 'admin', path: group, ready: all(heading(2, 'Members'), table('Members')) },
    { name: 'dashboard', visitor: 'admin', path: `${group}/dashboard`, ready: all(heading(2, 'Dashboard'), async (page) => page.getByTestId('dashboard-income').waitFor()) },
    {
      name: 'transactions',
      visitor: 'admin',
      path: `${group}/transactions`,
      // The record form is part of the page's job: open it so it is checked too.
      ready: all(heading(2, 'Transactions'), async (page) => {
        await page.getByText('Record a transaction', { exact: true }).click();
        await page.getByRole('form', { name: 'Record transaction' }).getByRole('button', { name: 'Record transaction' }).waitFor();
      }),
    },
    {
      name: 'approvals',
      visitor: 'admin',
      path: `${group}/approvals`,
      ready: all(heading(2, 'Approvals'), async (page) => page.getByTestId('pending-total').filter({ hasText: '2 requests' }).waitFor()),
    },
    { name: 'dues', visitor: 'admin', path: `${group}/dues`, ready: all(heading(2, 'Dues'), async (page) => page.getByTestId('due-row').first().waitFor()) },
    { name: 'sponsors', visitor: 'admin', path: `${group}/sponsors`, ready: all(heading(2, 'Sponsors'), table('Sponsor links')) },
    { name: 'activity', visitor: 'admin', path: `${group}/activity`, ready: heading(2, 'Audit & activity') },
    { name: 'group-notifications', visitor: 'admin', path: `${group}/notifications`, ready: heading(2, 'Reminder schedules') },
    { name: 'remittances', visitor: 'admin', path: `${group}/remittances`, ready: heading(2, 'Remittances') },
    { name: 'settings', visitor: 'admin', path: `${group}/settings`, ready: all(heading(2, 'Settings'), async (page) => page.getByRole('form', { name: 'Payment settings' }).waitFor()) },
    { name: 'webhooks', visitor: 'admin', path: `${group}/settings/webhooks`, ready: heading(2, 'Webhooks') },
    { name: 'api-keys', visitor: 'admin', path: `${group}/api-keys`, ready: heading(2, 'API keys') },
    { name: 'inbox', visitor: 'admin', path: '/notifications', ready: heading(1, 'Notifications') },
    { name: 'account', visitor: 'admin', path: '/account', ready: all(heading(1, 'My account'), heading(2, 'Profile')) },
    { name: 'my-dues', visitor: 'member', path: `${group}/dues`, ready: all(heading(2, 'My dues'), async (page) => page.getByTestId('due-row').first().waitFor()) },
  ];
}

/** Signs in through the sign-in page and waits until the groups list shows. */
export async function signIn(page: Page, consoleUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${consoleUrl}/signin`);
  await page.getByRole('textbox', { name: 'E-mail' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: new RegExp(DEMO_GROUP) }).waitFor();
}

/** Opens a main page and waits for its content; a short pause lets late live updates and layout settle. */
export async function open(page: Page, consoleUrl: string, main: MainPage): Promise<void> {
  await page.goto(`${consoleUrl}${main.path}`);
  await main.ready(page);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(300);
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Finding {
  page: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page (evaluated, not a script tag, so a content security policy cannot
 * block it) with the WCAG 2.x A/AA and best-practice rules; returns the serious and critical findings.
 */
export async function seriousViolations(page: Page, name: string): Promise<Finding[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    const run = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return run.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? 'unknown',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return results.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical').map((finding) => ({ page: name, ...finding }));
}

export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `[${f.page}] ${f.rule} (${f.impact}): ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');
}
