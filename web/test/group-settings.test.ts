/**
 * The settings page's billing form: updateGroup replaces the billing settings as a whole, so
 * what the form sends must carry every field, the untouched ones exactly as the API holds them.
 */
import { billingInputOf, BILLING_FIELDS, errorFor, parseMoneyField, parseWholeNumber, readBillingForm, unplacedMessages, type BillingSettingsValue } from '../src/lib/group-settings';

const current: BillingSettingsValue = {
  mode: 'MEMBERSHIP_FEE',
  cycle: 'ANNUAL',
  price: { amount: '1200.00', currency: 'INR' },
  dueDay: 1,
  graceDays: 15,
  annualDueDate: '04-01',
  termRule: 'FIXED_ANNUAL',
  renewalWindowDays: 45,
  timeZone: 'Asia/Kolkata',
  membershipFees: { monthly: { amount: '150.00', currency: 'INR' }, annual: { amount: '1200.00', currency: 'INR' }, lifetime: null, applicationFee: { amount: '500.00', currency: 'INR' } },
};

/** The form as the page draws it: every field showing the current value. */
function drawn(settings: BillingSettingsValue): Record<string, string> {
  return {
    [BILLING_FIELDS.mode]: settings.mode,
    [BILLING_FIELDS.cycle]: settings.cycle,
    [BILLING_FIELDS.price]: settings.price?.amount ?? '',
    [BILLING_FIELDS.dueDay]: settings.dueDay?.toString() ?? '',
    [BILLING_FIELDS.graceDays]: String(settings.graceDays),
    [BILLING_FIELDS.annualDueDate]: settings.annualDueDate ?? '',
    [BILLING_FIELDS.termRule]: settings.termRule,
    [BILLING_FIELDS.renewalWindowDays]: String(settings.renewalWindowDays),
    [BILLING_FIELDS.timeZone]: settings.timeZone ?? '',
    [BILLING_FIELDS.fee('monthly')]: settings.membershipFees.monthly?.amount ?? '',
    [BILLING_FIELDS.fee('annual')]: settings.membershipFees.annual?.amount ?? '',
    [BILLING_FIELDS.fee('lifetime')]: settings.membershipFees.lifetime?.amount ?? '',
    [BILLING_FIELDS.fee('applicationFee')]: settings.membershipFees.applicationFee?.amount ?? '',
  };
}

describe('readBillingForm', () => {
  test('an untouched form sends the settings exactly as they are', () => {
    const { input, errors } = readBillingForm((name) => drawn(current)[name] ?? '', current, 'INR');
    expect(errors).toEqual({});
    expect(input).toEqual(billingInputOf(current));
  });

  test('changing the price keeps every other field, fees and time zone included', () => {
    const form: Record<string, string> = { ...drawn(current), [BILLING_FIELDS.price]: '1,350.50' };
    const { input, errors } = readBillingForm((name) => form[name] ?? '', current, 'INR');
    expect(errors).toEqual({});
    expect(input).toEqual({ ...billingInputOf(current), price: { amount: '1350.50', currency: 'INR' } });
    expect(input.membershipFees).toEqual({ monthly: { amount: '150.00', currency: 'INR' }, annual: { amount: '1200.00', currency: 'INR' }, lifetime: null, applicationFee: { amount: '500.00', currency: 'INR' } });
  });

  test('no __typename from the cache reaches the input', () => {
    const cached = { ...current, price: { __typename: 'Money', amount: '1200.00', currency: 'INR' } } as BillingSettingsValue;
    expect(billingInputOf(cached).price).toEqual({ amount: '1200.00', currency: 'INR' });
  });

  test('empty amounts are none; bad numbers are the console’s own errors; ranges are left to the API', () => {
    const form: Record<string, string> = { ...drawn(current), [BILLING_FIELDS.fee('monthly')]: '', [BILLING_FIELDS.graceDays]: '500', [BILLING_FIELDS.dueDay]: 'first', [BILLING_FIELDS.price]: '12.345' };
    const { input, errors } = readBillingForm((name) => form[name] ?? '', current, 'INR');
    expect(input.membershipFees?.monthly).toBeNull();
    expect(input.graceDays).toBe(500);
    expect(errors).toEqual({ [BILLING_FIELDS.dueDay]: 'Enter a whole number.', [BILLING_FIELDS.price]: 'Enter an amount with at most 2 decimals, e.g. 499.50.' });
  });
});

describe('amounts follow the currency’s decimals', () => {
  test('JPY takes whole amounts only', () => {
    expect(parseMoneyField('5000', 'JPY')).toEqual({ ok: true, value: { amount: '5000', currency: 'JPY' } });
    expect(parseMoneyField('10.5', 'JPY')).toEqual({ ok: false, error: 'Enter a whole amount: JPY has no decimals (e.g. 500).' });
    expect(parseMoneyField('  ', 'JPY')).toEqual({ ok: true, value: null });
  });

  test('whole numbers stay within what GraphQL’s Int carries', () => {
    expect(parseWholeNumber('28')).toEqual({ ok: true, value: 28 });
    expect(parseWholeNumber('-1').ok).toBe(false);
    expect(parseWholeNumber('99999999999').ok).toBe(false);
  });
});

describe('field errors', () => {
  test('an amount’s message lands on its field; messages no field shows are collected', () => {
    const errors = { 'billingSettings.price.amount': 'Cannot be negative', amount: 'Cannot be negative', 'billingSettings.graceDays': 'Grace days must be between 0 and 90', graceDays: 'Grace days must be between 0 and 90', mystery: 'Something else' };
    expect(errorFor(errors, 'billingSettings.price')).toBe('Cannot be negative');
    expect(unplacedMessages(errors, ['billingSettings.price', 'billingSettings.graceDays'])).toBe('Something else');
    expect(unplacedMessages(errors, ['billingSettings.price', 'billingSettings.graceDays', 'mystery'])).toBeNull();
  });
});
