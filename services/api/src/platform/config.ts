import { billingConfigShape, priceConfigShape } from '@baketsu/billing';
import { booleanFlag, commaList, logLevel, parseEnv } from '@baketsu/platform/config';
import { z } from 'zod';
import { mailConfigShape } from '#src/mail/mail-config.js';
import { lifecycleConfigShape } from '#src/lifecycle/lifecycle-config.js';
import { shareConfigShape } from '#src/shares/share-config.js';
import { usageStreamConfigShape } from '#src/usage/usage-stream-config.js';
import { allowPrivateUrls, webhookConfigShape } from '#src/webhooks/webhook-config.js';

// Every setting the API reads, with its default. `.env.example` mirrors this list and a test keeps them in step.
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8000),
    // Unset: http://localhost:<PORT> (see parseConfig), so the local store's URLs follow a changed port.
    PUBLIC_URL: z.string().url().optional(),
    DATA_DIR: z.string().min(1).default('.baketsu'),
    DATABASE_URL: z.string().url().optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    LOG_LEVEL: logLevel,
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_ISSUER: z.string().min(1).default('baketsu'),
    JWT_AUDIENCE: z.string().min(1).default('baketsu-api'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(3600).max(90 * 86400).default(30 * 86400),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    // Where `npm start` serves the dashboard. Unset CORS_ORIGINS and DASHBOARD_URL follow it (see parseConfig),
    // so changing the port alone keeps the browser's uploads and the links back to the dashboard working.
    DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    CORS_ORIGINS: commaList.optional(),
    TRUST_PROXY: booleanFlag.default('false'),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
    LOGIN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
    LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
    LOGIN_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    // Failures on one account from all addresses before its sign-ins are slowed (never refused).
    LOGIN_SLOW_DOWN_AFTER: z.coerce.number().int().min(1).default(20),
    LOGIN_SLOW_DOWN_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
    VALIDATE_RESPONSES: booleanFlag.default('false'),
    // Fold usage inside the API process. `auto`: only with embedded PGlite (which allows one connection).
    METERING_IN_PROCESS: z.enum(['auto', 'true', 'false']).default('auto'),
    ...priceConfigShape,
    ...usageStreamConfigShape,
    // --- files and storage ---
    STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    // Local disk store root; unset: DATA_DIR/storage.
    STORAGE_LOCAL_DIR: z.string().min(1).optional(),
    // HMAC secret for the local store's signed URLs; unset: generated once into DATA_DIR/secrets.json.
    STORAGE_LOCAL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    S3_ENDPOINT: z.string().url().optional(),
    // Endpoint put into URLs handed to clients, when they reach storage at another address than the API.
    S3_PUBLIC_ENDPOINT: z.string().url().optional(),
    S3_BUCKET: z.string().min(3).max(63).default('baketsu'),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: booleanFlag.default('false'),
    // Create S3_BUCKET at start-up when it does not exist (development, docker compose).
    S3_CREATE_BUCKET: booleanFlag.default('false'),
    SQS_QUEUE_URL: z.string().url().optional(),
    SQS_ENDPOINT: z.string().url().optional(),
    PRESIGN_TTL_SECONDS: z.coerce.number().int().min(300).max(900).default(600),
    DOWNLOAD_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
    MAX_FILE_SIZE_BYTES: z.coerce.number().int().min(1).max(5 * 1024 ** 4).default(5 * 1024 ** 3),
    // S3 takes a single PUT of at most 5 GiB: anything larger must go in parts.
    MULTIPART_THRESHOLD_BYTES: z.coerce.number().int().min(5 * 1024 ** 2).max(5 * 1024 ** 3).default(64 * 1024 ** 2),
    MULTIPART_PART_SIZE_BYTES: z.coerce.number().int().min(5 * 1024 ** 2).max(5 * 1024 ** 3).default(16 * 1024 ** 2),
    // Comma-separated; `type/*` allows a family, `*/*` everything.
    ALLOWED_CONTENT_TYPES: commaList.default('*/*'),
    MAX_TAGS_PER_FILE: z.coerce.number().int().min(0).max(100).default(20),
    // 0 means unlimited.
    DEFAULT_STORAGE_QUOTA_BYTES: z.coerce.number().int().min(0).default(0),
    // Decimal amount per calendar month in CURRENCY; unset means no cap.
    DEFAULT_MONTHLY_SPEND_CAP: z.string().regex(/^\d{1,9}(\.\d{1,6})?$/, 'must be a decimal amount such as 25.00').optional(),
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(300),
    // Unknown objects younger than this are left alone: their upload may be completing right now.
    ORPHAN_GRACE_SECONDS: z.coerce.number().int().min(60).default(3600),
    PENDING_UPLOAD_MAX_AGE_SECONDS: z.coerce.number().int().min(900).default(24 * 3600),
    DELETE_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    // How often the files of accounts being deleted are worked through (0: never; decision 017).
    ACCOUNT_DELETION_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(5),
    // How often projected month costs are compared with the accounts' alert thresholds (0: never).
    USAGE_ALERT_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    // A storage notification adopts an uncompleted upload only after this long, leaving the client time to complete it.
    ADOPT_AFTER_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    ...billingConfigShape,
    // Unset: http://localhost:<DASHBOARD_PORT> (see parseConfig).
    DASHBOARD_URL: z.string().url().optional(),
    ...shareConfigShape,
    ...mailConfigShape,
    ...lifecycleConfigShape,
    ...webhookConfigShape,
  })
  .superRefine((config, context) => {
    // Cheap hashes are only acceptable where no real password is ever stored.
    if (config.BCRYPT_COST < 12 && config.NODE_ENV !== 'test') {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['BCRYPT_COST'], message: 'must be at least 12 outside tests' });
    }
    if (config.MULTIPART_PART_SIZE_BYTES > config.MULTIPART_THRESHOLD_BYTES) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['MULTIPART_PART_SIZE_BYTES'], message: 'must not exceed MULTIPART_THRESHOLD_BYTES' });
    }
    if (config.NODE_ENV === 'production' && config.JWT_SECRET === undefined) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['JWT_SECRET'], message: 'is required in production' });
    }
  });

/** The settings whose defaults are derived from others in parseConfig, so they are always present. */
interface DerivedSettings {
  PUBLIC_URL: string;
  CORS_ORIGINS: string[];
  DASHBOARD_URL: string;
  WEBHOOKS_ALLOW_PRIVATE_URLS: boolean;
}

export type Config = Readonly<Omit<z.infer<typeof configSchema>, keyof DerivedSettings> & DerivedSettings>;

/** Parses the environment once; the message names every bad variable so start-up fails fast and clearly. */
export function parseConfig(environment: Record<string, string | undefined>): Config {
  const config = parseEnv(configSchema, environment);
  const dashboardUrl = `http://localhost:${config.DASHBOARD_PORT}`;
  return Object.freeze({
    ...config,
    PUBLIC_URL: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    CORS_ORIGINS: config.CORS_ORIGINS ?? [dashboardUrl],
    DASHBOARD_URL: config.DASHBOARD_URL ?? dashboardUrl,
    WEBHOOKS_ALLOW_PRIVATE_URLS: allowPrivateUrls(config),
  });
}
