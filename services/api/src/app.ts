import { readdirSync } from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import { accountsRouter } from '#src/accounts/accounts-routes.js';
import { joseAccessTokens } from '#src/auth/access-tokens.js';
import { authRepository } from '#src/auth/auth-repository.js';
import { authFieldChecks, authRouter } from '#src/auth/auth-routes.js';
import { authService, toAccount } from '#src/auth/auth-service.js';
import { accountMailFieldChecks, accountMailRouter } from '#src/auth/account-mail-routes.js';
import { emailVerification } from '#src/auth/email-verification.js';
import { mailLinkLimits, memoryMailLinkRateLimit, type MailLinkRateLimit } from '#src/auth/mail-link-rate-limit.js';
import { passwordResets } from '#src/auth/password-reset.js';
import { profiles } from '#src/auth/profile.js';
import { apiKeyRouter } from '#src/auth/api-key-routes.js';
import { API_KEY_PREFIX, apiKeyService } from '#src/auth/api-keys.js';
import type { BearerResolver, Scope } from '#src/auth/authenticate.js';
import { bcryptPasswordHasher } from '#src/auth/credentials.js';
import type { BillingProvider } from '@baketsu/billing';
import { BILLING_WEBHOOK_PATH, billingRouter, billingWebhookRouter } from '#src/billing/billing-routes.js';
import { fileFieldChecks } from '#src/files/file-field-checks.js';
import { filesRouter } from '#src/files/files-routes.js';
import { limitsRouter } from '#src/files/limits-routes.js';
import type { StorageSetup } from '#src/files/storage-setup.js';
import { withStorageProblems } from '#src/files/storage-problems.js';
import { uploadsRouter } from '#src/files/uploads-routes.js';
import { folderFieldChecks } from '#src/folders/folder-field-checks.js';
import { foldersRouter } from '#src/folders/folders-routes.js';
import { lifecycleFieldChecks } from '#src/lifecycle/lifecycle-input.js';
import { lifecycleRouter } from '#src/lifecycle/lifecycle-routes.js';
import { logLoginSlowDown, loginLimits, memoryLoginRateLimit, type LoginRateLimit } from '#src/auth/login-rate-limit.js';
import type { Clock } from '@baketsu/platform/clock';
import type { Config } from '#src/platform/config.js';
import type { Database } from '@baketsu/platform/database';
import { problemMiddleware, unknownRouteHandler } from '#src/platform/error-middleware.js';
import { errors } from '#src/platform/errors.js';
import type { Logger } from '#src/platform/logger.js';
import { createHttpMetrics } from '#src/platform/metrics.js';
import { usageRouter } from '#src/usage/usage-routes.js';
import { usageAlertRouter } from '#src/usage/usage-alert-routes.js';
import { devMailboxEnabled } from '#src/mail/mail-config.js';
import { devMailboxRouter } from '#src/mail/dev-mailbox-routes.js';
import type { UsageStreamHub } from '#src/usage/usage-stream-hub.js';
import { usageStreamRouter } from '#src/usage/usage-stream-routes.js';
import { apiMigrations } from '#src/platform/api-migrations.js';
import { documentationRouter, openApiValidator } from '#src/platform/openapi-http.js';
import { apiSecurityHeaders } from '#src/platform/security-headers.js';
import { operationsRouter } from '#src/platform/operations-routes.js';
import { requestLogging } from '#src/platform/request-logging.js';
import { memorySharePasswordRateLimit, sharePasswordLimits, type SharePasswordRateLimit } from '#src/shares/share-password-rate-limit.js';
import { publicSharesRouter, sharesRouter } from '#src/shares/shares-routes.js';
import { shareFieldChecks } from '#src/shares/shares-input.js';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  database: Database;
  clock: Clock;
  jwtSecret: string;
  /** The configured object store (`storageFromConfig`). */
  storage: StorageSetup;
  /** Stripe or ledger-only (`billingProviderFromConfig`). */
  billingProvider: BillingProvider;
  /** Shared with in-process metering so its lag shows on the API's /metrics. */
  metricsRegistry?: Registry;
  /** Defaults to in-process counters; `loginRateLimitFor` shares them through PostgreSQL. */
  loginRateLimit?: LoginRateLimit;
  /** Defaults to in-process counters; `sharePasswordRateLimitFor` shares them through PostgreSQL. */
  sharePasswordRateLimit?: SharePasswordRateLimit;
  /** The process's live usage streams (`usageStreamsFor`). */
  usageStreams: UsageStreamHub;
  /** Defaults to in-process counters; `mailLinkRateLimitFor` shares them through PostgreSQL. */
  mailLinkRateLimit?: MailLinkRateLimit;
}

/** What an access token (a signed-in person, not an API key) may do. */
const EVERY_SCOPE: ReadonlySet<Scope> = new Set(['read', 'write', 'delete']);

export function buildApp(deps: AppDependencies): Express {
  const { config, logger, database, clock } = deps;
  const metrics = createHttpMetrics(deps.metricsRegistry);

  const passwords = bcryptPasswordHasher(config.BCRYPT_COST);
  const repository = authRepository(database.pool);
  const verification = emailVerification({ pool: database.pool, clock, dashboardUrl: config.DASHBOARD_URL });
  const auth = authService({
    repository,
    onRegistered: verification.onRegistered,
    passwords,
    accessTokens: joseAccessTokens({
      secret: deps.jwtSecret,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      clock,
    }),
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    clock,
  });
  const apiKeys = apiKeyService({ pool: database.pool, clock });
  const resolveBearer: BearerResolver = async (token) => {
    if (token.startsWith(API_KEY_PREFIX)) {
      const { account, scopes } = await apiKeys.authenticate(token);
      return { account: toAccount(account), scopes: new Set(scopes), via: 'api_key' };
    }
    const { account, sessionId } = await auth.accountForAccessToken(token);
    return { account, scopes: EVERY_SCOPE, via: 'access_token', sessionId };
  };

  const app = express();
  app.disable('x-powered-by');
  // Responses are per-account JSON that no client revalidates; hashing every body for an ETag was pure cost.
  app.set('etag', false);
  app.set('trust proxy', config.TRUST_PROXY);
  app.use(requestLogging(logger));
  app.use(metrics.middleware);
  app.use(apiSecurityHeaders);
  app.use(browserCors(config.CORS_ORIGINS));
  // Streams raw bodies, so it comes before the JSON parser.
  if (deps.storage.router) app.use('/storage', deps.storage.router);
  // Stripe signs the raw bytes, so the webhook is read before the JSON parser (and the validator).
  app.use(BILLING_WEBHOOK_PATH, billingWebhookRouter({ pool: database.pool, clock, config, logger }));
  app.use(requestInputs(config.BODY_LIMIT_BYTES));
  app.use(openApiValidator({ validateResponses: config.VALIDATE_RESPONSES }));
  const loginRateLimit = deps.loginRateLimit ?? memoryLoginRateLimit(loginLimits(config), logLoginSlowDown(logger));
  app.use(authRouter({ auth, loginRateLimit, resolveBearer }));
  app.use(accountsRouter({ pool: database.pool, passwords, clock, logger, auth, loginRateLimit, resolveBearer }));
  app.use(accountMailRouter({
    auth,
    resets: passwordResets({ pool: database.pool, clock, passwords, auth, dashboardUrl: config.DASHBOARD_URL }),
    verification,
    profiles: profiles({ pool: database.pool, repository, passwords, verification, auth }),
    loginRateLimit,
    mailLinkRateLimit: deps.mailLinkRateLimit ?? memoryMailLinkRateLimit(mailLinkLimits(config)),
    resolveBearer,
  }));
  app.use(apiKeyRouter({ apiKeys, resolveBearer }));
  const store = withStorageProblems(deps.storage.store, logger);
  const filesDeps = { pool: database.pool, store, clock, config, logger, resolveBearer };
  app.use(filesRouter(filesDeps));
  app.use(uploadsRouter(filesDeps));
  app.use(limitsRouter(filesDeps));
  app.use(foldersRouter({ ...filesDeps, price: { perGibMonth: config.PRICE_PER_GIB_MONTH, currency: config.CURRENCY } }));
  const sharesDeps = {
    pool: database.pool,
    store,
    clock,
    config,
    passwords,
    passwordRateLimit: deps.sharePasswordRateLimit ?? memorySharePasswordRateLimit(sharePasswordLimits(config)),
  };
  app.use(sharesRouter({ ...sharesDeps, resolveBearer }));
  app.use(publicSharesRouter(sharesDeps));
  app.use(billingRouter({ pool: database.pool, provider: deps.billingProvider, clock, config, logger, resolveBearer }));
  app.use(usageStreamRouter({
    hub: deps.usageStreams,
    resolveBearer,
    logger,
    heartbeatSeconds: config.USAGE_STREAM_HEARTBEAT_SECONDS,
    maxSeconds: config.USAGE_STREAM_MAX_SECONDS,
  }));
  app.use(lifecycleRouter({
    pool: database.pool,
    clock,
    resolveBearer,
    price: { perGibMonth: config.PRICE_PER_GIB_MONTH, currency: config.CURRENCY },
  }));
  app.use(usageRouter({
    pool: database.pool,
    clock,
    resolveBearer,
    price: { perGibMonth: config.PRICE_PER_GIB_MONTH, currency: config.CURRENCY },
  }));
  app.use(usageAlertRouter({ pool: database.pool, config, resolveBearer }));
  if (devMailboxEnabled(config)) app.use(devMailboxRouter({ pool: database.pool }));
  // Last of the routes, so API requests (nearly all traffic) never walk through them.
  app.use(operationsRouter({ pool: database.pool, registry: metrics.registry, expectedMigrations: listApiMigrations() }));
  app.use(documentationRouter());
  app.use(unknownRouteHandler);
  app.use(problemMiddleware({ bodyLimitBytes: config.BODY_LIMIT_BYTES, logger, fieldChecks: [...authFieldChecks, ...accountMailFieldChecks, ...fileFieldChecks(config), ...folderFieldChecks, ...shareFieldChecks, ...lifecycleFieldChecks] }));
  return app;
}

/**
 * CORS for the dashboard's origins. Only browsers send `Origin`; every other caller (SDK on a
 * server, curl) gets just `Vary: Origin`, so no cache hands a response made without CORS headers
 * to a browser, and skips the rest of the CORS work.
 */
function browserCors(origins: readonly string[]): RequestHandler {
  const corsForBrowsers = cors({
    origin: [...origins],
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location', 'Idempotent-Replayed'],
    maxAge: 600,
  });
  return (request, response, next) => {
    if (request.headers.origin === undefined) {
      // Nothing has set Vary yet at this point, so there is nothing to merge with.
      response.setHeader('Vary', 'Origin');
      next();
    } else corsForBrowsers(request, response, next);
  };
}

/**
 * Reads what a request carries. The JSON body parser is entered only by requests with a body (most
 * API traffic is GETs): for the rest it would only note that there is nothing to read, at a
 * measurable cost per request. "Carries a body" is the parser's own test (RFC 9112: a length or a
 * transfer coding). And no path or query may hold a NUL character: PostgreSQL text cannot store
 * one, so it would otherwise surface as a database error (a 500) wherever the value reached a query.
 * Body fields that reach the database are checked where they are read, with their own codes.
 */
function requestInputs(limitBytes: number): RequestHandler {
  const parseJson = express.json({ limit: limitBytes, type: ['application/json', 'application/*+json'] });
  return (request, response, next) => {
    const url = request.originalUrl;
    const nulAt = url.indexOf('%00');
    if (nulAt !== -1) {
      const queryAt = url.indexOf('?');
      next(errors.validationFailed([{ path: queryAt !== -1 && queryAt < nulAt ? '/query' : '/path', message: 'must not contain NUL characters' }]));
      return;
    }
    const { headers } = request;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) next();
    else parseJson(request, response, next);
  };
}

// Read once when the app is built: the migrations shipped with this code cannot change while it runs.
function listApiMigrations(): string[] {
  const files = readdirSync(apiMigrations.directory);
  return files.filter((file) => file.endsWith('.sql')).map((file) => path.basename(file, '.sql')).sort();
}
