/**
 * The console's formatters: amounts in the group's currency and the reader's locale, exactly
 * as the API's decimal strings say, and the locale picked from profile and browser.
 */
import { amountExamples, decimalToMinor, exampleAmount, formatDate, formatDateTime, formatMoney, formatMonth, minorToDecimal } from '../src/lib/format';
import { resolveLocale } from '../src/lib/locale-resolve';

// Intl may put a no-break space (U+00A0 / U+202F) between symbol and number; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  test('groups Indian rupees in lakhs and crores for en-IN', () => {
    expect(formatMoney({ amount: '12345678.90', currency: 'INR' }, 'en-IN')).toBe('₹1,23,45,678.90');
  });

  test('shows a zero-decimal currency without decimals', () => {
    expect(formatMoney({ amount: '1500', currency: 'JPY' }, 'en-US')).toBe('¥1,500');
    expect(formatMoney({ amount: '1500', currency: 'JPY' }, 'ja-JP')).toBe('￥1,500');
  });

  test('keeps the sign of a negative amount, in the locale’s own way', () => {
    expect(formatMoney({ amount: '-1200.00', currency: 'INR' }, 'en-IN')).toBe('-₹1,200.00');
    expect(plain(formatMoney({ amount: '-1200.50', currency: 'EUR' }, 'de-DE'))).toBe('-1.200,50 €');
  });

  test('formats amounts past 2^53 minor units with every digit (no float on the way)', () => {
    // 2^53 = 9007199254740992; as minor units this is 90071992547409.93 and more.
    const huge = '123456789012345678.91';
    expect(Number(huge.replace('.', '')) > 2 ** 53).toBe(true);
    expect(formatMoney({ amount: huge, currency: 'USD' }, 'en-US')).toBe('$123,456,789,012,345,678.91');
    expect(formatMoney({ amount: '90071992547409.93', currency: 'INR' }, 'en-IN')).toBe('₹9,00,71,99,25,47,409.93');
    // A float would have printed ...409.94 or lost the last digits.
    expect(formatMoney({ amount: '9007199254740993', currency: 'JPY' }, 'en-US')).toBe('¥9,007,199,254,740,993');
  });

  test('shows exactly the decimals the API sent', () => {
    expect(plain(formatMoney({ amount: '10.500', currency: 'KWD' }, 'en-US'))).toBe('KWD 10.500');
    // More decimals than the currency usually has are not rounded away.
    expect(formatMoney({ amount: '12.345', currency: 'INR' }, 'en-IN')).toBe('₹12.345');
    expect(formatMoney({ amount: '0.00', currency: 'INR' }, 'en-IN')).toBe('₹0.00');
  });

  test('an amount as typed reads like the same amount from the API: at least the currency’s digits', () => {
    // A proposed change stores what was typed ("350"); the members table shows the API's "350.00".
    expect(formatMoney({ amount: '350', currency: 'INR' }, 'en-IN')).toBe(formatMoney({ amount: '350.00', currency: 'INR' }, 'en-IN'));
    expect(formatMoney({ amount: '350', currency: 'INR' }, 'en-IN')).toBe('₹350.00');
    expect(plain(formatMoney({ amount: '10.5', currency: 'KWD' }, 'en-US'))).toBe('KWD 10.500');
    expect(formatMoney({ amount: '350', currency: 'JPY' }, 'en-US')).toBe('¥350');
  });

  test('says "—" for no amount and shows a non-decimal as it came rather than NaN', () => {
    expect(formatMoney(null, 'en')).toBe('—');
    expect(formatMoney({ amount: 'abc', currency: 'INR' }, 'en-IN')).toBe('abc INR');
  });
});

describe('example amounts', () => {
  test('placeholders carry exactly the currency’s decimals: none for JPY', () => {
    expect(exampleAmount('499', 'INR')).toBe('499.00');
    expect(exampleAmount('499', 'JPY')).toBe('499');
    expect(exampleAmount('499', 'KWD', '5')).toBe('499.500');
    expect(exampleAmount('499', null)).toBe('499.00');
    expect(amountExamples('INR')).toBe('e.g. 500 or 499.50');
    expect(amountExamples('JPY')).toBe('e.g. 500');
  });
});

describe('decimalToMinor', () => {
  test('a decimal string to minor units, refusing more decimals than the currency has', () => {
    expect(decimalToMinor('1234.5', 'INR')).toBe(123450n);
    expect(decimalToMinor('1200', 'INR')).toBe(120000n);
    expect(decimalToMinor('-0.05', 'INR')).toBe(-5n);
    expect(decimalToMinor('1500', 'JPY')).toBe(1500n);
    expect(decimalToMinor('1500.5', 'JPY')).toBeNull();
    expect(decimalToMinor('12.345', 'INR')).toBeNull();
    expect(decimalToMinor('1,200', 'INR')).toBeNull();
    expect(decimalToMinor('9007199254740993.12', 'INR')).toBe(900719925474099312n);
  });
});

describe('minorToDecimal', () => {
  test('places the decimal point by the currency’s digits, by string arithmetic', () => {
    expect(minorToDecimal('123450', 'INR')).toBe('1234.50');
    expect(minorToDecimal('-5', 'INR')).toBe('-0.05');
    expect(minorToDecimal('1500', 'JPY')).toBe('1500');
    expect(minorToDecimal('900719925474099312', 'INR')).toBe('9007199254740993.12');
    expect(minorToDecimal('12.5', 'INR')).toBeNull();
  });
});

describe('dates', () => {
  test('calendar days print the same day in every time zone, in the reader’s style', () => {
    expect(formatDate('2027-03-31', 'en-US')).toBe('Mar 31, 2027');
    expect(formatDate('2027-03-31', 'en-GB')).toBe('31 Mar 2027');
    expect(formatDate('not a date', 'en-GB')).toBe('—');
  });

  test('moments are UTC until the browser knows its zone', () => {
    expect(formatDateTime('2027-03-31T18:45:00Z', 'en-GB')).toBe('31 Mar 2027, 18:45 UTC');
    expect(formatDateTime('2027-03-31T18:45:00Z', 'en-IN', 'Asia/Kolkata')).toMatch(/^1 Apr 2027, 12:15\s?am$/i);
  });

  test('months', () => {
    expect(formatMonth('2026-07', 'en-US')).toBe('Jul');
    expect(formatMonth('2026-07', 'en-US', true)).toBe('July 2026');
  });
});

describe('resolveLocale', () => {
  test('the profile language with the browser’s region', () => {
    expect(resolveLocale('en', 'en-IN,en;q=0.9')).toBe('en-IN');
    expect(resolveLocale('hi', 'en-IN,en;q=0.9')).toBe('hi-IN');
    expect(resolveLocale('en', 'de-DE,de;q=0.9')).toBe('en-DE');
    expect(resolveLocale('ta', '')).toBe('ta');
  });

  test('the browser’s languages when signed out or the profile says nothing usable; else English', () => {
    expect(resolveLocale(null, 'fr-CA,fr;q=0.8')).toBe('fr-CA');
    expect(resolveLocale('not a language!', 'en-GB')).toBe('en-GB');
    expect(resolveLocale(undefined, '*, ;;')).toBe('en');
    expect(resolveLocale(undefined, undefined)).toBe('en');
  });
});
