// files.upload and uploads.resume: presign (or ask what the server holds), send the bytes as one PUT
// or as parts, then complete. An abort via `signal` also aborts the upload on the server; any other
// failure leaves it pending and puts its id on the error, so it can be resumed.
import { BaketsuError, ConflictError } from '../errors.js';
import { rejectUnknownKeys, type RequestOptions, type ResolvedConfig } from '../options.js';
import { isTransient, withRetries } from '../retry.js';
import type { BaketsuFile, ConflictPolicy, PresignParams, PresignResponse, SignedPart, SignedPut, Upload } from '../types.js';
import { uploadParts } from './multipart.js';
import { ProgressTracker, type ProgressListener } from './progress.js';
import { bareMediaType, toSource, type Source, type SourcePlatform, type UploadData } from './source.js';
import { putObject } from './transport.js';

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
  /** SHA-256 of the content (hex or base64), or `true` to have it computed (Node, random-access data). */
  sha256?: string | true;
  onProgress?: ProgressListener;
  /** Called once the upload has an id: keep it to resume after a crash. */
  onStart?: (upload: UploadStart) => void;
  signal?: AbortSignal;
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
}

const UPLOAD_OPTION_KEYS = ['name', 'folder', 'onConflict', 'contentType', 'size', 'sha256', 'onProgress', 'onStart', 'signal', 'partSize', 'concurrency', 'maxRetries'];

const MIB = 1024 * 1024;
/** S3's limits on parts, which the API enforces too. */
export const MIN_PART_SIZE = 5 * MIB;
export const MAX_PART_SIZE = 5 * 1024 * MIB;
export const MAX_PARTS = 10_000;

/** `onConflict` again at completion, so `resume` can choose to rename or replace after a `path_taken`. */
const completion = (options: UploadOptions) => (options.onConflict === undefined ? {} : { on_conflict: options.onConflict });

function checkPartSize(partSize: unknown): void {
  if (typeof partSize !== 'number' || !Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new TypeError(`Baketsu: partSize must be a whole number of bytes from ${MIN_PART_SIZE} (5 MiB) to ${MAX_PART_SIZE} (5 GiB); got ${String(partSize)}`);
  }
}

function checkPartCount(size: number, partSize: number): void {
  const parts = Math.ceil(size / partSize);
  if (parts > MAX_PARTS) {
    throw new TypeError(
      `Baketsu: partSize ${partSize} would split ${size} bytes into ${parts} parts, more than ${MAX_PARTS}; use at least ${Math.ceil(size / MAX_PARTS)}`,
    );
  }
}

/** The API calls an upload needs; implemented by the uploads and files resources. */
export interface UploadApi {
  presign(params: PresignParams, options?: RequestOptions): Promise<PresignResponse>;
  get(uploadId: string, options?: RequestOptions): Promise<Upload>;
  parts(uploadId: string, partNumbers: number[], options?: RequestOptions): Promise<SignedPart[]>;
  url(uploadId: string, options?: RequestOptions): Promise<SignedPut>;
  complete(uploadId: string, params?: object, options?: RequestOptions): Promise<BaketsuFile>;
  abort(uploadId: string, options?: RequestOptions): Promise<void>;
  getFile(fileId: string, options?: RequestOptions): Promise<BaketsuFile>;
}

export class Uploader {
  constructor(
    private readonly api: UploadApi,
    private readonly config: ResolvedConfig,
    private readonly platform: SourcePlatform,
  ) {}

  async upload(data: UploadData, options: UploadOptions = {}): Promise<BaketsuFile> {
    rejectUnknownKeys(options, UPLOAD_OPTION_KEYS, 'upload option');
    const { partSize } = options;
    if (partSize !== undefined) {
      checkPartSize(partSize);
      if (options.size !== undefined) checkPartCount(options.size, partSize);
    }
    const source = await this.source(data, options.size);
    if (options.size !== undefined && options.size !== source.size) throw new RangeError(`Baketsu: options.size is ${options.size}; the data is ${source.size} bytes`);
    if (partSize !== undefined) checkPartCount(source.size, partSize);
    const baseName = options.name ?? source.name;
    if (!baseName) throw new TypeError('Baketsu: options.name is required for data without a name');
    const name = options.folder === undefined || options.folder === '' ? baseName : `${options.folder.replace(/\/+$/, '')}/${baseName}`;
    const contentType = bareMediaType(options.contentType ?? source.type) ?? 'application/octet-stream';
    const sha256 = options.sha256 === true ? await this.checksum(source) : options.sha256;
    const plan = await this.api.presign(
      {
        name,
        size: source.size,
        content_type: contentType,
        ...(sha256 === undefined ? {} : { sha256 }),
        ...(partSize === undefined ? {} : { part_size: partSize }),
        ...(options.onConflict === undefined ? {} : { on_conflict: options.onConflict }),
      },
      // One key per upload: the API answers a retried presign with its first answer, so a
      // transient failure is retried without reserving the upload twice.
      { ...this.requestOptions(options), idempotencyKey: globalThis.crypto.randomUUID() },
    );
    options.onStart?.({ uploadId: plan.upload_id, type: plan.type, partSize: plan.part_size, partCount: plan.part_count });
    return this.transfer(plan.upload_id, source, options, new Map(), async (signal, progress) => {
      if (plan.type === 'multipart') {
        const parts = { size: source.size, partSize: plan.part_size!, partCount: plan.part_count!, signed: plan.parts ?? [], held: new Set<number>() };
        await uploadParts(parts, source, this.partsContext(plan.upload_id, options, signal, progress));
        return;
      }
      await this.putWhole({ url: plan.url!, headers: plan.headers ?? {} }, source, options, signal, progress);
    });
  }

  /** Sends the whole of a single upload with one PUT, retrying transient failures. */
  private async putWhole(
    target: { url: string; headers: Record<string, string> },
    source: Source,
    options: UploadOptions,
    signal: AbortSignal,
    progress: ProgressTracker,
  ): Promise<void> {
    const bytes = source.kind === 'stream' ? await source.read(source.size) : undefined;
    if (source.kind === 'stream') await source.assertEnded();
    await withRetries(
      () =>
        putObject(this.config.fetch, {
          url: target.url,
          headers: target.headers,
          body: bytes ?? (source as Extract<Source, { kind: 'random' }>).slice(0, source.size),
          size: source.size,
          signal,
          onBytes: (sent) => progress.update(1, sent, source.size),
        }),
      { maxRetries: options.maxRetries ?? this.config.maxRetries, signal, retryable: isTransient },
    );
  }

  /**
   * Continues an upload with the same data: a multipart upload sends only the parts storage lacks;
   * a single upload is completed if storage already holds it, else sent again whole to a fresh URL.
   */
  async resume(uploadId: string, data: UploadData, options: UploadOptions = {}): Promise<BaketsuFile> {
    rejectUnknownKeys(options, UPLOAD_OPTION_KEYS, 'upload option');
    const upload = await this.api.get(uploadId, this.requestOptions(options));
    if (upload.status === 'completed' && upload.file_id) return this.api.getFile(upload.file_id, this.requestOptions(options));
    if (upload.status !== 'pending') {
      throw new ConflictError({ message: `Upload ${uploadId} is ${upload.status}; start a new upload`, code: 'upload_not_pending', status: 409 });
    }
    const source = await this.source(data, options.size ?? upload.size);
    if (source.size !== upload.size) throw new RangeError(`Baketsu: upload ${uploadId} is ${upload.size} bytes; the data is ${source.size}`);
    if (upload.type !== 'multipart' || !upload.part_size || !upload.part_count) {
      options.onStart?.({ uploadId, type: 'single' });
      return this.transfer(uploadId, source, options, new Map(), async (signal, progress) => {
        // The PUT may have reached storage with only `complete` failing (a timeout, a crash): then
        // completing is all that is left, and sending up to 5 GiB again would be waste. The API
        // answers 409 `upload_incomplete` when storage holds no object yet.
        try {
          return await this.api.complete(uploadId, completion(options), { ...this.requestOptions(options), signal });
        } catch (error) {
          if (!(error instanceof ConflictError && error.code === 'upload_incomplete')) throw error;
        }
        // One PUT holds the whole file, so it is sent again whole, to a freshly signed URL.
        const target = await this.api.url(uploadId, { ...this.requestOptions(options), signal });
        await this.putWhole(target, source, options, signal, progress);
      });
    }
    const { part_size: partSize, part_count: partCount } = upload;
    if (options.partSize !== undefined && options.partSize !== partSize) {
      throw new TypeError(`Baketsu: upload ${uploadId} has parts of ${partSize} bytes; a resumed upload keeps its part size`);
    }
    const lengthOf = (n: number) => (n < partCount ? partSize : upload.size - partSize * (partCount - 1));
    const held = new Set((upload.parts ?? []).filter((p) => p.size === lengthOf(p.part_number)).map((p) => p.part_number));
    options.onStart?.({ uploadId, type: 'multipart', partSize, partCount });
    return this.transfer(uploadId, source, options, new Map([...held].map((n) => [n, lengthOf(n)])), async (signal, progress) => {
      await uploadParts({ size: upload.size, partSize, partCount, signed: [], held }, source, this.partsContext(uploadId, options, signal, progress));
    });
  }

  private async transfer(
    uploadId: string,
    source: Source,
    options: UploadOptions,
    held: ReadonlyMap<number, number>,
    /** Sends the bytes; resolves to the file if sending already completed the upload. */
    send: (signal: AbortSignal, progress: ProgressTracker) => Promise<BaketsuFile | void>,
  ): Promise<BaketsuFile> {
    const progress = new ProgressTracker(source.size, options.onProgress);
    progress.start(held);
    const signal = options.signal ?? new AbortController().signal;
    try {
      const file = (await send(signal, progress)) ?? (await this.api.complete(uploadId, completion(options), this.requestOptions(options)));
      progress.finish();
      return file;
    } catch (error) {
      if (signal.aborted) {
        // The caller's signal is spent; the abort itself must still get through.
        await this.api.abort(uploadId, { timeout: 15_000 }).catch(() => {});
        throw signal.reason;
      }
      if (error instanceof BaketsuError) error.uploadId = uploadId;
      throw error;
    }
  }

  private partsContext(uploadId: string, options: UploadOptions, signal: AbortSignal, progress: ProgressTracker) {
    return {
      fetch: this.config.fetch,
      concurrency: Math.max(1, options.concurrency ?? this.config.uploadConcurrency),
      maxRetries: options.maxRetries ?? this.config.maxRetries,
      signal,
      progress,
      sign: (numbers: number[], partSignal: AbortSignal) => this.api.parts(uploadId, numbers, { ...this.requestOptions(options), signal: partSignal }),
    };
  }

  private requestOptions(options: UploadOptions): RequestOptions {
    return {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    };
  }

  private source(data: UploadData, size: number | undefined): Promise<Source> {
    return toSource(data, size, this.platform);
  }

  private async checksum(source: Source): Promise<string> {
    if (source.kind !== 'random' || !this.platform.sha256) {
      throw new TypeError('Baketsu: sha256: true needs Node and a Blob, bytes or a file path; pass the checksum instead');
    }
    return this.platform.sha256(source);
  }
}
