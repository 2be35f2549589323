// What `files.upload` and `uploads.resume` return: the Promise of the stored file, which can also
// be paused or aborted while it runs (as lib-storage's `Upload` can be aborted, and in the spirit of
// openai-node's APIPromise: a Promise first, with a few methods more).
import { AbortError } from '../errors.js';
import type { BaketsuFile } from '../types.js';

/** The upload's side of an UploadTask: whether, and how, its caller stopped it. */
export class UploadControl {
  readonly #stop = new AbortController();
  #uploadId: string | undefined;

  /** Aborts with an `AbortError` whose `code` says how: `paused` (kept) or `aborted` (discarded). */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  get uploadId(): string | undefined {
    return this.#uploadId;
  }

  started(uploadId: string): void {
    this.#uploadId = uploadId;
  }

  stop(code: 'paused' | 'aborted'): void {
    if (this.#stop.signal.aborted) return;
    const message = code === 'paused' ? 'The upload was paused; resume it with client.uploads.resume(uploadId, data)' : 'The upload was aborted';
    this.#stop.abort(new AbortError({ message, code }));
  }
}

/**
 * An upload in progress: `await` it for the stored file, as any Promise. `pause()` stops sending and
 * keeps the upload pending on the server; `abort()` stops and discards it.
 */
export class UploadTask extends Promise<BaketsuFile> {
  // `then`, `catch` and `finally` return plain Promises, so chaining never calls this constructor.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #control: UploadControl;

  /** @internal */
  constructor(run: (control: UploadControl) => Promise<BaketsuFile>) {
    let settle!: { resolve: (file: BaketsuFile) => void; reject: (reason: unknown) => void };
    super((resolve, reject) => (settle = { resolve, reject }));
    this.#control = new UploadControl();
    run(this.#control).then(settle.resolve, settle.reject);
  }

  /** The upload's id once the API has one (after presign, or at once for a resume); keep it to resume later. */
  get uploadId(): string | undefined {
    return this.#control.uploadId;
  }

  /**
   * Stops sending at once and leaves the upload pending on the server: the task rejects with an
   * `AbortError` (`code: 'paused'`) carrying `uploadId`; `client.uploads.resume(uploadId, data)`
   * continues it, sending only the parts storage lacks. Before the upload has an id there is
   * nothing to keep, and pausing stops it like `abort()`. Does nothing once the task has settled.
   */
  pause(): void {
    this.#control.stop('paused');
  }

  /**
   * Stops sending and discards the upload on the server, as the `signal` option does: the task
   * rejects with an `AbortError` (`code: 'aborted'`).
   */
  abort(): void {
    this.#control.stop('aborted');
  }
}
