import { callCron } from '../../../test/support/cron';
import { createBilledGroup, openPeriod } from '../../../test/support/dues-factories';
import { startTestServer, collect, TestServer } from '../../../test/support/test-server';
import { waitForSubscribers } from '../../../test/support/ws-helpers';

/*
 * The dues-driven jobs through their cron routes, on the real server and
 * database: billing opens the current period, reminders turn schedules into
 * notification tasks (once per member, schedule and due, whatever runs or
 * instances), follow-ups mark overdue dues and nudge admins once a day.
 */

const SECRET = 'reminders-cron-secret';
const CONFIRM = `mutation($dueId: ID!) { confirmPayment(dueId: $dueId, action: CONFIRM) { due { status } } }`;
const WAIVE = 'mutation($dueId: ID!, $reason: String!) { waiveDue(dueId: $dueId, reason: $reason) { status } }';
const CREATE_SCHEDULE = `mutation($groupId: ID!, $reminderType: ReminderType!, $direction: ReminderDirection!, $offsetDays: Int!, $channels: [NotificationChannel!]!, $status: ReminderScheduleStatus) {
  createReminderSchedule(groupId: $groupId, reminderType: $reminderType, direction: $direction, offsetDays: $offsetDays, channels: $channels, status: $status) { id }
}`;

interface WorkerSummary {
  claimed: number;
  completed: number;
  failed: number;
}

let t: TestServer;
let second: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { CRON_SECRET: SECRET } });
  // A second instance on the same database, as behind a load balancer.
  second = await startTestServer({ db: t.db, env: { CRON_SECRET: SECRET } });
});
afterAll(async () => {
  await second.close();
  await t.close();
});

/** The calendar date now in a time zone, YYYY-MM-DD. */
const todayIn = (timeZone = 'UTC'): string => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const plusDays = (isoDate: string, days: number): string => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function schedule(groupId: string, token: string, input: Record<string, unknown>): Promise<string> {
  const response = await t.gql<{ createReminderSchedule: { id: string } }>(CREATE_SCHEDULE, { groupId, channels: ['EMAIL', 'IN_APP'], reminderType: 'DUE_DATE', ...input }, token);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.createReminderSchedule.id;
}

const reminderTasks = async (groupId: string) =>
  (await t.query<{ dedupe_key: string; member_id: string; channel: string; status: string }>(`select dedupe_key, member_id, channel, status from notification_tasks where group_id = $1 and template like 'reminder.%' order by dedupe_key`, [groupId])).rows;

describe('reminders', () => {
  it('reminds each unpaid member once per schedule and due: never paid, waived or confirmed ones, never twice across runs and instances', async () => {
    const group = await createBilledGroup(t, { memberCount: 5 });
    const { dueByMember } = await openPeriod(t, group, '600.00');
    await t.query('update dues set due_date = $2 where group_id = $1', [group.id, plusDays(todayIn(), 3)]);
    const [paid, waived, confirmed] = group.members;
    expect((await t.gql(CONFIRM, { dueId: dueByMember.get(paid.id) }, group.admin.token)).errors).toBeUndefined();
    expect((await t.gql(WAIVE, { dueId: dueByMember.get(waived.id), reason: 'Hardship' }, group.admin.token)).errors).toBeUndefined();
    await t.query(`update dues set status = 'MEMBER_CONFIRMED', member_confirmed_at = now() where id = $1`, [dueByMember.get(confirmed.id)]);
    await schedule(group.id, group.admin.token, { direction: 'BEFORE', offsetDays: 3 });
    // Schedules that do not match today send nothing: another offset, a paused one, the other type.
    await schedule(group.id, group.admin.token, { direction: 'BEFORE', offsetDays: 10 });
    await schedule(group.id, group.admin.token, { direction: 'AFTER', offsetDays: 0, status: 'PAUSED' });
    await schedule(group.id, group.admin.token, { reminderType: 'MEMBERSHIP_EXPIRY', direction: 'BEFORE', offsetDays: 3 });

    const first = await callCron<{ enqueued: number; worker: WorkerSummary }>(t, 'reminders', SECRET);
    expect(first.status).toBe(200);
    // The admin and two members still owe: three people, e-mail and in-app each.
    expect(first.data?.enqueued).toBe(6);
    expect(first.data?.worker.failed).toBe(0);
    const tasks = await reminderTasks(group.id);
    expect(tasks).toHaveLength(6);
    expect(new Set(tasks.map((task) => task.member_id))).toEqual(new Set([group.adminMemberId, group.members[3].id, group.members[4].id]));
    expect(tasks.every((task) => task.status === 'COMPLETED')).toBe(true);

    // Again, and on both instances at once: nothing new.
    const again = await Promise.all([callCron<{ enqueued: number }>(t, 'reminders', SECRET), callCron<{ enqueued: number }>(second, 'reminders', SECRET), callCron<{ enqueued: number }>(second, 'reminders', SECRET)]);
    expect(again.map((response) => response.data?.enqueued)).toEqual([0, 0, 0]);
    expect(await reminderTasks(group.id)).toHaveLength(6);

    // What the member reads: the amount and the signed "I've paid" link.
    const mail = await t.query<{ subject: string; body_text: string }>(
      `select o.subject, o.body_text from outbox_messages o join notification_tasks n on n.id = o.task_id where n.group_id = $1 and n.member_id = $2 and n.template = 'reminder.due'`,
      [group.id, group.members[3].id],
    );
    expect(mail.rows).toHaveLength(1);
    expect(mail.rows[0].subject).toContain('₹100.00');
    expect(mail.rows[0].body_text).toMatch(/Already paid\? Tell us: http:\/\/\S+\/api\/confirm\/[\w-]+\.[\w-]+/);
    const link = /(http:\/\/\S+\/api\/confirm\/\S+)/.exec(mail.rows[0].body_text)![1];
    const page = await fetch(link.replace(/^http:\/\/[^/]+/, t.url));
    expect(page.status).toBe(200);
    expect((await t.query('select status from dues where id = $1', [dueByMember.get(group.members[3].id)])).rows[0].status).toBe('MEMBER_CONFIRMED');
    const inbox = await t.gql<{ myNotifications: { edges: { node: { title: string; link: string } }[] } }>('{ myNotifications { edges { node { title link } } } }', {}, group.members[4].user.token);
    expect(inbox.data?.myNotifications.edges[0].node.link).toMatch(/\/api\/confirm\//);

    // A new schedule for a later day reminds those who still owe, once more.
    await schedule(group.id, group.admin.token, { direction: 'BEFORE', offsetDays: 4, channels: ['IN_APP'] });
    await t.query('update dues set due_date = $2 where group_id = $1', [group.id, plusDays(todayIn(), 4)]);
    const later = await callCron<{ enqueued: number }>(second, 'reminders', SECRET);
    // The member who followed the link has said they paid: only the other two are reminded.
    expect(later.data?.enqueued).toBe(2);
  });

  it('does the work once when two instances start the same run at the same moment', async () => {
    const group = await createBilledGroup(t, { memberCount: 6 });
    await openPeriod(t, group, '700.00');
    await t.query('update dues set due_date = $2 where group_id = $1', [group.id, todayIn()]);
    await schedule(group.id, group.admin.token, { direction: 'BEFORE', offsetDays: 0 });
    const runs = await Promise.all([t, second, t, second].map((server) => callCron<{ enqueued: number }>(server, 'reminders', SECRET)));
    expect(runs.every((run) => run.status === 200)).toBe(true);
    expect(runs.reduce((sum, run) => sum + (run.data?.enqueued ?? 0), 0)).toBe(14);
    const tasks = await reminderTasks(group.id);
    expect(tasks).toHaveLength(14);
    expect(new Set(tasks.map((task) => task.dedupe_key)).size).toBe(14);
    await callCron(t, 'notification-tasks', SECRET);
    const delivered = await t.query(`select count(*)::int as n from in_app_notifications where group_id = $1`, [group.id]);
    expect(delivered.rows[0].n).toBe(7);
  });

  it("counts the day in the group's time zone", async () => {
    // Kiritimati (UTC+14) and UTC−12 are 26 hours apart: their dates always differ.
    const east = await createBilledGroup(t, { memberCount: 1 });
    const west = await createBilledGroup(t, { memberCount: 1 });
    for (const [group, timeZone] of [[east, 'Pacific/Kiritimati'], [west, 'Etc/GMT+12']] as const) {
      await t.query(`update groups set billing_settings = billing_settings || jsonb_build_object('timeZone', $2::text) where id = $1`, [group.id, timeZone]);
      await openPeriod(t, group, '200.00');
      // Due "today" as Kiritimati sees it; an on-the-day reminder.
      await t.query('update dues set due_date = $2 where group_id = $1', [group.id, todayIn('Pacific/Kiritimati')]);
      await schedule(group.id, group.admin.token, { direction: 'BEFORE', offsetDays: 0, channels: ['IN_APP'] });
    }
    await callCron(t, 'reminders', SECRET);
    expect(await reminderTasks(east.id)).toHaveLength(2);
    // For the UTC−12 group that date is still ahead.
    expect(await reminderTasks(west.id)).toHaveLength(0);
  });

  it('reminds of a membership that is about to end, unless the member has renewed', async () => {
    const group = await createBilledGroup(t, { memberCount: 2 });
    const [expiring, renewed] = group.members;
    const endsOn = plusDays(todayIn(), 7);
    const insertTerm = (memberId: string, startsOn: string, ends: string) =>
      t.query(
        `insert into membership_terms (id, created_at, updated_at, group_id, member_id, type, amount_minor, currency, starts_on, ends_on, status, version)
         values (gen_random_uuid(), now(), now(), $1, $2, 'ANNUAL', 100000, 'INR', $3, $4, 'ACTIVE', 1)`,
        [group.id, memberId, startsOn, ends],
      );
    await insertTerm(expiring.id, plusDays(endsOn, -364), endsOn);
    await insertTerm(renewed.id, plusDays(endsOn, -364), endsOn);
    await insertTerm(renewed.id, plusDays(endsOn, 1), plusDays(endsOn, 365));
    await schedule(group.id, group.admin.token, { reminderType: 'MEMBERSHIP_EXPIRY', direction: 'BEFORE', offsetDays: 7, channels: ['EMAIL'] });
    await callCron(t, 'reminders', SECRET);
    const tasks = await reminderTasks(group.id);
    expect(tasks.map((task) => task.member_id)).toEqual([expiring.id]);
    const mail = await t.query<{ subject: string }>(`select subject from outbox_messages o join notification_tasks n on n.id = o.task_id where n.group_id = $1`, [group.id]);
    // The day as people read it ("28 November 2026"), not the database's 2026-11-28.
    const readable = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${endsOn}T00:00:00Z`));
    expect(mail.rows.map((row) => row.subject)).toContain(`Your membership of Test Club ends on ${readable}`);
  });
});

describe('follow-ups', () => {
  it('marks dues past the grace days OVERDUE with a live event, and nudges admins once a day', async () => {
    const group = await createBilledGroup(t, { memberCount: 3 }); // grace: 3 days
    const { dueByMember } = await openPeriod(t, group, '400.00');
    const [late, inGrace, paid] = group.members;
    const today = todayIn();
    await t.query('update dues set due_date = $2 where group_id = $1', [group.id, plusDays(today, 1)]);
    await t.query('update dues set due_date = $2 where id = any($1)', [[dueByMember.get(late.id), dueByMember.get(paid.id)], plusDays(today, -4)]);
    await t.query('update dues set due_date = $2 where id = $1', [dueByMember.get(inGrace.id), plusDays(today, -3)]);
    expect((await t.gql(CONFIRM, { dueId: dueByMember.get(paid.id) }, group.admin.token)).errors).toBeUndefined();

    const events = collect<{ dueEvents: { change: string; due: { id: string; status: string } | null } }>(
      t.ws(group.admin.token),
      'subscription($groupId: ID!) { dueEvents(groupId: $groupId) { change due { id status } } }',
      { groupId: group.id },
    );
    await waitForSubscribers(t.server, 'dueEvents', { groupId: group.id });
    const first = await callCron<{ overdueReconciled: number; adminNudgesEnqueued: number; worker: WorkerSummary }>(second, 'follow-ups', SECRET);
    expect(first.status).toBe(200);
    expect(first.data?.overdueReconciled).toBeGreaterThanOrEqual(1);
    const statuses = await t.query<{ member_id: string; status: string }>('select member_id, status from dues where group_id = $1', [group.id]);
    const byMember = new Map(statuses.rows.map((row) => [row.member_id, row.status]));
    expect(byMember.get(late.id)).toBe('OVERDUE');
    expect(byMember.get(inGrace.id)).toBe('UNPAID');
    expect(byMember.get(paid.id)).toBe('PAID');
    expect(byMember.get(group.adminMemberId)).toBe('UNPAID');
    await events.next(1);
    expect(events.results[0].data?.dueEvents).toMatchObject({ change: 'OVERDUE', due: { id: dueByMember.get(late.id), status: 'OVERDUE' } });
    const logged = await t.query(`select actor_kind, action from activity_logs where entity_id = $1`, [dueByMember.get(late.id)]);
    expect(logged.rows).toContainEqual({ actor_kind: 'SYSTEM', action: 'due.overdue' });

    const nudges = await t.query<{ channel: string; status: string }>(`select channel, status from notification_tasks where group_id = $1 and template = 'admin.overdue-digest' order by channel`, [group.id]);
    expect(nudges.rows).toEqual([
      { channel: 'EMAIL', status: 'COMPLETED' },
      { channel: 'IN_APP', status: 'COMPLETED' },
    ]);
    const digest = await t.query<{ subject: string; body_text: string }>(
      `select subject, body_text from outbox_messages o join notification_tasks n on n.id = o.task_id where n.group_id = $1 and n.template = 'admin.overdue-digest'`,
      [group.id],
    );
    expect(digest.rows[0].subject).toBe('1 overdue in Test Club');
    expect(digest.rows[0].body_text).toContain('Member 1: ₹100.00 (December 2026');

    // The same day again, on either instance: nothing more.
    const again = await Promise.all([callCron<{ overdueReconciled: number; adminNudgesEnqueued: number }>(t, 'follow-ups', SECRET), callCron<{ overdueReconciled: number; adminNudgesEnqueued: number }>(second, 'follow-ups', SECRET)]);
    for (const run of again) expect(run.data).toMatchObject({ overdueReconciled: 0, adminNudgesEnqueued: 0 });
    events.dispose();
  });
});

describe('billing', () => {
  it("opens each priced group's current period once, with every member's due, and leaves variable totals to the admins", async () => {
    const priced = await createBilledGroup(t, { memberCount: 2, billingSettings: { mode: 'EQUAL_SPLIT', cycle: 'MONTHLY', price: { amount: '300.00', currency: 'INR' }, dueDay: 10, graceDays: 3 } });
    const quarterly = await createBilledGroup(t, { memberCount: 1, billingSettings: { mode: 'EQUAL_SPLIT', cycle: 'QUARTERLY', price: { amount: '50.00', currency: 'INR' }, dueDay: 1, graceDays: 0 } });
    const variable = await createBilledGroup(t, { memberCount: 1 });
    // A group created mid-period starts billing with the next period; these three have been around since last year.
    const young = await createBilledGroup(t, { memberCount: 1, billingSettings: { mode: 'EQUAL_SPLIT', cycle: 'MONTHLY', price: { amount: '10.00', currency: 'INR' }, dueDay: 1, graceDays: 0 } });
    await t.query(`update groups set created_at = now() - interval '400 days' where id = any($1)`, [[priced.id, quarterly.id, variable.id]]);
    // (created after the month began, even on the 1st)
    await t.query(`update groups set created_at = date_trunc('month', now()) + interval '1 day' where id = $1`, [young.id]);
    const runs = await Promise.all([t, second, t].map((server) => callCron<{ periodsCreated: number; duesCreated: number; periods: { groupId: string; label: string; dueCount: number }[] }>(server, 'billing', SECRET)));
    expect(runs.every((run) => run.status === 200)).toBe(true);
    const opened = runs.flatMap((run) => run.data!.periods);
    const today = todayIn();
    const month = new Date(`${today}T00:00:00Z`).toLocaleString('en', { month: 'long', timeZone: 'UTC' });
    expect(opened.filter((period) => period.groupId === priced.id)).toEqual([{ groupId: priced.id, periodId: expect.any(String), label: `${month} ${today.slice(0, 4)}`, dueCount: 3 }]);
    expect(opened.filter((period) => period.groupId === quarterly.id)).toHaveLength(1);
    expect(opened.filter((period) => period.groupId === variable.id)).toHaveLength(0);
    expect(opened.filter((period) => period.groupId === young.id)).toHaveLength(0);
    const periods = await t.query<{ period_start: string; period_end: string; due_date: string }>(
      `select period_start::text, period_end::text, due_date::text from billing_periods where group_id = $1`,
      [priced.id],
    );
    expect(periods.rows).toEqual([{ period_start: `${today.slice(0, 7)}-01`, period_end: expect.stringMatching(new RegExp(`^${today.slice(0, 7)}-(28|29|30|31)$`)), due_date: `${today.slice(0, 7)}-10` }]);
    const dues = await t.query<{ amount_minor: string }>('select amount_minor from dues d join billing_periods p on p.id = d.period_id where p.group_id = $1', [priced.id]);
    expect(dues.rows.map((row) => row.amount_minor).sort()).toEqual(['10000', '10000', '10000']);
    const quarterStart = await t.query<{ period_start: string }>('select period_start::text from billing_periods where group_id = $1', [quarterly.id]);
    const quarterMonth = String(Math.floor((Number(today.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0');
    expect(quarterStart.rows[0].period_start).toBe(`${today.slice(0, 4)}-${quarterMonth}-01`);
    const again = await callCron<{ periods: { groupId: string }[] }>(second, 'billing', SECRET);
    expect(again.data?.periods.filter((period) => [priced.id, quarterly.id].includes(period.groupId))).toEqual([]);
  });
});
