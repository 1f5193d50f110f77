import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links that carry their own permission, for messages people open on a phone
 * without signing in: `<payload>.<signature>` where payload is
 * base64url("<id>.<expires epoch seconds>") and the signature an HMAC-SHA256
 * under a key derived from JWT_SECRET for one purpose only — a "paid" link
 * can never open a receipt, and neither key can sign access tokens.
 */
export type LinkPurpose = 'confirm-link' | 'receipt-link';

const keyFor = (secret: string, purpose: LinkPurpose): Buffer => createHmac('sha256', secret).update(`coffer/${purpose}/v1`).digest();

export function signLinkToken(purpose: LinkPurpose, id: string, expiresAt: Date, secret: string): string {
  const payload = Buffer.from(`${id}.${Math.floor(expiresAt.getTime() / 1000)}`).toString('base64url');
  const signature = createHmac('sha256', keyFor(secret, purpose)).update(payload).digest('base64url');
  return `${payload}.${signature}`;
}

export type LinkTokenCheck = { ok: true; id: string } | { ok: false; reason: 'INVALID' | 'EXPIRED' };

/** The signature is checked before the expiry, so an edited expiry reads as tampered, not expired. */
export function verifyLinkToken(purpose: LinkPurpose, token: string, secret: string, now = Date.now()): LinkTokenCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'INVALID' };
  const expected = createHmac('sha256', keyFor(secret, purpose)).update(payload).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'INVALID' };
  const [id, expires] = Buffer.from(payload, 'base64url').toString('utf8').split('.');
  if (!id || !/^\d+$/.test(expires ?? '')) return { ok: false, reason: 'INVALID' };
  if (Number(expires) * 1000 < now) return { ok: false, reason: 'EXPIRED' };
  return { ok: true, id };
}
