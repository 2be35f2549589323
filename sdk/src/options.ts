// Client and per-request options. Unknown keys are refused, as stripe-node does, so a typo such as
// `maxRetry` fails loudly instead of silently using the default.

export type AccessTokenSource = string | (() => string | Promise<string>);

export type Credentials =
  | { baseUrl: string | URL; apiKey: string; accessToken?: never }
  | { baseUrl: string | URL; accessToken: AccessTokenSource; apiKey?: never }
  /** No credentials: only `client.auth.register/login/refresh/logout` will work. */
  | { baseUrl: string | URL; apiKey?: never; accessToken?: never };

export interface ClientOptions {
  /** Milliseconds per attempt of an API request (default 60 000). */
  timeout?: number;
  /** Retries of transient failures (default 2). */
  maxRetries?: number;
  /** A fetch implementation, e.g. to add tracing or for tests (default: global fetch). */
  fetch?: typeof fetch;
  /** Sent with every API request. */
  headers?: Record<string, string>;
  /** Parts uploaded at once (default 4). */
  uploadConcurrency?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeout?: number;
  maxRetries?: number;
  /** Makes a non-idempotent POST safe to retry; sent as `Idempotency-Key`. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export const CLIENT_OPTION_KEYS = ['timeout', 'maxRetries', 'fetch', 'headers', 'uploadConcurrency'] as const;
export const REQUEST_OPTION_KEYS = ['signal', 'timeout', 'maxRetries', 'idempotencyKey', 'headers'] as const;
const CREDENTIAL_KEYS = ['baseUrl', 'apiKey', 'accessToken'] as const;

export function rejectUnknownKeys(value: object | undefined, allowed: readonly string[], what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null) throw new TypeError(`Baketsu: ${what} must be an object`);
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new TypeError(`Baketsu: unknown ${what} ${unknown.map((k) => `"${k}"`).join(', ')}; expected one of ${allowed.join(', ')}`);
  }
}

export interface ResolvedConfig {
  baseUrl: string;
  apiKey: string | undefined;
  accessToken: AccessTokenSource | undefined;
  timeout: number;
  maxRetries: number;
  fetch: typeof fetch;
  headers: Record<string, string>;
  uploadConcurrency: number;
}

export function resolveConfig(credentials: Credentials, options: ClientOptions = {}): ResolvedConfig {
  rejectUnknownKeys(credentials, CREDENTIAL_KEYS, 'credential');
  rejectUnknownKeys(options, CLIENT_OPTION_KEYS, 'client option');
  if (!credentials?.baseUrl) throw new TypeError('Baketsu: baseUrl is required');
  if (credentials.apiKey !== undefined && credentials.accessToken !== undefined) {
    throw new TypeError('Baketsu: pass apiKey or accessToken, not both');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('Baketsu: no fetch available; pass options.fetch');
  return {
    baseUrl: String(credentials.baseUrl).replace(/\/+$/, ''),
    apiKey: credentials.apiKey,
    accessToken: credentials.accessToken,
    timeout: nonNegative(options.timeout ?? 60_000, 'timeout'),
    maxRetries: nonNegative(options.maxRetries ?? 2, 'maxRetries'),
    // Bound to globalThis: some runtimes throw "Illegal invocation" for a detached fetch.
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    headers: { ...options.headers },
    uploadConcurrency: Math.max(1, nonNegative(options.uploadConcurrency ?? 4, 'uploadConcurrency')),
  };
}

export function checkRequestOptions(options: RequestOptions | undefined): void {
  rejectUnknownKeys(options, REQUEST_OPTION_KEYS, 'request option');
  if (options?.timeout !== undefined) nonNegative(options.timeout, 'timeout');
  if (options?.maxRetries !== undefined) nonNegative(options.maxRetries, 'maxRetries');
}

export function nonNegative(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`Baketsu: ${name} must be a non-negative number`);
  return value;
}
