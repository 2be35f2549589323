import { z } from 'zod';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  API_URL: z.string().url().default('http://localhost:8000'),
  // Encrypts the session cookie; in development a fixed value is fine, in production it must be set.
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Secure cookies need https; defaults to on in production. Turn off only for plain-http setups.
  SESSION_COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  // Origins allowed to POST besides the request's own (comma-separated), e.g. behind a proxy.
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
});

export type DashboardEnv = Readonly<{
  NODE_ENV: 'development' | 'production' | 'test';
  API_URL: string;
  SESSION_SECRET: string;
  SESSION_COOKIE_SECURE: boolean;
  ALLOWED_ORIGINS: readonly string[];
}>;

const DEVELOPMENT_SECRET = 'baketsu-dashboard-development-secret-not-for-production';

export function parseEnv(source: Record<string, string | undefined>): DashboardEnv {
  const result = schema.safeParse(source);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid dashboard configuration: ${issues}`);
  }
  const env = result.data;
  if (!env.SESSION_SECRET && env.NODE_ENV === 'production') {
    throw new Error('Invalid dashboard configuration: SESSION_SECRET is required in production');
  }
  return Object.freeze({
    ...env,
    SESSION_SECRET: env.SESSION_SECRET ?? DEVELOPMENT_SECRET,
    SESSION_COOKIE_SECURE: env.SESSION_COOKIE_SECURE ? env.SESSION_COOKIE_SECURE === 'true' : env.NODE_ENV === 'production',
  });
}

// The HTTP server (server/dashboard.ts) and the built app bundle each load their own copy of this
// module, so the parsed env is shared through a global slot rather than a module variable.
const SLOT = Symbol.for('baketsu.dashboard.env');
type Slot = { [SLOT]?: DashboardEnv };

/** Set once by the server at start-up, so a bad variable fails the start, not the first request. */
export function setEnv(env: DashboardEnv): void {
  (globalThis as Slot)[SLOT] = env;
}

export function getEnv(): DashboardEnv {
  const slot = globalThis as Slot;
  slot[SLOT] ??= parseEnv(process.env);
  return slot[SLOT];
}
