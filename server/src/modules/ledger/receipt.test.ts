import { addUserToGroup, createApiKey, createGroup, createUser, TestGroup, TestUser } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { PaymentMode, TransactionCategory } from './ledger.enums';
import { ReceiptData, receiptDate, receiptDateTime, receiptDay, renderReceiptHtml } from './receipt';

const SCRIPT_NAME = '<script>alert("x")</script> Rao';
const ESCAPED_SCRIPT_NAME = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Rao';

describe('renderReceiptHtml', () => {
  const receipt: ReceiptData = {
    groupName: 'Riverside Club',
    receiptNumber: 'R-2025-000042',
    payerName: 'Meera Nair',
    memberNumber: 'RC-2025-0001-00',
    amount: { amountMinor: 150_050n, currency: 'INR' },
    groupAmount: null,
    fxRate: null,
    paymentMode: PaymentMode.UPI,
    category: TransactionCategory.MEMBERSHIP_FEE,
    description: 'Annual dues 2025',
    occurredAt: new Date('2025-03-15T10:00:00Z'),
    confirmedBy: 'Asha Treasurer',
  };

  it('prints every part of the receipt on an A5 page', () => {
    const html = renderReceiptHtml(receipt);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('@page { size: A5;');
    for (const text of [
      'Riverside Club',
      'R-2025-000042',
      'Meera Nair (RC-2025-0001-00)',
      '₹1,500.50',
      'Rupees One Thousand Five Hundred and Paise Fifty Only',
      'UPI',
      'Membership fee: Annual dues 2025',
      '15 March 2025',
      'Asha Treasurer',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain('Recorded as');
  });

  it('escapes every string that people typed', () => {
    const html = renderReceiptHtml({
      ...receipt,
      groupName: '<img src=x onerror=alert(1)>',
      payerName: SCRIPT_NAME,
      memberNumber: null,
      description: `Tom & Jerry's "fund"`,
      confirmedBy: '</td><script>',
    });
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain(ESCAPED_SCRIPT_NAME);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Tom &amp; Jerry&#39;s &quot;fund&quot;');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;');
  });

  it('shows a foreign payment as paid and as recorded in the group currency', () => {
    const html = renderReceiptHtml({ ...receipt, amount: { amountMinor: 10_000n, currency: 'USD' }, groupAmount: { amountMinor: 831_234n, currency: 'INR' }, fxRate: '83.1234' });
    expect(html).toContain('$100.00');
    expect(html).toContain('US Dollars One Hundred Only');
    expect(html).toContain('Recorded as</th><td>₹8,312.34 at 83.1234');
  });

  it('prints the UTC date, whatever the offset the time was given in', () => {
    expect(receiptDate(new Date('2026-03-31T23:30:00-02:00'))).toBe('1 April 2026');
    expect(receiptDate(new Date('2026-01-01T00:00:00Z'))).toBe('1 January 2026');
  });

  it('prints a moment with its UTC time on the 24-hour clock, and a calendar day from the database', () => {
    expect(receiptDateTime(new Date('2026-03-31T23:30:00-02:00'))).toBe('1 April 2026 01:30 UTC');
    expect(receiptDateTime(new Date('2026-11-21T18:05:00Z'))).toBe('21 November 2026 18:05 UTC');
    expect(receiptDay('2027-03-31')).toBe('31 March 2027');
    expect(receiptDay('soon')).toBe('soon');
  });
});

describe('GET /api/receipts/:id', () => {
  const RECORD = `mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id approvalStatus receiptNumber } } }`;

  let t: TestServer;
  let group: TestGroup;
  let operator: TestUser;
  let payer: TestUser;
  let otherMember: TestUser;
  let outsider: TestUser;
  let payerMemberId: string;
  const keys = {} as Record<'admin' | 'operator' | 'member' | 'otherGroup', string>;

  beforeAll(async () => {
    t = await startTestServer();
    group = await createGroup(t, await createUser(t, { name: 'Asha Treasurer' }), { name: 'Riverside <Club>' });
    [operator, payer, otherMember, outsider] = await Promise.all([createUser(t, { name: 'Ravi Operator' }), createUser(t), createUser(t), createUser(t)]);
    await addUserToGroup(t, group, operator, 'OPERATOR');
    payerMemberId = await addUserToGroup(t, group, payer, 'MEMBER');
    await addUserToGroup(t, group, otherMember, 'MEMBER');
    await gqlOk(`mutation($id: ID!, $input: UpdateMemberInput!) { updateMember(id: $id, input: $input) { __typename } }`, { id: payerMemberId, input: { name: SCRIPT_NAME } });
    keys.admin = await createApiKey(t, group, 'ADMIN');
    keys.operator = await createApiKey(t, group, 'OPERATOR');
    keys.member = await createApiKey(t, group, 'MEMBER');
    keys.otherGroup = await createApiKey(t, await createGroup(t), 'ADMIN');
  });
  afterAll(async () => {
    await t.close();
  });

  async function gqlOk<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token = group.admin.token): Promise<T> {
    const response = await t.gql<T>(query, variables, token);
    if (!response.data || response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data;
  }

  async function record(input: Record<string, unknown>, token = group.admin.token): Promise<{ id: string; approvalStatus: string; receiptNumber: string | null }> {
    const data = await gqlOk<{ recordTransaction: { transaction: { id: string; approvalStatus: string; receiptNumber: string | null } } }>(
      RECORD,
      { input: { groupId: group.id, type: 'CASH_IN', category: 'MEMBERSHIP_FEE', amount: { amount: '1500.50', currency: 'INR' }, paymentMode: 'UPI', ...input } },
      token,
    );
    return data.recordTransaction.transaction;
  }

  async function deleteTransaction(id: string): Promise<void> {
    await gqlOk('mutation($id: ID!) { deleteTransaction(id: $id) { __typename } }', { id });
  }

  async function fetchReceipt(id: string, credential?: string, header?: string) {
    const authorization = header ?? (credential ? `Bearer ${credential}` : undefined);
    const response = await fetch(`${t.url}/api/receipts/${id}`, { headers: authorization ? { authorization } : {} });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    const body = contentType.startsWith('application/json') ? (JSON.parse(text) as { error?: { code: string; message: string; details: { reason?: string } } }) : null;
    return { status: response.status, contentType, text, error: body?.error };
  }

  it("prints the member's receipt: number, amount in figures and words, payer escaped, mode, UTC date, who confirmed", async () => {
    const txn = await record({ memberId: payerMemberId, occurredAt: '2025-03-15T23:30:00-02:00' });
    expect(txn).toMatchObject({ approvalStatus: 'APPROVED', receiptNumber: 'R-2025-000001' });
    const response = await fetchReceipt(txn.id, group.admin.token);
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/html; charset=utf-8');
    const html = response.text;
    for (const text of [
      'Riverside &lt;Club&gt;',
      'R-2025-000001',
      '₹1,500.50',
      'Rupees One Thousand Five Hundred and Paise Fifty Only',
      ESCAPED_SCRIPT_NAME,
      'UPI',
      '16 March 2025',
      'Asha Treasurer',
      '@page { size: A5;',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).not.toMatch(/<script/i);
  });

  it("names the sender when the money has no member, and the API key that recorded it", async () => {
    const txn = await record({ senderName: 'Walk-in Donor', category: 'DONATION', paymentMode: 'CASH', amount: { amount: '250', currency: 'INR' } }, keys.admin);
    const html = (await fetchReceipt(txn.id, operator.token)).text;
    expect(html).toContain('Received from</th><td>Walk-in Donor</td>');
    expect(html).toContain('Rupees Two Hundred Fifty Only');
    expect(html).toContain('Payment mode</th><td>Cash</td>');
    expect(html).toContain('Confirmed by</th><td>test key</td>');
  });

  it('names the admin who approved an operator\'s transaction as the one who confirmed it', async () => {
    const recorded = await gqlOk<{ recordTransaction: { transaction: { id: string }; approval: { id: string } } }>(
      'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id } approval { id } } }',
      { input: { groupId: group.id, type: 'CASH_IN', category: 'MEMBERSHIP_FEE', amount: { amount: '75', currency: 'INR' }, paymentMode: 'CASH', memberId: payerMemberId } },
      operator.token,
    );
    await gqlOk('mutation($id: ID!) { approve(id: $id) { status } }', { id: recorded.recordTransaction.approval.id });
    const html = (await fetchReceipt(recorded.recordTransaction.transaction.id, payer.token)).text;
    expect(html).toContain('Rupees Seventy Five Only');
    expect(html).toContain('Confirmed by</th><td>Asha Treasurer</td>');
    expect(html).not.toContain('Ravi Operator');
  });

  describe('who may print it', () => {
    type Who = 'admin' | 'operator' | 'payer' | 'otherMember' | 'outsider' | 'anonymous' | 'adminKey' | 'operatorKey' | 'memberKey' | 'otherGroupKey';
    const expected: Record<Who, [number, string]> = {
      admin: [200, 'ok'],
      operator: [200, 'ok'],
      payer: [200, 'ok'],
      adminKey: [200, 'ok'],
      operatorKey: [200, 'ok'],
      otherMember: [403, 'FORBIDDEN'],
      memberKey: [403, 'FORBIDDEN'],
      outsider: [404, 'NOT_FOUND'],
      otherGroupKey: [404, 'NOT_FOUND'],
      anonymous: [401, 'UNAUTHENTICATED'],
    };
    const credential = (who: Who): string | undefined =>
      ({
        admin: group.admin.token,
        operator: operator.token,
        payer: payer.token,
        otherMember: otherMember.token,
        outsider: outsider.token,
        anonymous: undefined,
        adminKey: keys.admin,
        operatorKey: keys.operator,
        memberKey: keys.member,
        otherGroupKey: keys.otherGroup,
      })[who];

    it.each(Object.keys(expected) as Who[])('%s', async (who) => {
      const txn = await record({ memberId: payerMemberId });
      const response = await fetchReceipt(txn.id, credential(who));
      const [status, code] = expected[who];
      expect(response.status).toBe(status);
      if (code === 'ok') {
        expect(response.text).toContain(txn.receiptNumber!);
      } else {
        expect(response.contentType).toBe('application/json; charset=utf-8');
        expect(response.error).toMatchObject({ code, message: expect.any(String), details: expect.any(Object) });
        expect(response.text).not.toContain(txn.receiptNumber!);
      }
    });

    it('is NOT_FOUND for an unknown or malformed id, and UNAUTHENTICATED for a bad credential', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%E0%A4%A', "1'%20or%20'1'='1"]) {
        const response = await fetchReceipt(id, group.admin.token);
        expect([id, response.status, response.error?.code]).toEqual([id, 404, 'NOT_FOUND']);
      }
      const txn = await record({ memberId: payerMemberId });
      expect((await fetchReceipt(txn.id, 'not-a-token')).error?.code).toBe('UNAUTHENTICATED');
      expect((await fetchReceipt(txn.id, undefined, `Basic ${Buffer.from('a:b').toString('base64')}`)).error?.code).toBe('UNAUTHENTICATED');
      // Header only: a token in the query string is not a credential.
      const viaQuery = await fetch(`${t.url}/api/receipts/${txn.id}?access_token=${group.admin.token}`);
      expect(viaQuery.status).toBe(401);
    });

    it('follows the paying member: the primary pays for a sub-member, and a member who left keeps their receipts', async () => {
      const primary = await createUser(t);
      const primaryId = await addUserToGroup(t, group, primary, 'MEMBER');
      await gqlOk('mutation($input: AddSubMemberInput!) { addSubMember(input: $input) { __typename } }', { input: { primaryMemberId: primaryId, name: 'Little One' } });
      const { member } = await gqlOk<{ member: { subMembers: { id: string }[] } }>('query($id: ID!) { member(id: $id) { subMembers { id } } }', { id: primaryId });
      const forChild = await record({ memberId: member.subMembers[0].id });
      const childReceipt = await fetchReceipt(forChild.id, primary.token);
      expect(childReceipt.status).toBe(200);
      expect(childReceipt.text).toContain('Little One');

      const own = await record({ memberId: primaryId });
      await gqlOk('mutation($id: ID!) { removeMember(id: $id) { __typename } }', { id: primaryId });
      expect((await fetchReceipt(own.id, primary.token)).status).toBe(200);
      // Having left, they see nothing else of the group's.
      const someoneElses = await record({ memberId: payerMemberId });
      expect((await fetchReceipt(someoneElses.id, primary.token)).error?.code).toBe('NOT_FOUND');
    });
  });

  describe('transactions without a receipt are CONFLICT NO_RECEIPT', () => {
    async function expectNoReceipt(id: string): Promise<void> {
      const response = await fetchReceipt(id, group.admin.token);
      expect(response.status).toBe(409);
      expect(response.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'NO_RECEIPT' } });
    }

    it('pending, and rejected', async () => {
      const pending = await record({ memberId: payerMemberId }, operator.token);
      expect(pending.approvalStatus).toBe('PENDING');
      await expectNoReceipt(pending.id);
      // Access is checked first: an outsider learns nothing, not even that it has no receipt.
      expect((await fetchReceipt(pending.id, outsider.token)).error?.code).toBe('NOT_FOUND');
      expect((await fetchReceipt(pending.id, otherMember.token)).error?.code).toBe('FORBIDDEN');

      const rejected = await record({ memberId: payerMemberId }, operator.token);
      await deleteTransaction(rejected.id);
      const status = await gqlOk<{ transaction: { approvalStatus: string } }>('query($id: ID!) { transaction(id: $id) { approvalStatus } }', { id: rejected.id });
      expect(status.transaction.approvalStatus).toBe('REJECTED');
      await expectNoReceipt(rejected.id);
    });

    it('reversed, the reversal itself, and money out', async () => {
      const original = await record({ memberId: payerMemberId });
      expect((await fetchReceipt(original.id, payer.token)).status).toBe(200);
      await deleteTransaction(original.id);
      const { transaction } = await gqlOk<{ transaction: { reversedBy: { id: string } } }>('query($id: ID!) { transaction(id: $id) { reversedBy { id } } }', { id: original.id });
      await expectNoReceipt(original.id);
      await expectNoReceipt(transaction.reversedBy.id);
      expect((await fetchReceipt(original.id, payer.token)).error?.details.reason).toBe('NO_RECEIPT');

      const spent = await record({ type: 'CASH_OUT', category: 'EXPENSE', amount: { amount: '100', currency: 'INR' } });
      await expectNoReceipt(spent.id);
    });
  });
});
