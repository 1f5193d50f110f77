import { createGroup } from '../../../test/support/factories';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { signConfirmToken } from '../dues/confirm-link';
import { renderNotification } from '../notifications/notification-templates';
import { signLinkToken } from '../../shared/signed-link';
import { receiptLinkFor } from './receipt-link';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

async function approvedCashIn(): Promise<{ id: string; receiptNumber: string }> {
  const group = await createGroup(t);
  const response = await t.gql<{ recordTransaction: { transaction: { id: string; receiptNumber: string } } }>(
    'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id receiptNumber } } }',
    { input: { groupId: group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount: '640.00', currency: 'INR' }, paymentMode: 'UPI' } },
    group.admin.token,
  );
  return response.data!.recordTransaction.transaction;
}

const open = (url: string): Promise<Response> => fetch(url.replace(/^https?:\/\/[^/]+/, t.url));

describe('signed receipt links in messages', () => {
  it('open the receipt without signing in, and the payment-received message carries one', async () => {
    const txn = await approvedCashIn();
    const rendered = renderNotification('payment.received', { transactionId: txn.id, amountMinor: '64000', currency: 'INR', name: 'Asha', groupName: 'Club' }, t.config);
    expect(rendered.link).toMatch(/\/api\/receipts\/signed\/[\w-]+\.[\w-]+$/);
    expect(rendered.text).toContain(`Receipt: ${rendered.link}`);
    const response = await open(rendered.link!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain(txn.receiptNumber);
  });

  it('refuse a tampered token, another purpose\'s token and an expired one; the plain route still wants sign-in', async () => {
    const txn = await approvedCashIn();
    const link = receiptLinkFor(t.config, txn.id);
    const [base, token] = link.split('/api/receipts/signed/');
    const [payload, signature] = token.split('.');
    const otherId = Buffer.from(`${txn.id.replace(/.$/, '0')}.${Math.floor(Date.now() / 1000) + 3600}`).toString('base64url');
    for (const bad of [`${otherId}.${signature}`, `${payload}.${signature.slice(1)}`, signConfirmToken(txn.id, new Date(Date.now() + 3600_000), t.config.jwtSecret)]) {
      const response = await open(`${base}/api/receipts/signed/${bad}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe('LINK_INVALID');
    }
    const expired = signLinkToken('receipt-link', txn.id, new Date(Date.now() - 1000), t.config.jwtSecret);
    expect((await open(`${base}/api/receipts/signed/${expired}`)).status).toBe(410);
    expect((await fetch(`${t.url}/api/receipts/${txn.id}`)).status).toBe(401);
  });
});
