import { addUserToGroup, codeOf, createGroup, createUser } from '../../test/support/factories';
import { callCron } from '../../test/support/cron';
import { startTestServer, TestServer } from '../../test/support/test-server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { CRON_SECRET: 'job-status-secret' } });
});
afterAll(async () => t.close());

it('shows the jobs and their last runs to group admins only', async () => {
  const group = await createGroup(t);
  const query = '{ jobStatus { name every runs failures lastStartedAt lastFinishedAt lastResult lastError } }';
  const before = await t.gql<{ jobStatus: { name: string; runs: number }[] }>(query, {}, group.admin.token);
  expect(before.errors).toBeUndefined();
  expect(before.data?.jobStatus.find((job) => job.name === 'notification-tasks')).toMatchObject({ runs: 0 });
  await callCron(t, 'notification-tasks', 'job-status-secret');
  const after = await t.gql<{ jobStatus: { name: string; runs: number; lastResult: Record<string, unknown>; lastError: string | null; lastStartedAt: string; lastFinishedAt: string }[] }>(query, {}, group.admin.token);
  expect(after.errors).toBeUndefined();
  const job = after.data!.jobStatus.find((candidate) => candidate.name === 'notification-tasks')!;
  expect(job).toMatchObject({ runs: 1, lastError: null });
  expect(Date.parse(job.lastFinishedAt)).toBeGreaterThanOrEqual(Date.parse(job.lastStartedAt));
  expect(job.lastResult).toMatchObject({ claimed: 0, completed: 0, counts: { pending: 0, locked: 0 } });
  for (const name of ['billing', 'reminders', 'follow-ups']) expect((await callCron(t, name, 'job-status-secret')).status).toBe(200);
  const all = await t.gql<{ jobStatus: { name: string; runs: number; lastError: string | null }[] }>(query, {}, group.admin.token);
  expect(all.errors).toBeUndefined();
  expect(all.data?.jobStatus.map((candidate) => [candidate.name, candidate.runs, candidate.lastError])).toEqual([
    ['notification-tasks', 1, null],
    ['billing', 1, null],
    ['reminders', 1, null],
    ['follow-ups', 1, null],
    ['webhook-deliveries', 0, null],
    ['remittance-dispatch', 0, null],
    ['remittance-reconcile', 0, null],
    ['inbound-webhook-retry', 0, null],
    ['data-retention', 0, null],
    ['exchange-rates', 0, null],
  ]);
  const member = await createUser(t);
  await addUserToGroup(t, group, member, 'MEMBER');
  expect(codeOf(await t.gql(query, {}, member.token))).toBe('FORBIDDEN');
  expect(codeOf(await t.gql(query, {}))).toBe('UNAUTHENTICATED');
});
