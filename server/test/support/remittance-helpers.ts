import type { Logger } from '../../src/shared/logger';
import { createGroup, createUser, addUserToGroup, TestGroup, TestUser } from './factories';
import type { TestServer } from './test-server';

export const RAW_ACCOUNT = 'RS35260005601001611379';

export const QUOTE = `mutation($g: ID!, $r: ID!, $a: String!) { remittanceQuote(groupId: $g, recipientId: $r, amount: $a) {
  id sendAmount { amount currency } fee { amount } feePercent totalDebited { amount amountMinor } rate rateOffline receiveAmount { amount currency } eta expiresAt } }`;
export const CREATE = `mutation($q: ID!, $k: String!, $ref: String) { createRemittance(quoteId: $q, idempotencyKey: $k, reference: $ref) {
  replayed approval { id entityType } remittance { id status reference recipient { bankAccountMasked } totalDebited { amount } } } }`;
export const APPROVE = 'mutation($id: ID!) { approve(id: $id) { id status } }';
export const REMITTANCE = `query($id: ID!) { remittance(id: $id) { id status failureReason viewerCanCancel ledgerTransactionId
  timeline { status at note actor { kind name } } } }`;
export const CREATE_RECIPIENT = `mutation($input: CreateRecipientInput!) { createRecipient(input: $input) { id name country currency bankAccountMasked bankName notes } }`;

export interface RemittanceSetup {
  group: TestGroup;
  /** Creates remittances. */
  maker: TestUser;
  /** The second admin, who approves. */
  checker: TestUser;
  recipientId: string;
}

export async function fund(t: TestServer, group: TestGroup, amount: string, currency = 'INR'): Promise<void> {
  const response = await t.gql(
    'mutation($input: RecordTransactionInput!) { recordTransaction(input: $input) { transaction { id } } }',
    { input: { groupId: group.id, type: 'CASH_IN', category: 'DONATION', amount: { amount, currency }, paymentMode: 'BANK_TRANSFER' } },
    group.admin.token,
  );
  if (response.errors) throw new Error(`fund failed: ${JSON.stringify(response.errors)}`);
}

export async function remittanceSetup(
  t: TestServer,
  options: { currency?: string; country?: string; recipientCurrency?: string; funds?: string } = {},
): Promise<RemittanceSetup> {
  const currency = options.currency ?? 'INR';
  const group = await createGroup(t, undefined, { currency });
  const checker = await createUser(t, { name: 'Checker Admin' });
  await addUserToGroup(t, group, checker, 'ADMIN');
  const created = await t.gql<{ createRecipient: { id: string } }>(
    CREATE_RECIPIENT,
    { input: { groupId: group.id, name: 'Marko Marković', country: options.country ?? 'RS', currency: options.recipientCurrency ?? 'RSD', bankAccount: RAW_ACCOUNT, bankName: 'Banka Intesa' } },
    group.admin.token,
  );
  if (!created.data?.createRecipient) throw new Error(`createRecipient failed: ${JSON.stringify(created.errors)}`);
  if (options.funds) await fund(t, group, options.funds, currency);
  return { group, maker: group.admin, checker, recipientId: created.data.createRecipient.id };
}

export interface QuoteResult {
  id: string;
  totalDebited: { amount: string; amountMinor: string };
  [key: string]: unknown;
}

export async function quoteAndCreate(t: TestServer, s: RemittanceSetup, amount: string, key = `k-${Math.random()}`): Promise<{ remittanceId: string; approvalId: string; quote: QuoteResult }> {
  const quote = await t.gql<{ remittanceQuote: QuoteResult }>(QUOTE, { g: s.group.id, r: s.recipientId, a: amount }, s.maker.token);
  if (!quote.data?.remittanceQuote) throw new Error(`quote failed: ${JSON.stringify(quote.errors)}`);
  const created = await t.gql<{ createRemittance: { remittance: { id: string }; approval: { id: string } } }>(CREATE, { q: quote.data.remittanceQuote.id, k: key }, s.maker.token);
  if (!created.data?.createRemittance) throw new Error(`create failed: ${JSON.stringify(created.errors)}`);
  return { remittanceId: created.data.createRemittance.remittance.id, approvalId: created.data.createRemittance.approval.id, quote: quote.data.remittanceQuote };
}

/** Polls the database until the remittance reaches `status` (the payout runs after the approval's response). */
export async function waitForStatus(t: TestServer, remittanceId: string, status: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await t.query('select status from remittances where id = $1', [remittanceId]);
    if (row.rows[0]?.status === status) return;
    if (Date.now() > deadline) throw new Error(`Remittance ${remittanceId} is ${row.rows[0]?.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A logger that keeps every line, to check what reaches the logs. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const capture = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...fields }));
  return { logger: { info: capture('info'), warn: capture('warn'), error: capture('error') }, lines };
}
