import { z } from 'zod';
import { shareConfigShape } from '#src/shares/share-config.js';

// Every setting the API reads, with its default. `.env.example` mirrors this list and a test keeps them in step.
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

// --- billing (also read by the metering reporter, hence a shape of its own) ---
export const billingConfigShape = {
  // Unset: ledger-only mode, usage is priced locally and nothing is sent to Stripe.
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Point the Stripe client elsewhere, e.g. at stripe-mock (127.0.0.1, 12111, http).
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  // Where Checkout and the customer portal send people back to.
  DASHBOARD_URL: z.string().url().default('http://localhost:3000'),
  // Whole units the Stripe meter counts; the price per unit is derived from PRICE_PER_GIB_MONTH.
  BILLING_METER_UNIT: z.enum(['KiB-hour', 'MiB-hour', 'GiB-hour']).default('MiB-hour'),
  // Hours are reported this long after they close, so late file events still count in their hour.
  BILLING_REPORT_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
  BILLING_REPORT_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(300),
  // Customers reported in parallel; each customer's own events are always sent one at a time.
  BILLING_REPORT_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  BILLING_INVOICE_CACHE_SECONDS: z.coerce.number().int().min(0).default(300),
};

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
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_ISSUER: z.string().min(1).default('baketsu'),
    JWT_AUDIENCE: z.string().min(1).default('baketsu-api'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(3600).max(90 * 86400).default(30 * 86400),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    CORS_ORIGINS: commaList.default('http://localhost:3000'),
    TRUST_PROXY: booleanFlag.default('false'),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
    LOGIN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
    LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
    LOGIN_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    VALIDATE_RESPONSES: booleanFlag.default('false'),
    // Fold usage inside the API process. `auto`: only with embedded PGlite (which allows one connection).
    METERING_IN_PROCESS: z.enum(['auto', 'true', 'false']).default('auto'),
    // Price of keeping one GiB (2^30 bytes) for one calendar month, as a decimal with up to 6 places.
    // Parsed into integer micro-units so that every cost computation stays in integers until the end.
    PRICE_PER_GIB_MONTH: z
      .string()
      .regex(/^\d{1,6}(\.\d{1,6})?$/, 'must be a decimal amount such as 0.02')
      .default('0.02'),
    CURRENCY: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code').default('usd'),
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
    // A storage notification adopts an uncompleted upload only after this long, leaving the client time to complete it.
    ADOPT_AFTER_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    ...billingConfigShape,
    ...shareConfigShape,
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

export type Config = Readonly<z.infer<typeof configSchema> & { PUBLIC_URL: string }>;

/** `PRICE_PER_GIB_MONTH` in millionths of the currency unit, e.g. '0.02' → 20000n. */
export function pricePerGibMonthMicros(config: Pick<Config, 'PRICE_PER_GIB_MONTH'>): bigint {
  const [whole = '0', fraction = ''] = config.PRICE_PER_GIB_MONTH.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

/** A decimal amount such as '25.5' in millionths of the currency unit. */
export function decimalToMicros(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once; the message names every bad variable so start-up fails fast and clearly. */
export function parseConfig(environment: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(withoutEmptyValues(environment));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const config = result.data;
  return Object.freeze({ ...config, PUBLIC_URL: config.PUBLIC_URL ?? `http://localhost:${config.PORT}` });
}

// `FOO=` in a .env file means "not set", not "set to the empty string".
function withoutEmptyValues(environment: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
