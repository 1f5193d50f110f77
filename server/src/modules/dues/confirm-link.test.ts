import { codeOf } from '../../../test/support/factories';
import { createBilledGroup, openPeriod } from '../../../test/support/dues-factories';
import { collect, startTestServer, TestServer } from '../../../test/support/test-server';
import { waitForSubscribers } from '../../../test/support/ws-helpers';
import { signConfirmToken, verifyConfirmToken } from './confirm-link';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const DUE = 'query($id: ID!) { due(id: $id) { id status memberConfirmedAt iHavePaidLink paidTransaction { id approvalSource } } }';

async function linkFor(dueId: string, token: string): Promise<string> {
  const response = await t.gql<{ due: { iHavePaidLink: string } }>(DUE, { id: dueId }, token);
  return response.data!.due.iHavePaidLink;
}

/** Follows the link as a phone browser would, without following the redirect. */
const visit = (url: string): Promise<Response> => fetch(url.replace(/^https?:\/\/[^/]+/, t.url), { redirect: 'manual' });

async function statusOf(dueId: string): Promise<string> {
  return (await t.query<{ status: string }>('select status from dues where id = $1', [dueId])).rows[0].status;
}

async function setup() {
  const group = await createBilledGroup(t, { memberCount: 1 });
  const { dueByMember } = await openPeriod(t, group);
  const dueId = dueByMember.get(group.members[0].id)!;
  return { group, dueId, member: group.members[0].user };
}

describe('the signed "I\'ve paid" link', () => {
  it('marks the due MEMBER_CONFIRMED, queues an approval and a notification, and redirects to the thank-you page', async () => {
    const { group, dueId, member } = await setup();
    const inbox = collect<{ approvalEvents: { type: string; pendingCount: number; approval: { entityType: string; targetId: string } } }>(
      t.ws(group.admin.token),
      'subscription($g: ID!) { approvalEvents(groupId: $g) { type pendingCount approval { entityType targetId } } }',
      { g: group.id },
    );
    const dueFeed = collect<{ dueEvents: { change: string; due: { id: string; status: string } } }>(
      t.ws(group.admin.token),
      'subscription($g: ID!) { dueEvents(groupId: $g) { change due { id status } } }',
      { g: group.id },
    );
    await waitForSubscribers(t.server, 'approvalEvents', { g: group.id });
    await waitForSubscribers(t.server, 'dueEvents', { g: group.id });
    const response = await visit(await linkFor(dueId, member.token));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/api/confirm/thanks');
    const thanks = await fetch(`${t.url}/api/confirm/thanks`);
    expect(thanks.status).toBe(200);
    expect(await thanks.text()).toContain('Thank you');
    expect(await statusOf(dueId)).toBe('MEMBER_CONFIRMED');
    await inbox.next(1);
    expect(inbox.results[0].data!.approvalEvents).toMatchObject({ type: 'QUEUED', pendingCount: 1, approval: { entityType: 'DUE', targetId: dueId } });
    await dueFeed.next(1);
    expect(dueFeed.results[0].data!.dueEvents).toEqual({ change: 'MEMBER_CONFIRMED', due: { id: dueId, status: 'MEMBER_CONFIRMED' } });
    const tasks = await t.query<{ recipient: string; template: string }>("select recipient, template from notification_tasks where group_id = $1 and template = 'due.member_confirmed'", [group.id]);
    expect(tasks.rows).toEqual([{ recipient: group.admin.email, template: 'due.member_confirmed' }]);
  });

  it('used twice: the same thank-you, no second request or notification', async () => {
    const { group, dueId, member } = await setup();
    const link = await linkFor(dueId, member.token);
    const first = await visit(link);
    const second = await visit(link);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.headers.get('location')).toBe('/api/confirm/thanks');
    expect((await t.query("select 1 from approval_requests where group_id = $1 and entity_type = 'DUE'", [group.id])).rowCount).toBe(1);
    expect((await t.query("select 1 from notification_tasks where group_id = $1 and template = 'due.member_confirmed'", [group.id])).rowCount).toBe(1);
  });

  it('five concurrent clicks confirm once', async () => {
    const { group, dueId, member } = await setup();
    const link = await linkFor(dueId, member.token);
    const responses = await Promise.all(Array.from({ length: 5 }, () => visit(link)));
    expect(responses.map((r) => r.status)).toEqual([303, 303, 303, 303, 303]);
    expect((await t.query("select 1 from approval_requests where group_id = $1 and entity_type = 'DUE'", [group.id])).rowCount).toBe(1);
  });

  it('tampered, truncated or forged: 400 and nothing changes', async () => {
    const { dueId, member } = await setup();
    const link = await linkFor(dueId, member.token);
    const [payload, signature] = link.split('/api/confirm/')[1].split('.');
    const longerExpiry = Buffer.from(`${dueId}.${Math.floor(Date.now() / 1000) + 10 * 365 * 86400}`).toString('base64url');
    const forged = signConfirmToken(dueId, new Date(Date.now() + 86_400_000), 'not-our-secret');
    for (const token of [`${longerExpiry}.${signature}`, `${payload}.${signature.slice(0, -2)}`, payload, forged, 'x.y.z']) {
      const response = await visit(`${t.url}/api/confirm/${token}`);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('not valid');
    }
    expect(await statusOf(dueId)).toBe('UNPAID');
  });

  it('expired: 410 and nothing changes', async () => {
    const { dueId } = await setup();
    const expired = signConfirmToken(dueId, new Date(Date.now() - 1000), t.config.jwtSecret);
    const response = await visit(`${t.url}/api/confirm/${expired}`);
    expect(response.status).toBe(410);
    expect(await response.text()).toContain('expired');
    expect(await statusOf(dueId)).toBe('UNPAID');
  });

  it('verifies the signature before the expiry, so an edited expiry is INVALID not EXPIRED', () => {
    // One fixed "now" for signing and checking: the expiry is kept in whole seconds, so a token a second
    // ahead of one Date.now() could already have expired by a later one.
    const now = Date.now();
    const token = signConfirmToken('d1', new Date(now - 1000), 's');
    expect(verifyConfirmToken(token, 's', now)).toEqual({ ok: false, reason: 'EXPIRED' });
    expect(verifyConfirmToken(token, 'other', now)).toEqual({ ok: false, reason: 'INVALID' });
    const valid = signConfirmToken('d1', new Date(now + 60_000), 's');
    expect(verifyConfirmToken(valid, 's', now)).toEqual({ ok: true, dueId: 'd1' });
    expect(verifyConfirmToken(valid, 's', now + 61_000)).toEqual({ ok: false, reason: 'EXPIRED' });
  });

  it('approving the request in the inbox records the payment; rejecting sends the due back to UNPAID', async () => {
    const { group, dueId, member } = await setup();
    await visit(await linkFor(dueId, member.token));
    const approvalId = (await t.query<{ id: string }>("select id from approval_requests where target_id = $1 and status = 'PENDING'", [dueId])).rows[0].id;
    const approved = await t.gql('mutation($id: ID!) { approve(id: $id) { id status } }', { id: approvalId }, group.admin.token);
    expect(approved.errors).toBeUndefined();
    const due = await t.gql<{ due: { status: string; paidTransaction: { approvalSource: string } } }>(DUE, { id: dueId }, group.admin.token);
    // The member asked, an admin approved: maker–checker (MANUAL), not an admin's own direct confirmation.
    expect(due.data!.due).toMatchObject({ status: 'PAID', paidTransaction: { approvalSource: 'MANUAL' } });

    const other = await setup();
    await visit(await linkFor(other.dueId, other.member.token));
    const otherApproval = (await t.query<{ id: string }>("select id from approval_requests where target_id = $1 and status = 'PENDING'", [other.dueId])).rows[0].id;
    const rejected = await t.gql('mutation($id: ID!) { reject(id: $id, notes: "Not in the bank") { id status } }', { id: otherApproval }, other.group.admin.token);
    expect(rejected.errors).toBeUndefined();
    expect(await statusOf(other.dueId)).toBe('UNPAID');
    expect((await t.query('select 1 from transactions where group_id = $1', [other.group.id])).rowCount).toBe(0);
  });

  it('confirming the due directly settles the pending request, so the inbox is empty', async () => {
    const { group, dueId, member } = await setup();
    await visit(await linkFor(dueId, member.token));
    const confirmed = await t.gql('mutation($id: ID!) { confirmPayment(dueId: $id, action: CONFIRM) { due { status } } }', { id: dueId }, group.admin.token);
    expect(confirmed.errors).toBeUndefined();
    const count = await t.gql<{ pendingApprovalCount: number }>('query($g: ID!) { pendingApprovalCount(groupId: $g) }', { g: group.id }, group.admin.token);
    expect(count.data!.pendingApprovalCount).toBe(0);
    const request = await t.query<{ status: string; decided_by_id: string }>('select status, decided_by_id from approval_requests where target_id = $1', [dueId]);
    expect(request.rows).toEqual([{ status: 'APPROVED', decided_by_id: group.admin.id }]);
  });

  it('a paid due has no link any more; an anonymous caller cannot read a due', async () => {
    const { group, dueId } = await setup();
    await t.gql('mutation($id: ID!) { confirmPayment(dueId: $id, action: CONFIRM) { due { status } } }', { id: dueId }, group.admin.token);
    expect((await t.gql<{ due: { iHavePaidLink: string | null } }>(DUE, { id: dueId }, group.admin.token)).data!.due.iHavePaidLink).toBeNull();
    expect(codeOf(await t.gql(DUE, { id: dueId }))).toBe('UNAUTHENTICATED');
  });
});
