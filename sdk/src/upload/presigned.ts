// For a page whose own server presigned the upload (with its secret API key): the browser sends the
// bytes and never holds a Baketsu credential. The server then completes the upload.
import { isTransient, withRetries } from '../retry.js';
import type { PresignResponse, SignedPart } from '../types.js';
import { uploadParts, type UploadedPart } from './multipart.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { toSource } from './source.js';
import { putObject, putUnlessStored } from './transport.js';

export interface PresignedUploadOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Parts in flight at once (default 4). */
  concurrency?: number;
  /** Retries per PUT (default 3). */
  maxRetries?: number;
  /**
   * More (or fresh) part URLs, from your server's `client.uploads.parts(id, numbers)`. Without it, a
   * part URL storage refuses (403, e.g. expired) fails the upload with storage's error.
   */
  signParts?: (partNumbers: number[]) => Promise<SignedPart[]>;
  fetch?: typeof fetch;
}

export interface PresignedUploadResult {
  uploadId: string;
  /** Multipart: the parts sent (etag is null where storage's CORS hides it; completing without parts works). */
  parts?: UploadedPart[];
}

export async function uploadWithPresigned(
  data: Blob | ArrayBuffer | ArrayBufferView,
  presign: PresignResponse,
  options: PresignedUploadOptions = {},
): Promise<PresignedUploadResult> {
  const source = await toSource(data, undefined, {});
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const maxRetries = options.maxRetries ?? 3;
  const signal = options.signal ?? new AbortController().signal;
  const progress = new ProgressTracker(source.size, options.onProgress);
  progress.start();
  if (presign.type === 'multipart') {
    const { part_size: partSize = 0, part_count: partCount = 0 } = presign;
    if (Math.ceil(source.size / partSize) !== partCount) {
      throw new RangeError(`Baketsu: the data (${source.size} bytes) does not fit this plan of ${partCount} × ${partSize} bytes`);
    }
    const signParts = options.signParts;
    const parts = await uploadParts(
      { size: source.size, partSize, partCount, signed: presign.parts ?? [], held: new Set() },
      source,
      {
        fetch: fetchImpl,
        concurrency: options.concurrency ?? 4,
        maxRetries,
        signal,
        progress,
        sign: signParts && ((numbers) => signParts(numbers)),
      },
    );
    progress.finish();
    return { uploadId: presign.upload_id, parts };
  }
  if (source.kind !== 'random' || !presign.url) throw new TypeError('Baketsu: not a presigned single upload');
  // A 412 means storage already holds an object at this key; the server's complete verifies it.
  await putUnlessStored(() =>
    withRetries(
      () =>
        putObject(fetchImpl, {
          url: presign.url!,
          headers: presign.headers ?? {},
          body: source.slice(0, source.size),
          size: source.size,
          signal,
          onBytes: (sent) => progress.update(1, sent, source.size),
        }),
      { maxRetries, signal, retryable: isTransient },
    ),
  );
  progress.finish();
  return { uploadId: presign.upload_id };
}
