// What `files.upload` and `uploads.resume` accept, and the checks made before any request.
import { nonNegative, rejectUnknownKeys } from '../options.js';
import type { ConflictPolicy } from '../types.js';
import type { ProgressListener } from './progress.js';

export interface UploadOptions {
  /**
   * The file's name, or its path in the account (`'reports/2026/q4.pdf'`); defaults to the File's
   * name or the local path's base name.
   */
  name?: string;
  /** A folder path (`'reports/2026'`) to put the file in; missing folders are created when it completes. */
  folder?: string;
  /** When a file already holds the path: `'fail'` (default, `ConflictError` `path_taken`), `'rename'` or `'replace'`. */
  onConflict?: ConflictPolicy;
  /** Defaults to the Blob's type, a guess from the file extension (Node), or application/octet-stream. */
  contentType?: string;
  /** Exact byte length of a stream; without it a stream is read into memory first. */
  size?: number;
  /** SHA-256 of the content (hex or base64), or `true` to have it computed (random-access data). */
  sha256?: string | true;
  /** Tags the file gets once stored (set right after completing, as `files.update` would). */
  tags?: string[];
  onProgress?: ProgressListener;
  /** Called once the upload has an id: keep it to resume after a crash. */
  onStart?: (upload: UploadStart) => void;
  /**
   * Aborting it stops the upload and discards it on the server (an `AbortError`); to keep it
   * resumable, call the returned task's `pause()` instead. A signal aborted with a timeout
   * (`AbortSignal.timeout()`) keeps it too, and rejects with a `TimeoutError`.
   */
  signal?: AbortSignal;
  /**
   * Milliseconds per attempt of every request the upload makes: API calls and each storage PUT.
   * Default: the client's `timeout` for API calls; none for PUTs, which `stallTimeout` bounds (a
   * large part may rightly take minutes).
   */
  timeout?: number;
  /**
   * Milliseconds a storage PUT may go without sending a byte or getting its answer before it is
   * given up and retried (a `TimeoutError`, `code: 'stalled'`); 0 turns it off. Default 60 000.
   */
  stallTimeout?: number;
  /**
   * Bytes per part if the upload is multipart (the server's threshold still decides single or
   * multipart): 5 MiB to 5 GiB, and at most 10,000 parts. Default: the server's choice.
   */
  partSize?: number;
  /** Parts in flight at once (default: the client's uploadConcurrency). */
  concurrency?: number;
  /** Retries per part and per API call (default: the client's maxRetries). */
  maxRetries?: number;
}

export interface UploadStart {
  uploadId: string;
  type: 'single' | 'multipart';
  partSize?: number | undefined;
  partCount?: number | undefined;
  /** Bytes storage already held when a multipart upload was resumed; they are not sent again. */
  resumedBytes?: number | undefined;
}

const UPLOAD_OPTION_KEYS = [
  'name',
  'folder',
  'onConflict',
  'contentType',
  'size',
  'sha256',
  'tags',
  'onProgress',
  'onStart',
  'signal',
  'timeout',
  'stallTimeout',
  'partSize',
  'concurrency',
  'maxRetries',
];

const MIB = 1024 * 1024;
/** S3's limits on parts, which the API enforces too. */
export const MIN_PART_SIZE = 5 * MIB;
export const MAX_PART_SIZE = 5 * 1024 * MIB;
export const MAX_PARTS = 10_000;

/** Throws a `TypeError` for an unknown option or a value out of range: a mistake in the calling code. */
export function checkUploadOptions(options: UploadOptions): void {
  rejectUnknownKeys(options, UPLOAD_OPTION_KEYS, 'upload option');
  for (const name of ['size', 'timeout', 'stallTimeout', 'concurrency', 'maxRetries'] as const) {
    if (options[name] !== undefined) nonNegative(options[name], name);
  }
  if (options.tags !== undefined && !(Array.isArray(options.tags) && options.tags.every((tag) => typeof tag === 'string'))) {
    throw new TypeError('Baketsu: tags must be an array of strings');
  }
  if (options.partSize !== undefined) {
    checkPartSize(options.partSize);
    if (options.size !== undefined) checkPartCount(options.size, options.partSize);
  }
}

function checkPartSize(partSize: unknown): void {
  if (typeof partSize !== 'number' || !Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new TypeError(`Baketsu: partSize must be a whole number of bytes from ${MIN_PART_SIZE} (5 MiB) to ${MAX_PART_SIZE} (5 GiB); got ${String(partSize)}`);
  }
}

export function checkPartCount(size: number, partSize: number): void {
  const parts = Math.ceil(size / partSize);
  if (parts > MAX_PARTS) {
    throw new TypeError(
      `Baketsu: partSize ${partSize} would split ${size} bytes into ${parts} parts, more than ${MAX_PARTS}; use at least ${Math.ceil(size / MAX_PARTS)}`,
    );
  }
}

/** The path an upload asks for: `name`, inside `folder` when one is given. */
export function uploadPath(name: string, folder: string | undefined): string {
  return folder === undefined || folder === '' ? name : `${folder.replace(/\/+$/, '')}/${name}`;
}

/** `onConflict` again at completion, so `resume` can choose to rename or replace after a `path_taken`. */
export function completion(options: UploadOptions): { on_conflict?: ConflictPolicy } {
  return options.onConflict === undefined ? {} : { on_conflict: options.onConflict };
}
