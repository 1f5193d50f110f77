import { DomainError } from './domain-error';
import { convertAmount, divideRoundHalfEven, formatAmount, formatMoneyForDisplay, minorUnitExponent, parseAmount } from './money';

function fieldErrorOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return Object.values(error.details.fields ?? {})[0];
    throw error;
  }
  return undefined;
}

describe('money', () => {
  it('knows the minor unit of two-, zero- and three-decimal currencies', () => {
    expect(minorUnitExponent('INR')).toBe(2);
    expect(minorUnitExponent('JPY')).toBe(0);
    expect(minorUnitExponent('KWD')).toBe(3);
  });

  it('parses decimal strings into minor units', () => {
    expect(parseAmount('1234.5', 'INR')).toBe(123450n);
    expect(parseAmount('0', 'INR')).toBe(0n);
    expect(parseAmount('0.01', 'USD')).toBe(1n);
    expect(parseAmount('-12.34', 'EUR')).toBe(-1234n);
    expect(parseAmount('1500', 'JPY')).toBe(1500n);
    expect(parseAmount('1.234', 'KWD')).toBe(1234n);
  });

  it('handles amounts far above 2^31 exactly', () => {
    expect(parseAmount('92233720368547758.07', 'INR')).toBe(9_223_372_036_854_775_807n);
    expect(formatAmount(9_223_372_036_854_775_807n, 'INR')).toBe('92233720368547758.07');
    expect(parseAmount('30000000.00', 'INR')).toBe(3_000_000_000n);
  });

  it('rejects amounts that do not fit a bigint column', () => {
    expect(fieldErrorOf(() => parseAmount('92233720368547758.08', 'INR'))).toBe('Amount is too large');
  });

  it('rejects more decimals than the currency has instead of rounding', () => {
    expect(fieldErrorOf(() => parseAmount('10.001', 'INR'))).toBe('INR allows at most 2 decimal places');
    expect(fieldErrorOf(() => parseAmount('10.5', 'JPY'))).toBe('JPY has no minor unit; use a whole number');
  });

  it('rejects things that are not plain decimals', () => {
    for (const input of ['1e5', '12,50', 'abc', '', '.5', '5.', '0x10', 'NaN', 'Infinity']) {
      expect(fieldErrorOf(() => parseAmount(input, 'INR'))).toMatch(/is not a decimal amount/);
    }
  });

  it('rejects unknown currencies', () => {
    expect(fieldErrorOf(() => parseAmount('1', 'XYZ'))).toBe('Unknown currency "XYZ"');
    expect(fieldErrorOf(() => parseAmount('1', 'inr'))).toBe('Unknown currency "inr"');
  });

  it('formats minor units with exactly the currency decimals', () => {
    expect(formatAmount(5n, 'INR')).toBe('0.05');
    expect(formatAmount(-5n, 'INR')).toBe('-0.05');
    expect(formatAmount(0n, 'INR')).toBe('0.00');
    expect(formatAmount(1500n, 'JPY')).toBe('1500');
    expect(formatAmount(1n, 'KWD')).toBe('0.001');
  });

  it('round-trips every formatted amount', () => {
    for (const minor of [0n, 1n, -1n, 99n, 100n, 2_147_483_648n, -2_147_483_649n]) {
      expect(parseAmount(formatAmount(minor, 'INR'), 'INR')).toBe(minor);
    }
  });

  it('rounds half to even', () => {
    expect(divideRoundHalfEven(5n, 2n)).toBe(2n);
    expect(divideRoundHalfEven(7n, 2n)).toBe(4n);
    expect(divideRoundHalfEven(-5n, 2n)).toBe(-2n);
    expect(divideRoundHalfEven(-7n, 2n)).toBe(-4n);
    expect(divideRoundHalfEven(10n, 3n)).toBe(3n);
    expect(divideRoundHalfEven(11n, 3n)).toBe(4n);
    expect(divideRoundHalfEven(-11n, 3n)).toBe(-4n);
  });

  it('converts between currencies of different exponents', () => {
    // 100.00 USD at 83.1234 → 8312.34 INR
    expect(convertAmount({ amountMinor: 10_000n, currency: 'USD' }, '83.1234', 'INR', 'rate')).toEqual({
      amountMinor: 831_234n,
      currency: 'INR',
    });
    // 1000 JPY at 0.0067 → 6.70 USD
    expect(convertAmount({ amountMinor: 1000n, currency: 'JPY' }, '0.0067', 'USD', 'rate').amountMinor).toBe(670n);
    // 0.05 USD at 0.5 → 0.025 → half-even → 0.02 EUR
    expect(convertAmount({ amountMinor: 5n, currency: 'USD' }, '0.5', 'EUR', 'rate').amountMinor).toBe(2n);
    expect(fieldErrorOf(() => convertAmount({ amountMinor: 1n, currency: 'USD' }, '0', 'EUR', 'rate'))).toBe(
      'Rate must be greater than zero',
    );
  });

  it('formats for people with a fixed locale: lakh grouping for INR, en otherwise, exact beyond 2^53', () => {
    expect(formatMoneyForDisplay({ amountMinor: 150_050n, currency: 'INR' })).toBe('₹1,500.50');
    expect(formatMoneyForDisplay({ amountMinor: 1_234_567_890n, currency: 'INR' })).toBe('₹1,23,45,678.90');
    expect(formatMoneyForDisplay({ amountMinor: 150_050n, currency: 'USD' })).toBe('$1,500.50');
    expect(formatMoneyForDisplay({ amountMinor: 1500n, currency: 'JPY' })).toBe('¥1,500');
    // ICU keeps the code and the number together with a no-break space.
    expect(formatMoneyForDisplay({ amountMinor: 1_500_500n, currency: 'KWD' })).toBe('KWD\u00a01,500.500');
    expect(formatMoneyForDisplay({ amountMinor: 9_223_372_036_854_775_807n, currency: 'INR' })).toBe('₹92,23,37,20,36,85,47,758.07');
  });
});
