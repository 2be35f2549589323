// Uploads the parts of a multipart plan: a few at a time, each read only when its turn comes (so
// memory stays near concurrency × part size), each retried on its own, and with part URLs signed in
// batches as needed and re-signed when storage says one has expired.
import { abortErrorOf, BaketsuError, StorageError } from '../errors.js';
import { isTransient, withRetries } from '../retry.js';
import { linkSignal } from '../signals.js';
import type { SignedPart } from '../types.js';
import type { ProgressTracker } from './progress.js';
import type { Source } from './source.js';
import { putObject } from './transport.js';
import type { HeldPartCheck } from './verify.js';

export interface PartsPlan {
  size: number;
  partSize: number;
  partCount: number;
  /** URLs already in hand (from presign). */
  signed: readonly SignedPart[];
  /** Parts storage already holds (a resumed upload). */
  held: ReadonlySet<number>;
  /** Checks a held part's bytes as a stream skips past them (random-access data is checked before). */
  checkHeld?: HeldPartCheck | undefined;
}

export interface PartsContext {
  fetch: typeof fetch;
  concurrency: number;
  maxRetries: number;
  /** Per PUT attempt, in milliseconds: in all, and without progress (see `putObject`). */
  timeout?: number | undefined;
  stallTimeout?: number | undefined;
  signal: AbortSignal | undefined;
  progress: ProgressTracker;
  /** Fresh URLs for these parts; without it only `plan.signed` can be used. */
  sign?: ((partNumbers: number[], signal: AbortSignal) => Promise<SignedPart[]>) | undefined;
}

export interface UploadedPart {
  part_number: number;
  etag: string | null;
}

// A URL this close to its expiry is re-signed before use rather than risked on a long part.
const URL_MARGIN_MS = 30_000;
const SIGN_BATCH = 100;
const MAX_RESIGNS = 2;

export async function uploadParts(plan: PartsPlan, source: Source, ctx: PartsContext): Promise<UploadedPart[]> {
  const { size, partSize, partCount } = plan;
  const lengthOf = (n: number) => (n < partCount ? partSize : size - partSize * (partCount - 1));
  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !plan.held.has(n));
  const urls = new Map(plan.signed.map((part) => [part.part_number, part]));
  const signing = new Map<number, Promise<void>>();
  // The first part that fails for good stops the others.
  const stop = linkSignal(ctx.signal);
  const signal = stop.signal;
  const fresh = (part: SignedPart | undefined) => part !== undefined && Date.parse(part.expires_at) - Date.now() > URL_MARGIN_MS;

  async function urlFor(n: number, refresh: boolean): Promise<SignedPart> {
    if (!refresh && fresh(urls.get(n))) return urls.get(n)!;
    let job = signing.get(n);
    if (!job || refresh) {
      if (!ctx.sign) throw new BaketsuError({ message: `Part ${n} has no usable URL and no way to sign one`, code: 'part_url_unavailable' });
      const from = todo.indexOf(n);
      const batch = [n, ...todo.slice(from + 1).filter((m) => !signing.has(m) && !fresh(urls.get(m)))].slice(0, SIGN_BATCH);
      const started = ctx.sign(batch, signal).then((parts) => parts.forEach((part) => urls.set(part.part_number, part)));
      job = started;
      batch.forEach((m) => signing.set(m, started));
      void started.catch(() => {}).finally(() => batch.forEach((m) => signing.get(m) === started && signing.delete(m)));
    }
    await job;
    const url = urls.get(n);
    if (!url) throw new BaketsuError({ message: `The API signed no URL for part ${n}`, code: 'part_url_unavailable' });
    return url;
  }

  async function send(n: number, bytes: Uint8Array | undefined): Promise<UploadedPart> {
    const length = lengthOf(n);
    const start = (n - 1) * partSize;
    let resigns = 0;
    let transientFailures = 0;
    let refresh = false;
    return withRetries(
      async () => {
        // Cleared before signing, so a failed re-sign is judged on its own error, not retried as a 403.
        const resign = refresh;
        refresh = false;
        const url = await urlFor(n, resign);
        try {
          const body = bytes ?? (source.kind === 'random' ? source.slice(start, start + length) : new Uint8Array());
          const { etag } = await putObject(ctx.fetch, {
            url: url.url,
            headers: url.headers,
            body,
            size: length,
            signal,
            timeout: ctx.timeout,
            stallTimeout: ctx.stallTimeout,
            onBytes: (sent) => ctx.progress.update(n, sent, length),
          });
          ctx.progress.update(n, length, length);
          return { part_number: n, etag };
        } catch (error) {
          // 403 from storage on a URL we believed valid: it expired (clock skew, a long stall); sign
          // again. With no way to sign (uploadWithPresigned without signParts), storage's own error
          // is the one worth reporting, at once.
          if (error instanceof StorageError && error.status === 403 && resigns < MAX_RESIGNS && ctx.sign) {
            resigns++;
            refresh = true;
            // Should the re-sign fail and be retried, the refused URL is not sent to again.
            if (urls.get(n) === url) urls.delete(n);
          }
          throw error;
        }
      },
      {
        maxRetries: ctx.maxRetries + MAX_RESIGNS,
        signal,
        retryable: (error) => refresh || ((isTransient(error) || isStorageTimeout(error)) && transientFailures++ < ctx.maxRetries),
      },
    );
  }

  let next = 0;
  let readEnd = 0;
  let reads: Promise<unknown> = Promise.resolve();
  // Sequential sources are read strictly in part order, skipping parts storage already holds.
  const readUpTo = (start: number, length: number): Promise<Uint8Array | undefined> => {
    if (source.kind !== 'stream') return Promise.resolve(undefined);
    const read = reads.then(async () => {
      // Parts storage holds are read past (whole parts: every part but the last is partSize long).
      while (readEnd < start) {
        const skipped = await source.read(Math.min(partSize, start - readEnd));
        await plan.checkHeld?.(readEnd / partSize + 1, skipped);
        readEnd += skipped.byteLength;
      }
      const bytes = length > 0 ? await source.read(length) : undefined;
      readEnd += length;
      return bytes;
    });
    reads = read.catch(() => {});
    return read;
  };

  const done: UploadedPart[] = [];
  const worker = async () => {
    while (next < todo.length) {
      if (signal.aborted) throw abortErrorOf(signal.reason);
      const n = todo[next++]!;
      const bytes = await readUpTo((n - 1) * partSize, lengthOf(n));
      done.push(await send(n, bytes));
    }
  };
  // Every worker settles before this returns, so nothing is still sending when the caller aborts.
  let failed = false;
  let failure: unknown;
  try {
    const workers = Array.from({ length: Math.min(ctx.concurrency, Math.max(1, todo.length)) }, () =>
      worker().catch((error: unknown) => {
        if (failed) return;
        failed = true;
        failure = signal.aborted ? abortErrorOf(signal.reason) : error;
        stop.abort(failure);
      }),
    );
    await Promise.all(workers);
    if (failed) throw failure;
    if (source.kind === 'stream') {
      await readUpTo(size, 0);
      await source.assertEnded();
    }
  } finally {
    stop.dispose();
  }
  return done.sort((a, b) => a.part_number - b.part_number);
}

function isStorageTimeout(error: unknown): boolean {
  return error instanceof StorageError && error.status === 400 && (error.code === 'RequestTimeout' || error.code === 'IncompleteBody');
}
