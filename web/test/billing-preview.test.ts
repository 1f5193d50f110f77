/**
 * What the open-period form says a new period will bill, worked out the way the API opens it
 * (server/src/modules/dues/due.service.ts, openBillingPeriod).
 */
import { previewPeriod, splitsTotal, sumAmounts, type BillableMember } from '../src/lib/billing-preview';

function member(n: number, extra: Partial<BillableMember> = {}): BillableMember {
  return { id: `m${n}`, name: `Member ${n}`, memberNumber: `SRC-2026-${String(n).padStart(4, '0')}-00`, primaryMember: null, customAmount: null, ...extra };
}

const five = [member(3), member(1), member(2), member(5), member(4)];
// A sub-member is covered by their primary: never billed.
const withSub = [...five, member(6, { memberNumber: 'SRC-2026-0001-01', primaryMember: { id: 'm1' } })];

describe('previewPeriod', () => {
  test('membership fee: each primary member owes the price, whatever total was typed', () => {
    const preview = previewPeriod({ mode: 'MEMBERSHIP_FEE', price: '1200.00', currency: 'INR', members: withSub, total: '1000' });
    expect(preview.ok && preview.dues.map((due) => due.amount)).toEqual(['1200.00', '1200.00', '1200.00', '1200.00', '1200.00']);
    expect(preview.ok && preview.total).toBe('6000.00');
  });

  test('the 37 members of the QA report: 37 × ₹1,200.00 = ₹44,400.00, not the ₹1,000 typed', () => {
    const members = Array.from({ length: 37 }, (_, i) => member(i + 1));
    const preview = previewPeriod({ mode: 'MEMBERSHIP_FEE', price: '1200.00', currency: 'INR', members, total: '1000' });
    expect(preview.ok && [preview.dues.length, preview.total]).toEqual([37, '44400.00']);
  });

  test('custom amounts: a member’s own amount, else the price; a zero amount creates no due', () => {
    const members = [member(1, { customAmount: { amount: '350.00' } }), member(2), member(3, { customAmount: { amount: '0.00' } })];
    const preview = previewPeriod({ mode: 'CUSTOM_AMOUNTS', price: '1200.00', currency: 'INR', members, total: '' });
    expect(preview.ok && preview.dues.map((due) => [due.member.id, due.amount])).toEqual([
      ['m1', '350.00'],
      ['m2', '1200.00'],
    ]);
    expect(preview.ok && [preview.total, preview.unbilled, preview.ownAmounts]).toEqual(['1550.00', 1, 2]);
  });

  test('the per-member modes without a price cannot bill: the form says so instead of opening', () => {
    expect(previewPeriod({ mode: 'MEMBERSHIP_FEE', price: null, currency: 'INR', members: five, total: '' })).toEqual({ ok: false, reason: 'NO_PRICE' });
    expect(previewPeriod({ mode: 'CUSTOM_AMOUNTS', price: null, currency: 'INR', members: five, total: '' })).toEqual({ ok: false, reason: 'NO_PRICE' });
  });

  test('custom amounts without a price bill when every primary member has their own amount', () => {
    const members = [member(1, { customAmount: { amount: '350.00' } }), member(2, { customAmount: { amount: '100.00' } })];
    const preview = previewPeriod({ mode: 'CUSTOM_AMOUNTS', price: null, currency: 'INR', members, total: '' });
    expect(preview.ok && [preview.dues.length, preview.total, preview.ownAmounts]).toEqual([2, '450.00', 2]);
    expect(previewPeriod({ mode: 'CUSTOM_AMOUNTS', price: null, currency: 'INR', members: [...members, member(3)], total: '' })).toEqual({ ok: false, reason: 'NO_PRICE' });
  });

  test('equal split: floor(total / n) each, the remainder on the lowest member number', () => {
    const preview = previewPeriod({ mode: 'EQUAL_SPLIT', price: null, currency: 'INR', members: withSub, total: '1,000' });
    expect(preview.ok && preview.share).toBe('200.00');
    expect(preview.ok && preview.remainder).toBeUndefined();
    const uneven = previewPeriod({ mode: 'EQUAL_SPLIT', price: null, currency: 'INR', members: five, total: '649.01' });
    expect(uneven.ok && [uneven.share, uneven.remainder?.member.id, uneven.remainder?.amount, uneven.total]).toEqual(['129.80', 'm1', '129.81', '649.01']);
    const odd = previewPeriod({ mode: 'EQUAL_SPLIT', price: null, currency: 'JPY', members: five, total: '1003' });
    expect(odd.ok && [odd.share, odd.remainder?.member.id, odd.remainder?.amount, odd.total]).toEqual(['200', 'm1', '203', '1003']);
  });

  test('equal split without a total falls back to the price; variable total always needs one', () => {
    const fallback = previewPeriod({ mode: 'EQUAL_SPLIT', price: '500.00', currency: 'INR', members: five, total: '' });
    expect(fallback.ok && [fallback.splitTotal, fallback.share]).toEqual(['500.00', '100.00']);
    expect(previewPeriod({ mode: 'VARIABLE_TOTAL', price: '500.00', currency: 'INR', members: five, total: '' })).toEqual({ ok: false, reason: 'NO_TOTAL' });
    expect(previewPeriod({ mode: 'EQUAL_SPLIT', price: null, currency: 'INR', members: five, total: '' })).toEqual({ ok: false, reason: 'NO_TOTAL' });
    expect(previewPeriod({ mode: 'VARIABLE_TOTAL', price: null, currency: 'JPY', members: five, total: '10.5' })).toEqual({ ok: false, reason: 'BAD_TOTAL' });
  });

  test('a split smaller than the member count bills only the remainder’s carrier', () => {
    const preview = previewPeriod({ mode: 'VARIABLE_TOTAL', price: null, currency: 'INR', members: five, total: '0.03' });
    expect(preview.ok && preview.dues.map((due) => [due.member.id, due.amount])).toEqual([['m1', '0.03']]);
    expect(preview.ok && preview.unbilled).toBe(4);
  });

  test('which modes ask for a total', () => {
    expect(['EQUAL_SPLIT', 'VARIABLE_TOTAL', 'MEMBERSHIP_FEE', 'CUSTOM_AMOUNTS'].map((mode) => splitsTotal(mode as never))).toEqual([true, true, false, false]);
  });
});

test('sumAmounts adds decimal strings without floats', () => {
  expect(sumAmounts(['0.10', '0.20', '1200.00'], 'INR')).toBe('1200.30');
  expect(sumAmounts(['900719925474099.31', '0.02'], 'INR')).toBe('900719925474099.33');
  expect(sumAmounts([], 'JPY')).toBe('0');
  expect(sumAmounts(['abc'], 'INR')).toBeNull();
});
