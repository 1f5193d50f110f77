import { LinkTokenCheck, signLinkToken, verifyLinkToken } from '../../shared/signed-link';

/** The "I've paid" link: `/api/confirm/<token>`, a signed token naming the due and its expiry (see shared/signed-link.ts). */
export const signConfirmToken = (dueId: string, expiresAt: Date, secret: string): string => signLinkToken('confirm-link', dueId, expiresAt, secret);

export type ConfirmTokenCheck = { ok: true; dueId: string } | { ok: false; reason: 'INVALID' | 'EXPIRED' };

export function verifyConfirmToken(token: string, secret: string, now = Date.now()): ConfirmTokenCheck {
  const check: LinkTokenCheck = verifyLinkToken('confirm-link', token, secret, now);
  return check.ok ? { ok: true, dueId: check.id } : check;
}

export function confirmLinkFor(config: { publicApiUrl: string; jwtSecret: string; confirmLinkTtlDays: number }, dueId: string, now = Date.now()): string {
  const expiresAt = new Date(now + config.confirmLinkTtlDays * 86_400_000);
  return `${config.publicApiUrl.replace(/\/$/, '')}/api/confirm/${signConfirmToken(dueId, expiresAt, config.jwtSecret)}`;
}
