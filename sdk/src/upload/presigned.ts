// For a page whose own server presigned the upload (with its secret API key): the browser sends the
// bytes and never holds a Baketsu credential. The server then completes the upload. Every failure
// is a BaketsuError carrying the upload's id; the upload stays pending (the page holds no credential
// to abort it), to be resumed or aborted by the page's server.
import { abortErrorOf, BaketsuError, ConflictError, UploadDataError } from '../errors.js';
import { nonNegative, rejectUnknownKeys } from '../options.js';
import { isTransient, withRetries } from '../retry.js';
import type { PresignResponse, SignedPart, Upload } from '../types.js';
import { uploadParts, type UploadedPart } from './multipart.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { toSource, type RandomSource } from './source.js';
import { DEFAULT_STALL_TIMEOUT_MS, putObject, putUnlessStored } from './transport.js';
import type { UploadStart } from './upload-options.js';
import { checkHeldParts, hashingFor, heldLengths, heldParts, type HeldPart } from './verify.js';

/** What a page can send: the bytes are read part by part, never all at once. */
export type PresignedUploadData = Blob | ArrayBuffer | ArrayBufferView;

/** Asks the page's own server for fresh part URLs (it calls `client.uploads.parts(id, numbers)`). */
export type SignParts = (partNumbers: number[], signal: AbortSignal) => Promise<SignedPart[]>;

export interface PresignedUploadOptions {
  /** Progress as bytes leave for storage: at least every 256 KiB or 100 ms, never backwards, ending at `total`. */
  onProgress?: ProgressListener;
  /**
   * Stops every PUT in flight and every retry waiting, and rejects with the signal's reason. The
   * upload stays pending on the server: abort it there, or resume it later with
   * {@link resumeWithPresigned}.
   */
  signal?: AbortSignal;
  /** Parts in flight at once (default 4). */
  concurrency?: number;
  /** Retries per PUT (default 3); a storage `Retry-After` sets the wait. */
  maxRetries?: number;
  /** Milliseconds per PUT attempt (default: no limit; `stallTimeout` bounds it). */
  timeout?: number;
  /**
   * Milliseconds a PUT may go without sending a byte or getting its answer before it is given up and
   * retried (a `TimeoutError`, `code: 'stalled'`); 0 turns it off. Default 60 000.
   */
  stallTimeout?: number;
  /**
   * More (or fresh) part URLs, from your server's `client.uploads.parts(id, numbers)`. Without it, a
   * part URL storage refuses (403, e.g. expired) fails the upload with storage's error. `signal`
   * aborts when the upload stops; pass it on to `fetch`. A transient failure (a `BaketsuError` with
   * status 408, 429 or 5xx, or a `ConnectionError`) is retried like a PUT.
   */
  signParts?: SignParts;
  fetch?: typeof fetch;
}

const PRESIGNED_OPTION_KEYS = ['onProgress', 'signal', 'concurrency', 'maxRetries', 'timeout', 'stallTimeout', 'signParts', 'fetch'];
const RESUME_OPTION_KEYS = [...PRESIGNED_OPTION_KEYS, 'onStart'];

function checkOptions(options: PresignedUploadOptions, keys: readonly string[]): void {
  rejectUnknownKeys(options, keys, 'upload option');
  for (const name of ['concurrency', 'maxRetries', 'timeout', 'stallTimeout'] as const) {
    if (options[name] !== undefined) nonNegative(options[name], name);
  }
}

export interface PresignedUploadResult {
  uploadId: string;
  /** Multipart: the parts sent (etag is null where storage's CORS hides it; completing without parts works). */
  parts?: UploadedPart[];
}

export interface PresignedResumeOptions extends PresignedUploadOptions {
  /** Required: a resumed upload has no part URLs in hand. */
  signParts: SignParts;
  /** Called before any byte is sent; `resumedBytes` says how much storage already holds. */
  onStart?: (start: UploadStart) => void;
}

/**
 * Sends `data` to the URLs of a presign answer your server obtained (`client.uploads.presign`), then
 * leaves completing to your server (`client.uploads.complete`). Each PUT and part is retried on its
 * own; in browsers the bytes go through XMLHttpRequest, the one API that reports upload progress.
 */
export async function uploadWithPresigned(data: PresignedUploadData, presign: PresignResponse, options: PresignedUploadOptions = {}): Promise<PresignedUploadResult> {
  checkOptions(options, PRESIGNED_OPTION_KEYS);
  const source = await randomSource(data);
  return withUploadId(presign.upload_id, options, async () => {
    // Checked before anything is sent: storage would refuse other lengths, but with a bare 403.
    if (presign.size !== undefined && source.size !== presign.size) {
      throw new UploadDataError({ message: `The data is ${source.size} bytes; upload ${presign.upload_id} was presigned for ${presign.size}`, code: 'size_mismatch' });
    }
    const progress = new ProgressTracker(source.size, options.onProgress);
    if (presign.type === 'multipart') {
      const { part_size: partSize = 0, part_count: partCount = 0 } = presign;
      if (Math.ceil(source.size / partSize) !== partCount) {
        throw new UploadDataError({ message: `The data (${source.size} bytes) does not fit this plan of ${partCount} × ${partSize} bytes`, code: 'size_mismatch' });
      }
      progress.start();
      const parts = await sendParts(source, { uploadId: presign.upload_id, partSize, partCount, signed: presign.parts ?? [], held: new Map() }, progress, options);
      return { uploadId: presign.upload_id, parts };
    }
    if (!presign.url) throw new TypeError('Baketsu: not a presigned single upload');
    progress.start();
    const signal = options.signal ?? new AbortController().signal;
    // A 412 means storage already holds an object at this key; the server's complete verifies it.
    await putUnlessStored(() =>
      withRetries(
        () =>
          putObject(fetchOf(options), {
            url: presign.url!,
            headers: presign.headers ?? {},
            body: source.slice(0, source.size),
            size: source.size,
            signal,
            timeout: options.timeout,
            stallTimeout: options.stallTimeout ?? DEFAULT_STALL_TIMEOUT_MS,
            onBytes: (sent) => progress.update(1, sent, source.size),
          }),
        { maxRetries: options.maxRetries ?? 3, signal, retryable: isTransient },
      ),
    );
    progress.finish();
    return { uploadId: presign.upload_id };
  });
}

/**
 * Continues a pending multipart upload with the same data, sending only the parts storage lacks;
 * `upload` is what your server's `client.uploads.get(uploadId)` answered. Keep the upload id (never a
 * credential) in the page's storage to resume after a reload. A single-PUT upload is not resumed
 * part-wise: send it again with {@link uploadWithPresigned} and a URL from `client.uploads.url(id)`.
 *
 * Before any part is skipped, the parts storage holds are checked against `data` (their ETags are
 * their MD5s; else the SHA-256 the upload declared vouches for the whole data).
 *
 * @throws ConflictError `upload_not_pending` when the upload is completed, aborted or failed.
 * @throws UploadDataError `size_mismatch` when `data` is not the size the upload was presigned for;
 *   `part_mismatch` or `sha256_mismatch` when it is not the data the upload was started with;
 *   `resume_unverifiable` when storage's ETags are not MD5s and the upload declared no SHA-256.
 */
export async function resumeWithPresigned(data: PresignedUploadData, upload: Upload, options: PresignedResumeOptions): Promise<PresignedUploadResult> {
  checkOptions(options, RESUME_OPTION_KEYS);
  const source = await randomSource(data);
  return withUploadId(upload.upload_id, options, async () => {
    if (upload.status !== 'pending') {
      throw new ConflictError({ message: `Upload ${upload.upload_id} is ${upload.status}; start a new upload`, code: 'upload_not_pending', status: 409 });
    }
    const { part_size: partSize, part_count: partCount } = upload;
    if (upload.type !== 'multipart' || !partSize || !partCount) {
      throw new TypeError(`Baketsu: upload ${upload.upload_id} is a single PUT; send it again with uploadWithPresigned and a URL from uploads.url`);
    }
    if (source.size !== upload.size) {
      throw new UploadDataError({ message: `Upload ${upload.upload_id} is ${upload.size} bytes; the data is ${source.size}`, code: 'size_mismatch' });
    }
    const held = heldParts(upload);
    await checkHeldParts(upload, held, source, hashingFor({}), options.signal);
    const resumedBytes = [...held.values()].reduce((sum, part) => sum + part.size, 0);
    options.onStart?.({ uploadId: upload.upload_id, type: 'multipart', partSize, partCount, resumedBytes });
    const progress = new ProgressTracker(source.size, options.onProgress);
    progress.start(heldLengths(held));
    const parts = await sendParts(source, { uploadId: upload.upload_id, partSize, partCount, signed: [], held }, progress, options);
    return { uploadId: upload.upload_id, parts };
  });
}

/** Puts the upload's id on whatever failure ends it, as a typed error (an abort is an `AbortError`). */
async function withUploadId<T>(uploadId: string, options: PresignedUploadOptions, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const failure = options.signal?.aborted ? abortErrorOf(options.signal.reason) : error;
    if (failure instanceof BaketsuError) failure.uploadId = uploadId;
    throw failure;
  }
}

async function sendParts(
  source: RandomSource,
  plan: { uploadId: string; partSize: number; partCount: number; signed: readonly SignedPart[]; held: ReadonlyMap<number, HeldPart> },
  progress: ProgressTracker,
  options: PresignedUploadOptions,
): Promise<UploadedPart[]> {
  const parts = await uploadParts(
    { size: source.size, partSize: plan.partSize, partCount: plan.partCount, signed: plan.signed, held: new Set(plan.held.keys()) },
    source,
    {
      fetch: fetchOf(options),
      concurrency: Math.max(1, options.concurrency ?? 4),
      maxRetries: options.maxRetries ?? 3,
      timeout: options.timeout,
      stallTimeout: options.stallTimeout ?? DEFAULT_STALL_TIMEOUT_MS,
      signal: options.signal,
      progress,
      sign: options.signParts,
    },
  );
  progress.finish();
  return parts;
}

async function randomSource(data: PresignedUploadData): Promise<RandomSource> {
  const source = await toSource(data, undefined, {});
  if (source.kind !== 'random') throw new TypeError('Baketsu: uploadWithPresigned takes a Blob, a File or bytes');
  return source;
}

const fetchOf = (options: PresignedUploadOptions): typeof fetch => options.fetch ?? globalThis.fetch.bind(globalThis);
