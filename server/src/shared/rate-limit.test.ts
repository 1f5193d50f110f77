import type { IncomingMessage } from 'node:http';
import { startTestServer, TestServer } from '../../test/support/test-server';
import { DomainError, ErrorCode } from './domain-error';
import { clientIp, consumeRateLimit } from './rate-limit';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

const rule = { bucket: 'test', limit: 3, windowSeconds: 60 };

async function outcome(key: string, bucket = rule.bucket): Promise<string> {
  try {
    await consumeRateLimit(t.server.orm.em.fork(), { ...rule, bucket }, key);
    return 'ok';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${error.code}:${error.details.retryAfterSeconds! >= 1 && error.details.retryAfterSeconds! <= 60 ? 'retry-in-window' : error.details.retryAfterSeconds}`;
  }
}

describe('consumeRateLimit', () => {
  it('lets the limit through, then refuses with the seconds left in the window', async () => {
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await outcome('10.0.0.1'));
    expect(results).toEqual(['ok', 'ok', 'ok', `${ErrorCode.RATE_LIMITED}:retry-in-window`, `${ErrorCode.RATE_LIMITED}:retry-in-window`]);
  });

  it('counts each key and each bucket on its own', async () => {
    expect(await outcome('10.0.0.2')).toBe('ok');
    expect(await outcome('10.0.0.1', 'other')).toBe('ok');
  });

  it('counts concurrent hits exactly: 20 at once with a limit of 3 let exactly 3 through', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => outcome('10.0.0.3')));
    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
  });
});

describe('clientIp', () => {
  const request = (remoteAddress: string, forwarded?: string): IncomingMessage =>
    ({ socket: { remoteAddress }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as unknown as IncomingMessage;

  it('uses the socket address unless proxies are trusted', () => {
    expect(clientIp(request('203.0.113.9', '1.2.3.4'), { trustProxyHops: 0 })).toBe('203.0.113.9');
  });

  it('takes the address our own proxy appended, not the client-supplied left end', () => {
    expect(clientIp(request('10.0.0.5', '6.6.6.6, 198.51.100.7'), { trustProxyHops: 1 })).toBe('198.51.100.7');
    expect(clientIp(request('10.0.0.5', '198.51.100.7'), { trustProxyHops: 1 })).toBe('198.51.100.7');
  });
});
