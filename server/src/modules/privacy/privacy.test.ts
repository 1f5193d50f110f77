import { randomUUID } from 'node:crypto';
import { ADD_MEMBER, addUserToGroup, codeOf, createApiKey, createGroup, createUser, TestGroup, TestUser } from '../../../test/support/factories';
import { createBilledGroup, openPeriod } from '../../../test/support/dues-factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { closeWatcher, silenceExpectedCloses } from '../../../test/support/ws-helpers';
import { hasMarketingConsent, hasMarketingConsentForRecipient } from './consent.service';
import { scrubEventData, scrubFreeText } from './erasure.service';
import { runDataRetention } from './retention.service';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const UPDATE_PROFILE = `mutation($input: UpdateProfileInput!) {
  updateMyProfile(input: $input) { id name email phone language displayCurrency notificationPreferences { channel enabled } }
}`;
const ME = `{ me {
  profile { id name language displayCurrency notificationPreferences { channel enabled } }
  memberships { role group { id } member { id name } dues { id status iHavePaidLink amount { amountMinor } } membershipTerms { id } }
} }`;
const SET_CONSENT = 'mutation($type: ConsentType!, $granted: Boolean!) { setConsent(type: $type, granted: $granted) { type granted ip createdAt } }';
const CONSENTS = '{ consents { type granted ip createdAt } }';
const EXPORT = 'mutation { exportMyData { id createdAt json } }';
const DELETE = 'mutation($confirmation: String!) { deleteMyAccount(confirmation: $confirmation) { erasureRequestId deletedAt retainFinancialUntil } }';
const RECORD = `mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id receiptNumber } } }`;
const MEMBERS = 'query($g: ID!) { members(groupId: $g, status: REMOVED, first: 50) { edges { node { id name email status } } } }';
const ACTIVITY = 'query($g: ID!) { activityLog(groupId: $g, first: 100) { edges { node { action entityId actor { id name } before after } } } }';

/** A member with a sign-in: added to the group under `name`, with a recorded cash-in of 250.00 for them. */
async function memberWithMoney(group: TestGroup, name: string, phone = '+91 98765 43210'): Promise<{ user: TestUser; memberId: string; transactionId: string }> {
  const user = await createUser(t, { name });
  const added = await t.gql<{ addMember: { member: { id: string } } }>(ADD_MEMBER, { input: { groupId: group.id, email: user.email, name, phone, role: 'MEMBER' } }, group.admin.token);
  const memberId = added.data!.addMember.member.id;
  const recorded = await t.gql<{ recordTransaction: { transaction: { id: string } } }>(
    RECORD,
    { input: { groupId: group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '250.00', currency: 'INR' }, paymentMode: 'CASH', memberId, senderName: name } },
    group.admin.token,
  );
  expect(recorded.errors).toBeUndefined();
  return { user, memberId, transactionId: recorded.data!.recordTransaction.transaction.id };
}

describe('updateMyProfile', () => {
  it('changes the whitelisted fields and shows them in me', async () => {
    const user = await createUser(t, { name: 'Asha' });
    const response = await t.gql<{ updateMyProfile: Record<string, unknown> }>(
      UPDATE_PROFILE,
      { input: { name: '  Asha Rao ', phone: '+91 90000 00001', language: 'hi', displayCurrency: 'USD', notificationPreferences: [{ channel: 'WHATSAPP', enabled: false }] } },
      user.token,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.updateMyProfile).toMatchObject({
      name: 'Asha Rao',
      phone: '+91 90000 00001',
      language: 'hi',
      displayCurrency: 'USD',
      notificationPreferences: [{ channel: 'EMAIL', enabled: true }, { channel: 'WHATSAPP', enabled: false }],
    });
    const me = await t.gql<{ me: { profile: { language: string; displayCurrency: string } } }>(ME, {}, user.token);
    expect(me.data!.me.profile).toMatchObject({ language: 'hi', displayCurrency: 'USD' });
    // Empty strings clear the optional fields.
    const cleared = await t.gql<{ updateMyProfile: { phone: string | null; displayCurrency: string | null } }>(UPDATE_PROFILE, { input: { phone: '', displayCurrency: '' } }, user.token);
    expect(cleared.data!.updateMyProfile).toMatchObject({ phone: null, displayCurrency: null });
  });

  it('names every value outside its whitelist, and changes nothing', async () => {
    const user = await createUser(t, { name: 'Bala' });
    const response = await t.gql(
      UPDATE_PROFILE,
      {
        input: {
          name: '   ',
          phone: 'call me',
          language: 'klingon',
          displayCurrency: 'XBT',
          notificationPreferences: [{ channel: 'EMAIL', enabled: false }, { channel: 'IN_APP', enabled: false }, { channel: 'EMAIL', enabled: true }],
        },
      },
      user.token,
    );
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(Object.keys(response.errors![0].extensions!.fields!).sort()).toEqual(
      ['displayCurrency', 'language', 'name', 'notificationPreferences.1.channel', 'notificationPreferences.2.channel', 'phone'].sort(),
    );
    const row = (await t.query('select name, language, notification_preferences from users where id = $1', [user.id])).rows[0];
    expect(row).toEqual({ name: 'Bala', language: 'en', notification_preferences: { EMAIL: true, WHATSAPP: true } });
    // Lower-case and padded codes are not in the whitelist either.
    expect(codeOf(await t.gql(UPDATE_PROFILE, { input: { displayCurrency: 'usd' } }, user.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(UPDATE_PROFILE, { input: { language: 'x'.repeat(5000) } }, user.token))).toBe('BAD_USER_INPUT');
  });

  it('is for signed-in people only: anonymous → UNAUTHENTICATED, API key → FORBIDDEN', async () => {
    const group = await createGroup(t);
    const key = await createApiKey(t, group, 'ADMIN');
    expect(codeOf(await t.gql(UPDATE_PROFILE, { input: { name: 'x' } }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(UPDATE_PROFILE, { input: { name: 'x' } }, key))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(EXPORT, {}, key))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(SET_CONSENT, { type: 'MARKETING', granted: true }, key))).toBe('FORBIDDEN');
    const me = await t.gql<{ me: { profile: null; memberships: { member: null; dues: unknown[] }[] } }>(ME, {}, key);
    expect(me.data!.me.profile).toBeNull();
    expect(me.data!.me.memberships).toEqual([expect.objectContaining({ member: null, dues: [], membershipTerms: [] })]);
  });
});

describe('me across groups', () => {
  it("lists each membership with the viewer's own member record, dues and terms only", async () => {
    const billed = await createBilledGroup(t, { memberCount: 2 });
    await openPeriod(t, billed, '300.00');
    const other = await createGroup(t);
    const mine = billed.members[0];
    await t.gql(ADD_MEMBER, { input: { groupId: other.id, email: mine.user.email, name: 'Me elsewhere', role: 'MEMBER' } }, other.admin.token);
    const response = await t.gql<{ me: { memberships: { group: { id: string }; member: { id: string; name: string }; dues: { id: string; status: string; iHavePaidLink: string | null; amount: { amountMinor: string } }[] }[] } }>(ME, {}, mine.user.token);
    expect(response.errors).toBeUndefined();
    const byGroup = new Map(response.data!.me.memberships.map((m) => [m.group.id, m]));
    expect(byGroup.size).toBe(2);
    const inBilled = byGroup.get(billed.id)!;
    expect(inBilled.member.id).toBe(mine.id);
    expect(inBilled.dues).toHaveLength(1);
    expect(inBilled.dues[0]).toMatchObject({ status: 'UNPAID', amount: { amountMinor: '10000' } });
    expect(inBilled.dues[0].iHavePaidLink).toContain('/api/confirm/');
    const dueOwners = await t.query('select member_id from dues where id = $1', [inBilled.dues[0].id]);
    expect(dueOwners.rows[0].member_id).toBe(mine.id);
    expect(byGroup.get(other.id)!).toMatchObject({ member: { name: 'Me elsewhere' }, dues: [] });
  });
});

describe('me: receipts and notifications', () => {
  it("shows the viewer's own receipts per group (not another member's) and their latest in-app notifications", async () => {
    const billed = await createBilledGroup(t, { memberCount: 2 });
    const { dueByMember } = await openPeriod(t, billed, '300.00');
    const [mine, theirs] = billed.members;
    const confirm = (dueId: string) => t.gql<{ confirmPayment: { transaction: { id: string; receiptNumber: string } } }>('mutation($id: ID!) { confirmPayment(dueId: $id, action: CONFIRM) { transaction { id receiptNumber } } }', { id: dueId }, billed.admin.token);
    const paid = (await confirm(dueByMember.get(mine.id)!)).data!.confirmPayment.transaction;
    await confirm(dueByMember.get(theirs.id)!);
    // An in-app message as the worker leaves it: its task, then the inbox row.
    const task = await t.query<{ id: string }>(
      `insert into notification_tasks (id, created_at, updated_at, group_id, channel, template, recipient, payload, dedupe_key, status, attempts, next_run_at)
       values (gen_random_uuid(), now(), now(), $1, 'IN_APP', 'notify.manual', $2::text, '{}'::jsonb, 'me-test:' || $2::text, 'COMPLETED', 1, now()) returning id`,
      [billed.id, mine.user.id],
    );
    await t.query(
      `insert into in_app_notifications (id, created_at, user_id, group_id, task_id, template, title, body) values (gen_random_uuid(), now(), $1, $2, $3, 'notify.manual', 'Club news', 'Hello')`,
      [mine.user.id, billed.id, task.rows[0].id],
    );
    const response = await t.gql<{ me: { notifications: { title: string }[]; memberships: { group: { id: string }; receipts: { id: string; receiptNumber: string }[] }[] } }>(
      '{ me { notifications { title } memberships { group { id } receipts { id receiptNumber } } } }',
      {},
      mine.user.token,
    );
    expect(response.errors).toBeUndefined();
    const receipts = response.data!.me.memberships.find((m) => m.group.id === billed.id)!.receipts;
    expect(receipts).toEqual([{ id: paid.id, receiptNumber: paid.receiptNumber }]);
    expect(response.data!.me.notifications.map((n) => n.title)).toEqual(['Club news']);
  });
});

describe('consents', () => {
  it('records each decision with time and IP; the newest per type is current; the worker check follows it', async () => {
    const user = await createUser(t);
    expect(await hasMarketingConsent(t.server.orm.em.fork(), user.id)).toBe(false);
    const started = Date.now();
    const granted = await t.gql<{ setConsent: { type: string; granted: boolean; ip: string; createdAt: string } }>(SET_CONSENT, { type: 'MARKETING', granted: true }, user.token);
    expect(granted.errors).toBeUndefined();
    expect(granted.data!.setConsent).toMatchObject({ type: 'MARKETING', granted: true });
    expect(granted.data!.setConsent.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(new Date(granted.data!.setConsent.createdAt).getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(await hasMarketingConsent(t.server.orm.em.fork(), user.id)).toBe(true);
    expect(await hasMarketingConsentForRecipient(t.server.orm.em.fork(), user.email.toUpperCase())).toBe(true);

    await t.gql(SET_CONSENT, { type: 'TERMS', granted: true }, user.token);
    await t.gql(SET_CONSENT, { type: 'MARKETING', granted: false }, user.token);
    const current = await t.gql<{ consents: { type: string; granted: boolean }[] }>(CONSENTS, {}, user.token);
    expect(current.data!.consents.map(({ type, granted: g }) => ({ type, granted: g }))).toEqual([
      { type: 'MARKETING', granted: false },
      { type: 'TERMS', granted: true },
    ]);
    expect(await hasMarketingConsent(t.server.orm.em.fork(), user.id)).toBe(false);
    // The history stays as proof.
    expect((await t.query('select granted from consents where user_id = $1 and type = $2 order by created_at', [user.id, 'MARKETING'])).rows).toEqual([{ granted: true }, { granted: false }]);
    expect(await hasMarketingConsentForRecipient(t.server.orm.em.fork(), 'nobody@example.com')).toBe(false);
  });

  it('takes the IP from the socket, not from a client-supplied X-Forwarded-For (no trusted proxies by default)', async () => {
    const user = await createUser(t);
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ query: SET_CONSENT, variables: { type: 'PRIVACY', granted: true } }),
    });
    const body = (await response.json()) as { data: { setConsent: { ip: string } } };
    expect(body.data.setConsent.ip).not.toContain('203.0.113.9');
    expect(body.data.setConsent.ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it('refuses an unknown consent type', async () => {
    const user = await createUser(t);
    expect(codeOf(await t.gql(SET_CONSENT, { type: 'EVERYTHING', granted: true }, user.token))).toBe('BAD_USER_INPUT');
  });
});

describe('exportMyData', () => {
  it("holds the person's profile, memberships, dues, transactions, consents, notifications and activity, and nobody else's", async () => {
    const billed = await createBilledGroup(t, { memberCount: 0 });
    const me = await memberWithMoney(billed, 'Chitra Export');
    const someoneElse = await memberWithMoney(billed, 'Dev Unrelated');
    await openPeriod(t, billed, '90.00');
    await t.gql(SET_CONSENT, { type: 'TERMS', granted: true }, me.user.token);
    await t.query(
      `insert into notification_tasks (id, created_at, updated_at, next_run_at, channel, template, recipient, payload, dedupe_key)
       values ($1, now(), now(), now(), 'EMAIL', 'member.welcome', $2, '{"temporaryPassword": "enc:abc", "groupName": "Club"}', $3),
              ($4, now(), now(), now(), 'EMAIL', 'member.welcome', $5, '{}', $6)`,
      [randomUUID(), me.user.email, `t-${randomUUID()}`, randomUUID(), someoneElse.user.email, `t-${randomUUID()}`],
    );
    const response = await t.gql<{ exportMyData: { id: string; json: string } }>(EXPORT, {}, me.user.token);
    expect(response.errors).toBeUndefined();
    const doc = JSON.parse(response.data!.exportMyData.json) as Record<string, unknown[]> & { profile: { email: string }; format: string };
    expect(doc.format).toBe('coffer.personal-data-export/1');
    expect(doc.profile.email).toBe(me.user.email);
    expect(doc.memberships).toEqual([expect.objectContaining({ id: me.memberId, name: 'Chitra Export', group: expect.objectContaining({ id: billed.id }) })]);
    expect(doc.dues).toEqual([expect.objectContaining({ member: me.memberId, amountMinor: '3000' })]);
    expect(doc.transactions).toEqual([expect.objectContaining({ id: me.transactionId, amountMinor: '25000' })]);
    expect(doc.consents).toEqual([expect.objectContaining({ type: 'TERMS', granted: true })]);
    expect(doc.notifications).toEqual([expect.objectContaining({ recipient: me.user.email, payload: { temporaryPassword: '[withheld]', groupName: 'Club' } })]);
    expect(doc.activity).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'member.add', entityId: me.memberId }), expect.objectContaining({ action: 'consent.set' })]));
    const text = response.data!.exportMyData.json;
    expect(text).not.toContain(someoneElse.user.email);
    expect(text).not.toContain('Dev Unrelated');
    expect(text).not.toContain(someoneElse.transactionId);
    expect(text).not.toContain('passwordHash');
    // The request is on record, and shows in the next export.
    expect((await t.query('select ip from data_export_requests where id = $1 and user_id = $2', [response.data!.exportMyData.id, me.user.id])).rowCount).toBe(1);
    const second = JSON.parse((await t.gql<{ exportMyData: { json: string } }>(EXPORT, {}, me.user.token)).data!.exportMyData.json) as { dataExportRequests: unknown[] };
    expect(second.dataExportRequests).toHaveLength(2);
  });
});

describe('deleteMyAccount', () => {
  it('refuses a confirmation that is not the account e-mail', async () => {
    const user = await createUser(t);
    const response = await t.gql(DELETE, { confirmation: 'yes please' }, user.token);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors![0].extensions!.fields).toHaveProperty('confirmation');
    expect((await t.query('select deleted_at from users where id = $1', [user.id])).rows[0].deleted_at).toBeNull();
  });

  it("refuses the only admin of an active group (CONFLICT LAST_ADMIN) and allows it once there's another admin", async () => {
    const group = await createGroup(t);
    const response = await t.gql(DELETE, { confirmation: group.admin.email }, group.admin.token);
    expect(codeOf(response)).toBe('CONFLICT');
    expect(response.errors![0].extensions!.reason).toBe('LAST_ADMIN');
    expect(response.errors![0].message).toContain('Test Club');
    const second = await createUser(t);
    await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: second.email, name: 'Second Admin', role: 'ADMIN' } }, group.admin.token);
    const ok = await t.gql(DELETE, { confirmation: group.admin.email }, group.admin.token);
    expect(ok.errors).toBeUndefined();
  });

  it('lets exactly one of two admins leave when both delete their accounts at once', async () => {
    const group = await createGroup(t);
    const second = await createUser(t);
    await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: second.email, name: 'Second Admin', role: 'ADMIN' } }, group.admin.token);
    const results = await Promise.all([
      t.gql(DELETE, { confirmation: group.admin.email }, group.admin.token),
      t.gql(DELETE, { confirmation: second.email }, second.token),
    ]);
    expect(results.map((r) => codeOf(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const admins = await t.query(`select count(*)::int as n from members m join users u on u.id = m.user_id where m.group_id = $1 and m.role = 'ADMIN' and m.status = 'ACTIVE' and u.deleted_at is null`, [group.id]);
    expect(admins.rows[0].n).toBe(1);
  });

  it('erases the person: no sign-in, token and API keys refused, names anonymised, ledger and audit intact, admins see Former member', async () => {
    const group = await createGroup(t);
    const { user, memberId, transactionId } = await memberWithMoney(group, 'Esha Erased');
    const bystander = await memberWithMoney(group, 'Hari Kept', '+91 91111 22222');
    // A co-admin who created an API key, to see the key die with the account.
    const coAdmin = await createUser(t, { name: 'Farid CoAdmin' });
    await t.gql(ADD_MEMBER, { input: { groupId: group.id, email: coAdmin.email, name: 'Farid CoAdmin', role: 'ADMIN' } }, group.admin.token);
    const keyResponse = await t.gql<{ createApiKey: { secret: string } }>('mutation($g: ID!) { createApiKey(groupId: $g, name: "farid", role: ADMIN) { secret } }', { g: group.id }, coAdmin.token);
    const key = keyResponse.data!.createApiKey.secret;
    expect((await t.gql('{ me { apiKey { id } } }', {}, key)).errors).toBeUndefined();

    const auditBefore = (await t.query('select * from audit_logs where group_id = $1 order by id', [group.id])).rows;
    const ledgerBefore = (await t.query('select t.*, (select json_agg(e order by e.id) from ledger_entries e where e.transaction_id = t.id) as entries from transactions t where t.group_id = $1 order by t.id', [group.id])).rows;
    expect(auditBefore.length).toBeGreaterThan(0);

    const queued = randomUUID();
    await t.query(
      `insert into notification_tasks (id, created_at, updated_at, next_run_at, channel, template, recipient, payload, dedupe_key)
       values ($1, now(), now(), now(), 'EMAIL', 'due.reminder', $2, '{"memberName": "Esha Erased"}', $3)`,
      [queued, user.email, `q-${queued}`],
    );
    const deleted = await t.gql<{ deleteMyAccount: { retainFinancialUntil: string } }>(DELETE, { confirmation: ` ${user.email.toUpperCase()} ` }, user.token);
    expect(deleted.errors).toBeUndefined();
    const expectedUntil = new Date();
    expectedUntil.setUTCFullYear(expectedUntil.getUTCFullYear() + 8);
    expect(deleted.data!.deleteMyAccount.retainFinancialUntil).toBe(expectedUntil.toISOString().slice(0, 10));
    expect((await t.gql(DELETE, { confirmation: coAdmin.email }, coAdmin.token)).errors).toBeUndefined();

    // Cannot sign in; old tokens and API keys are refused.
    const signIn = await t.gql('mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { accessToken } }', { e: user.email, p: user.password });
    expect(codeOf(signIn)).toBe('UNAUTHENTICATED');
    const withOldToken = await t.gql('{ me { profile { id } } }', {}, user.token);
    expect(withOldToken.status).toBe(401);
    expect(codeOf(withOldToken)).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql('{ me { apiKey { id } } }', {}, key))).toBe('UNAUTHENTICATED');
    // Live updates too: a socket with the old token is closed at once (graphql-ws 4403).
    const silenced = silenceExpectedCloses([4403]);
    try {
      const watcher = closeWatcher();
      t.ws(user.token, { onClose: watcher.onClose });
      expect((await watcher.wait()).code).toBe(4403);
    } finally {
      silenced.mockRestore();
    }
    expect((await t.query('select revoked_at from api_keys where created_by_id = $1', [coAdmin.id])).rows[0].revoked_at).not.toBeNull();

    // Anonymised: the user row, the member row, the activity snapshots.
    const userRow = (await t.query('select name, email, phone, deleted_at from users where id = $1', [user.id])).rows[0];
    expect(userRow).toMatchObject({ name: 'Former member', phone: null });
    expect(userRow.email).not.toContain(user.email);
    expect(userRow.deleted_at).not.toBeNull();
    const members = await t.gql<{ members: { edges: { node: { id: string; name: string; email: string | null; status: string } }[] } }>(MEMBERS, { g: group.id }, group.admin.token);
    expect(members.data!.members.edges.map((e) => e.node)).toContainEqual({ id: memberId, name: 'Former member', email: null, status: 'REMOVED' });
    const activityText = JSON.stringify((await t.query('select before, after from activity_logs where group_id = $1 or entity_id = $2', [group.id, user.id])).rows);
    expect(activityText).not.toContain(user.email);
    expect(activityText).not.toContain('Esha Erased');
    expect(activityText).not.toContain('98765');
    expect(activityText).toContain('Former member');
    // Other people's data is left alone.
    expect(activityText).toContain(bystander.user.email);
    expect(activityText).toContain('Hari Kept');
    expect(activityText).toContain('+91 91111 22222');

    // Admins see "Former member" in the history: the add, the erasure and the co-admin's own actions.
    const history = await t.gql<{ activityLog: { edges: { node: { action: string; entityId: string; actor: { id: string; name: string } | null; after: Record<string, unknown> | null } }[] } }>(ACTIVITY, { g: group.id }, group.admin.token);
    const nodes = history.data!.activityLog.edges.map((e) => e.node);
    expect(nodes.find((n) => n.action === 'member.add' && n.entityId === memberId)!.after).toMatchObject({ name: 'Former member', email: null });
    expect(nodes.find((n) => n.action === 'member.erase' && n.entityId === memberId)!.after).toEqual({ name: 'Former member', status: 'REMOVED' });
    expect(nodes.find((n) => n.action === 'api-key.create')!.actor).toEqual({ id: coAdmin.id, name: 'Former member' });
    const txn = await t.gql<{ transaction: { member: { name: string } } }>('query($id: ID!) { transaction(id: $id) { member { name } } }', { id: transactionId }, group.admin.token);
    expect(txn.data!.transaction.member.name).toBe('Former member');

    // Financial records are untouched, row for row.
    expect((await t.query('select * from audit_logs where group_id = $1 order by id', [group.id])).rows).toEqual(auditBefore);
    expect((await t.query('select t.*, (select json_agg(e order by e.id) from ledger_entries e where e.transaction_id = t.id) as entries from transactions t where t.group_id = $1 order by t.id', [group.id])).rows).toEqual(ledgerBefore);

    // Nothing more goes out to them, and the queued message no longer says who they were.
    expect((await t.query('select recipient, payload, status from notification_tasks where id = $1', [queued])).rows[0]).toEqual({ recipient: 'erased', payload: {}, status: 'FAILED' });

    // The request is on record.
    expect((await t.query('select completed_at, retain_financial_until from erasure_requests where user_id = $1', [user.id])).rowCount).toBe(1);
  });
});

describe('scrubbing what integrator webhooks carried', () => {
  const replacements = new Map<string, string | null>([
    ['al rao', 'Former member'],
    ['al', 'Former member'],
    ['al@example.com', null],
    ['+91 98765 43210', null],
  ]);

  it("scrubs the person's own record in an event as a whole, and their values elsewhere", () => {
    const data = { member: { id: 'm1', name: 'Al Rao', email: 'AL@example.com', phone: '+91 98765 43210', nickname: 'Ally', memberNumber: 'TC-1' }, other: { id: 'm2', name: 'Bea', senderName: 'Al Rao' } };
    expect(scrubEventData(data, replacements, new Set(['m1']))).toEqual({
      member: { id: 'm1', name: 'Former member', email: null, phone: null, nickname: null, memberNumber: 'TC-1' },
      other: { id: 'm2', name: 'Bea', senderName: 'Former member' },
    });
    const untouched = { member: { id: 'm2', name: 'Bea' } };
    expect(scrubEventData(untouched, replacements, new Set(['m1']))).toBe(untouched);
  });

  it('replaces their values in free text where they stand as words, longest first', () => {
    expect(scrubFreeText('Saved Al Rao <al@example.com> (+91 98765 43210); Allowed: AL', replacements)).toBe('Saved Former member <[erased]> ([erased]); Allowed: Former member');
    expect(scrubFreeText('nothing of theirs', replacements)).toBe('nothing of theirs');
  });
});

describe('a deleted account whose access token has not expired', () => {
  // `groups` and `transactions` check the user in their first statement instead of a statement of
  // their own; the rest check first. Whichever way, the answer must be the same 401 and no data.
  it('gets the same 401 UNAUTHENTICATED, and no data, from every operation at once, memberships or not', async () => {
    const group = await createGroup(t);
    const { user } = await memberWithMoney(group, 'Dana Deleted');
    const admin = await createUser(t);
    await addUserToGroup(t, group, admin, 'ADMIN');
    const operations: [string, Record<string, unknown>][] = [
      ['{ groups(first: 20) { totalCount edges { node { id name viewerRole memberCount } } } }', {}],
      ['query($g: ID!) { transactions(groupId: $g, first: 50) { totalCount edges { node { id amount { amount currency } member { id name } } } } }', { g: group.id }],
      ['query($g: ID!) { transactions(groupId: $g) { totalCount } groups { totalCount } }', { g: group.id }],
      // Folds, but answers NOT_FOUND before any statement: the check then runs before the answer.
      ['{ transactions(groupId: "not-a-group") { totalCount } }', {}],
      ['{ __typename }', {}],
      ['{ me { profile { name } } }', {}],
      ['query($g: ID!) { groupBalance(groupId: $g) { cashPosition { amount } } }', { g: group.id }],
    ];
    for (const token of [user.token, admin.token]) {
      for (const [query, variables] of operations) {
        const response = await t.gql(query, variables, token);
        expect(response.status).toBe(200);
        if (!query.includes('not-a-group') && !(query.includes('groupBalance') && token === user.token)) expect(response.errors).toBeUndefined();
      }
    }

    // Deleted, memberships still ACTIVE: only the account check can refuse them. Then erased the usual way.
    await t.query('update users set deleted_at = now() where id = $1', [admin.id]);
    await t.gql('mutation($c: String!) { deleteMyAccount(confirmation: $c) { deletedAt } }', { c: user.email }, user.token);
    expect((await t.query(`select count(*)::int as n from members where user_id = $1 and status = 'ACTIVE'`, [admin.id])).rows[0].n).toBe(1);
    for (const token of [user.token, admin.token]) {
      const answers = await Promise.all(operations.map(([query, variables]) => t.gql(query, variables, token)));
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer).toEqual({ status: 401, errors: [{ message: 'This access token is no longer valid (signed out, password changed or account deleted); sign in again', extensions: { code: 'UNAUTHENTICATED' } }] });
      }
    }
  });
});

describe('the activity log stays append-only outside erasure', () => {
  it('refuses an ordinary UPDATE of a snapshot, and any change but the snapshots even with coffer.erasure on', async () => {
    const group = await createGroup(t);
    const row = (await t.query(`select id from activity_logs where group_id = $1 limit 1`, [group.id])).rows[0] as { id: string };
    await expect(t.query(`update activity_logs set after = '{}' where id = $1`, [row.id])).rejects.toThrow('activity_logs is append-only: UPDATE is not allowed');
    await expect(t.query(`delete from activity_logs where id = $1`, [row.id])).rejects.toThrow('append-only: DELETE');
    await t.query('begin');
    try {
      await t.query(`select set_config('coffer.erasure', 'on', true)`);
      await expect(t.query(`update activity_logs set action = 'tampered' where id = $1`, [row.id])).rejects.toThrow('append-only');
    } finally {
      await t.query('rollback');
    }
    // The setting is transaction-local: it does not outlive the erasure's transaction.
    await t.query('begin');
    await t.query(`select set_config('coffer.erasure', 'on', true)`);
    await t.query(`update activity_logs set after = after where id = $1`, [row.id]);
    await t.query('commit');
    await expect(t.query(`update activity_logs set after = '{}' where id = $1`, [row.id])).rejects.toThrow('append-only');
  });
});

describe('runDataRetention', () => {
  it('removes what is past retention, keeps financial data, and is idempotent', async () => {
    const group = await createGroup(t);
    await memberWithMoney(group, 'Gita Retained');
    const email = `old-${randomUUID()}@example.com`;
    await t.query(`insert into rate_limit_counters (bucket, key, window_start, hits) values ('test', $1, now() - interval '2 hours', 3), ('test', $1, now(), 1)`, [randomUUID()]);
    await t.query(`insert into sign_in_failures (email, attempted_at) values ($1, now() - interval '1 day'), ($1, now())`, [email]);
    const oldTask = randomUUID();
    const recentTask = randomUUID();
    const pendingTask = randomUUID();
    await t.query(
      `insert into notification_tasks (id, created_at, updated_at, channel, template, recipient, payload, dedupe_key, status, next_run_at) values
        ($1, now() - interval '40 days', now() - interval '40 days', 'EMAIL', 't', 'a@example.com', '{"x": 1}', $4, 'COMPLETED', now()),
        ($2, now(), now(), 'EMAIL', 't', 'a@example.com', '{"x": 1}', $5, 'COMPLETED', now()),
        ($3, now() - interval '40 days', now() - interval '40 days', 'EMAIL', 't', 'a@example.com', '{"x": 1}', $6, 'PENDING', now())`,
      [oldTask, recentTask, pendingTask, `r-${oldTask}`, `r-${recentTask}`, `r-${pendingTask}`],
    );
    const financial = async () => (await t.query('select (select count(*) from transactions) as t, (select count(*) from ledger_entries) as e, (select count(*) from audit_logs) as a')).rows[0];
    const financialBefore = await financial();

    const config = { notificationPayloadRetentionDays: 30, webhookBodyRetentionDays: 30 };
    const first = await runDataRetention(t.server.orm.em.fork(), config);
    expect(first.rateLimitCounters).toBeGreaterThanOrEqual(1);
    expect(first.signInFailures).toBeGreaterThanOrEqual(1);
    expect(first.notificationPayloads).toBe(1);
    expect(first.webhookBodies).toEqual({ inbound_webhook_events: 0 });
    const payloads = await t.query('select id, payload from notification_tasks where id = any($1::uuid[])', [[oldTask, recentTask, pendingTask]]);
    expect(new Map(payloads.rows.map((r) => [r.id, r.payload]))).toEqual(new Map([[oldTask, {}], [recentTask, { x: 1 }], [pendingTask, { x: 1 }]]));
    expect((await t.query('select count(*)::int as n from sign_in_failures where email = $1', [email])).rows[0].n).toBe(1);

    const second = await runDataRetention(t.server.orm.em.fork(), config);
    expect(second).toEqual({ rateLimitCounters: 0, signInFailures: 0, notificationPayloads: 0, webhookBodies: { inbound_webhook_events: 0 } });
    expect(await financial()).toEqual(financialBefore);
  });

  it('clears raw provider webhook bodies of settled events past their days, never of events still to retry', async () => {
    const [old, recent, oldFailed] = [randomUUID(), randomUUID(), randomUUID()];
    const insert = (id: string, status: string, age: string) =>
      t.query(
        `insert into inbound_webhook_events (id, created_at, updated_at, provider, raw_body, signature_valid, status, received_at)
         values ($1::uuid, now(), now(), 'STRIPE', convert_to('{"id":"' || $1::text || '"}', 'UTF8'), true, $2, now() - $3::interval)`,
        [id, status, age],
      );
    await insert(old, 'PROCESSED', '31 days');
    await insert(recent, 'PROCESSED', '1 day');
    await insert(oldFailed, 'FAILED', '31 days');
    const config = { notificationPayloadRetentionDays: 30, webhookBodyRetentionDays: 30 };
    expect((await runDataRetention(t.server.orm.em.fork(), config)).webhookBodies).toEqual({ inbound_webhook_events: 1 });
    expect((await runDataRetention(t.server.orm.em.fork(), config)).webhookBodies).toEqual({ inbound_webhook_events: 0 });
    const rows = await t.query<{ id: string; has_body: boolean }>('select id, raw_body is not null as has_body from inbound_webhook_events where id = any($1::uuid[])', [[old, recent, oldFailed]]);
    expect(new Map(rows.rows.map((r) => [r.id, r.has_body]))).toEqual(new Map([[old, false], [recent, true], [oldFailed, true]]));
  });
});
