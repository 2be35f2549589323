// files.upload and uploads.resume: presign (or ask what the server holds), send the bytes as one PUT
// or as parts, then complete. Every failure is a BaketsuError carrying the upload's id once there is
// one. An abort (the `signal`, `abort()`) or data that breaks its declared size also aborts the upload
// on the server; anything else — a pause, a timeout, a refusal — leaves it pending and resumable.
import { abortErrorOf, AbortError, BaketsuError, ConflictError, throwIfAborted, UploadDataError } from '../errors.js';
import type { RequestOptions, ResolvedConfig } from '../options.js';
import { isTransient, withRetries } from '../retry.js';
import { linkSignal } from '../signals.js';
import type { BaketsuFile, FileUpdateParams, PresignParams, PresignResponse, SignedPart, SignedPut, Upload } from '../types.js';
import { digestOf } from './hashing.js';
import { uploadParts, type PartsPlan } from './multipart.js';
import { ProgressTracker } from './progress.js';
import { bareMediaType, toSource, type Source, type SourcePlatform, type UploadData } from './source.js';
import { UploadTask, type UploadControl } from './task.js';
import { DEFAULT_STALL_TIMEOUT_MS, putObject, putUnlessStored } from './transport.js';
import { checkPartCount, checkUploadOptions, completion, uploadPath, type UploadOptions } from './upload-options.js';
import { checkHeldParts, hashingFor, heldLengths, heldParts, type Hashing, type HeldPart } from './verify.js';

export { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, type UploadOptions, type UploadStart } from './upload-options.js';

/** The API calls an upload needs; implemented by the uploads resource. */
export interface UploadApi {
  presign(params: PresignParams, options?: RequestOptions): Promise<PresignResponse>;
  get(uploadId: string, options?: RequestOptions): Promise<Upload>;
  parts(uploadId: string, partNumbers: number[], options?: RequestOptions): Promise<SignedPart[]>;
  url(uploadId: string, options?: RequestOptions): Promise<SignedPut>;
  complete(uploadId: string, params?: object, options?: RequestOptions): Promise<BaketsuFile>;
  abort(uploadId: string, options?: RequestOptions): Promise<void>;
  getFile(fileId: string, options?: RequestOptions): Promise<BaketsuFile>;
  updateFile(fileId: string, params: FileUpdateParams, options?: RequestOptions): Promise<BaketsuFile>;
}

/** One run of an upload: its options, and the signal that stops every request it makes. */
interface Run {
  options: UploadOptions;
  signal: AbortSignal;
  control: UploadControl;
  /** This run presigned the upload (rather than resuming one that may hold other runs' parts). */
  created: boolean;
}

export class Uploader {
  private readonly hashing: Hashing;

  constructor(
    private readonly api: UploadApi,
    private readonly config: ResolvedConfig,
    private readonly platform: SourcePlatform,
  ) {
    this.hashing = hashingFor(platform);
  }

  upload(data: UploadData, options: UploadOptions = {}): UploadTask {
    return new UploadTask((control) => this.guard(control, options, (run) => this.start(data, run)));
  }

  /**
   * Continues an upload with the same data: a multipart upload sends only the parts storage lacks,
   * once the parts it holds are checked against the data; a single upload is completed if storage
   * already holds it, else sent again whole to a fresh URL.
   */
  resume(uploadId: string, data: UploadData, options: UploadOptions = {}): UploadTask {
    return new UploadTask((control) => {
      control.started(uploadId);
      return this.guard(control, options, (run) => this.continue(uploadId, data, run));
    });
  }

  private async start(data: UploadData, run: Run): Promise<BaketsuFile> {
    const { options } = run;
    const source = await toSource(data, options.size, this.platform);
    if (options.size !== undefined && options.size !== source.size) throw sizeMismatch(`options.size is ${options.size}; the data is ${source.size} bytes`);
    if (options.partSize !== undefined) checkPartCount(source.size, options.partSize);
    const baseName = options.name ?? source.name;
    if (!baseName) throw new TypeError('Baketsu: options.name is required for data without a name');
    const name = uploadPath(baseName, options.folder);
    const contentType = bareMediaType(options.contentType ?? source.type) ?? 'application/octet-stream';
    const sha256 = options.sha256 === true ? await this.checksum(source) : options.sha256;
    // Stopped already (paused or aborted before the upload had an id): reserve nothing.
    throwIfAborted(run.signal);
    const plan = await this.api.presign(
      {
        name,
        size: source.size,
        content_type: contentType,
        ...(sha256 === undefined ? {} : { sha256 }),
        ...(options.partSize === undefined ? {} : { part_size: options.partSize }),
        ...(options.onConflict === undefined ? {} : { on_conflict: options.onConflict }),
      },
      // One key per upload: the API answers a retried presign with its first answer, so a
      // transient failure is retried without reserving the upload twice.
      { ...this.requestOptions(run), idempotencyKey: globalThis.crypto.randomUUID() },
    );
    run.control.started(plan.upload_id);
    run.created = true;
    options.onStart?.({ uploadId: plan.upload_id, type: plan.type, partSize: plan.part_size, partCount: plan.part_count });
    return this.transfer(plan.upload_id, source, run, new Map(), async (progress) => {
      if (plan.type === 'multipart') {
        const parts = { size: source.size, partSize: plan.part_size!, partCount: plan.part_count!, signed: plan.parts ?? [], held: new Set<number>() };
        await this.sendParts(plan.upload_id, parts, source, run, progress);
        return;
      }
      await this.putWhole({ url: plan.url!, headers: plan.headers ?? {} }, source, run, progress);
    });
  }

  private async continue(uploadId: string, data: UploadData, run: Run): Promise<BaketsuFile> {
    const { options } = run;
    const upload = await this.api.get(uploadId, this.requestOptions(run));
    if (upload.status === 'completed' && upload.file_id) return this.api.getFile(upload.file_id, this.requestOptions(run));
    if (upload.status !== 'pending') {
      throw new ConflictError({ message: `Upload ${uploadId} is ${upload.status}; start a new upload`, code: 'upload_not_pending', status: 409 });
    }
    const source = await toSource(data, options.size ?? upload.size, this.platform);
    if (source.size !== upload.size) throw sizeMismatch(`upload ${uploadId} is ${upload.size} bytes; the data is ${source.size}`);
    if (upload.type !== 'multipart' || !upload.part_size || !upload.part_count) {
      options.onStart?.({ uploadId, type: 'single' });
      return this.transfer(uploadId, source, run, new Map(), async (progress) => {
        // The PUT may have reached storage with only `complete` failing (a timeout, a crash): then
        // completing is all that is left, and sending up to 5 GiB again would be waste. The API
        // answers 409 `upload_incomplete` when storage holds no object yet.
        try {
          return await this.api.complete(uploadId, completion(run.options), this.requestOptions(run));
        } catch (error) {
          if (!(error instanceof ConflictError && error.code === 'upload_incomplete')) throw error;
        }
        // One PUT holds the whole file, so it is sent again whole, to a freshly signed URL. Storage
        // keeps whichever object was written first; complete then checks its size and checksum.
        await this.putWhole(await this.api.url(uploadId, this.requestOptions(run)), source, run, progress);
      });
    }
    const { part_size: partSize, part_count: partCount } = upload;
    if (options.partSize !== undefined && options.partSize !== partSize) {
      throw new TypeError(`Baketsu: upload ${uploadId} has parts of ${partSize} bytes; a resumed upload keeps its part size`);
    }
    const held = heldParts(upload);
    const checkHeld = await checkHeldParts(upload, held, source, this.hashing, run.signal);
    const resumedBytes = [...held.values()].reduce((sum, part) => sum + part.size, 0);
    options.onStart?.({ uploadId, type: 'multipart', partSize, partCount, resumedBytes });
    return this.transfer(uploadId, source, run, held, async (progress) => {
      const parts = { size: upload.size, partSize, partCount, signed: [], held: new Set(held.keys()), checkHeld };
      await this.sendParts(uploadId, parts, source, run, progress);
    });
  }

  /** Runs one upload under its stop signal, and turns whatever ends it into the error it reports. */
  private async guard(control: UploadControl, options: UploadOptions, work: (run: Run) => Promise<BaketsuFile>): Promise<BaketsuFile> {
    checkUploadOptions(options);
    const stop = linkSignal(options.signal);
    const run: Run = { options, signal: stop.signal, control, created: false };
    const onStop = () => stop.abort(control.signal.reason);
    if (control.signal.aborted) onStop();
    else control.signal.addEventListener('abort', onStop, { once: true });
    try {
      return await work(run);
    } catch (error) {
      const failure = stop.signal.aborted ? abortErrorOf(stop.signal.reason) : error;
      const uploadId = control.uploadId;
      if (!(failure instanceof BaketsuError) || uploadId === undefined) throw failure;
      failure.uploadId = uploadId;
      if (discards(failure, run)) await this.api.abort(uploadId, { timeout: 15_000 }).catch(() => {});
      throw failure;
    } finally {
      control.signal.removeEventListener('abort', onStop);
      stop.dispose();
    }
  }

  private async transfer(
    uploadId: string,
    source: Source,
    run: Run,
    held: ReadonlyMap<number, HeldPart>,
    /** Sends the bytes; resolves to the file if sending already completed the upload. */
    send: (progress: ProgressTracker) => Promise<BaketsuFile | void>,
  ): Promise<BaketsuFile> {
    const progress = new ProgressTracker(source.size, run.options.onProgress);
    progress.start(heldLengths(held));
    let file = (await send(progress)) ?? (await this.api.complete(uploadId, completion(run.options), this.requestOptions(run)));
    if (run.options.tags !== undefined) file = await this.api.updateFile(file.id, { tags: run.options.tags }, this.requestOptions(run));
    progress.finish();
    return file;
  }

  /** Sends the whole of a single upload with one PUT, retrying transient failures. */
  private async putWhole(target: { url: string; headers: Record<string, string> }, source: Source, run: Run, progress: ProgressTracker): Promise<void> {
    const bytes = source.kind === 'stream' ? await source.read(source.size) : undefined;
    if (source.kind === 'stream') await source.assertEnded();
    const { signal, options } = run;
    await putUnlessStored(() =>
      withRetries(
        () =>
          putObject(this.config.fetch, {
            url: target.url,
            headers: target.headers,
            body: bytes ?? (source as Extract<Source, { kind: 'random' }>).slice(0, source.size),
            size: source.size,
            signal,
            timeout: options.timeout,
            stallTimeout: options.stallTimeout ?? DEFAULT_STALL_TIMEOUT_MS,
            onBytes: (sent) => progress.update(1, sent, source.size),
          }),
        { maxRetries: options.maxRetries ?? this.config.maxRetries, signal, retryable: isTransient },
      ),
    );
  }

  private async sendParts(uploadId: string, plan: PartsPlan, source: Source, run: Run, progress: ProgressTracker): Promise<void> {
    const { options, signal } = run;
    await uploadParts(plan, source, {
      fetch: this.config.fetch,
      concurrency: Math.max(1, options.concurrency ?? this.config.uploadConcurrency),
      maxRetries: options.maxRetries ?? this.config.maxRetries,
      timeout: options.timeout,
      stallTimeout: options.stallTimeout ?? DEFAULT_STALL_TIMEOUT_MS,
      signal,
      progress,
      sign: (numbers: number[], partSignal: AbortSignal) => this.api.parts(uploadId, numbers, { ...this.requestOptions(run), signal: partSignal }),
    });
  }

  private requestOptions(run: Run): RequestOptions {
    const { maxRetries, timeout } = run.options;
    return { signal: run.signal, ...(maxRetries === undefined ? {} : { maxRetries }), ...(timeout === undefined ? {} : { timeout }) };
  }

  private async checksum(source: Source): Promise<string> {
    if (source.kind !== 'random') throw new TypeError('Baketsu: sha256: true needs a Blob, bytes or a file path (a stream is read only once); pass the checksum instead');
    return digestOf(source.slice(0, source.size), this.hashing('sha256'));
  }
}

/**
 * What ends an upload for good: the caller aborting it, or a stream that breaks the size it was
 * presigned with. A resume keeps the upload then: its held parts still fit the right data.
 */
function discards(failure: BaketsuError, run: Run): boolean {
  if (failure instanceof AbortError) return failure.code === 'aborted';
  return run.created && failure instanceof UploadDataError && (failure.code === 'data_too_short' || failure.code === 'data_too_long');
}

const sizeMismatch = (detail: string) => new UploadDataError({ message: `The data is not the declared size: ${detail}`, code: 'size_mismatch' });
