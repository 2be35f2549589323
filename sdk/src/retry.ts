// The one retry path, used by API requests and by part uploads alike: exponential backoff with
// full jitter, except that a server's Retry-After wins (within reason).
import { abortErrorOf, BaketsuError, ConnectionError, retryAfterMs } from './errors.js';

export const INITIAL_DELAY_MS = 500;
export const MAX_DELAY_MS = 8_000;
// A Retry-After longer than this is not worth blocking a caller for; it gets the error instead.
export const MAX_RETRY_AFTER_MS = 60_000;

export interface RetryOptions {
  maxRetries: number;
  signal?: AbortSignal | undefined;
  /**
   * Whether this failure may be retried; the default covers network errors, 408, 429, 5xx and a
   * 409 `idempotency_key_in_use`.
   */
  retryable?: (error: unknown) => boolean;
}

/**
 * Runs `run` until it succeeds, retrying failures `retryable` accepts up to `maxRetries` times:
 * exponential backoff with full jitter, or as long as the failure's `Retry-After` says (a longer
 * hint than a minute fails at once). Rejects as soon as `signal` aborts, even mid-wait, with an
 * `AbortError` whose `cause` is the signal's reason (a `TimeoutError` if that reason is a timeout). Exported so a page can call its own server around an upload (completing it, say)
 * the way the SDK calls the API: throw a `BaketsuError` carrying `status` and the response's
 * `headers`, or a `ConnectionError`, and the default `retryable` judges it.
 */
export async function withRetries<T>(run: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.retryable ?? isTransient;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw abortErrorOf(options.signal.reason);
      if (attempt >= options.maxRetries || !retryable(error)) throw error;
      const hinted = error instanceof BaketsuError ? retryAfterMs(error.headers, error.problem) : undefined;
      if (hinted !== undefined && hinted > MAX_RETRY_AFTER_MS) throw error;
      await sleep(backoffMs(attempt, hinted), options.signal).catch((reason: unknown) => {
        throw abortErrorOf(reason);
      });
    }
  }
}

/** Full jitter: uniform in [0, min(max, initial·2^attempt)], so clients that failed together spread out. */
export function backoffMs(attempt: number, hinted?: number, random: () => number = Math.random): number {
  if (hinted !== undefined) return hinted;
  return random() * Math.min(MAX_DELAY_MS, INITIAL_DELAY_MS * 2 ** attempt);
}

export function isTransient(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  if (!(error instanceof BaketsuError) || error.status === undefined) return false;
  // A retried request whose first attempt the server is still working on (the first timed out or
  // its connection dropped) is told 409 `idempotency_key_in_use` with a Retry-After: asking again
  // shortly gets the first attempt's answer. Any other 409 is a real conflict.
  if (error.status === 409) return error.code === 'idempotency_key_in_use';
  return error.status === 408 || error.status === 429 || error.status >= 500;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
