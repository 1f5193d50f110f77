import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, ErrorCode, httpStatusFor } from '../shared/domain-error';
import { jsonMayHoldUnstorableText, unstorableTextError, whereUnstorableText } from '../shared/storable-text';

/** REST envelope: `{ data }` on success, `{ error: { code, message, details } }` otherwise. */
export function sendData(res: ServerResponse, status: number, data: unknown): void {
  sendJson(res, status, { data });
}

/** `status` defaults to the code's (httpStatusFor); HTTP-level refusals (405, 413) name their own and keep the code. */
export function sendError(res: ServerResponse, code: ErrorCode, message: string, details: Record<string, unknown> = {}, status = httpStatusFor[code]): void {
  sendJson(res, status, { error: { code, message, details } });
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

/** The client went away before its request body ended: there is no one to answer, and nothing went wrong here. */
export class RequestAbortedError extends Error {
  constructor(cause?: unknown) {
    super('The client closed the connection before the request body ended', { cause });
    this.name = 'RequestAbortedError';
  }
}

/**
 * Reads the whole body, refusing more than `limit` bytes without buffering the excess.
 * Past the limit it stops reading and marks the response `connection: close`, so the
 * 413 the caller sends still reaches the client and the rest of the body is never read.
 * Listens for events rather than `for await`: the async iterator was a measurable part
 * of a small request's cost (BENCHMARKS.md).
 */
export function readBody(req: IncomingMessage, limit: number, res: ServerResponse): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.setHeader('connection', 'close');
    return Promise.reject(new BodyTooLargeError());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        settle();
        req.pause();
        res.setHeader('connection', 'close');
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      settle();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    // A client that disconnects mid-body shows up as an error ('aborted'), a 'close' without 'end', or both.
    const onError = (error: Error): void => {
      settle();
      reject(req.complete ? error : new RequestAbortedError(error));
    };
    const onClose = (): void => {
      settle();
      reject(new RequestAbortedError());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * A JSON object body, as the REST routes that take one read it; an empty body reads as `{}`.
 * Not JSON, or JSON that is not an object (null, an array, a string, a number), is the client's
 * mistake: BAD_USER_INPUT (reason INVALID_JSON), never a route reading a field of null.
 */
export async function readJsonObject(req: IncomingMessage, limit: number, res: ServerResponse): Promise<Record<string, unknown>> {
  const text = (await readBody(req, limit, res)).toString('utf8');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Body is not valid JSON', { reason: 'INVALID_JSON' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Body must be a JSON object', { reason: 'INVALID_JSON' });
  }
  // PostgreSQL cannot store a NUL or a lone surrogate: refused as the client's mistake (shared/storable-text.ts).
  const unstorable = jsonMayHoldUnstorableText(text) ? whereUnstorableText(body, '') : undefined;
  if (unstorable) throw unstorableTextError(unstorable);
  return body as Record<string, unknown>;
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
