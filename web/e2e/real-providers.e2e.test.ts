/**
 * Paying a due with real provider keys (not the sandbox): the API talks to Razorpay and
 * Stripe through their SDKs, pointed at a local stub of their REST APIs, and the browser
 * loads the providers' own scripts (Razorpay Checkout, Stripe.js), which are routed to
 * small stand-ins: the edge of the world on both sides. Everything between, the console,
 * the API, the signature checks and the ledger, is the real thing.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import Stripe from 'stripe';
import type { Page } from 'playwright-core';
import { providerEnv, RAZORPAY_KEY_SECRET, startProviderStub, stripeEvent, stripeIntent, STRIPE_WEBHOOK_SECRET, type ProviderStub } from '../../server/test/support/payments';
import { addMemberWithTemporaryPassword, ADMIN_EMAIL, ADMIN_PASSWORD, ARTIFACTS, DEMO_GROUP, graphqlAsApi, signInAndOpenDemoGroup, signInFirstTime, TEST_TIMEOUT_MS, useStack } from './support/stack';

let stub: ProviderStub;
beforeAll(async () => {
  stub = await startProviderStub();
});
afterAll(async () => {
  await stub?.close();
});
const stack = useStack({ apiEnv: () => providerEnv(stub.url) });

/**
 * Stands in for https://js.stripe.com/v3/: the Payment Element becomes one text field (in
 * reality Stripe's iframe), and confirmPayment answers as Stripe does for a test card that
 * succeeds, or for 4000 0000 0000 0002, which Stripe declines. What the console passed in
 * is kept on `window.stripeCalls` for the test to check.
 */
const FAKE_STRIPE_JS = `
window.stripeCalls = [];
window.Stripe = function (publishableKey) {
  return {
    elements(options) {
      return {
        clientSecret: options.clientSecret,
        create(type) {
          let onReady = () => {};
          return {
            on(event, handler) { if (event === 'ready') onReady = handler; },
            mount(target) {
              const field = document.createElement('input');
              field.setAttribute('aria-label', 'Card number');
              target.appendChild(field);
              setTimeout(() => onReady({}), 0);
            },
            destroy() {},
          };
        },
        async submit() {
          const card = document.querySelector('[aria-label="Card number"]').value.replace(/\\s/g, '');
          return card.length >= 12 ? {} : { error: { type: 'validation_error', message: 'Your card number is incomplete.' } };
        },
      };
    },
    async confirmPayment({ elements, redirect }) {
      const card = document.querySelector('[aria-label="Card number"]').value.replace(/\\s/g, '');
      window.stripeCalls.push({ publishableKey, clientSecret: elements.clientSecret, redirect, card });
      if (card === '4000000000000002') return { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } };
      return { paymentIntent: { id: elements.clientSecret.split('_secret_')[0], status: 'succeeded' } };
    },
  };
};`;

/**
 * Stands in for https://checkout.razorpay.com/v1/checkout.js: "paying" calls the
 * console's handler with a payment id and the signature Razorpay would compute
 * (HMAC-SHA256 of "order_id|payment_id" with the key secret, which only Razorpay and
 * the API know: the test plays Razorpay through an exposed function).
 */
const FAKE_RAZORPAY_CHECKOUT = `
window.razorpayOpened = [];
window.Razorpay = function (options) {
  this.open = async function () {
    window.razorpayOpened.push({ key: options.key, orderId: options.order_id, amount: options.amount, currency: options.currency });
    const paymentId = 'pay_' + Math.random().toString(36).slice(2, 16);
    const signature = await window.razorpaySign(options.order_id, paymentId);
    options.handler({ razorpay_order_id: options.order_id, razorpay_payment_id: paymentId, razorpay_signature: signature });
  };
};`;

async function withProviderScripts(page: Page): Promise<void> {
  await page.route('https://js.stripe.com/v3/**', (route) => route.fulfill({ contentType: 'application/javascript', body: FAKE_STRIPE_JS }));
  await page.route('https://checkout.razorpay.com/v1/checkout.js', (route) => route.fulfill({ contentType: 'application/javascript', body: FAKE_RAZORPAY_CHECKOUT }));
  await page.exposeFunction('razorpaySign', (orderId: string, paymentId: string) => createHmac('sha256', RAZORPAY_KEY_SECRET).update(`${orderId}|${paymentId}`).digest('hex'));
}

function tab(page: Page, name: string | RegExp) {
  return page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name });
}

function dueRow(page: Page, text: string) {
  return page.getByTestId('due-row').filter({ hasText: text });
}

interface PaidTransaction {
  approvalSource: string;
  member: { name: string } | null;
  amount: { amount: string };
}

async function transactionsOf(token: string, groupId: string, memberName: string): Promise<PaidTransaction[]> {
  const { transactions } = await graphqlAsApi<{ transactions: { edges: { node: PaidTransaction }[] } }>(
    stack.apiUrl,
    'query ($groupId: ID!) { transactions(groupId: $groupId, first: 100) { edges { node { approvalSource member { name } amount { amount } } } } }',
    { groupId },
    token,
  );
  return transactions.edges.map((edge) => edge.node).filter((node) => node.member?.name === memberName);
}

/** A new member with a due in a fresh period, signed in on a phone-sized page at "My dues". */
async function memberAtMyDues(name: string, period: { label: string; start: string; end: string }, password: string) {
  const member = await addMemberWithTemporaryPassword(stack.apiUrl, name);
  await graphqlAsApi(
    stack.apiUrl,
    'mutation ($id: ID!, $input: UpdateGroupInput!) { updateGroup(id: $id, input: $input) { id } }',
    { id: member.groupId, input: { paymentSettings: { razorpayEnabled: true, stripeEnabled: true } } },
    member.token,
  );
  await graphqlAsApi(
    stack.apiUrl,
    'mutation ($input: CreateBillingPeriodInput!) { createBillingPeriod(input: $input) { dueCount } }',
    { input: { groupId: member.groupId, label: period.label, periodStart: period.start, periodEnd: period.end } },
    member.token,
  );
  const phone = await stack.newPage({ width: 390, height: 844 });
  await withProviderScripts(phone.page);
  await signInFirstTime(phone.page, stack.consoleUrl, member.email, member.temporaryPassword, password);
  await phone.page.getByRole('link', { name: new RegExp(DEMO_GROUP) }).click();
  await tab(phone.page, 'Dues').click();
  await phone.page.getByRole('heading', { level: 2, name: 'My dues' }).waitFor();
  return { ...member, phone };
}

test('with real Stripe keys a member pays by card in Stripe’s form; a declined card says so; the signed webhook marks the due paid live; the member opens their receipt', async () => {
  const { token, groupId, phone } = await memberAtMyDues('Dana Card', { label: 'June 2027', start: '2027-06-01', end: '2027-06-30' }, 'dana-pays-by-card');
  const admin = await stack.newPage();
  try {
    await signInAndOpenDemoGroup(admin.page, stack.consoleUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    await tab(admin.page, 'Dues').click();
    const adminRow = dueRow(admin.page, 'Dana Card');
    await adminRow.getByTestId('due-status').filter({ hasText: 'Unpaid' }).waitFor();
    await admin.page.waitForTimeout(500); // the dues subscription is registered

    const page = phone.page;
    const mine = dueRow(page, 'June 2027');
    await mine.getByText('₹1,200.00').first().waitFor();
    // Real keys: no sandbox labels.
    expect(await page.getByText('no real money moves').count()).toBe(0);
    await mine.getByRole('button', { name: 'Pay by card', exact: true }).click();

    // The API created the PaymentIntent at "Stripe" for the due's amount, linked to the due.
    const form = page.getByRole('region', { name: 'Pay by card' });
    await form.getByText('June 2027: ₹1,200.00').waitFor();
    const intentRequests = stub.requests.filter((request) => request.path === '/v1/payment_intents');
    expect(intentRequests).toHaveLength(1);
    const sent = new URLSearchParams(intentRequests[0].body);
    expect(sent.get('amount')).toBe('120000');
    expect(sent.get('currency')).toBe('inr');
    expect(sent.get('metadata[coffer_target_kind]')).toBe('DUE');

    // A declined card: Stripe's message, the due untouched, and the member can try again.
    await form.getByRole('textbox', { name: 'Card number' }).fill('4000 0000 0000 0002');
    await form.getByRole('button', { name: 'Pay now' }).click();
    await form.getByRole('alert').filter({ hasText: 'Your card was declined.' }).waitFor();
    await form.getByRole('textbox', { name: 'Card number' }).fill('4242 4242 4242 4242');
    await form.getByRole('button', { name: 'Pay now' }).click();
    await page.getByRole('status').filter({ hasText: 'Payment sent. It shows as paid as soon as Stripe confirms it.' }).waitFor();
    const calls = await page.evaluate(() => (window as unknown as { stripeCalls: { publishableKey: string; clientSecret: string; redirect: string }[] }).stripeCalls);
    expect(calls.map((call) => call.publishableKey)).toEqual(['pk_test_for_tests', 'pk_test_for_tests']);
    const intentId = calls[1].clientSecret.split('_secret_')[0];
    expect(intentId).toMatch(/^pi_/);
    expect(calls[1].redirect).toBe('if_required');
    // Nothing is credited on the browser's word alone.
    expect(await transactionsOf(token, groupId, 'Dana Card')).toEqual([]);

    // Stripe's signed payment_intent.succeeded credits it: the admin's open page turns without a reload, the member's too.
    const metadata = Object.fromEntries([...sent].filter(([key]) => key.startsWith('metadata[')).map(([key, value]) => [key.slice(9, -1), value]));
    const body = stripeEvent('payment_intent.succeeded', stripeIntent({ id: intentId, amount: 120000, currency: 'inr', metadata }));
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_WEBHOOK_SECRET });
    const delivery = await fetch(stack.apiUrl.replace(/\/graphql$/, '/api/webhooks/stripe'), { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
    expect(delivery.status).toBe(200);
    await adminRow.getByTestId('due-status').filter({ hasText: /^Paid$/ }).waitFor();
    await adminRow.getByRole('button', { name: /^Receipt R-\d{4}-\d{6}$/ }).waitFor();
    await mine.getByTestId('due-status').filter({ hasText: /^Paid$/ }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'real-stripe-paid-390.png'), fullPage: true });

    // The member downloads their receipt from "My dues": the API's own receipt, for them, in words and figures.
    const receiptButton = mine.getByRole('button', { name: /^Receipt R-\d{4}-\d{6}$/ });
    const receiptNumber = (await receiptButton.getAttribute('aria-label'))!.replace(/^Receipt /, '');
    const popup = phone.context.waitForEvent('page', { timeout: 10_000 });
    await receiptButton.click();
    const receiptPage = await popup;
    try {
      await receiptPage.waitForURL(/^blob:/, { timeout: 10_000 });
      await receiptPage.getByText('Rupees One Thousand Two Hundred Only').waitFor();
      const receiptText = (await receiptPage.textContent('body')) ?? '';
      expect(receiptText).toContain(receiptNumber);
      expect(receiptText).toContain('Dana Card');
      expect(receiptText).toContain('1,200.00');
    } finally {
      await receiptPage.close().catch(() => undefined);
    }

    // A payment method that left for its bank comes back with Stripe's redirect_status: the page says what happened, once.
    const duesUrl = page.url();
    await page.goto(`${duesUrl}${duesUrl.includes('?') ? '&' : '?'}payment_intent=${intentId}&payment_intent_client_secret=${calls[1].clientSecret}&redirect_status=failed`);
    await page.getByRole('alert').filter({ hasText: 'Your card payment did not go through. Nothing was charged' }).waitFor();
    expect(page.url()).not.toContain('redirect_status');
    expect(page.url()).not.toContain('client_secret');
    expect(await transactionsOf(token, groupId, 'Dana Card')).toEqual([{ approvalSource: 'STRIPE_WEBHOOK', member: { name: 'Dana Card' }, amount: { amount: '1200.00' } }]);
  } finally {
    await admin.context.close();
    await phone.context.close();
  }
}, TEST_TIMEOUT_MS);

test('with real Razorpay keys a member pays in Razorpay Checkout; the console verifies the signed result and the due is paid', async () => {
  const { token, groupId, phone } = await memberAtMyDues('Ravi Razor', { label: 'July 2027', start: '2027-07-01', end: '2027-07-31' }, 'ravi-pays-by-razorpay');
  try {
    const page = phone.page;
    const mine = dueRow(page, 'July 2027');
    await mine.getByText('₹1,200.00').first().waitFor();
    await mine.getByRole('button', { name: 'Pay with Razorpay', exact: true }).click();
    await mine.getByTestId('due-status').filter({ hasText: /^Paid$/ }).waitFor();

    // Checkout opened with the key id and the order the API created at "Razorpay" for this due.
    const opened = await page.evaluate(() => (window as unknown as { razorpayOpened: { key: string; orderId: string; amount: string; currency: string }[] }).razorpayOpened);
    const orders = stub.requests.filter((request) => request.path === '/v1/orders');
    const order = JSON.parse(orders[orders.length - 1].body) as { amount: number; currency: string };
    expect(order).toMatchObject({ amount: 120000, currency: 'INR' });
    expect(opened).toEqual([{ key: 'rzp_test_keyid', orderId: expect.stringMatching(/^order_/), amount: '120000', currency: 'INR' }]);
    expect(await transactionsOf(token, groupId, 'Ravi Razor')).toEqual([{ approvalSource: 'PAYMENT_VERIFICATION', member: { name: 'Ravi Razor' }, amount: { amount: '1200.00' } }]);
  } finally {
    await phone.context.close();
  }
}, TEST_TIMEOUT_MS);

