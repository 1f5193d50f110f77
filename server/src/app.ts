import 'reflect-metadata';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError, GraphQLSchema, parse, specifiedRules, validate, getOperationAST, getVariableValues, DocumentNode, ExecutionResult, FormattedExecutionResult } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { CofferConfig } from './config';
import { initOrm, migrate } from './db/orm';
import { cofferJobs } from './jobs/job-list';
import { createJobPool } from './jobs/job-runner';
import type { JobDeps } from './jobs/job-types';
import { JobScheduler, startJobScheduler } from './jobs/scheduler';
import { closeTransports } from './modules/notifications/notification-channels';
import { createRequestContext, GraphQLContext } from './graphql/context';
import { foldsUserCheck, operationFolds } from './graphql/folded-user-check';
import { checkPendingViewerUser } from './modules/auth/auth.service';
import { credentialKeyOf, CREDENTIALS_REVOKED_TOPIC } from './modules/auth/credential-revocation';
import { PendingViewerUser, viewerUserGone } from './modules/auth/viewer';
import { domainErrorExtensions, formatPublicError, publicGraphQLError, requestError } from './graphql/errors';
import { buildCofferSchema } from './graphql/schema';
import { CONSOLE_CLIENT_HEADER, isConsoleHttpRequest, isConsoleSocket, loadPersistedDocuments, resolvePersistedDocument } from './graphql/persisted-documents';
import { LiveSubscriptions } from './graphql/live-subscriptions';
import { createSharedSubscriptions } from './graphql/shared-subscription-execution';
import { closeIfFallingBehind, eventsForSocket } from './graphql/slow-socket';
import { approvalEventShareKey } from './modules/approvals/approval.resolver';
import { asksForSchema, cachedQueryCostChecker, checkQueryCost, QueryLimits, validationRulesFor } from './graphql/security';
import { BodyTooLargeError, readBody, RequestAbortedError, sendJson } from './rest/envelope';
import { handleRest } from './rest/router';
import { startRemittances } from './modules/remittances/remittance.runtime';
import { verifyAccessToken } from './shared/crypto';
import { graphQLRequestTextError, jsonMayHoldUnstorableText } from './shared/storable-text';
import { DomainError, ErrorCode, httpStatusFor } from './shared/domain-error';
import { CofferEvent, EventBus, PostgresEventBus, RedisEventBus } from './shared/event-bus';
import { consoleLogger, describeError, Logger } from './shared/logger';
import { startInboundWebhookProcessor } from './modules/payments/inbound-webhook-processor';
import { startWebhookDispatcher } from './modules/webhooks/webhook-dispatcher';
import { ApiKeyRateLimitedError, clientIp, rateLimitHeaders } from './shared/rate-limit';
import { keepPromiseHooksOffBetweenRuns } from './shared/async-context-hooks';
import { usePreparedStatements } from './db/prepared-statements';

export interface StartOptions {
  config: CofferConfig;
  databaseUrl: string;
  /** Overrides config.port; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  logger?: Logger;
  /** Skip migrations when the caller already ran them (tests on a template database). */
  skipMigrations?: boolean;
}

export interface CofferServer {
  url: string;
  port: number;
  orm: MikroORM;
  events: EventBus;
  httpServer: Server;
  /** The graphql-ws subscriptions this instance serves, by field and variables (live-subscriptions.ts). */
  liveSubscriptions: LiveSubscriptions;
  /** What jobs run with (the cron routes and the scheduler use the same). */
  jobDeps: JobDeps;
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';
/**
 * WebSocket close code for an API key past its limit at connection time: the
 * 4xxx range is the application's, and 4429 echoes HTTP 429 (graphql-ws uses
 * the same code for too many connection_init messages, also a "slow down").
 */
const RATE_LIMITED_CLOSE_CODE = 4429;
/** In-flight requests get this long to finish on shutdown; then their sockets are cut. */
const DRAIN_GRACE_MS = 5000;

/** Stops accepting connections, lets in-flight requests finish, then cuts what is left. */
async function drainHttpServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}

function corsHeaders(req: IncomingMessage, config: CofferConfig): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !config.corsOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': `content-type, authorization, apollo-require-preflight, x-apollo-operation-name, ${CONSOLE_CLIENT_HEADER}`,
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

/**
 * The query string (with its `?`, or empty) of a request for `/graphql`, read off the raw
 * request target, else undefined. This spares the GraphQL path a `new URL()`, a measurable
 * part of a small request's cost (BENCHMARKS.md); any other target (an absolute-form one
 * too) is parsed as a URL by the caller.
 */
function graphQLSearch(target: string | undefined): string | undefined {
  if (target === undefined || !target.startsWith(GRAPHQL_PATH)) return undefined;
  const rest = target.slice(GRAPHQL_PATH.length);
  if (rest === '') return '';
  if (rest[0] !== '?') return undefined;
  const fragmentAt = rest.indexOf('#');
  return fragmentAt === -1 ? rest : rest.slice(0, fragmentAt);
}

function graphQLErrorResponse(res: ServerResponse, status: number, code: ErrorCode, message: string, extra: Record<string, unknown> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...extra } }] });
}

/** A DomainError refused before Apollo runs, with the extensions resolvers' errors get. */
function domainErrorResponse(res: ServerResponse, status: number, error: DomainError): void {
  sendJson(res, status, { errors: [{ message: error.message, extensions: domainErrorExtensions(error) }] });
}

/**
 * Starts the API: migrations, event bus, Apollo over node:http at /graphql,
 * graphql-ws on the same path, and the REST sidecar under /api.
 */
export async function startCoffer(options: StartOptions): Promise<CofferServer> {
  const { config } = options;
  keepPromiseHooksOffBetweenRuns();
  usePreparedStatements(config.databasePreparedStatements);
  const logger = options.logger ?? consoleLogger;
  const startedAt = Date.now();
  const orm = await initOrm(options.databaseUrl);
  if (!options.skipMigrations) await migrate(orm);
  const events = config.redisUrl ? await RedisEventBus.connect(config.redisUrl) : await PostgresEventBus.connect(options.databaseUrl);
  const webhooks = await startWebhookDispatcher({ em: orm.em, config, databaseUrl: options.databaseUrl, logger });
  const stopRemittances = await startRemittances({ em: orm.em, config, events, logger });
  const schema = buildCofferSchema();
  const persistedDocuments = loadPersistedDocuments(config.persistedDocuments.mode, config.persistedDocuments.manifestPath);
  const limits: QueryLimits = {
    maxDepth: config.maxQueryDepth,
    maxAliases: config.maxAliases,
    maxCost: config.maxQueryCost,
    // The explorer needs the schema; in production it is then only for signed-in callers (below).
    allowIntrospection: config.explorerEnabled,
  };
  const logError = (error: unknown): void => logger.error('Unexpected error', describeError(error));
  const contextDeps = { orm, config, events };

  const httpServer = createServer();
  const checkHttpQueryCost = cachedQueryCostChecker(schema, limits.maxCost);
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: config.explorerEnabled,
    hideSchemaDetailsFromClientErrors: config.isProduction,
    csrfPrevention: true,
    validationRules: validationRulesFor(limits),
    formatError: (formatted, error) => formatPublicError(formatted, error, logError),
    includeStacktraceInErrorResponses: false,
    plugins: [
      // GET /graphql in a browser opens Apollo Sandbox (it sends the Authorization header you give it).
      config.explorerEnabled ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }) : ApolloServerPluginLandingPageDisabled(),
      // Apollo's default cache-control plugin computes a cache policy for every resolved field
      // (a willResolveField hook, which also makes Apollo wrap every resolver). No type or field
      // here carries a cache hint, so its only effect was `cache-control: no-store` on every
      // response; handleGraphQL sets that directly and the per-field work is skipped (see BENCHMARKS.md).
      ApolloServerPluginCacheControlDisabled(),
      {
        // Variables are only known per request, so cost is checked here rather than as a cached validation rule.
        async requestDidStart() {
          return {
            async didResolveOperation({ document, request, response, contextValue, operation }) {
              // The account check was deferred on a guess made from the request's text; the operation
              // that runs is the one resolved here (a persisted hash can name another document). Any
              // operation that does not settle the check itself has it run now, before it executes.
              const viewer = contextValue.viewer;
              if (viewer.kind === 'user' && viewer.user instanceof PendingViewerUser && viewer.user.pending && !operationFolds(operation)) {
                await checkPendingViewerUser(orm.em.getKnex(), viewer.user);
                if (viewer.user.refused) {
                  response.http.status = 401;
                  throw viewerUserGone();
                }
              }
              if (config.isProduction && contextValue.viewer.kind === 'anonymous' && asksForSchema(document)) {
                response.http.status = 401;
                throw new GraphQLError('Sign in (or send an API key) to read the schema', { extensions: { code: ErrorCode.UNAUTHENTICATED } });
              }
              const error = checkHttpQueryCost(document, request.operationName, request.variables);
              if (error) {
                // Apollo answers an error thrown here with 500 unless a status is set: this one is the client's.
                response.http.status = 400;
                throw error;
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  const pool = createJobPool(options.databaseUrl, logger);
  const jobDeps: JobDeps = { orm, pool, config, events, logger };
  const inboundWebhooks = startInboundWebhookProcessor({ orm, config, events, logger }, config.payments.webhookProcessConcurrency);
  const liveSubscriptions = new LiveSubscriptions();
  const restDeps = { orm, config, events, logger, startedAt, pool, inboundWebhooks, liveSubscriptions };

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(corsHeaders(req, config))) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const search = graphQLSearch(req.url);
    if (search !== undefined) {
      serveGraphQL(req, res, search);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === GRAPHQL_PATH) {
      serveGraphQL(req, res, url.search);
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      void handleRest(req, res, url.pathname, restDeps);
      return;
    }
    graphQLErrorResponse(res, 404, ErrorCode.NOT_FOUND, `Nothing at ${url.pathname}; the API is at ${GRAPHQL_PATH} and /api`);
  });

  function serveGraphQL(req: IncomingMessage, res: ServerResponse, urlSearch: string): void {
    void handleGraphQL(req, res, urlSearch).catch((error) => {
      if (error instanceof RequestAbortedError) return; // the client left: nothing to answer, nothing to log
      logError(error);
      if (!res.headersSent) graphQLErrorResponse(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
    });
  }

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, urlSearch: string): Promise<void> {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      let raw: Buffer;
      try {
        raw = await readBody(req, config.bodyLimitBytes, res);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          graphQLErrorResponse(res, 413, ErrorCode.BAD_USER_INPUT, `Request body exceeds ${config.bodyLimitBytes} bytes`, { reason: 'BODY_TOO_LARGE' });
          return;
        }
        throw error;
      }
      if ((headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          graphQLErrorResponse(res, 400, ErrorCode.BAD_USER_INPUT, 'Body is not valid JSON', { reason: 'INVALID_JSON' });
          return;
        }
        // A NUL or a lone surrogate would fail at the database as an internal error: refused here, as the client's (shared/storable-text.ts).
        if (jsonMayHoldUnstorableText(raw)) {
          const unstorable = (Array.isArray(body) ? body : [body]).map((item) => (item && typeof item === 'object' ? graphQLRequestTextError(item) : undefined)).find(Boolean);
          if (unstorable) {
            domainErrorResponse(res, httpStatusFor[unstorable.code], unstorable);
            return;
          }
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    // Resolve the viewer before Apollo so a bad credential is a plain 401, not a "context creation failed" 500.
    let context: GraphQLContext;
    try {
      context = await createRequestContext(contextDeps, req.headers.authorization, clientIp(req, config), { deferUserCheck: foldsUserCheck(body) });
    } catch (error) {
      if (error instanceof DomainError) {
        if (error instanceof ApiKeyRateLimitedError) for (const [name, value] of Object.entries(rateLimitHeaders(error.state))) res.setHeader(name, value);
        if (error.details.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.details.retryAfterSeconds));
        domainErrorResponse(res, httpStatusFor[error.code], error);
        return;
      }
      throw error;
    }
    if (context.viewer.kind === 'apiKey') for (const [name, value] of Object.entries(rateLimitHeaders(context.viewer.rateLimit))) res.setHeader(name, value);
    const enforcePersisted = persistedDocuments.mode === 'console' && context.viewer.kind !== 'apiKey' && isConsoleHttpRequest(req.headers, config);
    let search = urlSearch;
    if (req.method === 'GET') {
      const params = new URLSearchParams(urlSearch);
      let extensions: unknown;
      try {
        extensions = params.has('extensions') ? JSON.parse(params.get('extensions') ?? '') : undefined;
      } catch {
        extensions = undefined; // Apollo answers the malformed parameter itself
      }
      const query = params.get('query') ?? undefined;
      // A raw NUL arrives as %00; a lone surrogate only as a `\u` escape in a JSON parameter (percent-encoded invalid UTF-8 decodes to U+FFFD).
      if (urlSearch.includes('%00') || /%5Cu|\\u/i.test(urlSearch)) {
        let variables: unknown;
        try {
          variables = params.has('variables') ? JSON.parse(params.get('variables') ?? '') : undefined;
        } catch {
          variables = undefined; // Apollo answers the malformed parameter itself
        }
        const unstorable = graphQLRequestTextError({ query, variables, operationName: params.get('operationName') ?? undefined, extensions });
        if (unstorable) {
          domainErrorResponse(res, httpStatusFor[unstorable.code], unstorable);
          return;
        }
      }
      const resolved = resolvePersistedDocument(persistedDocuments, { query, extensions }, enforcePersisted);
      if ('error' in resolved) {
        domainErrorResponse(res, resolved.status, resolved.error);
        return;
      }
      if (resolved.query !== query || resolved.extensions !== extensions) {
        if (typeof resolved.query === 'string') params.set('query', resolved.query);
        if (resolved.extensions === undefined) params.delete('extensions');
        else params.set('extensions', JSON.stringify(resolved.extensions));
        search = `?${params.toString()}`;
      }
    } else if (body && typeof body === 'object' && !Array.isArray(body)) {
      const resolved = resolvePersistedDocument(persistedDocuments, body as { query: unknown; extensions: unknown }, enforcePersisted);
      if ('error' in resolved) {
        domainErrorResponse(res, resolved.status, resolved.error);
        return;
      }
      const sent = body as Record<string, unknown>;
      if (resolved.query !== sent.query || resolved.extensions !== sent.extensions) {
        // Apollo refuses a present-but-undefined field, so only fields with a value are passed on.
        const { query: _query, extensions: _extensions, ...rest } = sent;
        body = { ...rest, ...(resolved.query !== undefined ? { query: resolved.query } : {}), ...(resolved.extensions !== undefined ? { extensions: resolved.extensions } : {}) };
      }
    } else if (enforcePersisted) {
      // A batch or a non-JSON body from the console: nothing the console sends.
      graphQLErrorResponse(res, 403, ErrorCode.FORBIDDEN, 'The console may only run its own operations (persisted documents)', { reason: 'PERSISTED_DOCUMENT_REQUIRED' });
      return;
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: (req.method ?? 'GET').toUpperCase(), headers, search, body };
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => context });
    // A deferred viewer check is settled before anything is sent: by the operation's first statement,
    // else here. A user found gone gets exactly the 401 an undeferred check gives.
    const deferred = context.viewer.kind === 'user' && context.viewer.user instanceof PendingViewerUser ? context.viewer.user : undefined;
    if (deferred) {
      await checkPendingViewerUser(orm.em.getKnex(), deferred);
      if (deferred.refused) {
        const gone = viewerUserGone();
        graphQLErrorResponse(res, httpStatusFor[gone.code], gone.code, gone.message);
        return;
      }
    }
    // Answers are per viewer: never cached, unless Apollo itself says otherwise (its landing page).
    res.setHeader('cache-control', 'no-store');
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  // No per-message compression (ws's default, stated on purpose): it would deflate every frame once per
  // socket, so one event to a thousand admins would be compressed a thousand times.
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: config.bodyLimitBytes, perMessageDeflate: false });
  type SocketExtra = { authorization?: string; expiryTimer?: NodeJS.Timeout; fromConsole?: boolean; revocations?: AsyncIterableIterator<CofferEvent> };
  /** Whether the socket's credential still names someone (a revocation event made it check). */
  const credentialStillValid = async (authorization: string): Promise<boolean> => {
    try {
      return (await createRequestContext(contextDeps, authorization)).viewer.kind !== 'anonymous';
    } catch (error) {
      // Past an API key's rate limit the key is still the key: only a refusal of the credential counts.
      if (error instanceof ApiKeyRateLimitedError) return true;
      if (error instanceof DomainError) return false;
      throw error;
    }
  };
  /**
   * Closes the socket (4403) when its credential is revoked: a sign-out, a password change, an
   * erasure or an API key's revocation, on any instance (credential-revocation.ts). Without this,
   * subscriptions already running would go on until the token expired, or for ever with a key.
   */
  const closeOnRevocation = (extra: SocketExtra & { socket: WebSocket }, key: string, authorization: string): void => {
    // Closed while its credential was being checked: onClose has run, and nothing may be left listening.
    if (extra.socket.readyState !== WebSocket.OPEN) return;
    const revocations = events.subscribe(CREDENTIALS_REVOKED_TOPIC, key);
    extra.revocations = revocations;
    void (async () => {
      for await (const _revocation of revocations) {
        if (await credentialStillValid(authorization)) continue; // say, a new sign-in's socket after an older token's sign-out
        extra.socket.close(CloseCode.Forbidden, 'Access revoked');
        return;
      }
    })().catch(logError);
  };
  const publicResult = (result: ExecutionResult): ExecutionResult | FormattedExecutionResult =>
    result.errors?.length ? { ...result, errors: result.errors.map((error) => publicGraphQLError(error, logError)) } : result;
  const sharedSubscriptions = createSharedSubscriptions({
    shareKeys: { approvalEvents: approvalEventShareKey },
    formatResult: publicResult,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    maxQueuedEvents: config.wsMaxQueuedEvents,
  });
  const wsCleanup = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      // Checked on connect: a missing or bad token never gets a socket (graphql-ws closes with 4403).
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof raw === 'string' ? raw : undefined;
        if (!authorization) return false;
        let credentialKey: string | undefined;
        try {
          const viewer = (await createRequestContext(contextDeps, authorization)).viewer;
          if (viewer.kind === 'anonymous') return false;
          credentialKey = credentialKeyOf(viewer);
        } catch (error) {
          // An API key past its limit may not open a socket either; the reason says when to retry.
          if (error instanceof ApiKeyRateLimitedError) ctx.extra.socket.close(RATE_LIMITED_CLOSE_CODE, `Rate limited; retry in ${error.state.resetSeconds} s`);
          return false;
        }
        ctx.extra.authorization = authorization;
        ctx.extra.fromConsole = isConsoleSocket(ctx.connectionParams, ctx.extra.request.headers, config);
        // A socket must not outlive its access token: close it the moment the token expires.
        const claims = verifyAccessToken(authorization.replace(/^Bearer\s+/i, ''), config.jwtSecret);
        if (claims) {
          const socket = ctx.extra.socket;
          ctx.extra.expiryTimer = setTimeout(() => socket.close(CloseCode.Forbidden, 'Access token expired'), Math.max(claims.exp * 1000 - Date.now(), 0));
          ctx.extra.expiryTimer.unref();
        }
        if (credentialKey) closeOnRevocation(ctx.extra, credentialKey, authorization);
        return true;
      },
      // Checked again on every subscribe: tokens expire and keys get revoked while sockets stay open.
      subscribe: sharedSubscriptions.subscribe,
      onSubscribe: async (ctx, id, payload) => {
        let context: GraphQLContext;
        try {
          context = await createRequestContext({ ...contextDeps, events: eventsForSocket(events, ctx.extra.socket, config.wsMaxQueuedEvents) }, ctx.extra.authorization);
        } catch (error) {
          // Past an API key's limit only this subscribe fails; the socket and its other subscriptions stay.
          if (error instanceof ApiKeyRateLimitedError) return [new GraphQLError(error.message, { extensions: domainErrorExtensions(error) })];
          ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden');
          // graphql-ws rejects an empty array as an internal error; this error is never sent on the closing socket.
          return [new GraphQLError('Forbidden', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        }
        const tagging = { hideSuggestions: config.isProduction };
        const enforcePersisted = persistedDocuments.mode === 'console' && context.viewer.kind !== 'apiKey' && ctx.extra.fromConsole === true;
        const resolved = resolvePersistedDocument(persistedDocuments, { query: payload.query, extensions: payload.extensions }, enforcePersisted);
        if ('error' in resolved) return [new GraphQLError(resolved.error.message, { extensions: domainErrorExtensions(resolved.error) })];
        const query = typeof resolved.query === 'string' ? resolved.query : '';
        // A NUL or a lone surrogate (a `\u` escape in the message's JSON) would fail at the database (shared/storable-text.ts).
        const unstorable = graphQLRequestTextError({ query, variables: payload.variables, operationName: payload.operationName, extensions: payload.extensions });
        if (unstorable) return [new GraphQLError(unstorable.message, { extensions: domainErrorExtensions(unstorable) })];
        let document: DocumentNode;
        try {
          document = parse(query);
        } catch (error) {
          if (error instanceof GraphQLError) return [requestError(error, 'GRAPHQL_PARSE_FAILED', tagging)];
          throw error;
        }
        const errors = validate(schema as GraphQLSchema, document, [...specifiedRules, ...validationRulesFor(limits)]);
        if (errors.length > 0) return errors.map((error) => requestError(error, 'GRAPHQL_VALIDATION_FAILED', tagging));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return [new GraphQLError('Unknown operation', { extensions: { code: ErrorCode.BAD_USER_INPUT } })];
        }
        const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
        if (variables.errors) return variables.errors.map((error) => requestError(error, ErrorCode.BAD_USER_INPUT, tagging));
        const costError = checkQueryCost(schema, document, payload.operationName, payload.variables ?? undefined, limits.maxCost);
        if (costError) return [costError];
        sharedSubscriptions.deliverTo(context, { socket: ctx.extra.socket, id });
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: context };
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        // The same guard as the fan-out's: a client that stopped reading is closed, not buffered for
        // (graphql-ws then sends nothing more on the closing socket).
        closeIfFallingBehind(ctx.extra.socket, config.wsMaxBufferedBytes);
        return result.errors?.length ? publicResult(result) : undefined;
      },
      onOperation: (ctx, id, _payload, args, result) => {
        if (typeof (result as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function') liveSubscriptions.opened(ctx.extra, id, args);
      },
      onComplete: (ctx, id) => liveSubscriptions.closed(ctx.extra, id),
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiryTimer);
        void ctx.extra.revocations?.return?.();
        liveSubscriptions.socketClosed(ctx.extra);
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => publicGraphQLError(error, logError)),
    },
    wsServer,
  );

  const port = options.port ?? config.port;
  const host = options.host ?? config.host;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const actualPort = (httpServer.address() as AddressInfo).port;
  // After listening: a server that failed to start never schedules anything.
  const scheduler: JobScheduler | undefined = config.jobsEnabled ? await startJobScheduler(jobDeps, cofferJobs) : undefined;
  const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${publicHost}:${actualPort}`,
    port: actualPort,
    orm,
    events,
    httpServer,
    liveSubscriptions,
    jobDeps,
    close: () => {
      closing ??= (async () => {
        await scheduler?.stop();
        await wsCleanup.dispose();
        for (const client of wsServer.clients) client.terminate();
        wsServer.close();
        await drainHttpServer(httpServer, DRAIN_GRACE_MS);
        await apollo.stop();
        await inboundWebhooks.close();
        await webhooks.close();
        stopRemittances();
        closeTransports();
        await pool.end();
        await events.close();
        await orm.close(true);
      })();
      return closing;
    },
  };
}
