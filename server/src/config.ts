import { DEFAULT_MANIFEST_PATH, PERSISTED_DOCUMENTS_MODES, PersistedDocumentsMode } from './graphql/persisted-documents';
import { parseNetwork } from './modules/webhooks/webhook-address';
import { loadRemittanceConfig, RemittanceConfig } from './modules/remittances/remittance.config';
import { DEFAULT_MAX_QUEUED_EVENTS } from './shared/event-bus';

/**
 * Every setting Coffer reads from the environment, with its default. README's
 * configuration table mirrors this file; keep them in step.
 */
export interface CofferConfig {
  nodeEnv: string;
  isProduction: boolean;
  port: number;
  host: string;
  /** Empty means "start the embedded PostgreSQL". */
  databaseUrl: string | undefined;
  /** Hot reads as named (server-side prepared) statements; off behind a pooler that cannot keep them (db/prepared-statements.ts). */
  databasePreparedStatements: boolean;
  embeddedDataDir: string;
  embeddedPort: number;
  jwtSecret: string;
  /** Key for secrets at rest (bank accounts, temporary passwords). */
  encryptionKey: string;
  accessTokenTtlSeconds: number;
  consoleSharedSecret: string | undefined;
  cronSecret: string | undefined;
  seedDemo: boolean;
  bodyLimitBytes: number;
  /** A WebSocket whose client has more than this waiting to be sent is closed (1013) instead of buffered for. */
  wsMaxBufferedBytes: number;
  /** A subscription with more events than this waiting for its client's socket closes that socket (1013). */
  wsMaxQueuedEvents: number;
  maxQueryDepth: number;
  maxAliases: number;
  maxQueryCost: number;
  corsOrigins: string[];
  redisUrl: string | undefined;
  /** Where people and providers reach this API from outside: links in messages, sandbox webhooks. */
  publicApiUrl: string;
  /** How long an "I've paid" link stays valid. */
  confirmLinkTtlDays: number;
  /** Apollo Sandbox at GET /graphql and introspection; in production only for signed-in callers. */
  explorerEnabled: boolean;
  /**
   * Requests each API key may make per window (GraphQL over HTTP, each WebSocket
   * connection and subscribe, REST), counted in PostgreSQL so all instances share
   * it. A key's own `rateLimit` overrides `limit`. Signed-in people are not limited by it.
   */
  apiKeyRateLimit: { limit: number; windowSeconds: number };
  /** Which documents the console may run (graphql/persisted-documents.ts) and where its manifest is. */
  persistedDocuments: { mode: PersistedDocumentsMode; manifestPath: string };
  /** Proxies in front of the server that append to X-Forwarded-For; 0 = use the socket address. */
  trustProxyHops: number;
  /** Where people open the console's public pages (sponsor links), without a trailing slash. */
  consolePublicUrl: string;
  /** Years the ledger and audit log of an erased person are kept (books of account). */
  financialRetentionYears: number;
  /** Days a sent or failed notification keeps its payload before the retention job clears it. */
  notificationPayloadRetentionDays: number;
  /** Days a raw inbound webhook body is kept before the retention job removes it. */
  webhookBodyRetentionDays: number;
  version: string;
  /** Integrator webhooks may use http:// (otherwise https:// only). */
  webhookAllowHttp: boolean;
  /** Networks (CIDR) webhooks may reach although they are private or loopback. */
  webhookAllowedNetworks: string[];
  webhookTimeoutMs: number;
  /** How often each instance looks for webhook retries that fell due; 0 turns the timer off (a job runner calls deliverPendingWebhooks instead). */
  webhookPollIntervalMs: number;
  remittances: RemittanceConfig;
  /** Runs the in-process job scheduler (Agenda). Off in tests; cron routes work either way. */
  jobsEnabled: boolean;
  notifications: NotificationSettings;
  /** Payment providers; with no keys each one is replaced by the built-in sandbox. */
  payments: PaymentsConfig;
}

export interface PaymentsConfig {
  /** Whether the built-in sandbox may stand in for a provider without keys (off by default in production: it moves no money). */
  sandboxAllowed: boolean;
  /** Webhook deliveries accepted per client IP per minute, on each provider route. */
  webhookRateLimitPerMinute: number;
  /** How long a webhook answer waits for this instance to process the event (to report its outcome); 0 answers as soon as it is stored. */
  webhookProcessWaitMs: number;
  /** Workers per instance that process stored webhook events; 0 leaves them to other instances and the retry job. */
  webhookProcessConcurrency: number;
  razorpay: { keyId: string | undefined; keySecret: string | undefined; webhookSecret: string | undefined; apiUrl: string };
  stripe: { secretKey: string | undefined; publishableKey: string | undefined; webhookSecret: string | undefined; apiUrl: string };
}

/** The notification worker and its channels (e-mail, WhatsApp). */
export interface NotificationSettings {
  batchSize: number;
  /** Sends in flight at once per worker. */
  concurrency: number;
  /** A LOCKED task whose worker has not finished within this is reclaimed by another. */
  leaseSeconds: number;
  /** After this many claims a failing task is FAILED and keeps its last error. */
  maxAttempts: number;
  /** First retry after about this long, doubling each time (with jitter), capped at an hour. */
  retryBaseSeconds: number;
  /** nodemailer SMTP URL; without it e-mails go to the local outbox (outboxMessages). */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** WhatsApp Cloud API; messages are SKIPPED unless both the phone number id and token are set. */
  whatsappApiUrl: string;
  whatsappPhoneNumberId: string | undefined;
  whatsappAccessToken: string | undefined;
  whatsappLanguage: string;
}

const DEV_ENCRYPTION_KEY = 'coffer-dev-only-encryption-key-do-not-use-in-production';
const DEV_JWT_SECRET = 'coffer-dev-only-jwt-secret-do-not-use-in-production';

function readInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function readBool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === 'true' || raw === '1';
}

/** Counters are pruned an hour after their window starts (pruneRateLimitCounters), so a window may not be longer. */
function readApiKeyWindow(env: NodeJS.ProcessEnv): number {
  const seconds = readInt(env, 'API_KEY_RATE_LIMIT_WINDOW_SECONDS', 60);
  if (seconds < 1 || seconds > 3600) throw new Error(`API_KEY_RATE_LIMIT_WINDOW_SECONDS must be from 1 to 3600, got ${seconds}`);
  return seconds;
}

function readPersistedDocumentsMode(env: NodeJS.ProcessEnv): PersistedDocumentsMode {
  const raw = env.PERSISTED_DOCUMENTS || 'allow';
  if (!(PERSISTED_DOCUMENTS_MODES as readonly string[]).includes(raw)) throw new Error(`PERSISTED_DOCUMENTS must be one of ${PERSISTED_DOCUMENTS_MODES.join(', ')}, got "${raw}"`);
  return raw as PersistedDocumentsMode;
}

function readNetworks(env: NodeJS.ProcessEnv, name: string): string[] {
  const entries = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  // A typo here would silently refuse (or allow) addresses; fail at start instead.
  for (const entry of entries) if (!parseNetwork(entry)) throw new Error(`${name}: "${entry}" is not an IP address or CIDR network`);
  return entries;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CofferConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const isProduction = nodeEnv === 'production';
  const jwtSecret = env.JWT_SECRET ?? (isProduction ? '' : DEV_JWT_SECRET);
  // A production server with a guessable signing key would hand out admin tokens to anyone.
  if (!jwtSecret) throw new Error('JWT_SECRET must be set when NODE_ENV=production');
  const encryptionKey = env.ENCRYPTION_KEY ?? (isProduction ? '' : DEV_ENCRYPTION_KEY);
  if (!encryptionKey) throw new Error('ENCRYPTION_KEY must be set when NODE_ENV=production');
  return {
    nodeEnv,
    isProduction,
    port: readInt(env, 'PORT', 4000),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    databasePreparedStatements: readBool(env, 'DATABASE_PREPARED_STATEMENTS', true),
    embeddedDataDir: env.EMBEDDED_PG_DATA_DIR ?? '.coffer-data/postgres',
    embeddedPort: readInt(env, 'EMBEDDED_PG_PORT', 54329),
    jwtSecret,
    encryptionKey,
    accessTokenTtlSeconds: readInt(env, 'ACCESS_TOKEN_TTL_SECONDS', 3600),
    consoleSharedSecret: env.CONSOLE_SHARED_SECRET || undefined,
    cronSecret: env.CRON_SECRET || undefined,
    seedDemo: readBool(env, 'SEED_DEMO', !isProduction),
    bodyLimitBytes: readInt(env, 'BODY_LIMIT_BYTES', 1_000_000),
    wsMaxBufferedBytes: readInt(env, 'WS_MAX_BUFFERED_BYTES', 1_048_576),
    wsMaxQueuedEvents: readInt(env, 'WS_MAX_QUEUED_EVENTS', DEFAULT_MAX_QUEUED_EVENTS),
    maxQueryDepth: readInt(env, 'GRAPHQL_MAX_DEPTH', 10),
    maxAliases: readInt(env, 'GRAPHQL_MAX_ALIASES', 15),
    maxQueryCost: readInt(env, 'GRAPHQL_MAX_COST', 5000),
    corsOrigins: (env.CORS_ORIGINS ?? 'http://localhost:3000').split(',').map((s) => s.trim()).filter(Boolean),
    redisUrl: env.REDIS_URL || undefined,
    trustProxyHops: readInt(env, 'TRUST_PROXY_HOPS', 0),
    persistedDocuments: { mode: readPersistedDocumentsMode(env), manifestPath: env.PERSISTED_DOCUMENTS_MANIFEST || DEFAULT_MANIFEST_PATH },
    apiKeyRateLimit: {
      limit: Math.max(1, readInt(env, 'API_KEY_RATE_LIMIT', 600)),
      windowSeconds: readApiKeyWindow(env),
    },
    explorerEnabled: readBool(env, 'EXPLORER_ENABLED', !isProduction),
    publicApiUrl: env.PUBLIC_API_URL || `http://localhost:${readInt(env, 'PORT', 4000)}`,
    confirmLinkTtlDays: readInt(env, 'CONFIRM_LINK_TTL_DAYS', 30),
    consolePublicUrl: (env.CONSOLE_PUBLIC_URL || 'http://localhost:3000').replace(/\/+$/, ''),
    financialRetentionYears: readInt(env, 'FINANCIAL_RETENTION_YEARS', 8),
    notificationPayloadRetentionDays: readInt(env, 'NOTIFICATION_PAYLOAD_RETENTION_DAYS', 30),
    webhookBodyRetentionDays: readInt(env, 'WEBHOOK_BODY_RETENTION_DAYS', 30),
    version: env.COFFER_VERSION ?? readPackageVersion(),
    webhookAllowHttp: readBool(env, 'WEBHOOK_ALLOW_HTTP', false),
    webhookAllowedNetworks: readNetworks(env, 'WEBHOOK_ALLOWED_NETWORKS'),
    webhookTimeoutMs: readInt(env, 'WEBHOOK_TIMEOUT_MS', 10_000),
    webhookPollIntervalMs: readInt(env, 'WEBHOOK_POLL_INTERVAL_MS', 30_000),
    remittances: loadRemittanceConfig(env),
    jobsEnabled: readBool(env, 'JOBS_ENABLED', true),
    notifications: {
      batchSize: Math.max(1, readInt(env, 'NOTIFICATION_BATCH_SIZE', 100)),
      concurrency: Math.max(1, readInt(env, 'NOTIFICATION_CONCURRENCY', 8)),
      leaseSeconds: Math.max(1, readInt(env, 'NOTIFICATION_LEASE_SECONDS', 120)),
      maxAttempts: Math.max(1, readInt(env, 'NOTIFICATION_MAX_ATTEMPTS', 5)),
      retryBaseSeconds: readInt(env, 'NOTIFICATION_RETRY_BASE_SECONDS', 30),
      smtpUrl: env.SMTP_URL || undefined,
      smtpFrom: env.SMTP_FROM || 'Coffer <no-reply@coffer.local>',
      whatsappApiUrl: (env.WHATSAPP_API_URL || 'https://graph.facebook.com/v21.0').replace(/\/+$/, ''),
      whatsappPhoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID || undefined,
      whatsappAccessToken: env.WHATSAPP_ACCESS_TOKEN || undefined,
      whatsappLanguage: env.WHATSAPP_LANGUAGE || 'en',
    },
    payments: loadPaymentsConfig(env, isProduction),
  };
}

function loadPaymentsConfig(env: NodeJS.ProcessEnv, isProduction: boolean): PaymentsConfig {
  const razorpay = {
    keyId: env.RAZORPAY_KEY_ID || undefined,
    keySecret: env.RAZORPAY_KEY_SECRET || undefined,
    webhookSecret: env.RAZORPAY_WEBHOOK_SECRET || undefined,
    apiUrl: env.RAZORPAY_API_URL || 'https://api.razorpay.com',
  };
  const stripe = {
    secretKey: env.STRIPE_SECRET_KEY || undefined,
    publishableKey: env.STRIPE_PUBLISHABLE_KEY || undefined,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    apiUrl: env.STRIPE_API_URL || 'https://api.stripe.com',
  };
  // Half a configuration would take real payments whose webhooks can never be verified.
  if (Boolean(razorpay.keyId) !== Boolean(razorpay.keySecret) || (razorpay.keyId && !razorpay.webhookSecret)) {
    throw new Error('Set RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET together (or none for the sandbox)');
  }
  if (stripe.secretKey && !stripe.webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY (or neither for the sandbox)');
  return {
    sandboxAllowed: readBool(env, 'PAYMENT_SANDBOX', !isProduction),
    webhookRateLimitPerMinute: readInt(env, 'WEBHOOK_RATE_LIMIT_PER_MINUTE', 50),
    webhookProcessWaitMs: readInt(env, 'WEBHOOK_PROCESS_WAIT_MS', 0),
    webhookProcessConcurrency: readInt(env, 'WEBHOOK_PROCESS_CONCURRENCY', 4),
    razorpay,
    stripe,
  };
}

function readPackageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('../package.json') as { version: string };
  return pkg.version;
}

