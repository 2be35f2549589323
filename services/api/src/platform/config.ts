import { z } from 'zod';

// Every setting the API reads, with its default. `.env.example` mirrors this list and a test keeps them in step.
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(8000),
    PUBLIC_URL: z.string().url().default('http://localhost:8000'),
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
    // Price of keeping one GiB (2^30 bytes) for one calendar month, as a decimal with up to 6 places.
    // Parsed into integer micro-units so that every cost computation stays in integers until the end.
    PRICE_PER_GIB_MONTH: z
      .string()
      .regex(/^\d{1,6}(\.\d{1,6})?$/, 'must be a decimal amount such as 0.02')
      .default('0.02'),
    CURRENCY: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code').default('usd'),
  })
  .superRefine((config, context) => {
    // Cheap hashes are only acceptable where no real password is ever stored.
    if (config.BCRYPT_COST < 12 && config.NODE_ENV !== 'test') {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['BCRYPT_COST'], message: 'must be at least 12 outside tests' });
    }
    if (config.NODE_ENV === 'production' && config.JWT_SECRET === undefined) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['JWT_SECRET'], message: 'is required in production' });
    }
  });

export type Config = Readonly<z.infer<typeof configSchema>>;

/** `PRICE_PER_GIB_MONTH` in millionths of the currency unit, e.g. '0.02' → 20000n. */
export function pricePerGibMonthMicros(config: Pick<Config, 'PRICE_PER_GIB_MONTH'>): bigint {
  const [whole = '0', fraction = ''] = config.PRICE_PER_GIB_MONTH.split('.');
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
  return Object.freeze(result.data);
}

// `FOO=` in a .env file means "not set", not "set to the empty string".
function withoutEmptyValues(environment: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
