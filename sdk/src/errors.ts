// Typed errors, after stripe-node's: one base class, one subclass per kind of failure, so callers
// branch with `instanceof` and never parse messages.
import type { Problem } from './types.js';

export interface BaketsuErrorInit {
  message: string;
  status?: number | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
  detail?: string | undefined;
  problem?: Problem | undefined;
  headers?: Headers | undefined;
  cause?: unknown;
}

export class BaketsuError extends Error {
  override name = 'BaketsuError';
  /** HTTP status, absent when no response arrived. */
  readonly status: number | undefined;
  /** The API's stable problem `code` (or storage's error code for uploads). */
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly detail: string | undefined;
  /** The raw RFC 9457 problem document. */
  readonly problem: Problem | undefined;
  readonly headers: Headers | undefined;
  /** Set when the error ended an upload that can be resumed with `client.uploads.resume`. */
  uploadId: string | undefined;

  constructor(init: BaketsuErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.detail = init.detail;
    this.problem = init.problem;
    this.headers = init.headers;
    this.uploadId = undefined;
  }
}

/** 400, 413, 415, 422: the request itself is wrong; `fieldErrors` says where. */
export class ValidationError extends BaketsuError {
  override name = 'ValidationError';
  get fieldErrors(): Array<{ path: string; message: string }> {
    return this.problem?.errors ?? [];
  }
}
export class AuthenticationError extends BaketsuError {
  override name = 'AuthenticationError';
}
/** 402: the account is past due; uploads are refused until the invoice is paid. */
export class PaymentRequiredError extends BaketsuError {
  override name = 'PaymentRequiredError';
}
export class PermissionError extends BaketsuError {
  override name = 'PermissionError';
}
export class NotFoundError extends BaketsuError {
  override name = 'NotFoundError';
}
export class ConflictError extends BaketsuError {
  override name = 'ConflictError';
}
/** 410: the thing existed and is gone for good, e.g. a revoked, expired or used-up share link (`code` says which). */
export class GoneError extends BaketsuError {
  override name = 'GoneError';
}
export class RateLimitError extends BaketsuError {
  override name = 'RateLimitError';
  /** Seconds the server asked to wait, if it said. */
  get retryAfter(): number | undefined {
    const ms = retryAfterMs(this.headers, this.problem);
    return ms === undefined ? undefined : ms / 1000;
  }
}
/** 5xx and any status the SDK has no better class for. */
export class APIError extends BaketsuError {
  override name = 'APIError';
}
/** No response: DNS, refused or reset connection (`code: 'connection_error'`), or a {@link TimeoutError}. */
export class ConnectionError extends BaketsuError {
  override name = 'ConnectionError';
}
/**
 * No answer in time: `timeout` elapsed (`code: 'timeout'`), a storage PUT went `stallTimeout` without
 * progress (`code: 'stalled'`), or the caller's signal aborted with a timeout (`AbortSignal.timeout()`).
 * Retried like any connection failure; an upload it ends stays pending and resumable (`uploadId`).
 */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
}
/**
 * The caller stopped the operation: its `signal` aborted (`code: 'aborted'`; `cause` is the signal's
 * reason), or an upload was paused (`code: 'paused'`). A paused upload stays pending, so
 * `client.uploads.resume(error.uploadId, data)` continues it; an aborted one is discarded.
 */
export class AbortError extends BaketsuError {
  override name = 'AbortError';
}
/**
 * The data given does not fit the upload: a file path that cannot be read (`data_unreadable`), a
 * stream shorter or longer than its declared size
 * (`data_too_short`, `data_too_long`; an upload it started is aborted), data of another size
 * (`size_mismatch`), or, on resume, bytes that differ from the parts storage holds (`part_mismatch`),
 * from the declared SHA-256 (`sha256_mismatch`), or that cannot be checked (`resume_unverifiable`).
 */
export class UploadDataError extends BaketsuError {
  override name = 'UploadDataError';
}
/** Object storage refused a part or object PUT; `code` is storage's (S3) error code. */
export class StorageError extends BaketsuError {
  override name = 'StorageError';
}

/**
 * What an aborted signal's `reason` becomes: a `BaketsuError` stays as it is, a timeout (the
 * `TimeoutError` DOMException of `AbortSignal.timeout()`) is a {@link TimeoutError}, anything else an
 * {@link AbortError} whose `cause` is the reason.
 */
export function abortErrorOf(reason: unknown): BaketsuError {
  if (reason instanceof BaketsuError) return reason;
  if ((reason as { name?: unknown } | null)?.name === 'TimeoutError') {
    return new TimeoutError({ message: 'The operation timed out (its signal aborted with a timeout)', code: 'timeout', cause: reason });
  }
  const why = reason instanceof Error && reason.message ? `: ${reason.message}` : '';
  return new AbortError({ message: `The operation was aborted${why}`, code: 'aborted', cause: reason });
}

/** Throws the signal's reason as a typed error if it has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortErrorOf(signal.reason);
}

const byStatus: Record<number, typeof BaketsuError> = {
  400: ValidationError,
  401: AuthenticationError,
  402: PaymentRequiredError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  410: GoneError,
  413: ValidationError,
  415: ValidationError,
  422: ValidationError,
  429: RateLimitError,
};

export function errorFromResponse(status: number, headers: Headers, body: unknown): BaketsuError {
  const problem = isProblem(body) ? body : undefined;
  const requestId = headers.get('x-request-id') ?? problem?.request_id ?? undefined;
  const Kind = byStatus[status] ?? APIError;
  const summary = problem ? `${problem.title}${problem.detail ? `: ${problem.detail}` : ''}` : `HTTP ${status}`;
  return new Kind({
    message: `${summary} (${status}${problem?.code ? ` ${problem.code}` : ''}${requestId ? `, request ${requestId}` : ''})`,
    status,
    code: problem?.code,
    requestId,
    detail: problem?.detail,
    problem,
    headers,
  });
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).status === 'number';
}

/** Milliseconds from `Retry-After` (seconds or an HTTP date), else the problem's `retry_after`. */
export function retryAfterMs(headers: Headers | undefined, problem?: Problem): number | undefined {
  const header = headers?.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return typeof problem?.retry_after === 'number' ? problem.retry_after * 1000 : undefined;
}
