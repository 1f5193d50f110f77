import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CofferConfig } from '../../config';
import { decryptSecret } from '../../shared/crypto';
import { describeError, Logger, silentLogger } from '../../shared/logger';
import { addressPolicy, AddressPolicy, assertPublicHost, guardedLookup } from './webhook-address';
import { WEBHOOK_HEADERS, webhookSignature } from './webhook-signature';
import { WebhookAttemptRecord, WebhookDeliveryStatus } from './webhook.entities';

/** A delivery is given up (FAILED) after this many attempts… */
export const MAX_WEBHOOK_ATTEMPTS = 5;
/** …or when the next attempt would fall later than this after the delivery was created. */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Kept from each response body: enough to see an error message, not enough to store a page. */
export const RESPONSE_EXCERPT_BYTES = 1024;
const DEFAULT_BATCH_SIZE = 20;
const DISPATCH_BATCH_SIZE = 500;

/**
 * Seconds to wait after failed attempt n (1-based): 1 min, 10 min, 100 min,
 * ~17 h, so five attempts fit in the 24-hour window even with the jitter
 * (up to +10 %, so endpoints that failed together do not retry together).
 */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number {
  const base = 60 * 10 ** (attempt - 1);
  return Math.round(base * (1 + 0.1 * random()));
}

export interface WebhookDeliveryDeps {
  /** Any EntityManager of the ORM (orm.em will do): the run uses its own connection, no identity map. */
  em: EntityManager;
  config: CofferConfig;
  logger?: Logger;
  /** Deliveries claimed per run. */
  batchSize?: number;
  /** Replaces the database clock, so tests can step through the backoff. */
  now?: Date;
}

export interface WebhookDeliveryRun {
  /** Outbox events fanned out to deliveries (events no endpoint wants are dropped). */
  dispatchedEvents: number;
  claimed: number;
  succeeded: number;
  /** Failed attempts with another one scheduled. */
  retrying: number;
  /** Deliveries given up in this run. */
  failed: number;
  /** A batch was full (events to fan out or deliveries due), so more may be waiting: run again. */
  moreMayBeWaiting: boolean;
}

interface ClaimedRow {
  id: string;
  attempts: number;
  created_at: Date;
  event_id: string;
  type: string;
  group_id: string;
  data: Record<string, unknown>;
  event_created_at: Date;
  url: string;
  secret_encrypted: string;
  enabled: boolean;
}

interface AttemptOutcome {
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  durationMs: number;
}

/** The body integrators receive. */
export function webhookEnvelope(event: { id: string; type: string; createdAt: Date; groupId: string; data: Record<string, unknown> }): string {
  return JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), groupId: event.groupId, data: event.data });
}

/**
 * Fans undispatched outbox events out to the endpoints subscribed to them,
 * in one statement. Events no endpoint wants are deleted rather than kept:
 * the outbox only holds what is being, or was, delivered.
 */
async function dispatchEvents(em: EntityManager, now: Date): Promise<number> {
  const rows: { count: string }[] = await em.execute(
    `with claimed as (
       select "id", "group_id", "type" from "webhook_events"
        where "dispatched_at" is null order by "created_at" limit ? for update skip locked
     ), fanned as (
       insert into "webhook_deliveries" ("id", "created_at", "updated_at", "event_id", "endpoint_id", "event_type", "status", "attempts", "next_attempt_at")
       select gen_random_uuid(), ?, now(), c."id", e."id", c."type", 'PENDING', 0, ?
         from claimed c join "webhook_endpoints" e on e."group_id" = c."group_id" and e."enabled" and c."type" = any(e."events")
       returning "event_id"
     ), kept as (
       update "webhook_events" set "dispatched_at" = ?, "updated_at" = now() where "id" in (select "event_id" from fanned) returning "id"
     ), dropped as (
       delete from "webhook_events" where "id" in (select "id" from claimed) and "id" not in (select "event_id" from fanned) returning "id"
     )
     select (select count(*) from claimed)::text as count`,
    [DISPATCH_BATCH_SIZE, now, now, now],
  );
  return Number(rows[0].count);
}

/**
 * Claims due deliveries with FOR UPDATE SKIP LOCKED and marks them SENDING
 * with a lease, in one statement that commits at once: a second worker
 * skips them, and a worker that dies mid-send leaves them to be taken over
 * when the lease ends (that attempt counts).
 */
async function claimDeliveries(em: EntityManager, now: Date, batchSize: number, leaseSeconds: number): Promise<ClaimedRow[]> {
  return em.execute(
    `with due as (
       select "id" from "webhook_deliveries"
        where ("status" = 'PENDING' and "next_attempt_at" <= ?) or ("status" = 'SENDING' and "locked_until" < ?)
        order by "next_attempt_at", "id" limit ? for update skip locked
     ), claimed as (
       update "webhook_deliveries" d set "status" = 'SENDING', "attempts" = d."attempts" + 1,
              "locked_until" = ?::timestamptz + make_interval(secs => ?), "updated_at" = now()
         from due where d."id" = due."id"
       returning d."id", d."attempts", d."created_at", d."event_id", d."endpoint_id"
     )
     select c."id", c."attempts", c."created_at", ev."id" as "event_id", ev."type", ev."group_id", ev."data", ev."created_at" as "event_created_at",
            ep."url", ep."secret_encrypted", ep."enabled"
       from claimed c join "webhook_events" ev on ev."id" = c."event_id" join "webhook_endpoints" ep on ep."id" = c."endpoint_id"`,
    [now, now, batchSize, now, leaseSeconds],
  );
}

function readExcerpt(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (): void => {
      // Postgres text cannot hold NUL; a binary body is still recognisable without it.
      resolve(Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8').replace(/\0/g, ''));
    };
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      // The rest of a large body is of no use to anyone: stop reading it.
      if (size >= RESPONSE_EXCERPT_BYTES) {
        response.destroy();
        finish();
      }
    });
    response.on('end', finish);
    response.on('close', finish);
    response.on('error', finish);
  });
}

/**
 * One POST. Redirects are not followed (a 3xx is a failed attempt): a
 * redirect could point anywhere, the private network included. The
 * connection uses the addresses the guard checked.
 */
export async function postWebhook(target: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; policy: AddressPolicy; allowHttp: boolean }): Promise<AttemptOutcome> {
  const started = Date.now();
  const outcome = (partial: Partial<AttemptOutcome>): AttemptOutcome => ({ statusCode: null, responseExcerpt: null, error: null, durationMs: Date.now() - started, ...partial });
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return outcome({ error: 'The endpoint URL is not valid' });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) return outcome({ error: `Refused: ${url.protocol} URLs are not allowed` });
  try {
    // Literal IPs never reach the lookup below, so they are checked here.
    await assertPublicHost(url.hostname, options.policy);
  } catch (error) {
    return outcome({ error: (error as Error).message });
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const settle = (value: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const req = send(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(options.policy),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Coffer-Webhooks/1', ...headers },
      },
      (response) => {
        void readExcerpt(response).then((excerpt) => settle(outcome({ statusCode: response.statusCode ?? null, responseExcerpt: excerpt || null })));
      },
    );
    // The whole exchange, not just socket idleness: a receiver trickling bytes must not hold a worker.
    const timer = setTimeout(() => {
      settle(outcome({ error: `Timed out after ${options.timeoutMs} ms` }));
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error) => settle(outcome({ error: error.message })));
    req.end(body);
  });
}

function isSuccess(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

function describeFailure(result: AttemptOutcome): string {
  if (result.error) return result.error;
  if (result.statusCode !== null && result.statusCode >= 300 && result.statusCode < 400) return `HTTP ${result.statusCode} (redirects are not followed)`;
  return `HTTP ${result.statusCode}`;
}

function readSecret(encrypted: string, key: string): string | null {
  try {
    return decryptSecret(encrypted, key);
  } catch {
    return null;
  }
}

async function deliverOne(deps: WebhookDeliveryDeps, row: ClaimedRow, runNow: () => Date, policy: AddressPolicy): Promise<WebhookDeliveryStatus> {
  const { config, em } = deps;
  const startedAt = runNow();
  let result: AttemptOutcome;
  const secret = readSecret(row.secret_encrypted, config.encryptionKey);
  if (!row.enabled || secret === null) {
    const error = row.enabled ? 'The signing secret cannot be decrypted (was ENCRYPTION_KEY changed?); rotate it' : 'The endpoint is disabled';
    result = { statusCode: null, responseExcerpt: null, error, durationMs: 0 };
  } else {
    const body = webhookEnvelope({ id: row.event_id, type: row.type, createdAt: new Date(row.event_created_at), groupId: row.group_id, data: row.data });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      [WEBHOOK_HEADERS.deliveryId]: row.id,
      [WEBHOOK_HEADERS.event]: row.type,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: webhookSignature(secret, timestamp, body),
    };
    result = await postWebhook(row.url, body, headers, { timeoutMs: config.webhookTimeoutMs, policy, allowHttp: config.webhookAllowHttp });
  }
  const record: WebhookAttemptRecord = {
    attempt: row.attempts,
    startedAt: startedAt.toISOString(),
    durationMs: result.durationMs,
    statusCode: result.statusCode,
    responseExcerpt: result.responseExcerpt,
    error: isSuccess(result.statusCode) ? null : describeFailure(result),
  };
  const finishedAt = runNow();
  let status: WebhookDeliveryStatus;
  let nextAttemptAt = finishedAt;
  if (isSuccess(result.statusCode)) {
    status = WebhookDeliveryStatus.SUCCEEDED;
  } else {
    nextAttemptAt = new Date(finishedAt.getTime() + retryDelaySeconds(row.attempts) * 1000);
    const windowEnds = new Date(row.created_at).getTime() + WEBHOOK_RETRY_WINDOW_MS;
    const givingUp = !row.enabled || row.attempts >= MAX_WEBHOOK_ATTEMPTS || nextAttemptAt.getTime() > windowEnds;
    status = givingUp ? WebhookDeliveryStatus.FAILED : WebhookDeliveryStatus.PENDING;
  }
  // Guarded by the attempt number: if our lease ran out and another worker took over, its result wins.
  await em.execute(
    `update "webhook_deliveries" set "status" = ?, "next_attempt_at" = ?, "locked_until" = null, "delivered_at" = ?,
            "last_status_code" = ?, "last_error" = ?, "attempt_log" = "attempt_log" || ?::jsonb, "updated_at" = now()
      where "id" = ? and "status" = 'SENDING' and "attempts" = ?`,
    [status, nextAttemptAt, status === WebhookDeliveryStatus.SUCCEEDED ? finishedAt : null, result.statusCode, record.error, JSON.stringify([record]), row.id, row.attempts],
  );
  return status;
}

/**
 * The integrator-webhook worker: fans out new outbox events, claims due
 * deliveries, POSTs them signed, and records each attempt. Idempotent and
 * safe on any number of instances at once (SKIP LOCKED claims, guarded
 * updates). Schedule it (Agenda, cron) every few seconds; each instance
 * also runs it when an event commits (see webhook-dispatcher.ts).
 */
export async function deliverPendingWebhooks(deps: WebhookDeliveryDeps): Promise<WebhookDeliveryRun> {
  const em = deps.em.fork();
  const logger = deps.logger ?? silentLogger;
  const started = Date.now();
  const base = deps.now ?? ((await em.execute('select now() as now'))[0] as { now: Date }).now;
  const runNow = (): Date => new Date(new Date(base).getTime() + (Date.now() - started));
  const policy = addressPolicy(deps.config.webhookAllowedNetworks);
  const dispatchedEvents = await dispatchEvents(em, runNow());
  // The lease outlives the request's timeout by a margin, so a live worker is never taken over.
  const leaseSeconds = Math.ceil(deps.config.webhookTimeoutMs / 1000) + 60;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const claimed = await claimDeliveries(em, runNow(), batchSize, leaseSeconds);
  // Deliveries this run's fan-out created are due now, so the claim above already took them (up to a batch).
  const moreMayBeWaiting = dispatchedEvents >= DISPATCH_BATCH_SIZE || claimed.length >= batchSize;
  const run: WebhookDeliveryRun = { dispatchedEvents, claimed: claimed.length, succeeded: 0, retrying: 0, failed: 0, moreMayBeWaiting };
  await Promise.all(
    claimed.map(async (row) => {
      try {
        const status = await deliverOne(deps, row, runNow, policy);
        if (status === WebhookDeliveryStatus.SUCCEEDED) run.succeeded += 1;
        else if (status === WebhookDeliveryStatus.FAILED) run.failed += 1;
        else run.retrying += 1;
      } catch (error) {
        // The lease brings the delivery back; one bad row must not stop the others.
        logger.error('Webhook delivery failed unexpectedly', { deliveryId: row.id, ...describeError(error) });
      }
    }),
  );
  return run;
}
