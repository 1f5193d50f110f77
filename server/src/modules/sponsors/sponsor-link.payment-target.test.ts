import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../shared/domain-error';
import type { ServiceContext } from '../../shared/service-context';
import { createGroup, TestGroup } from '../../../test/support/factories';
import { serviceContextFor } from '../../../test/support/service-context';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { Group } from '../groups/group.entity';
import { LedgerTransaction } from '../ledger/ledger.entities';
import { ApprovalSource, PaymentMode, PaymentProvider, TransactionCategory } from '../ledger/ledger.enums';
import { recordApprovedCashIn, reverseTransaction } from '../ledger/ledger.service';
import { PaymentTargetKind, paymentTargetHandler } from '../payments/payment-target';
import { sponsorLinkPaymentTarget, sponsorLinkPaymentTargetForToken } from './sponsor-link.payment-target';

const CREATE_LINK = 'mutation($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { id url } }';
const CREATE_SPONSOR = 'mutation($input: CreateSponsorInput!) { createSponsor(input: $input) { id } }';
const LINK = 'query($id: ID!) { sponsorLink(id: $id) { status paidAt transaction { id category amount { amount } receiptNumber approvalSource } } }';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

interface Link {
  id: string;
  token: string;
}

async function newLink(group: TestGroup, amount = '15000.00'): Promise<Link> {
  const sponsor = await t.gql<{ createSponsor: { id: string } }>(CREATE_SPONSOR, { input: { groupId: group.id, name: 'Acme Sports', contactEmail: 'pay@acme.example' } }, group.admin.token);
  const response = await t.gql<{ createSponsorLink: { id: string; url: string } }>(
    CREATE_LINK,
    { input: { groupId: group.id, sponsorId: sponsor.data!.createSponsor.id, amount: { amount, currency: 'INR' }, upiId: 'club@okaxis', purpose: 'Marathon kit', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
    group.admin.token,
  );
  const data = response.data!.createSponsorLink;
  return { id: data.id, token: data.url.split('/').pop()! };
}

const system = (): Promise<ServiceContext> => serviceContextFor(t, 'system');

/** What the payments flow does when a provider says the money arrived: lock, check, record, mark — one database transaction. */
async function creditLink(linkId: string, paymentId: string, amountMinor?: bigint): Promise<LedgerTransaction> {
  const ctx = await system();
  return ctx.em.transactional(async (em: EntityManager) => {
    const description = await sponsorLinkPaymentTarget.describe(em, linkId, { forUpdate: true });
    if (!description) throw new Error('no such link');
    const txn = await recordApprovedCashIn(ctx, em, {
      group: await em.findOneOrFail(Group, { id: description.groupId }),
      category: description.category,
      amountMinor: amountMinor ?? description.amountMinor,
      paymentMode: PaymentMode.UPI,
      source: ApprovalSource.RAZORPAY_WEBHOOK,
      description: description.description,
      provider: PaymentProvider.RAZORPAY,
      providerPaymentId: paymentId,
      senderName: description.payerName,
    });
    await sponsorLinkPaymentTarget.markPaid(ctx, em, linkId, txn);
    await em.flush();
    return txn;
  });
}

async function errorOf(run: () => Promise<unknown>): Promise<{ code: string; reason?: string }> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, ...(error.details.reason ? { reason: error.details.reason } : {}) };
    throw error;
  }
  throw new Error('expected a DomainError');
}

async function publicStatus(token: string): Promise<{ status: number; reason?: string }> {
  const response = await fetch(`${t.url}/api/sponsor-links/${token}`);
  const body = (await response.json()) as { error?: { details: { reason?: string } } };
  return { status: response.status, ...(body.error?.details.reason ? { reason: body.error.details.reason } : {}) };
}

describe('the SPONSOR_LINK payment target', () => {
  it('is registered with the payments module', () => {
    expect(paymentTargetHandler(PaymentTargetKind.SPONSOR_LINK)).toBe(sponsorLinkPaymentTarget);
  });

  it('describes a link: amount, currency, SPONSORSHIP, the sponsor as payer; unknown ids are null', async () => {
    const group = await createGroup(t);
    const link = await newLink(group);
    const ctx = await system();
    expect(await sponsorLinkPaymentTarget.describe(ctx.em, link.id)).toEqual({
      groupId: group.id,
      amountMinor: 1_500_000n,
      currency: 'INR',
      category: TransactionCategory.SPONSORSHIP,
      memberId: null,
      description: 'Sponsorship by Acme Sports: Marathon kit',
      payerName: 'Acme Sports',
      payerEmail: 'pay@acme.example',
      payable: true,
      notPayableReason: null,
    });
    expect(await sponsorLinkPaymentTarget.describe(ctx.em, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await sponsorLinkPaymentTarget.describe(ctx.em, 'not-a-uuid')).toBeNull();
  });

  it('lets anyone with the link pay an active one, and nobody an expired or deactivated one', async () => {
    const group = await createGroup(t);
    const link = await newLink(group);
    const anonymous = await system();
    await expect(sponsorLinkPaymentTarget.assertCanPay(anonymous, link.id)).resolves.toBeUndefined();
    expect(await sponsorLinkPaymentTargetForToken(anonymous, link.token)).toEqual({ kind: PaymentTargetKind.SPONSOR_LINK, id: link.id });
    expect(await errorOf(() => sponsorLinkPaymentTarget.assertCanPay(anonymous, '00000000-0000-4000-8000-000000000000'))).toEqual({ code: 'NOT_FOUND' });
    expect(await errorOf(() => sponsorLinkPaymentTargetForToken(anonymous, 'no-such-token-xxxxxxxxxxxx'))).toEqual({ code: 'NOT_FOUND' });

    await t.query("update sponsor_links set expires_at = now() - interval '1 second' where id = $1", [link.id]);
    expect(await errorOf(() => sponsorLinkPaymentTarget.assertCanPay(anonymous, link.id))).toEqual({ code: 'GONE', reason: 'SPONSOR_LINK_EXPIRED' });
    expect(await sponsorLinkPaymentTarget.describe(anonymous.em, link.id, { forUpdate: false })).toMatchObject({ payable: false, notPayableReason: 'SPONSOR_LINK_EXPIRED' });

    const other = await newLink(group);
    await t.gql('mutation($id: ID!) { deactivateSponsorLink(id: $id) { id } }', { id: other.id }, group.admin.token);
    expect(await errorOf(() => sponsorLinkPaymentTarget.assertCanPay(anonymous, other.id))).toEqual({ code: 'GONE', reason: 'SPONSOR_LINK_INACTIVE' });
  });

  it('records a payment once: SPONSORSHIP transaction linked to the link, page gone, a second payment refused', async () => {
    const group = await createGroup(t);
    const link = await newLink(group);
    const txn = await creditLink(link.id, 'pay_first');

    const shown = await t.gql<{ sponsorLink: { status: string; paidAt: string | null; transaction: { id: string; category: string; amount: { amount: string }; receiptNumber: string | null; approvalSource: string } } }>(LINK, { id: link.id }, group.admin.token);
    expect(shown.data?.sponsorLink).toMatchObject({
      status: 'PAID',
      transaction: { id: txn.id, category: 'SPONSORSHIP', amount: { amount: '15000.00' }, approvalSource: 'RAZORPAY_WEBHOOK' },
    });
    expect(shown.data?.sponsorLink.paidAt).not.toBeNull();
    expect(shown.data?.sponsorLink.transaction.receiptNumber).toMatch(/^R-\d{4}-000001$/);
    expect(await publicStatus(link.token)).toEqual({ status: 410, reason: 'SPONSOR_LINK_PAID' });
    expect(await sponsorLinkPaymentTarget.describe((await system()).em, link.id)).toMatchObject({ payable: false, notPayableReason: 'SPONSOR_LINK_PAID' });

    // The same transaction again (a replayed webhook reaching markPaid) changes nothing.
    const ctx = await system();
    await ctx.em.transactional(async (em) => {
      const same = await em.findOneOrFail(LedgerTransaction, { id: txn.id });
      await sponsorLinkPaymentTarget.markPaid(ctx, em, link.id, same);
    });
    // A second, different payment is refused and its transaction rolls back with it.
    expect(await errorOf(() => creditLink(link.id, 'pay_second'))).toEqual({ code: 'CONFLICT', reason: 'SPONSOR_LINK_PAID' });
    const txns = await t.query("select provider_payment_id from transactions where group_id = $1 and category = 'SPONSORSHIP'", [group.id]);
    expect(txns.rows.map((r) => r.provider_payment_id)).toEqual(['pay_first']);
    const activity = await t.query("select action from activity_logs where entity_id = $1 and action = 'sponsor-link.paid'", [link.id]);
    expect(activity.rows).toHaveLength(1);
  });

  it('refuses a transaction that does not match the link, and a deactivated link', async () => {
    const group = await createGroup(t);
    const link = await newLink(group);
    expect(await errorOf(() => creditLink(link.id, 'pay_short', 1_499_999n))).toEqual({ code: 'CONFLICT', reason: 'SPONSOR_LINK_MISMATCH' });
    await t.gql('mutation($id: ID!) { deactivateSponsorLink(id: $id) { id } }', { id: link.id }, group.admin.token);
    expect(await errorOf(() => creditLink(link.id, 'pay_late'))).toEqual({ code: 'CONFLICT', reason: 'SPONSOR_LINK_INACTIVE' });
    const txns = await t.query('select count(*)::int as n from transactions where group_id = $1', [group.id]);
    expect(txns.rows[0].n).toBe(0);
  });

  it('still credits a checkout that finished just after the link expired', async () => {
    const group = await createGroup(t);
    const link = await newLink(group);
    await t.query("update sponsor_links set expires_at = now() - interval '1 second' where id = $1", [link.id]);
    // Payable for the payment of a checkout opened before the expiry; not for one opened after, nor without a checkout.
    const { em } = await system();
    const expiresAt = (await t.query<{ expires_at: Date }>('select expires_at from sponsor_links where id = $1', [link.id])).rows[0].expires_at;
    expect(await sponsorLinkPaymentTarget.describe(em, link.id, { checkoutOpenedAt: new Date(expiresAt.getTime() - 30_000) })).toMatchObject({ payable: true, notPayableReason: null });
    expect(await sponsorLinkPaymentTarget.describe(em, link.id, { checkoutOpenedAt: expiresAt })).toMatchObject({ payable: false, notPayableReason: 'SPONSOR_LINK_EXPIRED' });
    expect(await sponsorLinkPaymentTarget.describe(em, link.id)).toMatchObject({ payable: false, notPayableReason: 'SPONSOR_LINK_EXPIRED' });
    await creditLink(link.id, 'pay_in_flight');
    const row = await t.query('select status from sponsor_links where id = $1', [link.id]);
    expect(row.rows[0].status).toBe('PAID');
  });

  it('lets concurrent credits of one link through one at a time: exactly one wins', async () => {
    const group = await createGroup(t);
    const link = await newLink(group);
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => creditLink(link.id, `pay_race_${i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const rejected of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(rejected.reason).toBeInstanceOf(DomainError);
      expect((rejected.reason as DomainError).details.reason).toBe('SPONSOR_LINK_PAID');
    }
    const txns = await t.query('select count(*)::int as n from transactions where group_id = $1', [group.id]);
    expect(txns.rows[0].n).toBe(1);
  });

  it('reopens the link when the payment is refunded', async () => {
    const group = await createGroup(t);
    const link = await newLink(group);
    const txn = await creditLink(link.id, 'pay_refunded');
    const ctx = await system();
    await ctx.em.transactional(async (em) => {
      const original = await em.findOneOrFail(LedgerTransaction, { id: txn.id });
      const reversal = await reverseTransaction(ctx, em, original, 'Refunded by the provider');
      await sponsorLinkPaymentTarget.markRefunded(ctx, em, link.id, reversal);
      // Twice is harmless.
      await sponsorLinkPaymentTarget.markRefunded(ctx, em, link.id, reversal);
    });
    const shown = await t.gql<{ sponsorLink: { status: string; paidAt: string | null; transaction: null } }>(LINK, { id: link.id }, group.admin.token);
    expect(shown.data?.sponsorLink).toEqual({ status: 'ACTIVE', paidAt: null, transaction: null });
    expect(await publicStatus(link.token)).toEqual({ status: 200 });
    const activity = await t.query("select after->>'reversalTransactionId' as reversal from activity_logs where entity_id = $1 and action = 'sponsor-link.refunded'", [link.id]);
    expect(activity.rows).toHaveLength(1);
    expect(activity.rows[0].reversal).not.toBeNull();
  });
});
