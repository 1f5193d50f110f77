import { toString as qrCodeString } from 'qrcode';
import { formatAmount } from './money';

/** UPI apps cut the note (tn) at about 80 characters; we cut it ourselves, on a character boundary. */
const MAX_NOTE = 80;
const MAX_PAYEE_NAME = 99;

export interface UpiPaymentRequest {
  payeeUpiId: string;
  payeeName: string;
  amountMinor: bigint;
  /** UPI settles in INR only; callers check before asking for a link. */
  currency: string;
  note: string;
}

/**
 * Query values percent-encoded as RFC 3986 requires (spaces as %20, never
 * "+", which some UPI apps show literally). "@" is legal in a query and is
 * what every app expects to see in `pa`, so it stays readable.
 */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, '@');
}

const truncate = (value: string, max: number): string => Array.from(value).slice(0, max).join('');

/** `upi://pay?pa=…&pn=…&am=…&cu=…&tn=…` (NPCI's deep-link format) for an exact amount. */
export function upiDeepLink(request: UpiPaymentRequest): string {
  const params: [string, string][] = [
    ['pa', request.payeeUpiId],
    ['pn', truncate(request.payeeName, MAX_PAYEE_NAME)],
    ['am', formatAmount(request.amountMinor, request.currency)],
    ['cu', request.currency],
    ['tn', truncate(request.note, MAX_NOTE)],
  ];
  return `upi://pay?${params.map(([key, value]) => `${key}=${encodeValue(value)}`).join('&')}`;
}

/** The deep link as a QR code any UPI app can scan: an SVG, as a data URL an <img> can show. */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const svg = await qrCodeString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
