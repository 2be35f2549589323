import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fingerprint } from './resume-store.js';
import { fakeLocalStorage, fakeStorage, fakeUploadsRoute, type RouteAnswer, type StorageAnswer } from './testing/fake-browser.js';
import { uploadFile } from './upload-file.js';

const UPLOAD_ID = '6f0c4b8e-2f55-4b8a-9a43-0c1e0b6f3d11';
const PART_SIZE = 4;
const file = new File(['0123456789abcdefghijklmnopqrstuvwxyz'], 'notes.txt', { type: 'text/plain', lastModified: 1_700_000_000_000 });
const partCount = Math.ceil(file.size / PART_SIZE);
const partUrl = (n: number) => `http://storage.test/part/${n}`;
const signed = (n: number) => ({ part_number: n, size: PART_SIZE, url: partUrl(n), headers: {}, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
const quote = { added_monthly_cost: '0.000001', estimated_monthly_cost: '0.000001', currency: 'usd' };

const callbacks = () => ({ onProgress: vi.fn(), onUploadId: vi.fn(), onResumed: vi.fn(), onQuote: vi.fn() });
const puts = (storage: ReturnType<typeof fakeStorage>) => storage.log.filter((line) => line.startsWith('put '));

/** The route presigns a multipart upload with every part signed, and completes it. */
function multipartRoute(extra: (intent: string, attempt: number) => RouteAnswer | undefined = () => undefined) {
  const attempts = new Map<string, number>();
  return fakeUploadsRoute((intent) => {
    const attempt = (attempts.get(intent) ?? 0) + 1;
    attempts.set(intent, attempt);
    const answer = extra(intent, attempt);
    if (answer) return answer;
    if (intent === 'presign') {
      const parts = Array.from({ length: partCount }, (_, i) => signed(i + 1));
      return { body: { upload_id: UPLOAD_ID, type: 'multipart', part_size: PART_SIZE, part_count: partCount, parts, quote } };
    }
    if (intent === 'complete') return { body: { id: 'file-1' } };
    return { status: 400, body: { error: `unexpected ${intent}` } };
  });
}

function install(route: ReturnType<typeof fakeUploadsRoute>, storage: ReturnType<typeof fakeStorage>, saved: Record<string, string> = {}) {
  const localStorage = fakeLocalStorage(saved);
  vi.stubGlobal('fetch', route.fetch);
  vi.stubGlobal('XMLHttpRequest', storage.XMLHttpRequest);
  vi.stubGlobal('localStorage', localStorage);
  return localStorage;
}

/** Runs the upload to its end on the fake clock. */
async function settle<T>(running: Promise<T>): Promise<PromiseSettledResult<T>> {
  const outcome = Promise.allSettled([running]);
  await vi.runAllTimersAsync();
  return (await outcome)[0]!;
}

let controller: AbortController;
beforeEach(() => {
  controller = new AbortController();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('uploadFile', () => {
  it('sends every part and completes, reporting the id, the quote and progress up to the size', async () => {
    const route = multipartRoute();
    const storage = fakeStorage();
    install(route, storage);
    const events = callbacks();
    expect(await settle(uploadFile(file, events, controller.signal))).toEqual({ status: 'fulfilled', value: { fileId: 'file-1' } });
    expect(storage.log.filter((line) => line.startsWith('200 '))).toHaveLength(partCount);
    expect(route.intents).toEqual(['presign', 'complete']);
    expect(events.onUploadId).toHaveBeenCalledWith(UPLOAD_ID);
    expect(events.onQuote).toHaveBeenCalledWith(quote);
    expect(events.onProgress).toHaveBeenLastCalledWith(file.size);
  });

  it('stops sending parts once one has failed for good', async () => {
    const route = multipartRoute();
    // The other parts take far longer than part 2's refusal, so they are still in flight when it comes.
    const storage = fakeStorage((url): StorageAnswer => (url === partUrl(2) ? { status: 400, after: 1 } : { status: 200, after: 400 }));
    install(route, storage);
    const outcome = await settle(uploadFile(file, callbacks(), controller.signal));
    expect(outcome).toMatchObject({ status: 'rejected', reason: { status: 400 } });
    const failedAt = storage.log.indexOf(`400 ${partUrl(2)}`);
    expect(storage.log.slice(failedAt).filter((line) => line.startsWith('put '))).toEqual([]);
    // The parts in flight alongside it were stopped, not left to finish.
    expect(storage.log).toContain(`abort ${partUrl(1)}`);
    expect(storage.log).toContain(`abort ${partUrl(3)}`);
    expect(route.intents).not.toContain('complete');
  });

  it('waits as long as storage’s Retry-After says before sending a refused part again', async () => {
    const route = multipartRoute();
    const storage = fakeStorage((url, attempt): StorageAnswer => (url === partUrl(1) && attempt === 1 ? { status: 503, headers: { 'Retry-After': '2' } } : { status: 200 }));
    install(route, storage);
    const uploading = uploadFile(file, callbacks(), controller.signal);
    await vi.advanceTimersByTimeAsync(1_990);
    expect(storage.attempts.get(partUrl(1))).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(storage.attempts.get(partUrl(1))).toBe(2);
    expect(await settle(uploading)).toEqual({ status: 'fulfilled', value: { fileId: 'file-1' } });
  });

  it('asks the dashboard again to complete as its Retry-After says', async () => {
    const route = multipartRoute((intent, attempt) => (intent === 'complete' && attempt === 1 ? { status: 429, body: { error: 'slow down', code: 'rate_limited' }, headers: { 'retry-after': '3' } } : undefined));
    install(route, fakeStorage());
    const uploading = uploadFile(file, callbacks(), controller.signal);
    await vi.advanceTimersByTimeAsync(2_900);
    expect(route.intents.filter((intent) => intent === 'complete')).toHaveLength(1);
    expect(await settle(uploading)).toEqual({ status: 'fulfilled', value: { fileId: 'file-1' } });
    expect(route.intents.filter((intent) => intent === 'complete')).toHaveLength(2);
  });

  it('sends nothing more after Cancel, even from a part waiting to retry', async () => {
    const route = multipartRoute();
    const storage = fakeStorage((url): StorageAnswer => (url === partUrl(1) ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200, after: 5 }));
    install(route, storage);
    const uploading = uploadFile(file, callbacks(), controller.signal);
    // Part 1 has failed once and is waiting out its second.
    await vi.advanceTimersByTimeAsync(30);
    controller.abort(new Error('cancelled'));
    const putsAtCancel = puts(storage).length;
    const outcome = await settle(uploading);
    expect(outcome).toMatchObject({ status: 'rejected', reason: { name: 'AbortError', code: 'aborted', cause: { message: 'cancelled' } } });
    expect(puts(storage)).toHaveLength(putsAtCancel);
    expect(storage.attempts.get(partUrl(1))).toBe(1);
    expect(route.intents).not.toContain('complete');
  });

  it('takes a 412 on a retried single PUT as the bytes already stored, and completes', async () => {
    const url = 'http://storage.test/object';
    const route = fakeUploadsRoute((intent) => {
      if (intent === 'presign') return { body: { upload_id: UPLOAD_ID, type: 'single', url, headers: { 'content-type': 'text/plain', 'if-none-match': '*' } } };
      if (intent === 'complete') return { body: { id: 'file-1' } };
      return { status: 400, body: { error: `unexpected ${intent}` } };
    });
    // The first attempt's bytes arrive but its answer is a 502; storage then refuses to write the key again.
    const storage = fakeStorage((_url, attempt): StorageAnswer => ({ status: attempt === 1 ? 502 : 412 }));
    install(route, storage);
    expect(await settle(uploadFile(file, callbacks(), controller.signal))).toEqual({ status: 'fulfilled', value: { fileId: 'file-1' } });
    expect(storage.log).toEqual([`put ${url}`, `502 ${url}`, `put ${url}`, `412 ${url}`]);
    expect(route.intents).toEqual(['presign', 'complete']);
  });

  describe('resuming a saved upload', () => {
    const saved = () => ({
      'baketsu.pending-uploads': JSON.stringify({
        [fingerprint(file)]: { uploadId: UPLOAD_ID, name: file.name, size: file.size, lastModified: file.lastModified, savedAt: Date.now() },
      }),
    });
    const savedIds = (storage: ReturnType<typeof fakeLocalStorage>) => Object.keys(JSON.parse(storage.getItem('baketsu.pending-uploads') ?? '{}') as object);
    const pendingUpload = (held: number[]) => ({
      upload_id: UPLOAD_ID, type: 'multipart', status: 'pending', name: file.name, size: file.size, content_type: 'text/plain', created_at: new Date().toISOString(),
      part_size: PART_SIZE, part_count: partCount, parts: held.map((n) => ({ part_number: n, size: PART_SIZE, etag: etagOf(n) })),
    });
    // Storage's ETag of a part: the MD5 of its bytes (here, of this file's).
    const etagOf = (n: number, text = '0123456789abcdefghijklmnopqrstuvwxyz') =>
      `"${createHash('md5').update(text.slice((n - 1) * PART_SIZE, n * PART_SIZE)).digest('hex')}"`;

    it('keeps it when the server cannot say how far it got', async () => {
      const route = multipartRoute((intent) => (intent === 'status' ? { status: 503, body: { error: 'try again' } } : undefined));
      const localStorage = install(route, fakeStorage(), saved());
      expect(await settle(uploadFile(file, callbacks(), controller.signal))).toMatchObject({ status: 'rejected', reason: { status: 503 } });
      expect(savedIds(localStorage)).toEqual([fingerprint(file)]);
      expect(route.intents).toEqual(['status']);
    });

    it('forgets it and starts over when the server no longer has it', async () => {
      const route = multipartRoute((intent) => (intent === 'status' ? { status: 404, body: { error: 'Upload not found' } } : undefined));
      const localStorage = install(route, fakeStorage(), saved());
      expect(await settle(uploadFile(file, callbacks(), controller.signal))).toEqual({ status: 'fulfilled', value: { fileId: 'file-1' } });
      expect(route.intents).toEqual(['status', 'presign', 'complete']);
      expect(savedIds(localStorage)).toEqual([]);
    });

    it('sends only the parts the server does not hold yet, and says how much it reused', async () => {
      const route = multipartRoute((intent) => {
        if (intent === 'status') return { body: pendingUpload([1, 2, 3]) };
        if (intent === 'parts') return { body: { parts: Array.from({ length: partCount - 3 }, (_, i) => signed(i + 4)) } };
        return undefined;
      });
      const storage = fakeStorage();
      const localStorage = install(route, storage, saved());
      const events = callbacks();
      expect(await settle(uploadFile(file, events, controller.signal))).toEqual({ status: 'fulfilled', value: { fileId: 'file-1' } });
      expect([...storage.attempts.keys()].sort()).toEqual(Array.from({ length: partCount - 3 }, (_, i) => partUrl(i + 4)).sort());
      expect(events.onResumed).toHaveBeenCalledWith(3 * PART_SIZE);
      expect(events.onProgress.mock.calls[0]).toEqual([3 * PART_SIZE]);
      expect(route.intents).toEqual(['status', 'parts', 'complete']);
      expect(savedIds(localStorage)).toEqual([]);
    });

    it('discards it and starts over when the parts the server holds are not this file’s bytes', async () => {
      const other = { ...pendingUpload([1, 2]), parts: [1, 2].map((n) => ({ part_number: n, size: PART_SIZE, etag: etagOf(n, 'ABCDEFGHIJ'.repeat(4)) })) };
      const route = multipartRoute((intent): RouteAnswer | undefined => (intent === 'status' ? { body: other } : intent === 'abort' ? { status: 204, body: null } : undefined));
      const storage = fakeStorage();
      const localStorage = install(route, storage, saved());
      expect(await settle(uploadFile(file, callbacks(), controller.signal))).toEqual({ status: 'fulfilled', value: { fileId: 'file-1' } });
      expect(route.intents).toEqual(['status', 'abort', 'presign', 'complete']);
      expect(puts(storage)).toHaveLength(partCount);
      expect(savedIds(localStorage)).toEqual([]);
    });

    it('finishes at once when the saved upload was completed after all', async () => {
      const route = multipartRoute((intent) => (intent === 'status' ? { body: { ...pendingUpload([]), status: 'completed', file_id: 'file-9' } } : undefined));
      const storage = fakeStorage();
      install(route, storage, saved());
      expect(await settle(uploadFile(file, callbacks(), controller.signal))).toEqual({ status: 'fulfilled', value: { fileId: 'file-9' } });
      expect(storage.log).toEqual([]);
    });
  });
});
