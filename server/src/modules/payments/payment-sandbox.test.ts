import { createBilledGroup, openPeriod } from '../../../test/support/dues-factories';
import { serviceContextFor } from '../../../test/support/service-context';
import { startTestServer, TestServer } from '../../../test/support/test-server';
import { PaymentProvider } from '../ledger/ledger.enums';
import { sponsorLinkPaymentTargetForToken } from '../sponsors/sponsor-link.payment-target';
import { createCheckout } from './checkout.service';

/*
 * With no provider keys the built-in sandbox stands in for Razorpay and
 * Stripe end to end: order or intent ids, a pay page, and on "pay" webhooks
 * signed as the providers sign them, posted over HTTP to our own endpoints.
 */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const PROVIDERS = 'query($g: ID) { paymentProviders(groupId: $g) { razorpay { enabled sandbox keyId } stripe { enabled sandbox publishableKey } } }';

async function fixture() {
  const group = await createBilledGroup(t, { memberCount: 1 });
  await t.gql('mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }', { id: group.id, input: { paymentSettings: { razorpayEnabled: true, stripeEnabled: true } } }, group.admin.token);
  const { dueByMember } = await openPeriod(t, group, '998.00');
  const member = group.members[0];
  return { group, dueId: dueByMember.get(member.id)!, token: member.user.token };
}

function localPath(url: string): string {
  const parsed = new URL(url);
  return `${t.url}${parsed.pathname}`;
}

async function dueStatus(dueId: string): Promise<string> {
  return (await t.query<{ status: string }>('select status from dues where id = $1', [dueId])).rows[0].status;
}

async function pay(checkoutUrl: string, outcome: 'success' | 'fail' = 'success') {
  const response = await fetch(localPath(checkoutUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: `outcome=${outcome}` });
  return { status: response.status, body: (await response.json()) as { data?: { success: boolean; webhooks: { status: number; outcome: string }[]; verification: { orderId: string; paymentId: string; signature: string } | null }; error?: { code: string; details: { reason?: string } } } };
}

it('says it is the sandbox, with each group\'s switches', async () => {
  const f = await fixture();
  const response = await t.gql(PROVIDERS, { g: f.group.id }, f.token);
  expect(response.data).toEqual({ paymentProviders: { razorpay: { enabled: true, sandbox: true, keyId: 'rzp_test_coffersandbox' }, stripe: { enabled: true, sandbox: true, publishableKey: 'pk_test_coffersandbox' } } });
  const other = await createBilledGroup(t, { memberCount: 0 });
  expect(((await t.gql(PROVIDERS, { g: f.group.id }, other.admin.token)).errors ?? [])[0]?.extensions?.code).toBe('NOT_FOUND');
  expect(((await t.gql(PROVIDERS, { g: other.id }, other.admin.token)).data as { paymentProviders: { razorpay: { enabled: boolean } } }).paymentProviders.razorpay.enabled).toBe(false);
});

it('Razorpay sandbox end to end: order → pay page → pay → signed webhooks to our endpoint → due PAID, credited once', async () => {
  const f = await fixture();
  const created = await t.gql<{ createRazorpayOrder: { providerOrderId: string; sandbox: boolean; checkoutUrl: string } }>(
    'mutation($d: ID) { createRazorpayOrder(dueId: $d) { providerOrderId sandbox checkoutUrl } }',
    { d: f.dueId },
    f.token,
  );
  expect(created.errors).toBeUndefined();
  const order = created.data!.createRazorpayOrder;
  expect(order.sandbox).toBe(true);
  expect(order.providerOrderId).toMatch(/^order_[A-Za-z0-9]{14}$/);
  expect(order.checkoutUrl).toMatch(new RegExp(`/api/sandbox/razorpay/checkout/${order.providerOrderId}$`));

  const page = await fetch(localPath(order.checkoutUrl));
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const html = await page.text();
  expect(html).toContain('Sandbox');
  expect(html).toContain('₹499.00');
  expect(html).toContain('method="post"');

  const paid = await pay(order.checkoutUrl);
  expect(paid.status).toBe(200);
  // Like Razorpay: payment.captured and order.paid for the one payment; the second finds it credited.
  expect(paid.body.data!.webhooks).toEqual([{ status: 200, outcome: 'CREDITED' }, { status: 200, outcome: 'DUPLICATE' }]);
  expect(await dueStatus(f.dueId)).toBe('PAID');
  const txns = await t.query('select approval_source, provider, amount_minor::text as amount from transactions where group_id = $1', [f.group.id]);
  expect(txns.rows).toEqual([{ approval_source: 'RAZORPAY_WEBHOOK', provider: 'RAZORPAY', amount: '49900' }]);

  // The Checkout-style callback the sandbox hands back verifies with the SDK and finds the payment credited.
  const { orderId, paymentId, signature } = paid.body.data!.verification!;
  const verified = await t.gql('mutation($o: String!, $p: String!, $s: String!) { verifyRazorpayPayment(orderId: $o, paymentId: $p, signature: $s) { outcome } }', { o: orderId, p: paymentId, s: signature }, f.token);
  expect(verified.data).toEqual({ verifyRazorpayPayment: { outcome: 'DUPLICATE' } });

  const again = await pay(order.checkoutUrl);
  expect(again.status).toBe(409);
  expect(again.body.error?.details.reason).toBe('ORDER_NOT_OPEN');
});

it('Stripe sandbox end to end, and a failed attempt that books nothing', async () => {
  const f = await fixture();
  const created = await t.gql<{ createStripePaymentIntent: { providerOrderId: string; clientSecret: string; checkoutUrl: string } }>(
    'mutation($d: ID) { createStripePaymentIntent(dueId: $d) { providerOrderId clientSecret checkoutUrl } }',
    { d: f.dueId },
    f.token,
  );
  const intent = created.data!.createStripePaymentIntent;
  expect(intent.providerOrderId).toMatch(/^pi_/);
  expect(intent.clientSecret).toMatch(new RegExp(`^${intent.providerOrderId}_secret_`));
  const failed = await pay(intent.checkoutUrl, 'fail');
  expect(failed.body.data!.webhooks).toEqual([{ status: 200, outcome: 'PAYMENT_FAILED' }]);
  expect(await dueStatus(f.dueId)).toBe('UNPAID');
  const paid = await pay(intent.checkoutUrl);
  expect(paid.body.data!.webhooks).toEqual([{ status: 200, outcome: 'CREDITED' }]);
  expect(await dueStatus(f.dueId)).toBe('PAID');
  const txns = await t.query('select approval_source, provider_payment_id from transactions where group_id = $1', [f.group.id]);
  expect(txns.rows).toEqual([{ approval_source: 'STRIPE_WEBHOOK', provider_payment_id: intent.providerOrderId }]);
});

it('the pay page is HTML-escaped and unknown orders are 404', async () => {
  expect((await fetch(`${t.url}/api/sandbox/razorpay/checkout/order_nope`)).status).toBe(404);
  expect((await fetch(`${t.url}/api/sandbox/stripe/checkout/pi_nope`, { method: 'POST', headers: { accept: 'application/json' } })).status).toBe(404);
});

it('a sponsor pays a public sponsor link without signing in: createCheckout → sandbox pay → SPONSORSHIP transaction, link PAID', async () => {
  const f = await fixture();
  const sponsor = await t.gql<{ createSponsor: { id: string } }>('mutation($input: CreateSponsorInput!) { createSponsor(input: $input) { id } }', { input: { groupId: f.group.id, name: 'Acme Sports' } }, f.group.admin.token);
  const link = await t.gql<{ createSponsorLink: { id: string; url: string } }>(
    'mutation($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { id url } }',
    { input: { groupId: f.group.id, sponsorId: sponsor.data!.createSponsor.id, amount: { amount: '2500.00', currency: 'INR' }, upiId: 'club@okaxis', purpose: 'Kit', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
    f.group.admin.token,
  );
  const token = link.data!.createSponsorLink.url.split('/').pop()!;
  const anonymous = await serviceContextFor(t, 'system');
  const checkout = await createCheckout(anonymous, PaymentProvider.RAZORPAY, await sponsorLinkPaymentTargetForToken(anonymous, token));
  expect(checkout.checkout).toMatchObject({ targetKind: 'SPONSOR_LINK', amountMinor: 250000n, sandbox: true });
  const paid = await pay(checkout.checkoutUrl!);
  expect(paid.body.data!.webhooks[0]).toEqual({ status: 200, outcome: 'CREDITED' });
  const txns = await t.query('select category, approval_source, member_id, amount_minor::text as amount from transactions where group_id = $1', [f.group.id]);
  expect(txns.rows).toEqual([{ category: 'SPONSORSHIP', approval_source: 'RAZORPAY_WEBHOOK', member_id: null, amount: '250000' }]);
  expect((await t.query('select status from sponsor_links where id = $1', [link.data!.createSponsorLink.id])).rows[0].status).toBe('PAID');
  const again = await createCheckout(anonymous, PaymentProvider.STRIPE, { kind: checkout.checkout.targetKind, id: checkout.checkout.targetId }).catch((error: { details?: { reason?: string } }) => error.details?.reason);
  expect(again).toBe('SPONSOR_LINK_PAID');
});

it('the public sponsor page pays over HTTP without signing in: POST /api/sponsor-links/:token/checkout → sandbox pay → link PAID', async () => {
  const f = await fixture();
  const link = await t.gql<{ createSponsorLink: { id: string; url: string } }>(
    'mutation($input: CreateSponsorLinkInput!) { createSponsorLink(input: $input) { id url } }',
    { input: { groupId: f.group.id, amount: { amount: '1200.50', currency: 'INR' }, upiId: 'club@okaxis', purpose: 'Match balls', expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
    f.group.admin.token,
  );
  const token = link.data!.createSponsorLink.url.split('/').pop()!;
  const checkoutAt = (provider: unknown, which = token) =>
    fetch(`${t.url}/api/sponsor-links/${which}/checkout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider }) });
  const bad = await checkoutAt('PAYPAL');
  expect(bad.status).toBe(400);
  expect((await checkoutAt('RAZORPAY', 'no-such-token')).status).toBe(404);
  const started = await checkoutAt('RAZORPAY');
  expect(started.status).toBe(200);
  const body = (await started.json()) as { data: { sandbox: boolean; checkoutUrl: string; amount: { amountMinor: string; currency: string } } };
  expect(body.data).toMatchObject({ sandbox: true, amount: { amountMinor: '120050', currency: 'INR' } });
  expect((await pay(body.data.checkoutUrl)).body.data!.webhooks[0]).toEqual({ status: 200, outcome: 'CREDITED' });
  expect((await t.query('select status from sponsor_links where id = $1', [link.data!.createSponsorLink.id])).rows[0].status).toBe('PAID');
  // Paid once: the page now answers 410 and a second checkout is refused.
  expect((await fetch(`${t.url}/api/sponsor-links/${token}`)).status).toBe(410);
  expect((await checkoutAt('STRIPE')).status).toBe(410);
});

it('with PAYMENT_SANDBOX=false and no keys a provider is unavailable: no orders, no pay page, webhooks refused', async () => {
  const off = await startTestServer({ env: { PAYMENT_SANDBOX: 'false' } });
  try {
    const group = await createBilledGroup(off, { memberCount: 1 });
    await off.gql('mutation($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }', { id: group.id, input: { paymentSettings: { razorpayEnabled: true, stripeEnabled: true } } }, group.admin.token);
    const { dueByMember } = await openPeriod(off, group, '998.00');
    const dueId = dueByMember.get(group.members[0].id)!;
    const order = await off.gql('mutation($d: ID) { createRazorpayOrder(dueId: $d) { id } }', { d: dueId }, group.members[0].user.token);
    expect(order.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PROVIDER_NOT_CONFIGURED' });
    expect((await off.gql(PROVIDERS, { g: group.id }, group.admin.token)).data).toEqual({
      paymentProviders: { razorpay: { enabled: false, sandbox: true, keyId: 'rzp_test_coffersandbox' }, stripe: { enabled: false, sandbox: true, publishableKey: 'pk_test_coffersandbox' } },
    });
    const webhook = await fetch(`${off.url}/api/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }, body: '{}' });
    expect(webhook.status).toBe(400);
    expect(((await webhook.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe('PROVIDER_NOT_CONFIGURED');
  } finally {
    await off.close();
  }
});
