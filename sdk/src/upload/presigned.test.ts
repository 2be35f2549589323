// The browser's side of a server-presigned upload, over a fake XMLHttpRequest: retries that wait as
// long as storage or the page's server asks, resuming from an upload id, and stopping on abort.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BaketsuError, ConflictError, UploadDataError } from '../errors.js';
import type { PresignResponse, SignedPart, Upload } from '../types.js';
import { resumeWithPresigned, uploadWithPresigned } from './presigned.js';
import type { UploadProgress } from './progress.js';
import { fakeXhrStorage, type XhrAnswer } from './testing/fake-xhr.js';
import type { UploadStart } from './upload.js';

const UPLOAD_ID = '6f0c4b8e-2f55-4b8a-9a43-0c1e0b6f3d11';
const PART = 4;
const data = new TextEncoder().encode('0123456789abcdefghijklmnopqrstuvwxyz');
const partCount = Math.ceil(data.length / PART);
const partUrl = (n: number) => `http://storage.test/part/${n}`;
const later = () => new Date(Date.now() + 3_600_000).toISOString();
const signedPart = (n: number): SignedPart => ({ part_number: n, size: PART, url: partUrl(n), headers: {}, expires_at: later() });
const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const single: PresignResponse = { upload_id: UPLOAD_ID, type: 'single', method: 'PUT', url: 'http://storage.test/object', headers: {}, expires_at: later() } as PresignResponse;
const pending = (held: number[]): Upload => ({
  upload_id: UPLOAD_ID,
  type: 'multipart',
  status: 'pending',
  name: 'notes.txt',
  size: data.length,
  content_type: 'text/plain',
  created_at: new Date().toISOString(),
  part_size: PART,
  part_count: partCount,
  // As S3 reports them: a part's ETag is the quoted MD5 of its bytes.
  parts: held.map((n) => ({ part_number: n, size: PART, etag: `"${md5(data.subarray((n - 1) * PART, n * PART))}"` })),
});
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function install(respond?: (url: string, attempt: number) => XhrAnswer) {
  const storage = fakeXhrStorage(respond);
  vi.stubGlobal('XMLHttpRequest', storage.XMLHttpRequest);
  return storage;
}
const puts = (storage: ReturnType<typeof fakeXhrStorage>) => storage.log.filter((line) => line.startsWith('put '));

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('uploadWithPresigned', () => {
  it('waits as long as storage’s Retry-After says before sending again', async () => {
    const storage = install((_url, attempt) => (attempt === 1 ? { status: 503, headers: { 'retry-after': '3' }, body: '<Error><Code>SlowDown</Code></Error>' } : { status: 200 }));
    const sending = uploadWithPresigned(data, single);
    await vi.advanceTimersByTimeAsync(2_990);
    expect(puts(storage)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(puts(storage)).toHaveLength(2);
    await expect(sending).resolves.toEqual({ uploadId: UPLOAD_ID });
  });

  it('retries a page server’s transient refusal of signParts as its Retry-After says, and passes it the upload’s signal', async () => {
    const storage = install();
    const signals: AbortSignal[] = [];
    let calls = 0;
    const signParts = async (wanted: number[], signal: AbortSignal) => {
      signals.push(signal);
      if (++calls === 1) throw new BaketsuError({ message: 'busy', status: 503, headers: new Headers({ 'retry-after': '2' }) });
      return wanted.map(signedPart);
    };
    const presign = { upload_id: UPLOAD_ID, type: 'multipart', part_size: PART, part_count: partCount, parts: [], expires_at: later() } as unknown as PresignResponse;
    const sending = uploadWithPresigned(data, presign, { signParts, concurrency: 1 });
    await vi.advanceTimersByTimeAsync(1_990);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.runAllTimersAsync();
    expect((await sending).parts).toHaveLength(partCount);
    expect(calls).toBe(2);
    expect(signals.every((signal) => signal instanceof AbortSignal)).toBe(true);
    expect(puts(storage)).toHaveLength(partCount);
  });

  it('on abort, stops the PUTs in flight and the retries waiting, and rejects with an AbortError carrying the upload id and the reason', async () => {
    // Part 1 is refused and waits out a long Retry-After; the others are slow.
    const storage = install((url) => (url === partUrl(1) ? { status: 503, headers: { 'retry-after': '30' } } : { status: 200, after: 5_000 }));
    const controller = new AbortController();
    const presign = { upload_id: UPLOAD_ID, type: 'multipart', part_size: PART, part_count: partCount, parts: numbers(1, partCount).map(signedPart), expires_at: later() } as unknown as PresignResponse;
    const sending = uploadWithPresigned(data, presign, { signal: controller.signal, concurrency: 3 });
    const reason = new Error('cancelled');
    const settled = expect(sending).rejects.toMatchObject({ name: 'AbortError', code: 'aborted', uploadId: UPLOAD_ID, cause: reason });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(reason);
    await settled;
    const sent = puts(storage).length;
    await vi.runAllTimersAsync();
    expect(puts(storage)).toHaveLength(sent);
    expect(storage.log).toEqual(expect.arrayContaining([`abort ${partUrl(2)}`, `abort ${partUrl(3)}`]));
    expect(storage.attempts.get(partUrl(1))).toBe(1);
  });
});

describe('uploadWithPresigned checks', () => {
  it('refuses unknown options and data of another size than presigned, before sending anything', async () => {
    const storage = install();
    await expect(uploadWithPresigned(data, single, { concurency: 2 } as never)).rejects.toThrow(/unknown upload option "concurency"/);
    const presigned = { ...single, size: data.length + 1 };
    const error = await uploadWithPresigned(data, presigned).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadDataError);
    expect(error).toMatchObject({ code: 'size_mismatch', uploadId: UPLOAD_ID });
    const fitting = uploadWithPresigned(data, { ...single, size: data.length });
    await vi.runAllTimersAsync();
    await expect(fitting).resolves.toEqual({ uploadId: UPLOAD_ID });
    expect(puts(storage)).toHaveLength(1);
  });

  it('gives up a PUT storage never answers after stallTimeout, retrying first', async () => {
    const storage = install(() => ({ status: 200, after: 3_600_000 }));
    const sending = uploadWithPresigned(data, single, { stallTimeout: 20_000, maxRetries: 1 });
    const settled = expect(sending).rejects.toMatchObject({ name: 'TimeoutError', code: 'stalled', uploadId: UPLOAD_ID });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(puts(storage)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20_500);
    await settled;
    expect(puts(storage)).toHaveLength(2);
  });
});

describe('resumeWithPresigned', () => {
  it('sends only the parts storage lacks, starting progress from what it holds', async () => {
    const storage = install();
    const starts: UploadStart[] = [];
    const events: UploadProgress[] = [];
    const signed: number[][] = [];
    const resuming = resumeWithPresigned(data, pending([1, 2, 3]), {
      signParts: async (wanted) => (signed.push(wanted), wanted.map(signedPart)),
      onStart: (start) => starts.push(start),
      onProgress: (progress) => events.push(progress),
    });
    await vi.runAllTimersAsync();
    expect((await resuming).parts?.map((part) => part.part_number)).toEqual(numbers(4, partCount));
    expect(starts).toEqual([{ uploadId: UPLOAD_ID, type: 'multipart', partSize: PART, partCount, resumedBytes: 3 * PART }]);
    expect(signed).toEqual([numbers(4, partCount)]);
    expect([...storage.attempts.keys()].sort()).toEqual(numbers(4, partCount).map(partUrl).sort());
    expect(events[0]).toEqual({ loaded: 3 * PART, total: data.length });
    expect(events.at(-1)).toEqual({ loaded: data.length, total: data.length });
  });

  it('sends again a part storage holds at the wrong length', async () => {
    const storage = install();
    const upload = pending([1, 2]);
    upload.parts![1]!.size = PART - 1;
    const resuming = resumeWithPresigned(data, upload, { signParts: async (wanted) => wanted.map(signedPart) });
    await vi.runAllTimersAsync();
    await resuming;
    expect(storage.attempts.has(partUrl(1))).toBe(false);
    expect(storage.attempts.get(partUrl(2))).toBe(1);
  });

  it('refuses other bytes of the same size than the parts storage holds, before sending anything', async () => {
    const storage = install();
    const other = data.map((byte) => byte ^ 1);
    const error = await resumeWithPresigned(new Blob([other]), pending([1, 2]), { signParts: async (wanted) => wanted.map(signedPart) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadDataError);
    expect(error).toMatchObject({ code: 'part_mismatch', uploadId: UPLOAD_ID });
    expect(storage.log).toEqual([]);
  });

  it('refuses, before any request, an upload that is not pending, a single PUT, and data of another size', async () => {
    const storage = install();
    const signParts = vi.fn(async (wanted: number[]) => wanted.map(signedPart));
    const error = await resumeWithPresigned(data, { ...pending([]), status: 'aborted' }, { signParts }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'upload_not_pending' });
    await expect(resumeWithPresigned(data, { ...pending([]), type: 'single', part_size: undefined, part_count: undefined }, { signParts })).rejects.toThrow(TypeError);
    await expect(resumeWithPresigned(data.subarray(1), pending([]), { signParts })).rejects.toMatchObject({ name: 'UploadDataError', code: 'size_mismatch', uploadId: UPLOAD_ID });
    await expect(resumeWithPresigned(data.subarray(1), pending([]), { signParts })).rejects.toBeInstanceOf(UploadDataError);
    expect(signParts).not.toHaveBeenCalled();
    expect(storage.log).toEqual([]);
  });
});
