import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The "I've paid" link: `/api/confirm/<payload>.<signature>` where payload is
 * base64url("<dueId>.<expires epoch seconds>") and signature an HMAC-SHA256
 * of the payload under a key derived from JWT_SECRET for this purpose only
 * (a leaked link key never signs access tokens, and the reverse).
 */
const keyFor = (secret: string): Buffer => createHmac('sha256', secret).update('coffer/confirm-link/v1').digest();

export function signConfirmToken(dueId: string, expiresAt: Date, secret: string): string {
  const payload = Buffer.from(`${dueId}.${Math.floor(expiresAt.getTime() / 1000)}`).toString('base64url');
  const signature = createHmac('sha256', keyFor(secret)).update(payload).digest('base64url');
  return `${payload}.${signature}`;
}

export type ConfirmTokenCheck = { ok: true; dueId: string } | { ok: false; reason: 'INVALID' | 'EXPIRED' };

/** The signature is checked before the expiry, so an edited expiry reads as tampered, not expired. */
export function verifyConfirmToken(token: string, secret: string, now = Date.now()): ConfirmTokenCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'INVALID' };
  const expected = createHmac('sha256', keyFor(secret)).update(payload).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'INVALID' };
  const [dueId, expires] = Buffer.from(payload, 'base64url').toString('utf8').split('.');
  if (!dueId || !/^\d+$/.test(expires ?? '')) return { ok: false, reason: 'INVALID' };
  if (Number(expires) * 1000 < now) return { ok: false, reason: 'EXPIRED' };
  return { ok: true, dueId };
}

export function confirmLinkFor(config: { publicApiUrl: string; jwtSecret: string; confirmLinkTtlDays: number }, dueId: string, now = Date.now()): string {
  const expiresAt = new Date(now + config.confirmLinkTtlDays * 86_400_000);
  return `${config.publicApiUrl.replace(/\/$/, '')}/api/confirm/${signConfirmToken(dueId, expiresAt, config.jwtSecret)}`;
}
