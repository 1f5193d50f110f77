import { addUserToGroup, ADD_MEMBER, codeOf, createGroup, createUser, TestGroup, uniqueEmail } from '../../../test/support/factories';
import { callCron } from '../../../test/support/cron';
import { startHttpStub, HttpStub } from '../../../test/support/http-stub';
import { startSmtpStub, SmtpStub } from '../../../test/support/smtp-stub';
import { collect, startTestServer, TestServer } from '../../../test/support/test-server';
import { waitForSubscribers } from '../../../test/support/ws-helpers';
import { enqueueNotification } from './notification-enqueue';
import { NotificationChannel } from './notification-task.entity';

const SECRET = 'cron-secret-for-tests';

const NOTIFY = `mutation($groupId: ID!, $type: NotifyType!, $message: String!, $channels: [NotificationChannel!]!, $memberIds: [ID!]) {
  notify(groupId: $groupId, type: $type, message: $message, channels: $channels, memberIds: $memberIds) { enqueued unreachable }
}`;
const TASKS = `query($groupId: ID!, $status: NotificationStatus, $first: Int, $after: String) {
  notificationTasks(groupId: $groupId, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id channel template recipient memberId status attempts lastError completedAt } }
  }
}`;
const OUTBOX = `query($groupId: ID!) { outboxMessages(groupId: $groupId, first: 100) { totalCount edges { node { taskId recipient subject bodyText } } } }`;

interface TaskNode {
  id: string;
  channel: string;
  template: string;
  recipient: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

async function addMember(t: TestServer, group: TestGroup, input: Record<string, unknown>): Promise<string> {
  const response = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, ...input } }, group.admin.token);
  if (!response.data?.addMember.member) throw new Error(JSON.stringify(response.errors));
  return response.data.addMember.member.id;
}

async function tasksOf(t: TestServer, group: TestGroup, status?: string): Promise<TaskNode[]> {
  const response = await t.gql<{ notificationTasks: { edges: { node: TaskNode }[] } }>(TASKS, { groupId: group.id, status, first: 100 }, group.admin.token);
  expect(response.errors).toBeUndefined();
  return response.data!.notificationTasks.edges.map((edge) => edge.node);
}

describe('with the local outbox (no SMTP, no WhatsApp)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { CRON_SECRET: SECRET, NOTIFICATION_BATCH_SIZE: '10' } });
  });
  afterAll(async () => t.close());

  it('refuses the cron routes without the right x-cron-secret, and runs nothing', async () => {
    const group = await createGroup(t);
    await addMember(t, group, { email: uniqueEmail('cron'), name: 'Cron Person' });
    for (const job of ['billing', 'reminders', 'follow-ups', 'notification-tasks']) {
      for (const secret of [undefined, '', 'wrong', `${SECRET}x`, SECRET.slice(0, -1)]) {
        const response = await callCron(t, job, secret);
        expect(response.status).toBe(401);
        expect(response.error?.code).toBe('UNAUTHENTICATED');
        expect(response.data).toBeUndefined();
      }
    }
    const pending = await t.query(`select count(*)::int as n from notification_tasks where group_id = $1 and status = 'PENDING'`, [group.id]);
    expect(pending.rows[0].n).toBe(1);
    const runs = await t.query('select count(*)::int as n from job_runs');
    expect(runs.rows[0].n).toBe(0);
    // GET is not a way in either.
    const get = await fetch(`${t.url}/api/cron/notification-tasks`, { headers: { 'x-cron-secret': SECRET } });
    expect(get.status).toBe(405);
  });

  it('delivers welcome e-mails to the outbox through the notification-tasks route, once', async () => {
    const group = await createGroup(t);
    const emails = [uniqueEmail('a'), uniqueEmail('b'), uniqueEmail('c')];
    for (const email of emails) await addMember(t, group, { email, name: 'Outbox Person' });
    const first = await callCron<{ claimed: number; completed: number; failed: number; counts: Record<string, number> }>(t, 'notification-tasks', SECRET);
    expect(first.status).toBe(200);
    expect(first.data?.completed).toBeGreaterThanOrEqual(3);
    expect(first.data?.failed).toBe(0);
    expect(first.data?.counts).toMatchObject({ pending: 0, locked: 0, failed: 0 });
    const outbox = await t.gql<{ outboxMessages: { totalCount: number; edges: { node: { recipient: string; subject: string; bodyText: string } }[] } }>(OUTBOX, { groupId: group.id }, group.admin.token);
    expect(outbox.data?.outboxMessages.totalCount).toBe(3);
    expect(outbox.data!.outboxMessages.edges.map((edge) => edge.node.recipient).sort()).toEqual([...emails].sort());
    expect(outbox.data!.outboxMessages.edges[0].node.bodyText).toMatch(/temporary password is: \S{14}/);
    // A second run finds nothing to do.
    const second = await callCron<{ claimed: number }>(t, 'notification-tasks', SECRET);
    expect(second.data?.claimed).toBe(0);
    const again = await t.gql<{ outboxMessages: { totalCount: number } }>(OUTBOX, { groupId: group.id }, group.admin.token);
    expect(again.data?.outboxMessages.totalCount).toBe(3);
    const tasks = await tasksOf(t, group);
    expect(tasks.every((task) => task.status === 'COMPLETED' && task.attempts === 1)).toBe(true);
    const runs = await t.query(`select runs, last_result from job_runs where name = 'notification-tasks'`);
    expect(runs.rows[0].runs).toBeGreaterThanOrEqual(2);
  });

  it('does the work once when calls overlap', async () => {
    const group = await createGroup(t);
    for (let i = 0; i < 25; i += 1) await addMember(t, group, { email: uniqueEmail('overlap'), name: `Overlap ${i}` });
    await callCron(t, 'notification-tasks', SECRET).then(() => undefined); // drain other tests' leftovers first
    const notify = await t.gql<{ notify: { enqueued: number } }>(NOTIFY, { groupId: group.id, type: 'ANNOUNCEMENT', message: 'Meeting on Sunday', channels: ['EMAIL', 'IN_APP'] }, group.admin.token);
    expect(notify.errors).toBeUndefined();
    // 26 members with e-mail (admin + 25) and accounts: 52 tasks.
    expect(notify.data?.notify.enqueued).toBe(52);
    const calls = await Promise.all([1, 2, 3, 4].map(() => callCron<{ claimed: number; completed: number }>(t, 'notification-tasks', SECRET)));
    expect(calls.every((call) => call.status === 200)).toBe(true);
    const completed = calls.reduce((sum, call) => sum + (call.data?.completed ?? 0), 0);
    expect(completed).toBe(52);
    const outbox = await t.query(`select task_id from outbox_messages o join notification_tasks n on n.id = o.task_id where n.template = 'notify.manual' and n.group_id = $1`, [group.id]);
    expect(outbox.rows).toHaveLength(26);
    const inApp = await t.query(`select task_id from in_app_notifications where group_id = $1`, [group.id]);
    expect(inApp.rows).toHaveLength(26);
  });

  it('notify: members of the group only, admins only, every bad field named', async () => {
    const group = await createGroup(t);
    const other = await createGroup(t);
    const foreign = await addMember(t, other, { email: uniqueEmail('foreign'), name: 'Foreign' });
    const noEmail = await addMember(t, group, { email: uniqueEmail('x'), name: 'Has mail' });
    const bad = await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: '   ', channels: [] }, group.admin.token);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(Object.keys(bad.errors![0].extensions!.fields!).sort()).toEqual(['channels', 'message']);
    const webhook = await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'hi', channels: ['WEBHOOK'] }, group.admin.token);
    expect(webhook.errors?.[0].extensions?.fields).toHaveProperty('channels');
    const tooLong = await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'x'.repeat(2001), channels: ['EMAIL'] }, group.admin.token);
    expect(tooLong.errors?.[0].extensions?.fields).toHaveProperty('message');
    expect(codeOf(await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'hi', channels: ['EMAIL'], memberIds: [foreign] }, group.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'hi', channels: ['EMAIL'], memberIds: ['not-a-uuid'] }, group.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(NOTIFY, { groupId: group.id, type: 'NOPE', message: 'hi', channels: ['EMAIL'] }, group.admin.token))).toBe('BAD_USER_INPUT');
    const operator = await createUser(t);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    expect(codeOf(await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'hi', channels: ['EMAIL'] }, operator.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'hi', channels: ['EMAIL'] }, other.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'hi', channels: ['EMAIL'] }))).toBe('UNAUTHENTICATED');
    // WhatsApp needs a phone: the member without one is counted as unreachable.
    const ok = await t.gql<{ notify: { enqueued: number; unreachable: number } }>(NOTIFY, { groupId: group.id, type: 'PAYMENT', message: 'Pay please', channels: ['WHATSAPP'], memberIds: [noEmail] }, group.admin.token);
    expect(ok.data?.notify).toEqual({ enqueued: 0, unreachable: 1 });
    expect(codeOf(await t.gql(TASKS, { groupId: group.id }, operator.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(TASKS, { groupId: group.id }, other.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(TASKS, { groupId: group.id, first: 101 }, group.admin.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(TASKS, { groupId: group.id, after: 'garbage' }, group.admin.token))).toBe('BAD_USER_INPUT');
  });

  it('records WhatsApp as SKIPPED when it is not configured, and in-app messages reach the inbox live', async () => {
    const group = await createGroup(t);
    const member = await createUser(t, { name: 'Inbox Member' });
    const memberId = await addUserToGroup(t, group, member, 'MEMBER');
    await t.query(`update members set phone = '+91 98765 43210' where id = $1`, [memberId]);
    const subscription = collect<{ myNotifications: { title: string; body: string; readAt: string | null } }>(t.ws(member.token), 'subscription { myNotifications { id title body readAt } }', {});
    await waitForSubscribers(t.server, 'myNotifications', {});
    const sent = await t.gql<{ notify: { enqueued: number } }>(NOTIFY, { groupId: group.id, type: 'MEETING', message: 'AGM at 6pm', channels: ['WHATSAPP', 'IN_APP'], memberIds: [memberId] }, group.admin.token);
    expect(sent.data?.notify.enqueued).toBe(2);
    await callCron(t, 'notification-tasks', SECRET);
    const tasks = await tasksOf(t, group);
    const whatsapp = tasks.find((task) => task.channel === 'WHATSAPP' && task.template === 'notify.manual');
    expect(whatsapp).toMatchObject({ status: 'SKIPPED', lastError: 'WhatsApp is not configured' });
    await subscription.next(1);
    expect(subscription.results[0].data?.myNotifications).toMatchObject({ body: 'AGM at 6pm', readAt: null });
    const list = await t.gql<{ myNotifications: { edges: { node: { id: string; body: string } }[] }; unreadNotificationCount: number }>(
      '{ myNotifications(first: 10) { edges { node { id body } } } unreadNotificationCount }',
      {},
      member.token,
    );
    expect(list.data?.unreadNotificationCount).toBe(1);
    const id = list.data!.myNotifications.edges[0].node.id;
    // Someone else cannot mark it read (or learn that it exists).
    expect(codeOf(await t.gql('mutation($id: ID!) { markNotificationRead(id: $id) { id } }', { id }, group.admin.token))).toBe('NOT_FOUND');
    const read = await t.gql<{ markNotificationRead: { readAt: string | null } }>('mutation($id: ID!) { markNotificationRead(id: $id) { readAt } }', { id }, member.token);
    expect(read.data?.markNotificationRead.readAt).not.toBeNull();
    const unread = await t.gql<{ unreadNotificationCount: number; myNotifications: { totalCount: number } }>('{ unreadNotificationCount myNotifications(unreadOnly: true) { totalCount } }', {}, member.token);
    expect(unread.data).toEqual({ unreadNotificationCount: 0, myNotifications: { totalCount: 0 } });
    // A skipped task can be retried by an admin (e.g. after configuring WhatsApp); a completed one cannot.
    const retry = await t.gql<{ retryNotificationTask: { status: string; attempts: number } }>('mutation($id: ID!) { retryNotificationTask(id: $id) { status attempts } }', { id: whatsapp!.id }, group.admin.token);
    expect(retry.data?.retryNotificationTask).toEqual({ status: 'PENDING', attempts: 0 });
    const done = tasks.find((task) => task.channel === 'IN_APP')!;
    const refused = await t.gql('mutation($id: ID!) { retryNotificationTask(id: $id) { status } }', { id: done.id }, group.admin.token);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOT_RETRYABLE' });
    subscription.dispose();
  });

  it('lets other modules queue a message in their own transaction, once per dedupe key', async () => {
    const group = await createGroup(t);
    const input = {
      groupId: group.id,
      channel: NotificationChannel.EMAIL,
      template: 'payment.received',
      recipient: 'payer@example.com',
      payload: { groupName: 'Test Club', name: 'Payer', amountMinor: '123456', currency: 'INR' },
      dedupeKey: `payment.received:test:${group.id}`,
    };
    const em = t.server.orm.em.fork();
    expect(await em.transactional((tx) => enqueueNotification(tx, input))).toBe(true);
    expect(await em.transactional((tx) => enqueueNotification(tx, input))).toBe(false);
    // Rolled back with the change that caused it.
    await expect(
      em.transactional(async (tx) => {
        await enqueueNotification(tx, { ...input, dedupeKey: `${input.dedupeKey}:rolled-back` });
        throw new Error('the payment failed');
      }),
    ).rejects.toThrow('the payment failed');
    await callCron(t, 'notification-tasks', SECRET);
    const mail = await t.query<{ subject: string }>(`select subject from outbox_messages where recipient = 'payer@example.com'`);
    expect(mail.rows).toEqual([{ subject: 'Payment received: ₹1,234.56 — Test Club' }]);
  });

  it('fails a task that can never be sent at once, keeping the error, without failing its batch-mates', async () => {
    const group = await createGroup(t);
    const insert = (channel: string, template: string, recipient: string, key: string) =>
      t.query(
        `insert into notification_tasks (id, created_at, updated_at, group_id, channel, template, recipient, payload, dedupe_key, status, attempts, next_run_at)
         values (gen_random_uuid(), now(), now(), $1, $2, $3, $4, '{"message": "hi"}', $5, 'PENDING', 0, now())`,
        [group.id, channel, template, recipient, `test:${key}:${group.id}`],
      );
    await insert('EMAIL', 'no.such.template', 'x@example.com', 'unknown-template');
    await insert('IN_APP', 'notify.manual', '00000000-0000-4000-8000-000000000000', 'unknown-user');
    await insert('IN_APP', 'notify.manual', 'not-a-user-id', 'malformed-user');
    await insert('IN_APP', 'notify.manual', group.admin.id, 'real-user');
    await callCron(t, 'notification-tasks', SECRET);
    const failed = await tasksOf(t, group, 'FAILED');
    expect(failed.map((task) => [task.recipient, task.attempts, task.lastError]).sort()).toEqual([
      ['00000000-0000-4000-8000-000000000000', 1, 'No such user for an in-app message'],
      ['not-a-user-id', 1, 'An in-app recipient must be a user id'],
      ['x@example.com', 1, 'Unknown template no.such.template'],
    ]);
    expect((await tasksOf(t, group, 'COMPLETED')).map((task) => task.recipient)).toEqual([group.admin.id]);
  });
});

describe('with SMTP and the WhatsApp Cloud API (local stubs)', () => {
  let t: TestServer;
  let smtp: SmtpStub;
  let whatsapp: HttpStub;
  beforeAll(async () => {
    smtp = await startSmtpStub();
    whatsapp = await startHttpStub();
    t = await startTestServer({
      env: {
        CRON_SECRET: SECRET,
        SMTP_URL: smtp.url,
        SMTP_FROM: 'Club <club@example.com>',
        WHATSAPP_API_URL: `${whatsapp.url}/v21.0`,
        WHATSAPP_PHONE_NUMBER_ID: '1234567890',
        WHATSAPP_ACCESS_TOKEN: 'wa-token',
        NOTIFICATION_MAX_ATTEMPTS: '3',
        NOTIFICATION_RETRY_BASE_SECONDS: '60',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await whatsapp.close();
  });

  /** Makes every retrying task due now, as if its backoff had passed. */
  const fastForward = () => t.query(`update notification_tasks set next_run_at = now() where status = 'PENDING'`);

  it('sends e-mail over SMTP with the task id as Message-ID, and WhatsApp templates with their parameters', async () => {
    const group = await createGroup(t, undefined, { name: 'Sunrise Club' });
    const email = uniqueEmail('smtp');
    const memberId = await addMember(t, group, { email, name: 'Smtp Person', phone: '+91 98765 43210' });
    smtp.received.length = 0;
    const notify = await t.gql(NOTIFY, { groupId: group.id, type: 'REMINDER', message: 'Dues by Friday', channels: ['EMAIL', 'WHATSAPP'], memberIds: [memberId] }, group.admin.token);
    expect(notify.errors).toBeUndefined();
    const run = await callCron<{ completed: number; failed: number }>(t, 'notification-tasks', SECRET);
    expect(run.data?.failed).toBe(0);
    const reminder = smtp.received.find((mail) => mail.to.includes(email) && mail.data.includes('Dues by Friday'));
    expect(reminder).toBeDefined();
    expect(reminder!.from).toBe('club@example.com');
    const emailTask = (await tasksOf(t, group)).find((task) => task.channel === 'EMAIL' && task.template === 'notify.manual')!;
    expect(reminder!.messageId).toBe(`<${emailTask.id}@coffer.notifications>`);
    const call = whatsapp.requests.find((request) => request.body.includes('Dues by Friday'));
    expect(call?.path).toBe('/v21.0/1234567890/messages');
    expect(call?.headers.authorization).toBe('Bearer wa-token');
    expect(JSON.parse(call!.body)).toMatchObject({
      messaging_product: 'whatsapp',
      to: '919876543210',
      type: 'template',
      template: { name: 'coffer_notify_manual', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Sunrise Club' }, { type: 'text', text: 'Dues by Friday' }] }] },
    });
    expect(await tasksOf(t, group, 'COMPLETED')).toHaveLength(3); // with the welcome e-mail
  });

  it('retries with growing, jittered backoff and gives up after the last attempt, keeping the error', async () => {
    const group = await createGroup(t);
    const email = uniqueEmail('retry');
    await addMember(t, group, { email, name: 'Retry Person' });
    smtp.refuseWith = '451 4.3.0 mailbox busy, try later';
    try {
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const run = await callCron<{ failed: number; retrying: number }>(t, 'notification-tasks', SECRET);
        expect(run.status).toBe(200);
        const row = await t.query(`select status, attempts, last_error, extract(epoch from next_run_at - updated_at) as delay from notification_tasks where recipient = $1`, [email]);
        expect(row.rows[0].attempts).toBe(attempt);
        expect(row.rows[0].last_error).toMatch(/451/);
        if (attempt < 3) {
          expect(row.rows[0].status).toBe('PENDING');
          delays.push(Number(row.rows[0].delay));
          // Not due yet: a run now leaves it alone.
          await callCron(t, 'notification-tasks', SECRET);
          expect((await t.query('select attempts from notification_tasks where recipient = $1', [email])).rows[0].attempts).toBe(attempt);
          await fastForward();
        } else {
          expect(row.rows[0].status).toBe('FAILED');
        }
      }
      // base 60 s: attempt 1 waits 30–60 s, attempt 2 waits 60–120 s.
      expect(delays[0]).toBeGreaterThanOrEqual(30);
      expect(delays[0]).toBeLessThanOrEqual(61);
      expect(delays[1]).toBeGreaterThanOrEqual(60);
      expect(delays[1]).toBeLessThanOrEqual(121);
      const failed = await tasksOf(t, group, 'FAILED');
      expect(failed).toHaveLength(1);
      expect(failed[0].lastError).toMatch(/mailbox busy/);
      const counts = await t.gql<{ notificationCounts: Record<string, number> }>('query($g: ID!) { notificationCounts(groupId: $g) { pending locked completed failed skipped } }', { g: group.id }, group.admin.token);
      expect(counts.data?.notificationCounts).toEqual({ pending: 0, locked: 0, completed: 0, failed: 1, skipped: 0 });
    } finally {
      smtp.refuseWith = null;
    }
    // The admin retries it once the mailbox is back: sent.
    const [task] = await tasksOf(t, group, 'FAILED');
    await t.gql('mutation($id: ID!) { retryNotificationTask(id: $id) { id } }', { id: task.id }, group.admin.token);
    await callCron(t, 'notification-tasks', SECRET);
    expect(smtp.received.filter((mail) => mail.to.includes(email))).toHaveLength(1);
    expect((await tasksOf(t, group, 'COMPLETED')).map((row) => row.id)).toEqual([task.id]);
  });

  it('fails WhatsApp at once on a 4xx and retries on a 5xx', async () => {
    const group = await createGroup(t);
    const memberId = await addMember(t, group, { email: uniqueEmail('wa'), name: 'Wa Person', phone: '+44 7700 900123' });
    await callCron(t, 'notification-tasks', SECRET); // the welcome e-mail
    whatsapp.respond = { status: 400, body: { error: { message: 'Template name does not exist' } } };
    try {
      await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'first', channels: ['WHATSAPP'], memberIds: [memberId] }, group.admin.token);
      await callCron(t, 'notification-tasks', SECRET);
      const [failed] = await tasksOf(t, group, 'FAILED');
      expect(failed.attempts).toBe(1);
      expect(failed.lastError).toMatch(/400.*Template name does not exist/);
      whatsapp.respond = { status: 503, body: {} };
      await t.gql(NOTIFY, { groupId: group.id, type: 'OTHER', message: 'second', channels: ['WHATSAPP'], memberIds: [memberId] }, group.admin.token);
      await callCron(t, 'notification-tasks', SECRET);
      const [pending] = await tasksOf(t, group, 'PENDING');
      expect(pending).toMatchObject({ attempts: 1 });
      expect(pending.lastError).toMatch(/503/);
    } finally {
      whatsapp.respond = { status: 200, body: {} };
    }
  });
});

describe('with no CRON_SECRET configured', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('refuses every cron call, whatever header is sent', async () => {
    for (const secret of [undefined, '', 'anything']) {
      const response = await callCron(t, 'notification-tasks', secret);
      expect(response.status).toBe(401);
      expect(response.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'CRON_DISABLED' } });
    }
  });
});

describe('marketing consent', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { CRON_SECRET: SECRET } });
  });
  afterAll(async () => t.close());

  it('sends marketing only to people whose latest marketing consent is a grant; the others are SKIPPED, not sent', async () => {
    const group = await createGroup(t);
    const [keen, silent, changedMind] = [await createUser(t), await createUser(t), await createUser(t)];
    for (const user of [keen, silent, changedMind]) await addUserToGroup(t, group, user, 'MEMBER');
    const consent = (user: typeof keen, granted: boolean) => t.gql('mutation($g: Boolean!) { setConsent(type: MARKETING, granted: $g) { type } }', { g: granted }, user.token);
    await consent(keen, true);
    await consent(changedMind, true);
    await consent(changedMind, false);
    const sent = await t.gql<{ notify: { enqueued: number } }>(NOTIFY, { groupId: group.id, type: 'MARKETING', message: 'Club kit sale this weekend', channels: ['EMAIL'] }, group.admin.token);
    expect(sent.errors).toBeUndefined();
    for (let i = 0; i < 5 && (await tasksOf(t, group, 'PENDING')).length > 0; i += 1) await callCron(t, 'notification-tasks', SECRET);
    const byRecipient = new Map((await tasksOf(t, group)).filter((task) => task.template === 'notify.manual').map((task) => [task.recipient, task]));
    expect(byRecipient.get(keen.email)).toMatchObject({ status: 'COMPLETED' });
    for (const user of [silent, changedMind, group.admin]) expect(byRecipient.get(user.email)).toMatchObject({ status: 'SKIPPED', lastError: 'No marketing consent' });
    const outbox = await t.gql<{ outboxMessages: { edges: { node: { recipient: string } }[] } }>(OUTBOX, { groupId: group.id }, group.admin.token);
    expect(outbox.data!.outboxMessages.edges.map((edge) => edge.node.recipient).filter((to) => [keen, silent, changedMind, group.admin].some((u) => u.email === to))).toEqual([keen.email]);
  });
});
