import { PaymentMode } from '../ledger/ledger.enums';
import { MalformedEventError, parseRazorpayEvent, parseStripeEvent } from './provider-events';

/*
 * The parsers against the quirks of the providers' published bodies (built
 * here in the same shapes): Razorpay's `notes` as [] or an object and no event
 * id in the body; Stripe's 2020 PaymentIntent with an embedded `charges` list,
 * the modern one with `latest_charge`, a 2019 checkout session without
 * `payment_status` or `amount_total`, and a refund of a legacy charge that
 * names no PaymentIntent.
 */

const razorpayPayment = (overrides: Record<string, unknown> = {}) => ({
  id: 'pay_DESlfW9H8K9uqM',
  entity: 'payment',
  amount: 100,
  currency: 'INR',
  status: 'captured',
  order_id: 'order_DESlLckIVRkHWj',
  method: 'netbanking',
  captured: true,
  card_id: null,
  bank: 'HDFC',
  vpa: null,
  email: 'gaurav.kumar@example.com',
  notes: [],
  error_code: null,
  error_description: null,
  created_at: 1567674599,
  ...overrides,
});

describe('Razorpay bodies', () => {
  it('payment.captured with notes as []: a credit in paise, the order linked, no target from notes', () => {
    const { type, action } = parseRazorpayEvent({ entity: 'event', account_id: 'acc_x', event: 'payment.captured', contains: ['payment'], payload: { payment: { entity: razorpayPayment() } }, created_at: 1567674606 });
    expect(type).toBe('payment.captured');
    expect(action).toMatchObject({ kind: 'credit', payment: { providerPaymentId: 'pay_DESlfW9H8K9uqM', providerOrderId: 'order_DESlLckIVRkHWj', amountMinor: 100n, currency: 'INR', paymentMode: PaymentMode.BANK_TRANSFER, target: null } });
  });

  it('order.paid without the error_* keys, card details naming the payer', () => {
    const payment = razorpayPayment({ method: 'card', card: { id: 'card_x', name: 'Gaurav Kumar', last4: '0153', network: 'Visa' } });
    delete (payment as Record<string, unknown>).error_code;
    const { action } = parseRazorpayEvent({ event: 'order.paid', payload: { payment: { entity: payment }, order: { entity: { id: payment.order_id, amount: 100, amount_paid: 100, status: 'paid', notes: [] } } } });
    expect(action).toMatchObject({ kind: 'credit', payment: { paymentMode: PaymentMode.CARD, payerName: 'Gaurav Kumar' } });
  });

  it('payment.failed with "captured": true and empty error strings is a failure with a generic reason', () => {
    const { action } = parseRazorpayEvent({ event: 'payment.failed', payload: { payment: { entity: razorpayPayment({ status: 'failed', error_code: '', error_description: '' }) } } });
    expect(action).toEqual({ kind: 'failed', provider: 'RAZORPAY', providerPaymentId: 'pay_DESlfW9H8K9uqM', providerOrderId: 'order_DESlLckIVRkHWj', reason: 'Payment failed' });
  });

  it('virtual_account.credited: no order; the target comes from the virtual account notes (an object), else none', () => {
    const body = (notes: unknown) => ({
      event: 'virtual_account.credited',
      payload: {
        payment: { entity: razorpayPayment({ order_id: null, method: 'upi', vpa: 'gauravkumar@icic', amount: 500 }) },
        virtual_account: { entity: { id: 'va_x', name: 'Acme Corp', notes } },
        upi_transfer: { entity: { id: 'ut_x', amount: 500, payment_id: 'pay_DESlfW9H8K9uqM' } },
      },
    });
    const linked = parseRazorpayEvent(body({ coffer_target_kind: 'DUE', coffer_target_id: '6f1c2c1e-8f43-4a8e-9f3b-3f1f1b1b1b1b' })).action;
    expect(linked).toMatchObject({ kind: 'credit', payment: { providerOrderId: null, amountMinor: 500n, paymentMode: PaymentMode.UPI, payerUpiId: 'gauravkumar@icic', payerName: 'Acme Corp', target: { kind: 'DUE', id: '6f1c2c1e-8f43-4a8e-9f3b-3f1f1b1b1b1b' } } });
    expect(parseRazorpayEvent(body([])).action).toMatchObject({ kind: 'credit', payment: { target: null } });
    expect(parseRazorpayEvent(body({ coffer_target_kind: 'NOT_A_KIND', coffer_target_id: 'x' })).action).toMatchObject({ payment: { target: null } });
  });

  it('other events are ignored; a payment without id, amount or currency is malformed', () => {
    expect(parseRazorpayEvent({ event: 'refund.processed', payload: {} }).action).toEqual({ kind: 'ignore', reason: 'UNKNOWN_EVENT' });
    expect(() => parseRazorpayEvent({ event: 'payment.captured', payload: { payment: { entity: razorpayPayment({ id: null }) } } })).toThrow(MalformedEventError);
    expect(() => parseRazorpayEvent({ event: 'payment.captured', payload: { payment: { entity: razorpayPayment({ amount: '100' }) } } })).toThrow(MalformedEventError);
    expect(() => parseRazorpayEvent({ event: 'payment.captured', payload: { payment: { entity: razorpayPayment({ amount: -1 }) } } })).toThrow(MalformedEventError);
    expect(() => parseRazorpayEvent({ event: 'payment.captured', payload: { payment: { entity: razorpayPayment({ currency: 'inr1' }) } } })).toThrow(MalformedEventError);
    expect(() => parseRazorpayEvent([])).toThrow(MalformedEventError);
  });
});

describe('Stripe bodies', () => {
  it('a 2020-08-27 PaymentIntent (charges list, no latest_charge, empty metadata): amount_received, the shipping name as payer', () => {
    const action = parseStripeEvent({
      type: 'payment_intent.succeeded',
      data: {
        object: {
          id: 'pi_000000000000000000000000',
          object: 'payment_intent',
          amount: 2000,
          amount_received: 2000,
          currency: 'usd',
          metadata: {},
          payment_method_types: ['card'],
          charges: { object: 'list', data: [{ id: 'ch_0', amount: 2000, billing_details: { name: null, email: null } }] },
          shipping: { name: 'Jenny Rosen', address: { line1: '510 Townsend St' } },
          created: 1648320032,
        },
      },
    });
    expect(action).toMatchObject({ kind: 'credit', payment: { providerPaymentId: 'pi_000000000000000000000000', amountMinor: 2000n, currency: 'USD', paymentMode: PaymentMode.CARD, payerName: 'Jenny Rosen', target: null } });
  });

  it('a modern PaymentIntent (latest_charge) and metadata naming the target', () => {
    const action = parseStripeEvent({
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_3M', amount: 2000, amount_received: 2000, currency: 'inr', latest_charge: 'ch_3M', metadata: { coffer_target_kind: 'MEMBERSHIP_TERM', coffer_target_id: 't-1' }, payment_method_types: ['upi'] } },
    });
    expect(action).toMatchObject({ kind: 'credit', payment: { currency: 'INR', paymentMode: PaymentMode.UPI, target: { kind: 'MEMBERSHIP_TERM', id: 't-1' } } });
  });

  it('checkout.session.completed: paid sessions credit their PaymentIntent; old (2019) sessions without amount_total and unpaid ones are ignored', () => {
    const paid = parseStripeEvent({ type: 'checkout.session.completed', data: { object: { id: 'cs_1', amount_total: 3000, currency: 'usd', payment_intent: 'pi_1', payment_status: 'paid', customer_details: { email: 'stripe@example.com' }, metadata: {} } } });
    expect(paid).toMatchObject({ kind: 'credit', payment: { providerPaymentId: 'pi_1', amountMinor: 3000n, payerEmail: 'stripe@example.com' } });
    const old = parseStripeEvent({ type: 'checkout.session.completed', data: { object: { id: 'cs_2', display_items: [{ amount: 1500, currency: 'eur' }], payment_intent: 'pi_2', customer: 'cus_1' } } });
    expect(old).toEqual({ kind: 'ignore', reason: 'SESSION_WITHOUT_PAYMENT' });
    expect(parseStripeEvent({ type: 'checkout.session.completed', data: { object: { id: 'cs_3', amount_total: 10, currency: 'usd', payment_intent: 'pi_3', payment_status: 'unpaid' } } })).toEqual({ kind: 'ignore', reason: 'SESSION_NOT_PAID' });
  });

  it('charge.refunded of a legacy charge names no PaymentIntent; failures carry the decline message', () => {
    expect(parseStripeEvent({ type: 'charge.refunded', data: { object: { id: 'ch_0', amount: 100, amount_refunded: 100, currency: 'usd', payment_intent: null, refunded: true } } })).toEqual({
      kind: 'refund',
      provider: 'STRIPE',
      providerPaymentId: null,
      amountMinor: 100n,
      refundedMinor: 100n,
      currency: 'USD',
    });
    expect(parseStripeEvent({ type: 'payment_intent.payment_failed', data: { object: { id: 'pi_f', last_payment_error: { code: 'card_declined', message: 'Your card was declined.' } } } })).toMatchObject({ kind: 'failed', reason: 'Your card was declined.' });
    expect(parseStripeEvent({ type: 'setup_intent.created', data: { object: {} } })).toEqual({ kind: 'ignore', reason: 'UNKNOWN_EVENT' });
  });
});
