import { minorUnitExponent } from './money';

/*
 * Amounts written out in words, as on a cheque or receipt:
 * "Rupees One Thousand Five Hundred and Paise Fifty Only". Indian numbering
 * (lakh, crore) for INR, international (thousand, million, billion) for every
 * other currency. Works on bigint minor units throughout, so amounts far above
 * 2^53 are exact.
 */

const ONES = [
  'Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten',
  'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen',
];
const TENS = ['', '', 'Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety'];
/** Up to the largest PostgreSQL bigint (about 9.2 quintillion). */
const INTERNATIONAL_SCALES = ['', 'Thousand', 'Million', 'Billion', 'Trillion', 'Quadrillion', 'Quintillion'];

/** 1..99 */
function belowHundred(n: number): string {
  if (n < 20) return ONES[n];
  const ones = n % 10;
  return ones === 0 ? TENS[Math.floor(n / 10)] : `${TENS[Math.floor(n / 10)]} ${ONES[ones]}`;
}

/** 1..999 */
function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const words: string[] = [];
  if (hundreds > 0) words.push(`${ONES[hundreds]} Hundred`);
  if (rest > 0) words.push(belowHundred(rest));
  return words.join(' ');
}

/** 1,234,567 → "One Million Two Hundred Thirty Four Thousand Five Hundred Sixty Seven". */
function internationalWords(n: bigint): string {
  if (n === 0n) return ONES[0];
  const words: string[] = [];
  let rest = n;
  for (let scale = 0; rest > 0n; scale += 1) {
    const group = Number(rest % 1000n);
    if (group > 0) words.unshift(INTERNATIONAL_SCALES[scale] ? `${belowThousand(group)} ${INTERNATIONAL_SCALES[scale]}` : belowThousand(group));
    rest /= 1000n;
  }
  return words.join(' ');
}

const CRORE = 10_000_000n;

/**
 * 1,23,45,678 → "One Crore Twenty Three Lakh Forty Five Thousand Six Hundred
 * Seventy Eight". Beyond 99 crore the count of crores is itself written in
 * Indian numbering ("One Thousand Crore"), as Indian banks write it.
 */
function indianWords(n: bigint): string {
  if (n === 0n) return ONES[0];
  const words: string[] = [];
  const crores = n / CRORE;
  const rest = Number(n % CRORE);
  if (crores > 0n) words.push(`${indianWords(crores)} Crore`);
  const lakhs = Math.floor(rest / 100_000);
  const thousands = Math.floor((rest % 100_000) / 1000);
  const units = rest % 1000;
  if (lakhs > 0) words.push(`${belowHundred(lakhs)} Lakh`);
  if (thousands > 0) words.push(`${belowHundred(thousands)} Thousand`);
  if (units > 0) words.push(belowThousand(units));
  return words.join(' ');
}

/** Plural names of the major and minor units, as written on receipts. */
const UNIT_NAMES: Record<string, { major: string; minor?: string }> = {
  INR: { major: 'Rupees', minor: 'Paise' },
  USD: { major: 'US Dollars', minor: 'Cents' },
  EUR: { major: 'Euros', minor: 'Cents' },
  GBP: { major: 'Pounds Sterling', minor: 'Pence' },
  AUD: { major: 'Australian Dollars', minor: 'Cents' },
  CAD: { major: 'Canadian Dollars', minor: 'Cents' },
  NZD: { major: 'New Zealand Dollars', minor: 'Cents' },
  SGD: { major: 'Singapore Dollars', minor: 'Cents' },
  HKD: { major: 'Hong Kong Dollars', minor: 'Cents' },
  CHF: { major: 'Swiss Francs', minor: 'Centimes' },
  ZAR: { major: 'South African Rand', minor: 'Cents' },
  MYR: { major: 'Malaysian Ringgit', minor: 'Sen' },
  AED: { major: 'UAE Dirhams', minor: 'Fils' },
  SAR: { major: 'Saudi Riyals', minor: 'Halalas' },
  QAR: { major: 'Qatari Riyals', minor: 'Dirhams' },
  OMR: { major: 'Omani Rials', minor: 'Baisa' },
  BHD: { major: 'Bahraini Dinars', minor: 'Fils' },
  KWD: { major: 'Kuwaiti Dinars', minor: 'Fils' },
  NPR: { major: 'Nepalese Rupees', minor: 'Paisa' },
  LKR: { major: 'Sri Lankan Rupees', minor: 'Cents' },
  PKR: { major: 'Pakistani Rupees', minor: 'Paisa' },
  BDT: { major: 'Bangladeshi Taka', minor: 'Poisha' },
  JPY: { major: 'Japanese Yen' },
  KRW: { major: 'South Korean Won' },
};

const displayNames = new Intl.DisplayNames('en', { type: 'currency' });

/**
 * amountInWords(150050n, 'INR') → "Rupees One Thousand Five Hundred and Paise Fifty Only".
 * Currencies without a known minor-unit name write the fraction as digits
 * over its base ("Swiss Franc Ten and 50/100 Only" style), never a guessed word.
 */
export function amountInWords(amountMinor: bigint, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const negative = amountMinor < 0n;
  const magnitude = negative ? -amountMinor : amountMinor;
  const base = 10n ** BigInt(exponent);
  const whole = magnitude / base;
  const fraction = magnitude % base;
  const words = currency === 'INR' ? indianWords : internationalWords;
  const names = UNIT_NAMES[currency];
  const major = names?.major ?? displayNames.of(currency) ?? currency;
  let text: string;
  if (fraction === 0n) text = `${major} ${words(whole)}`;
  else if (!names?.minor) text = `${major} ${words(whole)} and ${fraction.toString().padStart(exponent, '0')}/${base}`;
  else if (whole === 0n) text = `${names.minor} ${words(fraction)}`;
  else text = `${major} ${words(whole)} and ${names.minor} ${words(fraction)}`;
  return `${negative ? 'Minus ' : ''}${text} Only`;
}
