import { addUserToGroup, codeOf, createGroup, createUser } from '../../../test/support/factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { oneConnectionContext } from '../../../test/support/one-connection';
import { BURST_BOUND_MS, clickInParallel, outcomeOf } from '../../../test/support/parallel-clicks';
import { APPROVE, CREATE_RECIPIENT, quoteAndCreate, RAW_ACCOUNT, remittanceSetup, waitForStatus, capturingLogger } from '../../../test/support/remittance-helpers';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { decryptSecret } from '../../shared/crypto';
import { deleteRecipient, updateRecipient } from './recipient.service';

const LIST = 'query($g: ID!, $first: Int, $after: String) { recipients(groupId: $g, first: $first, after: $after) { totalCount edges { cursor node { id name bankAccountMasked } } pageInfo { hasNextPage endCursor } } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateRecipientInput!) { updateRecipient(id: $id, input: $input) { id name bankAccountMasked bankName swiftCode notes } }';

const { logger, lines: logLines } = capturingLogger();

let t: TestServer;
const responses: string[] = [];
/** Every answer the server gives in this file, to search for the raw account number. */
const gql = async <T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token: string) => {
  const response = await t.gql<T>(query, variables, token);
  responses.push(JSON.stringify(response));
  return response;
};

beforeAll(async () => {
  t = await startTestServer({ env: { PAYOUT_SANDBOX_DELAY_MS: '50', EXCHANGE_RATE_ADMIN_EMAILS: 'rates@example.com' }, logger });
});
afterAll(async () => t.close());

describe('recipients', () => {
  it('stores the bank account encrypted, shows it masked everywhere, and never lets the raw number out', async () => {
    const s = await remittanceSetup(t, { funds: '5000.00' });
    const row = await t.query('select bank_account_encrypted, bank_account_last4 from remittance_recipients where id = $1', [s.recipientId]);
    expect(row.rows[0].bank_account_encrypted).not.toContain(RAW_ACCOUNT);
    expect(row.rows[0].bank_account_encrypted).toMatch(/^v1\./);
    expect(decryptSecret(row.rows[0].bank_account_encrypted, t.config.encryptionKey)).toBe(RAW_ACCOUNT);
    expect(row.rows[0].bank_account_last4).toBe('1379');

    const read = await gql<{ recipient: { bankAccountMasked: string } }>('query($id: ID!) { recipient(id: $id) { bankAccountMasked } }', { id: s.recipientId }, s.group.admin.token);
    expect(read.data?.recipient.bankAccountMasked).toBe('*****1379');
    await gql(LIST, { g: s.group.id }, s.group.admin.token);
    await gql(UPDATE, { id: s.recipientId, input: { bankName: 'Raiffeisen' } }, s.group.admin.token);

    // Through the whole flow: quote, create, approve, payout, receipt, logs.
    const { remittanceId, approvalId } = await quoteAndCreate(t, s, '1000.00');
    await gql('query($id: ID!) { approval(id: $id) { proposedData previousData } }', { id: approvalId }, s.checker.token);
    await gql(APPROVE, { id: approvalId }, s.checker.token);
    await waitForStatus(t, remittanceId, 'COMPLETED');
    await gql('query($id: ID!) { remittance(id: $id) { recipient { bankAccountMasked } timeline { note } } }', { id: remittanceId }, s.group.admin.token);
    const receipt = await fetch(`${t.url}/api/receipts/remittance/${remittanceId}`, { headers: { authorization: `Bearer ${s.group.admin.token}` } });
    const html = await receipt.text();
    expect(receipt.status).toBe(200);
    expect(html).toContain('*****1379');
    responses.push(html);
    await gql('query($g: ID!) { activityLogs(groupId: $g, first: 100) { edges { node { before after } } } }', { g: s.group.id }, s.group.admin.token);

    const stored = await t.query(`
      select coalesce(string_agg(x, ' '), '') as text from (
        select coalesce(before::text, '') || coalesce(after::text, '') as x from activity_logs
        union all select coalesce(previous_data::text, '') || coalesce(new_data::text, '') || coalesce(snapshot::text, '') from audit_logs
        union all select proposed_data::text || coalesce(previous_data::text, '') from approval_requests
        union all select row_to_json(r)::text from remittances r
        union all select row_to_json(e)::text from remittance_events e
        union all select row_to_json(q)::text from remittance_quotes q
        union all select row_to_json(tx)::text from transactions tx) all_rows`);
    const haystacks = { responses: responses.join('\n'), stored: stored.rows[0].text as string, logs: logLines.join('\n') };
    for (const [where, text] of Object.entries(haystacks)) {
      expect({ where, leaks: text.includes(RAW_ACCOUNT) || text.includes('35260005601001611379') }).toEqual({ where, leaks: false });
    }
    expect(haystacks.responses).toContain('*****1379');
    expect(haystacks.stored).toContain('*****1379');
    expect(haystacks.logs).toContain('Remittance handed to the payout provider');
    await assertLedgerReconciles(t, [{ groupId: s.group.id, token: s.group.admin.token }]);
  });

  it('strips markup, limits lengths, reports every bad field at once, and pages', async () => {
    const group = await createGroup(t);
    const created = await gql<{ createRecipient: { name: string; notes: string; bankName: string } }>(
      CREATE_RECIPIENT,
      { input: { groupId: group.id, name: '<script>alert(1)</script>Ana <b>Anić</b>', country: 'ba', currency: 'bam', bankAccount: 'BA39 1290 0794 0102 8494', bankName: '<i>UniCredit</i>', notes: 'Pays <a href="x">rent</a>' } },
      group.admin.token,
    );
    expect(created.data?.createRecipient).toMatchObject({ name: 'alert(1)Ana Anić', notes: 'Pays rent', bankName: 'UniCredit' });
    const bad = await gql(
      CREATE_RECIPIENT,
      { input: { groupId: group.id, name: '<b></b>', country: 'Serbia', currency: 'dinar', bankAccount: '12', swiftCode: 'nope', notes: 'x'.repeat(1001) } },
      group.admin.token,
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(Object.keys(bad.errors![0].extensions!.fields!).sort()).toEqual(['bankAccount', 'country', 'currency', 'name', 'notes', 'swiftCode']);
    const long = await gql(CREATE_RECIPIENT, { input: { groupId: group.id, name: 'n'.repeat(201), country: 'RS', currency: 'RSD', bankAccount: '12345678' } }, group.admin.token);
    expect(Object.keys(long.errors![0].extensions!.fields!)).toEqual(['name']);
    for (let i = 0; i < 3; i += 1) {
      await gql(CREATE_RECIPIENT, { input: { groupId: group.id, name: `Person ${i}`, country: 'RS', currency: 'RSD', bankAccount: `1234567${i}` } }, group.admin.token);
    }
    const page1 = await gql<{ recipients: { totalCount: number; edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(LIST, { g: group.id, first: 2 }, group.admin.token);
    expect(page1.data?.recipients.totalCount).toBe(4);
    expect(page1.data?.recipients.edges.map((e) => e.node.name)).toEqual(['Person 2', 'Person 1']);
    const page2 = await gql<{ recipients: { edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean } } }>(LIST, { g: group.id, first: 2, after: page1.data!.recipients.pageInfo.endCursor }, group.admin.token);
    expect(page2.data?.recipients.edges.map((e) => e.node.name)).toEqual(['Person 0', 'alert(1)Ana Anić']);
    expect(page2.data?.recipients.pageInfo.hasNextPage).toBe(false);
  });

  it('soft-deletes: gone from lists and quotes, 404 afterwards; writes are for admins', async () => {
    const s = await remittanceSetup(t);
    const operator = await createUser(t);
    await addUserToGroup(t, s.group, operator, 'OPERATOR');
    expect(codeOf(await gql(UPDATE, { id: s.recipientId, input: { name: 'X' } }, operator.token))).toBe('FORBIDDEN');
    expect(codeOf(await gql('mutation($id: ID!) { deleteRecipient(id: $id) { id } }', { id: s.recipientId }, operator.token))).toBe('FORBIDDEN');
    const changed = await gql<{ updateRecipient: { bankAccountMasked: string; swiftCode: string } }>(UPDATE, { id: s.recipientId, input: { bankAccount: 'RS35 2600 0560 1001 6100 00', swiftCode: 'aikbrs22' } }, s.group.admin.token);
    expect(changed.data?.updateRecipient).toEqual(expect.objectContaining({ bankAccountMasked: '*****0000', swiftCode: 'AIKBRS22' }));
    expect(codeOf(await gql(UPDATE, { id: s.recipientId, input: { country: 'US' } }, s.group.admin.token))).toBe('BAD_USER_INPUT');
    await gql('mutation($id: ID!) { deleteRecipient(id: $id) { id } }', { id: s.recipientId }, s.group.admin.token);
    expect(codeOf(await gql('query($id: ID!) { recipient(id: $id) { id } }', { id: s.recipientId }, s.group.admin.token))).toBe('NOT_FOUND');
    expect(codeOf(await gql('mutation($id: ID!) { deleteRecipient(id: $id) { id } }', { id: s.recipientId }, s.group.admin.token))).toBe('NOT_FOUND');
    const quote = await gql('mutation($g: ID!, $r: ID!) { remittanceQuote(groupId: $g, recipientId: $r, amount: "500") { id } }', { g: s.group.id, r: s.recipientId }, s.group.admin.token);
    expect(codeOf(quote)).toBe('NOT_FOUND');
    const list = await gql<{ recipients: { totalCount: number } }>(LIST, { g: s.group.id }, s.group.admin.token);
    expect(list.data?.recipients.totalCount).toBe(0);
    const row = await t.query('select deleted_at from remittance_recipients where id = $1', [s.recipientId]);
    expect(row.rows[0].deleted_at).not.toBeNull();
  });
});

describe('many clicks on a recipient at once', () => {
  const DELETE = 'mutation($id: ID!) { deleteRecipient(id: $id) { id } }';

  it('an edit clicked 15 times applies each click in turn, and the server stays responsive', async () => {
    const s = await remittanceSetup(t);
    // More clicks than the database pool has connections (10).
    const burst = await clickInParallel(t, 15, UPDATE, { id: s.recipientId, input: { bankName: 'AIK Banka', notes: 'Rent' } }, s.group.admin.token);
    const outcomes = burst.clicks.map((click) => outcomeOf(click, (data) => (data.updateRecipient as { bankName: string }).bankName));
    expect(outcomes).toEqual(Array.from({ length: 15 }, () => 'AIK Banka'));
    expect(burst.totalMs).toBeLessThan(BURST_BOUND_MS);
    expect(burst.healthStatus).toBe(200);
    const updates = await t.query("select count(*)::int as n from activity_logs where entity_id = $1 and action = 'recipient.update'", [s.recipientId]);
    expect(updates.rows[0].n).toBe(15);
  });

  it('a delete clicked 15 times deletes once; every other click is NOT_FOUND at once, and the server stays responsive', async () => {
    const s = await remittanceSetup(t);
    const burst = await clickInParallel(t, 15, DELETE, { id: s.recipientId }, s.group.admin.token);
    const outcomes = burst.clicks.map((click) => outcomeOf(click, (data) => ((data.deleteRecipient as { id: string }).id === s.recipientId ? 'DELETED' : 'OTHER'))).sort();
    expect(outcomes).toEqual(['DELETED', ...Array.from({ length: 14 }, () => 'NOT_FOUND')]);
    expect(burst.totalMs).toBeLessThan(BURST_BOUND_MS);
    expect(burst.healthStatus).toBe(200);
    const deletes = await t.query("select count(*)::int as n from activity_logs where entity_id = $1 and action = 'recipient.delete'", [s.recipientId]);
    expect(deletes.rows[0].n).toBe(1);
  });

  it("edit and delete on their transaction's connection alone: the checks never wait for a second one", async () => {
    const s = await remittanceSetup(t);
    // A pool of one: whatever runs under the lock on another connection fails with knex's acquire timeout.
    const { ctx, close } = await oneConnectionContext(t, { userId: s.group.admin.id });
    try {
      expect((await updateRecipient(ctx, s.recipientId, { bankName: 'AIK Banka' })).bankName).toBe('AIK Banka');
      expect((await deleteRecipient(ctx, s.recipientId)).deletedAt).not.toBeNull();
    } finally {
      await close();
    }
    expect((await t.query('select bank_name, deleted_at from remittance_recipients where id = $1', [s.recipientId])).rows[0]).toMatchObject({ bank_name: 'AIK Banka', deleted_at: expect.any(Date) });
  });
});

describe('exchange rates and corridors', () => {
  it('lists rates, marks offline ones, and lets only platform rate admins set them', async () => {
    const user = await createUser(t);
    const rates = await gql<{ exchangeRates: { quote: string; rate: string; offline: boolean; stale: boolean; source: string }[] }>('{ exchangeRates(base: "INR") { quote rate offline stale source } }', {}, user.token);
    expect(rates.data?.exchangeRates.find((r) => r.quote === 'RSD')).toEqual({ quote: 'RSD', rate: '1.20205128', offline: true, stale: false, source: 'OFFLINE_SEED' });
    expect(codeOf(await gql('{ exchangeRate(base: "INR", quote: "XYZ") { rate } }', {}, user.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await gql('{ exchangeRate(base: "INR", quote: "JPY") { rate } }', {}, user.token))).toBe('NOT_FOUND');
    expect((await gql<{ exchangeRate: { rate: string } }>('{ exchangeRate(base: "EUR", quote: "EUR") { rate } }', {}, user.token)).data?.exchangeRate.rate).toBe('1');
    const SET = 'mutation($r: String!) { setExchangeRate(base: "NOK", quote: "PKR", rate: $r) { rate source offline } }';
    expect(codeOf(await gql(SET, { r: '27.9' }, user.token))).toBe('FORBIDDEN');
    const rateAdmin = await createUser(t, { email: 'rates@example.com' });
    for (const bad of ['0', '-1', '1e5', '1.0000000000001', 'abc']) expect(codeOf(await gql(SET, { r: bad }, rateAdmin.token))).toBe('BAD_USER_INPUT');
    const set = await gql<{ setExchangeRate: { rate: string; source: string; offline: boolean } }>(SET, { r: '27.9' }, rateAdmin.token);
    expect(set.data?.setExchangeRate).toEqual({ rate: '27.9', source: 'MANUAL', offline: false });
    const anonymous = await t.gql('{ exchangeRates(base: "INR") { rate } }');
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  });

  it("lists a group's corridors with limits and ETAs", async () => {
    const group = await createGroup(t, undefined, { currency: 'NOK' });
    const response = await gql<{ remittanceCorridors: { country: string; currency: string; eea: boolean; eta: string; minAmount: { amount: string } }[] }>(
      'query($g: ID) { remittanceCorridors(groupId: $g) { country currency eea eta minAmount { amount currency } } }',
      { g: group.id },
      group.admin.token,
    );
    const corridors = response.data!.remittanceCorridors;
    expect(corridors.map((c) => c.currency).sort()).toEqual(['BAM', 'EUR', 'INR', 'PKR', 'PLN', 'RSD', 'TRY']);
    expect(corridors.find((c) => c.country === 'PL')).toMatchObject({ eea: true, eta: '1–2 business days', minAmount: { amount: '10.00' } });
    expect(corridors.find((c) => c.country === 'RS')).toMatchObject({ eea: false, eta: '2–4 business days' });
  });
});

describe('the remittance receipt', () => {
  it('is printable HTML for the group staff, by Authorization header only', async () => {
    const s = await remittanceSetup(t, { funds: '5000.00' });
    const { remittanceId } = await quoteAndCreate(t, s, '1000.00');
    const url = `${t.url}/api/receipts/remittance/${remittanceId}`;
    const ok = await fetch(url, { headers: { authorization: `Bearer ${s.group.admin.token}` } });
    expect(ok.headers.get('content-type')).toContain('text/html');
    const html = await ok.text();
    for (const text of ['Marko Marković', 'Total debited', '₹1,005.00', 'Waiting for approval', '2–4 business days']) expect(html).toContain(text);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?access_token=${s.group.admin.token}`)).status).toBe(401);
    const stranger = await createGroup(t);
    expect((await fetch(url, { headers: { authorization: `Bearer ${stranger.admin.token}` } })).status).toBe(404);
    expect((await fetch(`${t.url}/api/receipts/remittance/nope`, { headers: { authorization: `Bearer ${s.group.admin.token}` } })).status).toBe(404);
  });
});
