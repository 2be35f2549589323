// Every API call goes through `request`: credentials, timeout, the shared retry path, and turning
// problem documents into typed errors.
import { APIPromise, type WithResponse } from './api-promise.js';
import { abortErrorOf, ConnectionError, errorFromResponse, TimeoutError } from './errors.js';
import { checkRequestOptions, type RequestOptions, type ResolvedConfig } from './options.js';
import { withRetries } from './retry.js';
import { linkSignal } from './signals.js';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined> | undefined;
  body?: unknown;
  /** Safe to repeat: GET, PUT and DELETE always; POSTs and PATCHes the API defines as idempotent. */
  idempotent?: boolean;
  /** Public endpoints (register, login, refresh, logout) send no Authorization header. */
  anonymous?: boolean;
  options?: RequestOptions | undefined;
}

/** package.json's version (a unit test keeps them equal). */
export const SDK_VERSION = '0.1.0';

/**
 * `baketsu-sdk-js/<version>` and the runtime, sent as User-Agent outside browsers. A page's fetch
 * ignores it or, worse, makes it a reason for a CORS preflight, so a page sends none.
 */
export function userAgent(): string | undefined {
  const inPage = typeof (globalThis as { document?: unknown }).document !== 'undefined' || typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';
  if (inPage) return undefined;
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions;
  const runtime = versions?.bun ? `bun/${versions.bun}` : versions?.deno ? `deno/${versions.deno}` : versions?.node ? `node/${versions.node}` : undefined;
  return `baketsu-sdk-js/${SDK_VERSION}${runtime ? ` ${runtime}` : ''}`;
}

export class HttpClient {
  constructor(readonly config: ResolvedConfig) {}

  /** Sends the request (retrying what is safe to retry); resolves to the parsed body. */
  request<T>(spec: RequestSpec): APIPromise<T> {
    return new APIPromise(this.send<T>(spec));
  }

  private async send<T>(spec: RequestSpec): Promise<WithResponse<T>> {
    const options = spec.options ?? {};
    checkRequestOptions(options);
    const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'PUT' || spec.method === 'DELETE');
    const maxRetries = options.maxRetries ?? this.config.maxRetries;
    return withRetries(() => this.attempt<T>(spec, options), {
      maxRetries: idempotent || options.idempotencyKey !== undefined ? maxRetries : 0,
      signal: options.signal,
    });
  }

  private async attempt<T>(spec: RequestSpec, options: RequestOptions): Promise<WithResponse<T>> {
    const agent = userAgent();
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(agent === undefined ? {} : { 'user-agent': agent }),
      ...this.config.headers,
      ...options.headers,
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const token = spec.anonymous ? undefined : await this.bearer();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;

    const linked = linkSignal(options.signal, options.timeout ?? this.config.timeout);
    let response: Response;
    try {
      response = await this.config.fetch(this.url(spec), {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        signal: linked.signal,
      });
      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (response.status === 204) return { data: undefined as T, response, requestId };
      const body = await readBody(response);
      if (!response.ok) throw errorFromResponse(response.status, response.headers, body);
      return { data: body as T, response, requestId };
    } catch (error) {
      if (options.signal?.aborted) throw abortErrorOf(options.signal.reason);
      if (linked.timedOut()) {
        throw new TimeoutError({ message: `Request to ${spec.method} ${spec.path} timed out`, code: 'timeout', cause: error });
      }
      if (error instanceof TypeError || isNetworkError(error)) {
        throw new ConnectionError({ message: `Could not reach ${this.config.baseUrl}: ${(error as Error).message}`, code: 'connection_error', cause: error });
      }
      throw error;
    } finally {
      linked.dispose();
    }
  }

  /**
   * Opens a long-lived GET (Server-Sent Events) with this client's credentials and headers: no
   * timeout and no retries here, the caller reconnects. Resolves once the response headers arrive;
   * a refusal is thrown as the typed error a request would throw.
   */
  async openStream(path: string, options: { signal: AbortSignal; headers?: Record<string, string> }): Promise<Response> {
    const agent = userAgent();
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      ...(agent === undefined ? {} : { 'user-agent': agent }),
      ...this.config.headers,
      ...options.headers,
    };
    const token = await this.bearer();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await this.config.fetch(this.url({ method: 'GET', path }), { method: 'GET', headers, signal: options.signal });
    } catch (error) {
      if (options.signal.aborted) throw abortErrorOf(options.signal.reason);
      throw new ConnectionError({ message: `Could not reach ${this.config.baseUrl}: ${(error as Error).message}`, code: 'connection_error', cause: error });
    }
    if (!response.ok) throw errorFromResponse(response.status, response.headers, await readBody(response));
    return response;
  }

  private url(spec: RequestSpec): string {
    const url = new URL(this.config.baseUrl + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  private async bearer(): Promise<string | undefined> {
    const { apiKey, accessToken } = this.config;
    if (apiKey !== undefined) return apiKey;
    return typeof accessToken === 'function' ? await accessToken() : accessToken;
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR)/.test(code);
}

export const encodeId = (id: string) => encodeURIComponent(id);
