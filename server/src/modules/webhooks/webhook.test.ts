import { createBilledGroup, openPeriod } from '../../../test/support/dues-factories';
import { readFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { ADD_MEMBER, addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup, uniqueEmail } from '../../../test/support/factories';
import { startTestServer, testConfig, TestServer } from '../../../test/support/test-server';
import { startWebhookReceiver, WebhookReceiver } from '../../../test/support/webhook-receiver';
import { deliverPendingWebhooks, WebhookDeliveryRun } from './webhook-delivery';

/*
 * Integrator webhooks against the real server and database, with a local
 * HTTP receiver as the integrator. 127.0.0.1 is allow-listed (as an operator
 * would allow a private network); the SSRF tests show what happens without.
 */

type Verifier = (rawBody: string, headers: IncomingHttpHeaders, secret: string, toleranceSeconds?: number) => boolean;

/** The verification snippet exactly as README.md documents it, run as written. */
function readmeVerifier(): Verifier {
  const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- webhook-verify-snippet');
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(start));
  if (start < 0 || !code) throw new Error('README.md has no webhook verification snippet');
  return runInNewContext(`${code[1]}\nverifyCofferWebhook`, { require, Buffer }) as Verifier;
}

const ENV = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_POLL_INTERVAL_MS: '0' };

const CREATE = `mutation($g: ID!, $url: String!, $events: [WebhookEventType!]!, $description: String) {
  createWebhookEndpoint(groupId: $g, url: $url, events: $events, description: $description) { secret endpoint { id url events enabled description } }
}`;
const DELIVERIES = `query($id: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $id, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id endpointId eventId eventType status attempts nextAttemptAt deliveredAt lastStatusCode lastError redeliveryOfId envelope
      attemptLog { attempt startedAt statusCode durationMs responseExcerpt error } } }
  }
}`;
const REDELIVER = 'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status eventId redeliveryOfId } }';
const ROTATE = 'mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id secretRotatedAt } } }';

interface DeliveryNode {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  redeliveryOfId: string | null;
  envelope: { id: string; type: string; createdAt: string; groupId: string; data: Record<string, Record<string, unknown>> };
  attemptLog: { attempt: number; startedAt: string; statusCode: number | null; durationMs: number; responseExcerpt: string | null; error: string | null }[];
}

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
}

let t: TestServer;
let receiver: WebhookReceiver;
const verify = readmeVerifier();

beforeAll(async () => {
  t = await startTestServer({ env: ENV });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

let pathCounter = 0;
const freshPath = (label: string): string => `/${label}-${++pathCounter}`;

async function createEndpoint(group: TestGroup, path: string, events: string[] = ['MEMBER_ADDED'], base = receiver.url): Promise<{ id: string; secret: string }> {
  const response = await t.gql<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(CREATE, { g: group.id, url: `${base}${path}`, events }, group.admin.token);
  if (!response.data?.createWebhookEndpoint) throw new Error(`createWebhookEndpoint failed: ${JSON.stringify(response.errors)}`);
  return { id: response.data.createWebhookEndpoint.endpoint.id, secret: response.data.createWebhookEndpoint.secret };
}

async function addMember(group: TestGroup, email = uniqueEmail('hook')): Promise<string> {
  const response = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email, name: 'Hooked Member' } }, group.admin.token);
  if (!response.data?.addMember.member) throw new Error(`addMember failed: ${JSON.stringify(response.errors)}`);
  return response.data.addMember.member.id;
}

async function deliveries(endpointId: string, token: string, status?: string): Promise<DeliveryNode[]> {
  const response = await t.gql<{ webhookDeliveries: { edges: { node: DeliveryNode }[] } }>(DELIVERIES, { id: endpointId, status }, token);
  if (!response.data) throw new Error(`webhookDeliveries failed: ${JSON.stringify(response.errors)}`);
  return response.data.webhookDeliveries.edges.map((e) => e.node);
}

async function rowsOf(endpointId: string): Promise<DeliveryRow[]> {
  return (await t.query<DeliveryRow>('select id, status, attempts, next_attempt_at, created_at from webhook_deliveries where endpoint_id = $1 order by created_at, id', [endpointId])).rows;
}

/** Polls the database until the endpoint's deliveries satisfy `done`. */
async function waitForRows(endpointId: string, done: (rows: DeliveryRow[]) => boolean, timeoutMs = 10_000): Promise<DeliveryRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await rowsOf(endpointId);
    if (done(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`Timed out; deliveries: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function deliverAt(now: Date, env: NodeJS.ProcessEnv = ENV, batchSize?: number): Promise<WebhookDeliveryRun> {
  return deliverPendingWebhooks({ em: t.server.orm.em, config: testConfig(env), now, batchSize });
}

/** Puts delivered rows back in the queue, due in an hour: the in-process worker (real clock) leaves them to the test. */
async function requeueForLater(endpointId: string): Promise<Date> {
  await t.query(`update webhook_deliveries set status = 'PENDING', attempts = 0, attempt_log = '[]', delivered_at = null, next_attempt_at = now() + interval '1 hour' where endpoint_id = $1`, [endpointId]);
  return new Date(Date.now() + 2 * 3600_000);
}

describe('a member added', () => {
  it('reaches the endpoint after the commit, signed so that the README snippet verifies it, with the documented envelope', async () => {
    const group = await createGroup(t);
    const path = freshPath('happy');
    const { id: endpointId, secret } = await createEndpoint(group, path);
    const memberId = await addMember(group, 'asha@example.com');
    const [request] = await receiver.waitFor(path);

    expect(verify(request.body, request.headers, secret)).toBe(true);
    // The same check fails for a tampered body, another secret, or a stale timestamp.
    expect(verify(request.body.replace('asha', 'eve'), request.headers, secret)).toBe(false);
    expect(verify(request.body, request.headers, 'whsec_wrong')).toBe(false);
    expect(verify(request.body, { ...request.headers, 'coffer-timestamp': String(Number(request.headers['coffer-timestamp']) - 3600) }, secret)).toBe(false);

    const envelope = JSON.parse(request.body) as DeliveryNode['envelope'];
    expect(Object.keys(envelope).sort()).toEqual(['createdAt', 'data', 'groupId', 'id', 'type']);
    expect(envelope).toMatchObject({ type: 'member.added', groupId: group.id, data: { member: { id: memberId, email: 'asha@example.com', name: 'Hooked Member', status: 'ACTIVE' } } });
    expect(new Date(envelope.createdAt).toISOString()).toBe(envelope.createdAt);
    expect(request.headers['coffer-event']).toBe('member.added');
    expect(request.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(request.headers['coffer-timestamp']) - Date.now() / 1000)).toBeLessThan(30);

    await waitForRows(endpointId, (rows) => rows[0]?.status === 'SUCCEEDED');
    const [delivery] = await deliveries(endpointId, group.admin.token);
    expect(request.headers['coffer-webhook-id']).toBe(delivery.id);
    expect(delivery).toMatchObject({ eventId: envelope.id, eventType: 'MEMBER_ADDED', status: 'SUCCEEDED', attempts: 1, lastStatusCode: 200, nextAttemptAt: null, envelope });
    expect(delivery.attemptLog).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, responseExcerpt: 'ok', error: null })]);
    expect(delivery.deliveredAt).not.toBeNull();
  });

  it('reaches a URL given by host name: resolved, checked and connected to the address that was checked', async () => {
    const group = await createGroup(t);
    const path = freshPath('hostname');
    const response = await t.gql<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
      CREATE,
      { g: group.id, url: `${receiver.url.replace('127.0.0.1', 'localhost')}${path}`, events: ['MEMBER_ADDED'] },
      group.admin.token,
    );
    const { secret, endpoint } = response.data!.createWebhookEndpoint;
    await addMember(group);
    const [request] = await receiver.waitFor(path);
    expect(verify(request.body, request.headers, secret)).toBe(true);
    expect(request.headers.host).toMatch(/^localhost:/);
    await waitForRows(endpoint.id, (rows) => rows[0]?.status === 'SUCCEEDED');
    // Without the allow-list the same name is refused at delivery time (it resolves to loopback).
    const later = await requeueForLater(endpoint.id);
    await deliverAt(later, { ...ENV, WEBHOOK_ALLOWED_NETWORKS: '' });
    expect(receiver.at(path)).toHaveLength(1);
    const [delivery] = await deliveries(endpoint.id, group.admin.token);
    expect(delivery.attemptLog[0].error).toMatch(/^Refused to call localhost: 127\.0\.0\.1 is a private, loopback/);
  });

  it('is only sent to endpoints subscribed to it, and a rolled-back change sends nothing', async () => {
    const group = await createGroup(t);
    const wanted = freshPath('wanted');
    const unwanted = freshPath('unwanted');
    const subscribed = await createEndpoint(group, wanted, ['MEMBER_ADDED']);
    const other = await createEndpoint(group, unwanted, ['MEMBER_REMOVED']);
    await addMember(group, 'dup@example.com');
    await receiver.waitFor(wanted);
    // Same e-mail again: CONFLICT, the transaction rolls back, and so does its event.
    const duplicate = await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: 'dup@example.com', name: 'Again' } }, group.admin.token);
    expect(codeOf(duplicate)).toBe('CONFLICT');
    await deliverAt(new Date());
    expect(await t.query('select 1 from webhook_events where group_id = $1 and dispatched_at is null', [group.id])).toHaveProperty('rowCount', 0);
    expect(await rowsOf(subscribed.id)).toHaveLength(1);
    expect(await rowsOf(other.id)).toHaveLength(0);
    expect(receiver.at(unwanted)).toHaveLength(0);
  });

  it('member, transaction and approval changes each produce their event', async () => {
    const group = await createGroup(t);
    const operator = await createUser(t);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    const path = freshPath('all');
    const everything = ['MEMBER_ADDED', 'MEMBER_UPDATED', 'MEMBER_REMOVED', 'TRANSACTION_RECORDED', 'APPROVAL_QUEUED', 'APPROVAL_RESOLVED'];
    const { id: endpointId } = await createEndpoint(group, path, everything);
    const memberId = await addMember(group);
    await t.gql('mutation($id: ID!) { updateMember(id: $id, input: { nickname: "Hooky" }) { pendingApproval } }', { id: memberId }, group.admin.token);
    const recorded = await t.gql<{ recordTransaction: { transaction: { id: string } } }>(
      'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id } } }',
      { input: { groupId: group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '150.25', currency: 'INR' }, paymentMode: 'CASH' } },
      group.admin.token,
    );
    expect(recorded.errors).toBeUndefined();
    const queued = await t.gql<{ addMember: { approval: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: uniqueEmail(), name: 'Via Approval' } }, operator.token);
    await t.gql('mutation($id: ID!) { approve(id: $id) { status } }', { id: queued.data!.addMember.approval.id }, group.admin.token);
    await t.gql('mutation($id: ID!) { removeMember(id: $id) { pendingApproval } }', { id: memberId }, group.admin.token);

    const requests = await receiver.waitFor(path, 7);
    const types = requests.map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types.sort()).toEqual(['approval.queued', 'approval.resolved', 'member.added', 'member.added', 'member.removed', 'member.updated', 'transaction.recorded']);
    const txnEvent = requests.map((r) => JSON.parse(r.body) as DeliveryNode['envelope']).find((e) => e.type === 'transaction.recorded')!;
    expect(txnEvent.data.transaction).toMatchObject({ id: recorded.data!.recordTransaction.transaction.id, amountMinor: '15025', currency: 'INR', approvalStatus: 'APPROVED' });
    const resolved = requests.map((r) => JSON.parse(r.body) as DeliveryNode['envelope']).find((e) => e.type === 'approval.resolved')!;
    expect(resolved.data.approval).toMatchObject({ id: queued.data!.addMember.approval.id, status: 'APPROVED' });
    expect(Object.keys(resolved.data.approval).sort()).toEqual(['action', 'decidedAt', 'decisionNotes', 'entityType', 'id', 'notes', 'status', 'targetId']);
    await waitForRows(endpointId, (rows) => rows.length === 7 && rows.every((r) => r.status === 'SUCCEEDED'));
  });
});

describe('money events', () => {
  it('a confirmed due sends due.paid (and its transaction.recorded) from the same transaction', async () => {
    const group = await createBilledGroup(t, { memberCount: 1 });
    const path = freshPath('dues');
    await createEndpoint(group, path, ['DUE_PAID', 'DUE_OVERDUE']);
    const { dueByMember } = await openPeriod(t, group, '90.00');
    const dueId = dueByMember.get(group.members[0].id)!;
    const confirmed = await t.gql('mutation($id: ID!) { confirmPayment(dueId: $id, action: CONFIRM) { due { status } } }', { id: dueId }, group.admin.token);
    expect(confirmed.errors).toBeUndefined();
    const [request] = await receiver.waitFor(path, 1);
    const envelope = JSON.parse(request.body) as { type: string; groupId: string; data: Record<string, unknown> };
    expect(envelope).toMatchObject({ type: 'due.paid', groupId: group.id, data: { id: dueId, status: 'PAID', amountMinor: '4500', currency: 'INR', memberId: group.members[0].id } });
  });
});

describe('a failing receiver', () => {
  it('is retried with exponential backoff, then FAILED after 5 attempts with every response kept', async () => {
    const group = await createGroup(t);
    const path = freshPath('fails');
    receiver.on(path, { status: 500, body: 'database is down' });
    const { id: endpointId } = await createEndpoint(group, path);
    await addMember(group);
    // Attempt 1: right after the commit, by the in-process worker.
    let [row] = await waitForRows(endpointId, (rows) => rows[0]?.attempts === 1 && rows[0].status === 'PENDING');
    const delays: number[] = [];
    for (let attempt = 2; attempt <= 5; attempt += 1) {
      const due = new Date(row.next_attempt_at);
      // A second early, nothing is due.
      await deliverAt(new Date(due.getTime() - 1000));
      expect(receiver.at(path)).toHaveLength(attempt - 1);
      const previousDue = due;
      await deliverAt(due);
      [row] = await rowsOf(endpointId);
      expect(receiver.at(path)).toHaveLength(attempt);
      if (attempt < 5) delays.push((new Date(row.next_attempt_at).getTime() - previousDue.getTime()) / 1000);
    }
    // After attempts 2, 3, 4: 10 min, 100 min, 1000 min, each with up to 10 % jitter.
    expect(delays.map((d, i) => d >= 600 * 10 ** i && d <= 600 * 10 ** i * 1.1 + 5)).toEqual([true, true, true]);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 5 });
    await deliverAt(new Date(Date.now() + 7 * 24 * 3600_000));
    expect(receiver.at(path)).toHaveLength(5);
    // Every attempt was the same delivery, told apart by nothing but its timestamp.
    expect(new Set(receiver.at(path).map((r) => r.headers['coffer-webhook-id']))).toEqual(new Set([row.id]));

    const [delivery] = await deliveries(endpointId, group.admin.token, 'FAILED');
    expect(delivery).toMatchObject({ status: 'FAILED', attempts: 5, lastStatusCode: 500, lastError: 'HTTP 500', nextAttemptAt: null });
    expect(delivery.attemptLog.map((a) => [a.attempt, a.statusCode, a.responseExcerpt])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 500, 'database is down']));
    const first = delivery.attemptLog[0];
    const second = delivery.attemptLog[1];
    // The first retry waits a minute (plus jitter).
    const firstDelay = (new Date(second.startedAt).getTime() - new Date(first.startedAt).getTime()) / 1000;
    expect(firstDelay).toBeGreaterThanOrEqual(59);
    expect(firstDelay).toBeLessThanOrEqual(70);
  });

  it('times out a receiver that does not answer, and gives up when the next try would pass 24 hours', async () => {
    // A receiver that takes the request and never answers until the test lets it go: no answer can end an attempt,
    // only the 1000 ms timeout. Its own server (not a delayed answer of the shared receiver) so no timer outlives the test.
    const silent = createServer((req) => req.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const group = await createGroup(t);
      const { id: endpointId } = await createEndpoint(group, freshPath('slow'), ['MEMBER_ADDED'], `http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
      await addMember(group);
      const [row] = await waitForRows(endpointId, (rows) => rows[0]?.attempts === 1 && rows[0].status === 'PENDING', 30_000);
      const [pending] = await deliveries(endpointId, group.admin.token);
      expect(pending.attemptLog[0]).toMatchObject({ statusCode: null, error: 'Timed out after 1000 ms' });
      expect(pending.attemptLog[0].durationMs).toBeGreaterThanOrEqual(1000);
      // Ended by the timeout (there is no answer to end it), with room above 1000 ms for a loaded machine's timer lag.
      expect(pending.attemptLog[0].durationMs).toBeLessThan(9000);
      // Attempt 2 almost a day later fails too; attempt 3 would be 10 minutes past the 24 hours.
      await deliverAt(new Date(new Date(row.created_at).getTime() + 23.9 * 3600_000));
      const [after] = await rowsOf(endpointId);
      expect(after).toMatchObject({ status: 'FAILED', attempts: 2 });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('gets no redirect followed: a 3xx is a failed attempt and the target is never called', async () => {
    const group = await createGroup(t);
    const path = freshPath('redirect');
    const target = freshPath('redirect-target');
    receiver.on(path, { status: 302, headers: { location: `${receiver.url}${target}` }, body: 'moved' });
    const { id: endpointId } = await createEndpoint(group, path);
    await addMember(group);
    await waitForRows(endpointId, (rows) => rows[0]?.attempts === 1 && rows[0].status === 'PENDING');
    const [delivery] = await deliveries(endpointId, group.admin.token);
    expect(delivery.attemptLog[0]).toMatchObject({ statusCode: 302, error: 'HTTP 302 (redirects are not followed)' });
    expect(receiver.at(target)).toHaveLength(0);
  });
});

describe('redeliverWebhook', () => {
  it('sends a failed delivery again as a new delivery with the same envelope; an unfinished one is refused', async () => {
    const group = await createGroup(t);
    const path = freshPath('redeliver');
    receiver.on(path, { status: 503 });
    const { id: endpointId, secret } = await createEndpoint(group, path);
    await addMember(group);
    const [row] = await waitForRows(endpointId, (rows) => rows[0]?.attempts === 1);
    expect(codeOf(await t.gql(REDELIVER, { id: row.id }, group.admin.token))).toBe('CONFLICT');
    await t.query(`update webhook_deliveries set status = 'FAILED' where id = $1`, [row.id]);

    receiver.on(path, { status: 204 });
    const redelivered = await t.gql<{ redeliverWebhook: { id: string; status: string; eventId: string; redeliveryOfId: string } }>(REDELIVER, { id: row.id }, group.admin.token);
    expect(redelivered.data?.redeliverWebhook).toMatchObject({ status: 'PENDING', redeliveryOfId: row.id });
    const copyId = redelivered.data!.redeliverWebhook.id;
    expect(copyId).not.toBe(row.id);
    const requests = await receiver.waitFor(path, 2);
    expect(requests[1].headers['coffer-webhook-id']).toBe(copyId);
    expect(JSON.parse(requests[1].body)).toEqual(JSON.parse(requests[0].body));
    expect(verify(requests[1].body, requests[1].headers, secret)).toBe(true);
    const rows = await waitForRows(endpointId, (all) => all.find((r) => r.id === copyId)?.status === 'SUCCEEDED');
    expect(rows.find((r) => r.id === row.id)?.status).toBe('FAILED');
  });
});

describe('a member who erases their account', () => {
  const ERASE = 'mutation($c: String!) { deleteMyAccount(confirmation: $c) { erasureRequestId } }';
  const PHONE = '+91 98765 43210';

  it('is scrubbed from stored deliveries and their responses, redelivered and retried only anonymised, and announced as member.removed', async () => {
    const group = await createGroup(t);
    const person = await createUser(t, { name: 'Esha Erased' });
    const path = freshPath('erased');
    const waiting = freshPath('erased-waiting');
    // Integrators that echo what they were sent: their answers hold the person's data too.
    receiver.on(path, { status: 200, body: `stored Esha Erased <${person.email}>, ${PHONE}` });
    receiver.on(waiting, { status: 500, body: `no room for ${person.email}` });
    const { id: endpointId } = await createEndpoint(group, path, ['MEMBER_ADDED', 'MEMBER_REMOVED']);
    const { id: waitingId } = await createEndpoint(group, waiting, ['MEMBER_ADDED']);
    const added = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: person.email, name: 'Esha Erased', phone: PHONE, nickname: 'Eshu', role: 'MEMBER' } }, group.admin.token);
    const memberId = added.data!.addMember.member.id;
    const bystanderEmail = uniqueEmail('bystander');
    const bystanderId = await addMember(group, bystanderEmail);
    await waitForRows(endpointId, (rows) => rows.length === 2 && rows.every((r) => r.status === 'SUCCEEDED'));
    const [waitingRow] = await waitForRows(waitingId, (rows) => rows.length === 2 && rows.every((r) => r.status === 'PENDING' && r.attempts === 1));
    expect(JSON.stringify(await deliveries(endpointId, group.admin.token))).toContain(person.email);
    receiver.on(path, { status: 200, body: 'ok' });

    const erased = await t.gql(ERASE, { c: person.email }, person.token);
    expect(erased.errors).toBeUndefined();

    // The integrator hears of it as of a removal, with nothing left of who it was.
    const requests = await receiver.waitFor(path, 3);
    const removed = JSON.parse(requests[2].body) as DeliveryNode['envelope'];
    expect(removed).toMatchObject({ type: 'member.removed', groupId: group.id });
    expect(removed.data.member).toEqual({ id: memberId, primaryMemberId: null, name: 'Former member', email: null, phone: null, nickname: null, role: 'MEMBER', customAmountMinor: null, memberNumber: expect.any(String), status: 'REMOVED' });

    // What webhookDeliveries shows: the envelope and the response excerpts, scrubbed.
    const personal = [person.email, 'Esha Erased', 'Eshu', '98765'];
    const stored = await deliveries(endpointId, group.admin.token);
    const addedDelivery = stored.find((d) => d.eventType === 'MEMBER_ADDED' && d.envelope.data.member.id === memberId)!;
    expect(addedDelivery.envelope.data.member).toMatchObject({ id: memberId, name: 'Former member', email: null, phone: null, nickname: null });
    expect(addedDelivery.attemptLog.map((a) => a.responseExcerpt)).toEqual(['stored Former member <[erased]>, [erased]']);
    const shown = JSON.stringify([stored, await deliveries(waitingId, group.admin.token)]);
    for (const value of personal) expect(shown).not.toContain(value);
    // Another member's event is theirs, untouched.
    expect(stored.find((d) => d.envelope.data.member.id === bystanderId)!.envelope.data.member).toMatchObject({ name: 'Hooked Member', email: bystanderEmail });

    // A redelivery, and a retry of a delivery still waiting, send only the anonymised member.
    const redelivered = await t.gql(REDELIVER, { id: addedDelivery.id }, group.admin.token);
    expect(redelivered.errors).toBeUndefined();
    const resent = (await receiver.waitFor(path, 4))[3];
    expect((JSON.parse(resent.body) as DeliveryNode['envelope']).data.member).toMatchObject({ id: memberId, name: 'Former member', email: null, phone: null });
    receiver.on(waiting, { status: 200 });
    await deliverAt(new Date(new Date(waitingRow.next_attempt_at).getTime() + 60_000));
    const retried = receiver.at(waiting).slice(2);
    expect(retried).toHaveLength(2);
    const sentAfter = [resent, ...retried].map((r) => r.body).join('\n');
    for (const value of personal) expect(sentAfter).not.toContain(value);
    expect(sentAfter).toContain(bystanderEmail);
  });
});

describe('rotateWebhookSecret', () => {
  it('signs later deliveries with the new secret only; the old one no longer verifies', async () => {
    const group = await createGroup(t);
    const path = freshPath('rotate');
    const { id: endpointId, secret: oldSecret } = await createEndpoint(group, path);
    await addMember(group);
    const [before] = await receiver.waitFor(path);
    expect(verify(before.body, before.headers, oldSecret)).toBe(true);

    const rotated = await t.gql<{ rotateWebhookSecret: { secret: string; endpoint: { secretRotatedAt: string } } }>(ROTATE, { id: endpointId }, group.admin.token);
    const newSecret = rotated.data!.rotateWebhookSecret.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.data!.rotateWebhookSecret.endpoint.secretRotatedAt).not.toBeNull();
    await addMember(group);
    const [, after] = await receiver.waitFor(path, 2);
    expect(verify(after.body, after.headers, newSecret)).toBe(true);
    expect(verify(after.body, after.headers, oldSecret)).toBe(false);
    // Neither secret is stored in clear.
    const stored = await t.query<{ secret_encrypted: string }>('select secret_encrypted from webhook_endpoints where id = $1', [endpointId]);
    expect(stored.rows[0].secret_encrypted).not.toContain(newSecret);
    expect(stored.rows[0].secret_encrypted).toMatch(/^v1\./);
  });
});

describe('SSRF protection', () => {
  const refused = ['http://127.0.0.1:9/x', 'http://localhost:9/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/x', 'http://192.168.1.1/x', 'http://172.16.0.1/x', 'http://100.64.0.1/x', 'http://0.0.0.0/x', 'http://[::ffff:10.0.0.1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://[fd00::1]/x', 'http://[fe80::1]/x'];

  it('refuses URLs that resolve to non-public addresses when no allow-list permits them', async () => {
    const strict = await startTestServer({ db: t.db, env: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_POLL_INTERVAL_MS: '0' } });
    try {
      const group = await createGroup(strict);
      for (const url of refused) {
        const response = await strict.gql(CREATE, { g: group.id, url, events: ['MEMBER_ADDED'] }, group.admin.token);
        expect([url, codeOf(response)]).toEqual([url, 'BAD_USER_INPUT']);
        expect(response.errors![0].extensions!.fields!.url).toMatch(/private, loopback, link-local or reserved/);
      }
      const update = await strict.gql<{ webhookEndpoints: { id: string }[] }>('query($g: ID!) { webhookEndpoints(groupId: $g) { id } }', { g: group.id }, group.admin.token);
      expect(update.data?.webhookEndpoints).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('refuses plain http unless allowed, and other schemes, credentials and garbage always', async () => {
    const group = await createGroup(t);
    const strict = await startTestServer({ db: t.db, env: { WEBHOOK_POLL_INTERVAL_MS: '0' } });
    try {
      const plain = await strict.gql(CREATE, { g: group.id, url: 'http://example.com/hook', events: ['MEMBER_ADDED'] }, group.admin.token);
      expect(plain.errors?.[0].extensions?.fields).toEqual({ url: 'Use an https:// URL' });
    } finally {
      await strict.close();
    }
    for (const url of ['ftp://example.com/x', 'not a url', '', `https://user:pw@example.com/x`, `https://example.com/${'x'.repeat(2100)}`]) {
      const response = await t.gql(CREATE, { g: group.id, url, events: ['MEMBER_ADDED'] }, group.admin.token);
      expect([url.slice(0, 40), codeOf(response), Object.keys(response.errors?.[0].extensions?.fields ?? {})]).toEqual([url.slice(0, 40), 'BAD_USER_INPUT', ['url']]);
    }
    const both = await t.gql(CREATE, { g: group.id, url: 'http://10.0.0.1/', events: [] }, group.admin.token);
    expect(Object.keys(both.errors?.[0].extensions?.fields ?? {}).sort()).toEqual(['events', 'url']);
    const badEnum = await t.gql(CREATE, { g: group.id, url: `${receiver.url}/x`, events: ['MEMBER_EXPLODED'] }, group.admin.token);
    expect(codeOf(badEnum)).toBe('BAD_USER_INPUT');
    // An update is checked the same way.
    const { id } = await createEndpoint(group, freshPath('update'));
    const update = await t.gql('mutation($id: ID!, $url: String) { updateWebhookEndpoint(id: $id, url: $url) { id } }', { id, url: 'http://127.0.0.2:8080/' }, group.admin.token);
    expect(update.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { url: expect.stringMatching(/127\.0\.0\.2/) } });
  });

  it('refuses again at delivery time: an address no longer allowed is never called', async () => {
    const group = await createGroup(t);
    const path = freshPath('rebind');
    const { id: endpointId } = await createEndpoint(group, path);
    await addMember(group);
    await receiver.waitFor(path);
    await waitForRows(endpointId, (rows) => rows[0]?.status === 'SUCCEEDED');
    const later = await requeueForLater(endpointId);
    // The operator removed 127.0.0.1 from the allow-list.
    await deliverAt(later, { ...ENV, WEBHOOK_ALLOWED_NETWORKS: '' });
    expect(receiver.at(path)).toHaveLength(1);
    const [delivery] = await deliveries(endpointId, group.admin.token);
    expect(delivery.attemptLog[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/^Refused to call 127\.0\.0\.1: .*private, loopback/) });
    expect(delivery.status).toBe('PENDING');
  });
});

describe('the delivery worker', () => {
  it('delivers each delivery once when two runs race, and takes over a delivery whose worker died', async () => {
    const group = await createGroup(t);
    const path = freshPath('race');
    const { id: endpointId } = await createEndpoint(group, path);
    for (let i = 0; i < 8; i += 1) await addMember(group);
    await receiver.waitFor(path, 8);
    await waitForRows(endpointId, (rows) => rows.length === 8 && rows.every((r) => r.status === 'SUCCEEDED'));
    const later = await requeueForLater(endpointId);
    receiver.on(path, { status: 200, delayMs: 100 });
    const drain = async (): Promise<number> => {
      let claimed = 0;
      for (;;) {
        const run = await deliverAt(later, ENV, 3);
        // Only a full batch tells the dispatcher to run again at once.
        expect(run.moreMayBeWaiting).toBe(run.claimed === 3);
        if (run.claimed === 0) return claimed;
        claimed += run.claimed;
      }
    };
    const [a, b] = await Promise.all([drain(), drain()]);
    expect(a + b).toBe(8);
    const ids = receiver.at(path).slice(8).map((r) => r.headers['coffer-webhook-id']);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);

    // A worker claimed this one and died: once its lease is over, another run sends it.
    const [victim] = await rowsOf(endpointId);
    await t.query(`update webhook_deliveries set status = 'SENDING', attempts = 1, locked_until = now() + interval '1 minute' where id = $1`, [victim.id]);
    const victimRequests = (): number => receiver.at(path).filter((r) => r.headers['coffer-webhook-id'] === victim.id).length;
    const sentBefore = victimRequests();
    expect((await deliverAt(new Date())).claimed).toBe(0);
    await deliverAt(new Date(Date.now() + 2 * 60_000));
    const [taken] = (await rowsOf(endpointId)).filter((r) => r.id === victim.id);
    expect(taken).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(victimRequests()).toBe(sentBefore + 1);
  });
});

describe('the in-process trigger', () => {
  it('comes back after its database connection is cut, and catches up on what committed meanwhile', async () => {
    const group = await createGroup(t);
    const path = freshPath('reconnect');
    await createEndpoint(group, path);
    const cut = await t.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'listen coffer_webhook_outbox'`);
    expect(cut.rowCount).toBe(1);
    // Committed while nobody listens (the poll timer is off in these tests).
    await addMember(group);
    await receiver.waitFor(path, 1, 15_000);
    await addMember(group);
    await receiver.waitFor(path, 2, 5_000);
  });
});

describe('a secret that cannot be decrypted', () => {
  it('fails the attempt visibly instead of leaving the delivery stuck', async () => {
    const group = await createGroup(t);
    const path = freshPath('bad-key');
    const { id: endpointId } = await createEndpoint(group, path);
    await addMember(group);
    await waitForRows(endpointId, (rows) => rows[0]?.status === 'SUCCEEDED');
    const later = await requeueForLater(endpointId);
    await deliverAt(later, { ...ENV, ENCRYPTION_KEY: 'another-key' });
    expect(receiver.at(path)).toHaveLength(1);
    const [delivery] = await deliveries(endpointId, group.admin.token);
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringMatching(/cannot be decrypted/) });
  });
});

describe('who may manage webhooks', () => {
  it('admins and admin keys only; other groups and malformed ids are NOT_FOUND', async () => {
    const group = await createGroup(t);
    const operator = await createUser(t);
    const member = await createUser(t);
    const outsider = await createUser(t);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    await addUserToGroup(t, group, member, 'MEMBER');
    const otherGroup = await createGroup(t);
    const adminKey = await createApiKey(t, group, 'ADMIN');
    const operatorKey = await createApiKey(t, group, 'OPERATOR');
    const path = freshPath('roles');
    receiver.on(path, { status: 500 });
    const { id: endpointId } = await createEndpoint(group, path);
    await addMember(group);
    const [row] = await waitForRows(endpointId, (rows) => rows[0]?.attempts === 1);
    await t.query(`update webhook_deliveries set status = 'FAILED' where id = $1`, [row.id]);

    const ops: Record<string, (auth: string | undefined, id: string) => Promise<{ errors?: { extensions?: { code?: string } }[] }>> = {
      list: (auth) => t.gql('query($g: ID!) { webhookEndpoints(groupId: $g) { id } }', { g: group.id }, auth),
      create: (auth) => t.gql(CREATE, { g: group.id, url: `${receiver.url}/roles-new`, events: ['MEMBER_ADDED'] }, auth),
      update: (auth, id) => t.gql('mutation($id: ID!) { updateWebhookEndpoint(id: $id, description: "x") { id } }', { id }, auth),
      rotate: (auth, id) => t.gql(ROTATE, { id }, auth),
      deliveries: (auth, id) => t.gql(DELIVERIES, { id }, auth),
      redeliver: (auth) => t.gql(REDELIVER, { id: row.id }, auth),
    };
    const outcome = async (auth: string | undefined, id = endpointId): Promise<Record<string, string>> => {
      const result: Record<string, string> = {};
      for (const [name, run] of Object.entries(ops)) result[name] = codeOf(await run(auth, id)) ?? 'ok';
      return result;
    };
    const all = (code: string): Record<string, string> => Object.fromEntries(Object.keys(ops).map((name) => [name, code]));
    expect(await outcome(operator.token)).toEqual(all('FORBIDDEN'));
    expect(await outcome(member.token)).toEqual(all('FORBIDDEN'));
    expect(await outcome(operatorKey)).toEqual(all('FORBIDDEN'));
    expect(await outcome(outsider.token)).toEqual(all('NOT_FOUND'));
    expect(await outcome(otherGroup.admin.token)).toEqual(all('NOT_FOUND'));
    expect(await outcome(undefined)).toEqual(all('UNAUTHENTICATED'));
    expect(await outcome(adminKey)).toEqual(all('ok'));
    // Ids that are not UUIDs, or name nothing: NOT_FOUND, never an error from the database.
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect(codeOf(await ops.update(group.admin.token, id))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(REDELIVER, { id }, group.admin.token))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql('mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id }, group.admin.token))).toBe('NOT_FOUND');
    }
    expect(codeOf(await t.gql('mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id: endpointId }, otherGroup.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql('mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id: endpointId }, operator.token))).toBe('FORBIDDEN');
    const deleted = await t.gql<{ deleteWebhookEndpoint: string }>('mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id: endpointId }, group.admin.token);
    expect(deleted.data?.deleteWebhookEndpoint).toBe(endpointId);
    expect(await rowsOf(endpointId)).toEqual([]);
    expect(codeOf(await ops.deliveries(group.admin.token, endpointId))).toBe('NOT_FOUND');
  });

  it('updates only what is given, and a disabled endpoint receives nothing', async () => {
    const group = await createGroup(t);
    const path = freshPath('disabled');
    const { id: endpointId } = await createEndpoint(group, path, ['MEMBER_ADDED', 'MEMBER_ADDED', 'MEMBER_REMOVED']);
    const updated = await t.gql<{ updateWebhookEndpoint: { url: string; events: string[]; enabled: boolean; description: string } }>(
      'mutation($id: ID!) { updateWebhookEndpoint(id: $id, enabled: false, description: "ERP") { url events enabled description } }',
      { id: endpointId },
      group.admin.token,
    );
    expect(updated.data?.updateWebhookEndpoint).toEqual({ url: `${receiver.url}${path}`, events: ['MEMBER_ADDED', 'MEMBER_REMOVED'], enabled: false, description: 'ERP' });
    await addMember(group);
    await deliverAt(new Date());
    expect(await rowsOf(endpointId)).toEqual([]);
    expect(receiver.at(path)).toHaveLength(0);
    const noEvents = await t.gql('mutation($id: ID!) { updateWebhookEndpoint(id: $id, events: []) { id } }', { id: endpointId }, group.admin.token);
    expect(noEvents.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: { events: 'Choose at least one event' } });
  });
});
