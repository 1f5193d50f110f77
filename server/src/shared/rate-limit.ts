import type { IncomingMessage } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../config';
import { DomainError, ErrorCode, rateLimited } from './domain-error';

export interface RateLimitRule {
  /** Names the limit, e.g. `webhooks` or `sponsor-links`; each bucket counts separately. */
  bucket: string;
  limit: number;
  windowSeconds: number;
}

/**
 * The upsert that counts one hit for `key` in the current fixed window,
 * returning "hits" and "reset_seconds" (seconds until the window ends). For
 * callers that fold the count into a statement of their own (e.g. the webhook
 * routes count and store in one statement); then call `assertWithinLimit`.
 */
export function rateLimitUpsert(rule: RateLimitRule, key: string): { sql: string; params: unknown[] } {
  return { sql: countHitSql('?'), params: [rule.bucket, key, ...countHitParams(rule.windowSeconds)] };
}

/** Throws RATE_LIMITED (with the seconds until the window ends) once the window's count is past the limit. */
export function assertWithinLimit(rule: RateLimitRule, counted: { hits: number; reset_seconds: number }): void {
  if (counted.hits > rule.limit) throw rateLimited(`Too many requests; try again in ${counted.reset_seconds} s`, Math.max(1, counted.reset_seconds));
}

/**
 * Counts one hit for `key` (usually a client IP) in the current fixed window
 * and throws RATE_LIMITED (with the seconds until the window ends) past the
 * limit. The counter lives in PostgreSQL, so every server instance behind the
 * load balancer shares it; one upsert per request.
 */
export async function consumeRateLimit(em: EntityManager, rule: RateLimitRule, key: string): Promise<void> {
  const { sql, params } = rateLimitUpsert(rule, key);
  const rows: { hits: number; reset_seconds: number }[] = await em.getConnection().execute(sql, params);
  assertWithinLimit(rule, rows[0]);
}

/**
 * The counting upsert, returning `hits` and `reset_seconds`. Parameters: the
 * bucket, then whatever `keyExpression` needs, then countHitParams(window).
 * `from` lets a caller count inside a bigger statement (the API key lookup
 * counts only when a key matched, in the same round trip).
 */
export function countHitSql(keyExpression: string, from = ''): string {
  return `insert into "rate_limit_counters" ("bucket", "key", "window_start", "hits")
     select ?, ${keyExpression}, to_timestamp(floor(extract(epoch from now()) / ?) * ?), 1 ${from}
     on conflict ("bucket", "key", "window_start") do update set "hits" = "rate_limit_counters"."hits" + 1
     returning "hits", ceil(extract(epoch from "window_start") + ? - extract(epoch from now()))::int as "reset_seconds"`;
}

export function countHitParams(windowSeconds: number): number[] {
  return [windowSeconds, windowSeconds, windowSeconds];
}

/** Where an API key stands in its current window; every HTTP response to the key reports it. */
export interface RateLimitState {
  limit: number;
  /** Requests left in this window (0 once the limit is reached). */
  remaining: number;
  /** Seconds until the window ends and the count starts again. */
  resetSeconds: number;
}

/** RATE_LIMITED for an API key: carries the state so the response can still report it in headers. */
export class ApiKeyRateLimitedError extends DomainError {
  constructor(readonly state: RateLimitState) {
    super(ErrorCode.RATE_LIMITED, `This API key made more than ${state.limit} requests in the current window; try again in ${state.resetSeconds} s`, {
      retryAfterSeconds: state.resetSeconds,
    });
  }
}

/**
 * X-RateLimit-Reset is in seconds from now (like Retry-After), not an epoch
 * time, so a client with a wrong clock still waits the right time.
 */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(state.resetSeconds),
  };
}

/** Windows that ended more than an hour ago; called by the retention job, not per request. */
export async function pruneRateLimitCounters(em: EntityManager): Promise<number> {
  const result: { affectedRows?: number } = await em.getConnection().execute(`delete from "rate_limit_counters" where "window_start" < now() - interval '1 hour'`, [], 'run');
  return result.affectedRows ?? 0;
}

/**
 * The caller's address. Behind a load balancer the socket address is the
 * balancer's, so with TRUST_PROXY_HOPS = n the n-th address from the right of
 * X-Forwarded-For is used (the ones our own proxies appended); never the
 * client-controlled left end.
 */
export function clientIp(req: IncomingMessage, config: Pick<CofferConfig, 'trustProxyHops'>): string {
  const socketAddress = req.socket.remoteAddress ?? 'unknown';
  if (config.trustProxyHops === 0) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  return forwarded[forwarded.length - config.trustProxyHops] ?? forwarded[0] ?? socketAddress;
}
