// How an upload ends when it does not finish: paused (kept, resumable), aborted (discarded), timed
// out or stalled (kept), or fed a stream of the wrong length (discarded) — always as a BaketsuError
// carrying the upload's id. Storage and the API are fakes; time is the fake clock.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, BaketsuError, TimeoutError, UploadDataError } from '../errors.js';
import { resolveConfig } from '../options.js';
import type { BaketsuFile, PresignResponse, Upload } from '../types.js';
import type { UploadTask } from './task.js';
import { Uploader, type UploadApi } from './upload.js';

const UPLOAD_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const PART = 8;
const data = Uint8Array.from({ length: 30 }, (_, i) => i);
const partCount = Math.ceil(data.length / PART);
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const later = () => new Date(Date.now() + 3_600_000).toISOString();

type Storage = (part: number, body: Uint8Array | undefined, init: RequestInit) => 'store' | 'hang';

/**
 * A multipart upload of `data` in 4 parts: an API that remembers what storage holds (as
 * `uploads.get` reports it, with MD5 ETags), and storage that stores or hangs as `storage` says.
 */
function world(storage: Storage = () => 'store') {
  const calls: string[] = [];
  const stored = new Map<number, Uint8Array>();
  let status: Upload['status'] = 'pending';
  const file = { id: 'file-1', name: 'data.bin', size: data.length, tags: [] } as unknown as BaketsuFile;
  const signed = (n: number) => ({ part_number: n, size: 0, url: `http://storage.test/part/${n}`, headers: {}, expires_at: later() });
  const api: UploadApi = {
    presign: async () => (calls.push('presign'), { upload_id: UPLOAD_ID, type: 'multipart', size: data.length, part_size: PART, part_count: partCount, parts: [], expires_at: later() } as unknown as PresignResponse),
    get: async () => {
      calls.push('get');
      const parts = [...stored].map(([n, bytes]) => ({ part_number: n, size: bytes.length, etag: `"${md5(bytes)}"` }));
      return { upload_id: UPLOAD_ID, type: 'multipart', status, name: 'data.bin', size: data.length, content_type: 'application/octet-stream', created_at: later(), part_size: PART, part_count: partCount, parts };
    },
    parts: async (_id, numbers) => numbers.map(signed),
    url: async () => ({ upload_id: UPLOAD_ID, method: 'PUT', url: 'http://storage.test/object', headers: {}, expires_at: later() }),
    complete: async () => (calls.push('complete'), (status = 'completed'), file),
    abort: async () => void (calls.push('abort'), (status = 'aborted')),
    getFile: async () => file,
    updateFile: async (_id, params) => (calls.push(`tags ${params.tags?.join(',')}`), { ...file, tags: params.tags ?? [] }),
  };
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const n = Number(String(input).split('/').pop());
    calls.push(`put ${n}`);
    if (storage(n, undefined, init) === 'hang') {
      return new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));
    }
    const body = new Uint8Array(await new Response(init.body as BodyInit).arrayBuffer());
    stored.set(n, body);
    storage(n, body, init);
    return new Response(null, { status: 200, headers: { etag: `"${md5(body)}"` } });
  }) as typeof globalThis.fetch;
  const uploader = new Uploader(api, resolveConfig({ baseUrl: 'http://api.test', apiKey: 'key' }, { fetch, maxRetries: 0, uploadConcurrency: 1 }), {});
  return { uploader, calls, stored, file };
}

const failureOf = (task: Promise<unknown>) => task.then(() => undefined, (error: unknown) => error);

afterEach(() => vi.useRealTimers());

describe('pausing', () => {
  it('stops at once, keeps the upload pending with the parts stored so far, and resumes sending only the rest', async () => {
    let task!: UploadTask;
    const w = world((n, body) => {
      if (n === 2 && body) task.pause();
      return 'store';
    });
    task = w.uploader.upload(data, { name: 'data.bin' });
    const error = await failureOf(task);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'paused', uploadId: UPLOAD_ID });
    expect(task.uploadId).toBe(UPLOAD_ID);
    expect(w.calls).toEqual(['presign', 'put 1', 'put 2']);

    w.calls.length = 0;
    const resumed = w.uploader.resume(UPLOAD_ID, data, { tags: ['resumed'] });
    expect(resumed.uploadId).toBe(UPLOAD_ID);
    await expect(resumed).resolves.toMatchObject({ id: 'file-1', tags: ['resumed'] });
    expect(w.calls).toEqual(['get', 'put 3', 'put 4', 'complete', 'tags resumed']);
    expect(Buffer.concat([1, 2, 3, 4].map((n) => w.stored.get(n)!))).toEqual(Buffer.from(data));
  });

  it('refuses to resume with other bytes of the same size, keeping the upload for the right ones', async () => {
    let task!: UploadTask;
    const w = world((n, body) => (n === 2 && body && task.pause(), 'store'));
    task = w.uploader.upload(data, { name: 'data.bin' });
    await failureOf(task);
    w.calls.length = 0;
    const other = data.map((byte) => 255 - byte);
    const error = await failureOf(w.uploader.resume(UPLOAD_ID, other));
    expect(error).toBeInstanceOf(UploadDataError);
    expect(error).toMatchObject({ code: 'part_mismatch', uploadId: UPLOAD_ID });
    expect(w.calls).toEqual(['get']);
    await expect(w.uploader.resume(UPLOAD_ID, data)).resolves.toMatchObject({ id: 'file-1' });
  });

  it('resuming from a stream, checks each held part as the stream is read past it', async () => {
    let task!: UploadTask;
    const w = world((n, body) => (n === 2 && body && task.pause(), 'store'));
    task = w.uploader.upload(data, { name: 'data.bin' });
    await failureOf(task);
    const stream = (bytes: Uint8Array) => new Blob([bytes.slice()]).stream();
    w.calls.length = 0;
    const error = await failureOf(w.uploader.resume(UPLOAD_ID, stream(data.map((byte) => byte ^ 1))));
    expect(error).toMatchObject({ name: 'UploadDataError', code: 'part_mismatch', uploadId: UPLOAD_ID });
    expect(w.calls).toEqual(['get']);
    w.calls.length = 0;
    await expect(w.uploader.resume(UPLOAD_ID, stream(data))).resolves.toMatchObject({ id: 'file-1' });
    expect(w.calls).toEqual(['get', 'put 3', 'put 4', 'complete']);
  });

  it('before the upload has an id, stops with nothing to keep', async () => {
    const w = world();
    const task = w.uploader.upload(data, { name: 'data.bin' });
    task.pause();
    const error = await failureOf(task);
    expect(error).toMatchObject({ name: 'AbortError', code: 'paused', uploadId: undefined });
    expect(w.calls).toEqual([]);
  });
});

describe('aborting', () => {
  it('with the signal or abort(), discards the upload on the server and rejects with an AbortError carrying its id and the reason', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const w = world((n) => (n === 2 && controller.abort(reason), 'store'));
    const error = await failureOf(w.uploader.upload(data, { name: 'data.bin', signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'aborted', uploadId: UPLOAD_ID, cause: reason });
    expect(w.calls.at(-1)).toBe('abort');

    let task!: UploadTask;
    const v = world((n) => (n === 3 && task.abort(), 'store'));
    task = v.uploader.upload(data, { name: 'data.bin' });
    expect(await failureOf(task)).toMatchObject({ name: 'AbortError', code: 'aborted', uploadId: UPLOAD_ID });
    expect(v.calls.at(-1)).toBe('abort');
  });

  it('with a signal that timed out (AbortSignal.timeout), keeps the upload and rejects with a TimeoutError', async () => {
    const controller = new AbortController();
    const w = world((n) => (n === 2 && controller.abort(new DOMException('signal timed out', 'TimeoutError')), 'store'));
    const error = await failureOf(w.uploader.upload(data, { name: 'data.bin', signal: controller.signal }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ uploadId: UPLOAD_ID });
    expect(w.calls).not.toContain('abort');
  });
});

describe('time bounds', () => {
  it('gives up a part storage never answers after stallTimeout and its retries, keeping the upload to resume', async () => {
    vi.useFakeTimers();
    let hanging = true;
    const w = world((n) => (n === 3 && hanging ? 'hang' : 'store'));
    const uploading = failureOf(w.uploader.upload(data, { name: 'data.bin', stallTimeout: 10_000, maxRetries: 1 }));
    // Stalled after 10 s, then retried after at most 0.5 s of backoff.
    await vi.advanceTimersByTimeAsync(10_500);
    expect(w.calls.filter((call) => call === 'put 3')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(20_000);
    const error = await uploading;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'stalled', uploadId: UPLOAD_ID });
    expect(w.calls).not.toContain('abort');

    hanging = false;
    w.calls.length = 0;
    await expect(w.uploader.resume(UPLOAD_ID, data)).resolves.toMatchObject({ id: 'file-1' });
    expect(w.calls).toEqual(['get', 'put 3', 'put 4', 'complete']);
  });

  it('bounds each PUT attempt in all with timeout', async () => {
    vi.useFakeTimers();
    const w = world((n) => (n === 1 ? 'hang' : 'store'));
    const uploading = failureOf(w.uploader.upload(data, { name: 'data.bin', timeout: 5_000, stallTimeout: 0 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await uploading).toMatchObject({ name: 'TimeoutError', code: 'timeout', uploadId: UPLOAD_ID });
  });
});

describe('data that breaks its declared size', () => {
  const streamOf = (bytes: Uint8Array) => new Blob([bytes.slice()]).stream();

  it('a stream shorter than `size` aborts its upload: UploadDataError data_too_short, with the id', async () => {
    const w = world();
    const error = await failureOf(w.uploader.upload(streamOf(data.subarray(0, 20)), { name: 'data.bin', size: data.length }));
    expect(error).toBeInstanceOf(UploadDataError);
    expect(error).toBeInstanceOf(BaketsuError);
    expect(error).toMatchObject({ code: 'data_too_short', uploadId: UPLOAD_ID });
    expect(w.calls.at(-1)).toBe('abort');
  });

  it('resuming, a short stream keeps the upload: its held parts still fit the right data', async () => {
    let task!: UploadTask;
    const w = world((n, body) => (n === 2 && body && task.pause(), 'store'));
    task = w.uploader.upload(data, { name: 'data.bin' });
    await failureOf(task);
    const error = await failureOf(w.uploader.resume(UPLOAD_ID, streamOf(data.subarray(0, 20))));
    expect(error).toMatchObject({ name: 'UploadDataError', code: 'data_too_short', uploadId: UPLOAD_ID });
    expect(w.calls).not.toContain('abort');
    await expect(w.uploader.resume(UPLOAD_ID, data)).resolves.toMatchObject({ id: 'file-1' });
  });

  it('a stream longer than `size` aborts its upload too, before completing', async () => {
    const w = world();
    const longer = new Uint8Array(data.length + 1);
    const error = await failureOf(w.uploader.upload(streamOf(longer), { name: 'data.bin', size: data.length }));
    expect(error).toMatchObject({ name: 'UploadDataError', code: 'data_too_long', uploadId: UPLOAD_ID });
    expect(w.calls).not.toContain('complete');
    expect(w.calls.at(-1)).toBe('abort');
  });
});
