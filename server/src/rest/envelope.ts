import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, ErrorCode, httpStatusFor } from '../shared/domain-error';

/** REST envelope: `{ data }` on success, `{ error: { code, message, details } }` otherwise. */
export function sendData(res: ServerResponse, status: number, data: unknown): void {
  sendJson(res, status, { data });
}

export function sendError(res: ServerResponse, code: ErrorCode, message: string, details: Record<string, unknown> = {}): void {
  sendJson(res, httpStatusFor[code], { error: { code, message, details } });
}

export function sendDomainError(res: ServerResponse, error: DomainError): void {
  if (error.details.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.details.retryAfterSeconds));
  sendError(res, error.code, error.message, { ...error.details });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' });
  res.end(payload);
}

export class BodyTooLargeError extends Error {}

/** Reads the whole body, refusing more than `limit` bytes without buffering the excess. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A small HTML page (confirmation links, the payment sandbox): nothing but inline style, never framed, no referrer. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    // Tokens and order ids travel in these pages' URLs: never hand them to another site.
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}
