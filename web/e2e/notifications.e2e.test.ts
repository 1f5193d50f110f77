/**
 * Reminders in the browser against the real API (see support/stack.ts): the demo admin sets
 * up a reminder schedule on the Notifications tab (a bad offset is refused under its field),
 * a billing period falls due today, the scheduler's reminders cron route runs, and the
 * reminders show in the notification log as sent and in the local outbox with the amount.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiSession, ARTIFACTS, CRON_SECRET, graphqlAsApi, signInAndOpenDemoGroup, TEST_TIMEOUT_MS, useStack } from './support/stack';

const stack = useStack();

function tab(page: Page, name: string | RegExp) {
  return page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name });
}

test('an admin schedules a reminder; the reminders cron route sends it; the log and the outbox show it', async () => {
  const { page } = await stack.newPage();
  try {
    await signInAndOpenDemoGroup(page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await tab(page, 'Notifications').click();
    await page.getByRole('heading', { level: 2, name: 'Reminder schedules' }).waitFor();
    await page.getByText('No reminders are scheduled.').waitFor();

    // An offset past a year is refused under its field.
    const form = page.getByRole('form', { name: 'New reminder schedule' });
    const days = form.getByRole('spinbutton', { name: 'Days' });
    await days.fill('400');
    await form.getByRole('button', { name: 'Add schedule' }).click();
    await form.getByText('Between 0 and 365 days').waitFor();

    // On the due date itself, by e-mail and in-app.
    await days.fill('0');
    await form.getByRole('checkbox', { name: 'In-app' }).check();
    await form.getByRole('button', { name: 'Add schedule' }).click();
    const schedule = page.getByTestId('reminder-schedule');
    await schedule.filter({ hasText: '0 days before the due date by E-mail, In-app' }).waitFor();

    // A period falls due today (the demo club bills its annual fee to its five primary members).
    const { token, groupId } = await apiSession(stack.apiUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    const today = new Date().toISOString().slice(0, 10);
    await graphqlAsApi(
      stack.apiUrl,
      'mutation ($input: CreateBillingPeriodInput!) { createBillingPeriod(input: $input) { dueCount } }',
      { input: { groupId, label: 'Reminder test', periodStart: today, periodEnd: today, dueDate: today } },
      token,
    );

    // The scheduler's cron route: five members, two channels, sent by the worker it runs.
    const cron = await fetch(stack.apiUrl.replace(/\/graphql$/, '/api/cron/reminders'), { method: 'POST', headers: { 'x-cron-secret': CRON_SECRET } });
    expect(cron.status).toBe(200);
    const { data } = (await cron.json()) as { data: { enqueued: number } };
    expect(data.enqueued).toBe(10);

    await page.getByRole('button', { name: 'Refresh' }).click();
    const reminders = page.getByTestId('notification-task').filter({ hasText: 'reminder.due' });
    await reminders.first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="notification-task"]').length >= 10);
    expect(await reminders.count()).toBe(10);
    for (const text of await reminders.allTextContents()) expect(text).toMatch(/Sent/);

    // No SMTP in this stack: the e-mails are in the outbox, with the amount due.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Outbox' }).waitFor();
    await page.getByRole('list', { name: 'Outbox' }).getByText(/Reminder: ₹1,200\.00 due/).first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'notifications.png'), fullPage: true });
  } catch (error) {
    await page.screenshot({ path: join(ARTIFACTS, 'notifications-failure.png'), fullPage: true }).catch(() => undefined);
    throw error;
  }
}, TEST_TIMEOUT_MS);
