import { DomainError } from './domain-error';
import { amountInWords } from './amount-in-words';

describe('amountInWords', () => {
  it('writes rupees and paise in Indian numbering', () => {
    expect(amountInWords(0n, 'INR')).toBe('Rupees Zero Only');
    expect(amountInWords(1n, 'INR')).toBe('Paise One Only');
    expect(amountInWords(100n, 'INR')).toBe('Rupees One Only');
    expect(amountInWords(1500n, 'INR')).toBe('Rupees Fifteen Only');
    expect(amountInWords(10_000n, 'INR')).toBe('Rupees One Hundred Only');
    expect(amountInWords(150_050n, 'INR')).toBe('Rupees One Thousand Five Hundred and Paise Fifty Only');
    expect(amountInWords(10_000_000n, 'INR')).toBe('Rupees One Lakh Only');
    expect(amountInWords(11_001_000n, 'INR')).toBe('Rupees One Lakh Ten Thousand Ten Only');
    expect(amountInWords(1_000_000_000n, 'INR')).toBe('Rupees One Crore Only');
    expect(amountInWords(1_234_567_890n, 'INR')).toBe('Rupees One Crore Twenty Three Lakh Forty Five Thousand Six Hundred Seventy Eight and Paise Ninety Only');
    expect(amountInWords(101_900n, 'INR')).toBe('Rupees One Thousand Nineteen Only');
  });

  it('writes international numbering for other currencies', () => {
    expect(amountInWords(150_050n, 'USD')).toBe('US Dollars One Thousand Five Hundred and Cents Fifty Only');
    expect(amountInWords(100_000_100n, 'USD')).toBe('US Dollars One Million One Only');
    expect(amountInWords(100_000_000_000n, 'EUR')).toBe('Euros One Billion Only');
    expect(amountInWords(5n, 'GBP')).toBe('Pence Five Only');
    expect(amountInWords(9_000n, 'USD')).toBe('US Dollars Ninety Only');
  });

  it('has no minor unit for zero-decimal currencies and three digits for KWD', () => {
    expect(amountInWords(0n, 'JPY')).toBe('Japanese Yen Zero Only');
    expect(amountInWords(1500n, 'JPY')).toBe('Japanese Yen One Thousand Five Hundred Only');
    expect(amountInWords(1_500_500n, 'KWD')).toBe('Kuwaiti Dinars One Thousand Five Hundred and Fils Five Hundred Only');
    expect(amountInWords(1005n, 'KWD')).toBe('Kuwaiti Dinars One and Fils Five Only');
  });

  it('is exact above 2^31 and 2^53, up to the largest bigint the database stores', () => {
    expect(amountInWords(2_147_483_648n, 'INR')).toBe('Rupees Two Crore Fourteen Lakh Seventy Four Thousand Eight Hundred Thirty Six and Paise Forty Eight Only');
    expect(amountInWords(2_147_483_648n, 'USD')).toBe('US Dollars Twenty One Million Four Hundred Seventy Four Thousand Eight Hundred Thirty Six and Cents Forty Eight Only');
    expect(amountInWords(9_007_199_254_740_993n, 'JPY')).toBe(
      'Japanese Yen Nine Quadrillion Seven Trillion One Hundred Ninety Nine Billion Two Hundred Fifty Four Million Seven Hundred Forty Thousand Nine Hundred Ninety Three Only',
    );
    expect(amountInWords(9_223_372_036_854_775_807n, 'INR')).toBe(
      'Rupees Nine Hundred Twenty Two Crore Thirty Three Lakh Seventy Two Thousand Thirty Six Crore Eighty Five Lakh Forty Seven Thousand Seven Hundred Fifty Eight and Paise Seven Only',
    );
    expect(amountInWords(9_223_372_036_854_775_807n, 'JPY')).toBe(
      'Japanese Yen Nine Quintillion Two Hundred Twenty Three Quadrillion Three Hundred Seventy Two Trillion Thirty Six Billion Eight Hundred Fifty Four Million Seven Hundred Seventy Five Thousand Eight Hundred Seven Only',
    );
  });

  it('writes the fraction as digits when the minor unit has no known name, and marks negatives', () => {
    expect(amountInWords(1050n, 'BRL')).toBe('Brazilian Real Ten and 50/100 Only');
    expect(amountInWords(-150n, 'INR')).toBe('Minus Rupees One and Paise Fifty Only');
  });

  it('refuses an unknown currency', () => {
    expect(() => amountInWords(1n, 'ZZZ')).toThrow(DomainError);
  });
});
