import { z } from 'zod';

// One way to read settings for every Baketsu process: each composes its schema from the pieces
// below (and its own), and `parseEnv` reads the environment once, failing with every bad name.

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `true`/`false`/`1`/`0` as a boolean. */
export const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/** A comma-separated list; blanks around and between items are dropped. */
export const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Settings of a process that runs beside the API on PostgreSQL (metering, billing, relay). */
export const workerProcessShape = {
  DATABASE_URL: z.string().url(),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: logLevel,
};

/**
 * Parses `environment` against `schema` once: frozen, and on failure a `ConfigError` whose
 * message names every bad variable, so a process stops at start-up rather than mid-request.
 * `FOO=` (as in a .env file) means "not set", not "set to the empty string".
 */
export function parseEnv<Schema extends z.ZodTypeAny>(schema: Schema, environment: Record<string, string | undefined>): Readonly<z.output<Schema>> {
  const result = schema.safeParse(withoutEmptyValues(environment));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return Object.freeze(result.data as z.output<Schema>);
}

/** For a process's entry point: a `ConfigError` ends it with its message alone and EX_CONFIG, not a stack trace. */
export async function exitOnConfigError<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

function withoutEmptyValues(environment: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
