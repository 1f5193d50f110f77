import { createGroup, TestGroup } from '../../../test/support/factories';
import { assertLedgerReconciles } from '../../../test/support/ledger-check';
import { postStripe, processed, providerEnv, providerId, ProviderStub, randomIp, startProviderStub, stripeEvent, stripeIntent } from '../../../test/support/payments';
import { startTestServer, TestServer } from '../../../test/support/test-server';

/*
 * A sponsor paying a public link through Stripe, over real HTTP: the public
 * page's checkout, then Stripe's signed webhook. A link that expires while
 * its checkout is open is still paid by that checkout's payment; money that
 * names an expired link without a checkout of ours is flagged, not booked.
 */

let t: TestServer;
let stub: ProviderStub;
beforeAll(async () => {
  stub = await startProviderStub();
  t = await startTestServer({ env: providerEnv(stub.url) });
});
afterAll(async () => {
  await t.close();
  await stub.close();
});

interface Link {
  id: string;
  token: string;
}

async function stripeGroup(): Promise<TestGroup> {
  const group = await createGroup(t);
  const enabled = await t.gql('mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }', { id: group.id, input: { paymentSettings: { stripeEnabled: true } } }, group.admin.token);
  expect(enabled.errors).toBeUndefined();
  return group;
}

/** A link of 2500.00 INR expiring in 62 s, as the QA report made it. */
async function newLink(group: TestGroup): Promise<Link> {
  const response = await t.gql<{ createSponsorLink: { id: string; url: string } }>(
    'mutation($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { id url } }',
    { input: { groupId: group.id, amount: { amount: '2500.00', currency: 'INR' }, upiId: 'club@okaxis', purpose: 'Match balls', expiresAt: new Date(Date.now() + 62_000).toISOString() } },
    group.admin.token,
  );
  expect(response.errors).toBeUndefined();
  const data = response.data!.createSponsorLink;
  return { id: data.id, token: data.url.split('/').pop()! };
}

/** The public page's "Pay online" with Stripe: the PaymentIntent id. */
async function openCheckout(link: Link): Promise<string> {
  const response = await fetch(`${t.url}/api/sponsor-links/${link.token}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': randomIp() },
    body: JSON.stringify({ provider: 'STRIPE' }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: { providerOrderId: string; sandbox: boolean; amount: { amountMinor: string } } };
  expect(body.data).toMatchObject({ sandbox: false, amount: { amountMinor: '250000' } });
  return body.data.providerOrderId;
}

/**
 * The link's expiry moved into the past, as if the sponsor had taken longer
 * than it had left: a millisecond after the checkout `intentId` was opened,
 * or a second ago.
 */
async function expire(link: Link, intentId?: string): Promise<void> {
  if (intentId) {
    const moved = await t.query(
      "update sponsor_links set expires_at = (select created_at + interval '1 millisecond' from provider_checkouts where provider_order_id = $2) where id = $1 and expires_at > now()",
      [link.id, intentId],
    );
    expect(moved.rowCount).toBe(1);
  } else {
    await t.query("update sponsor_links set expires_at = now() - interval '1 second' where id = $1", [link.id]);
  }
  const page = await fetch(`${t.url}/api/sponsor-links/${link.token}`, { headers: { 'x-forwarded-for': randomIp() } });
  expect(page.status).toBe(410);
}

async function succeeded(intentId: string, metadata?: Record<string, string>): Promise<string | null> {
  const response = await processed(t, postStripe(t, stripeEvent('payment_intent.succeeded', stripeIntent({ id: intentId, amount: 250000, metadata }))));
  expect(response.status).toBe(200);
  return response.body.data!.outcome;
}

async function state(group: TestGroup, link: Link) {
  const row = await t.query<{ status: string; paid_transaction_id: string | null }>('select status, paid_transaction_id from sponsor_links where id = $1', [link.id]);
  const txns = await t.query<{ id: string; category: string; approval_source: string; amount: string; provider_payment_id: string }>(
    'select id, category, approval_source, amount_minor::text as amount, provider_payment_id from transactions where group_id = $1 order by created_at',
    [group.id],
  );
  const flags = await t.query<{ reason: string; details: string; provider_payment_id: string }>('select reason, details, provider_payment_id from payment_flags where group_id = $1 order by created_at', [group.id]);
  return { link: row.rows[0], transactions: txns.rows, flags: flags.rows };
}

describe('a sponsor link that expires while its checkout is open', () => {
  it("books the checkout's payment: one SPONSORSHIP transaction, the link PAID, nothing flagged", async () => {
    const group = await stripeGroup();
    const link = await newLink(group);
    const intentId = await openCheckout(link);
    await expire(link, intentId);

    expect(await succeeded(intentId)).toBe('CREDITED');
    const after = await state(group, link);
    expect(after.transactions).toEqual([{ id: expect.any(String), category: 'SPONSORSHIP', approval_source: 'STRIPE_WEBHOOK', amount: '250000', provider_payment_id: intentId }]);
    expect(after.link).toEqual({ status: 'PAID', paid_transaction_id: after.transactions[0].id });
    expect(after.flags).toEqual([]);
    // Stripe delivering it again changes nothing.
    expect(await succeeded(intentId)).toBe('DUPLICATE');
    expect((await state(group, link)).transactions).toHaveLength(1);
    await assertLedgerReconciles(t, [{ groupId: group.id, token: group.admin.token }]);
  });

  it('flags money that names the expired link without a checkout of ours (metadata only); the checkout opened in time still pays it', async () => {
    const group = await stripeGroup();
    const link = await newLink(group);
    const intentId = await openCheckout(link);
    await expire(link, intentId);

    const stray = providerId('pi');
    expect(await succeeded(stray, { coffer_target_kind: 'SPONSOR_LINK', coffer_target_id: link.id })).toBe('FLAGGED');
    const flagged = await state(group, link);
    expect(flagged.transactions).toEqual([]);
    expect(flagged.link).toEqual({ status: 'ACTIVE', paid_transaction_id: null });
    expect(flagged.flags).toEqual([{ reason: 'TARGET_NOT_PAYABLE', details: expect.stringContaining('SPONSOR_LINK_EXPIRED'), provider_payment_id: stray }]);

    expect(await succeeded(intentId)).toBe('CREDITED');
    const paid = await state(group, link);
    expect(paid.link.status).toBe('PAID');
    expect(paid.transactions.map((txn) => txn.provider_payment_id)).toEqual([intentId]);
    expect(paid.flags).toHaveLength(1);
  });

  it('flags a metadata-only payment for a link that expired before any checkout', async () => {
    const group = await stripeGroup();
    const link = await newLink(group);
    await expire(link);
    const stray = providerId('pi');
    expect(await succeeded(stray, { coffer_target_kind: 'SPONSOR_LINK', coffer_target_id: link.id })).toBe('FLAGGED');
    expect(await state(group, link)).toEqual({
      link: { status: 'ACTIVE', paid_transaction_id: null },
      transactions: [],
      flags: [{ reason: 'TARGET_NOT_PAYABLE', details: expect.stringContaining('SPONSOR_LINK_EXPIRED'), provider_payment_id: stray }],
    });
  });

  it('does not book a checkout whose link was deactivated meanwhile', async () => {
    const group = await stripeGroup();
    const link = await newLink(group);
    const intentId = await openCheckout(link);
    expect((await t.gql('mutation($id: ID!) { deactivateSponsorLink(id: $id) { id } }', { id: link.id }, group.admin.token)).errors).toBeUndefined();
    expect(await succeeded(intentId)).toBe('FLAGGED');
    const after = await state(group, link);
    expect(after.transactions).toEqual([]);
    expect(after.link.status).toBe('INACTIVE');
    expect(after.flags).toEqual([{ reason: 'TARGET_NOT_PAYABLE', details: expect.stringContaining('SPONSOR_LINK_INACTIVE'), provider_payment_id: intentId }]);
  });
});
