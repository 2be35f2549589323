import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fingerprint } from './resume-store.js';
import { fakeLocalStorage, fakeStorage, fakeUploadsRoute, type StorageAnswer } from './testing/fake-browser.js';
import { uploadFile } from './upload-file.js';

const UPLOAD_ID = '6f0c4b8e-2f55-4b8a-9a43-0c1e0b6f3d11';
const PART_SIZE = 4;
const file = new File(['0123456789abcdefghijklmnopqrstuvwxyz'], 'notes.txt', { type: 'text/plain', lastModified: 1_700_000_000_000 });
const partCount = Math.ceil(file.size / PART_SIZE);
const partUrl = (n: number) => `http://storage.test/part/${n}`;

const callbacks = () => ({ onProgress: vi.fn(), onUploadId: vi.fn() });
const nothingMore = () => new Promise((resolve) => setTimeout(resolve, 50));

/** The route presigns a multipart upload with every part signed, and completes it. */
function multipartRoute(extra: (intent: string) => { status?: number; body: unknown } | undefined = () => undefined) {
  return fakeUploadsRoute((intent) => {
    const answer = extra(intent);
    if (answer) return answer;
    if (intent === 'presign') {
      const parts = Array.from({ length: partCount }, (_, i) => ({ part_number: i + 1, size: PART_SIZE, url: partUrl(i + 1), headers: {} }));
      return { body: { upload_id: UPLOAD_ID, type: 'multipart', part_size: PART_SIZE, part_count: partCount, parts } };
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

let controller: AbortController;
beforeEach(() => (controller = new AbortController()));
afterEach(() => vi.unstubAllGlobals());

describe('uploadFile', () => {
  it('sends every part and completes', async () => {
    const route = multipartRoute();
    const storage = fakeStorage();
    install(route, storage);
    expect(await uploadFile(file, callbacks(), controller.signal)).toEqual({ fileId: 'file-1' });
    expect(storage.log.filter((line) => line.startsWith('200 '))).toHaveLength(partCount);
    expect(route.intents).toEqual(['presign', 'complete']);
  });

  it('stops sending parts once one has failed for good', async () => {
    const route = multipartRoute();
    // The other parts take far longer than part 2's refusal, so they are still in flight when it comes.
    const storage = fakeStorage((url): StorageAnswer => (url === partUrl(2) ? { status: 400, after: 1 } : { status: 200, after: 400 }));
    install(route, storage);
    await expect(uploadFile(file, callbacks(), controller.signal)).rejects.toMatchObject({ status: 400 });
    await nothingMore();
    const failedAt = storage.log.indexOf(`400 ${partUrl(2)}`);
    expect(storage.log.slice(failedAt).filter((line) => line.startsWith('put '))).toEqual([]);
    // The parts in flight alongside it were stopped, not left to finish.
    expect(storage.log).toContain(`abort ${partUrl(1)}`);
    expect(storage.log).toContain(`abort ${partUrl(3)}`);
    expect(route.intents).not.toContain('complete');
  });

  it('sends nothing more after Cancel, even from a part waiting to retry', async () => {
    const route = multipartRoute();
    const storage = fakeStorage((url): StorageAnswer => (url === partUrl(1) ? { status: 503 } : { status: 200, after: 5 }));
    install(route, storage);
    const uploading = uploadFile(file, callbacks(), controller.signal);
    // Part 1 has failed once and is waiting out its backoff (at least 500 ms).
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort(new Error('cancelled'));
    const putsAtCancel = storage.log.filter((line) => line.startsWith('put ')).length;
    await expect(uploading).rejects.toThrow('cancelled');
    await nothingMore();
    expect(storage.log.filter((line) => line.startsWith('put '))).toHaveLength(putsAtCancel);
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
    expect(await uploadFile(file, callbacks(), controller.signal)).toEqual({ fileId: 'file-1' });
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

    it('keeps it when the server cannot say how far it got', async () => {
      const route = multipartRoute((intent) => (intent === 'status' ? { status: 503, body: { error: 'try again' } } : undefined));
      const localStorage = install(route, fakeStorage(), saved());
      await expect(uploadFile(file, callbacks(), controller.signal)).rejects.toMatchObject({ status: 503 });
      expect(savedIds(localStorage)).toEqual([fingerprint(file)]);
      expect(route.intents).toEqual(['status']);
    });

    it('forgets it and starts over when the server no longer has it', async () => {
      const route = multipartRoute((intent) => (intent === 'status' ? { status: 404, body: { error: 'Upload not found' } } : undefined));
      const localStorage = install(route, fakeStorage(), saved());
      expect(await uploadFile(file, callbacks(), controller.signal)).toEqual({ fileId: 'file-1' });
      expect(route.intents).toEqual(['status', 'presign', 'complete']);
      expect(savedIds(localStorage)).toEqual([]);
    });

    it('sends only the parts the server does not hold yet', async () => {
      const held = [1, 2, 3].map((n) => ({ part_number: n, size: PART_SIZE }));
      const route = multipartRoute((intent) => {
        if (intent === 'status') return { body: { upload_id: UPLOAD_ID, type: 'multipart', status: 'pending', part_size: PART_SIZE, part_count: partCount, size: file.size, parts: held } };
        if (intent === 'parts') return { body: { parts: Array.from({ length: partCount - 3 }, (_, i) => ({ part_number: i + 4, size: PART_SIZE, url: partUrl(i + 4), headers: {} })) } };
        return undefined;
      });
      const storage = fakeStorage();
      install(route, storage, saved());
      expect(await uploadFile(file, callbacks(), controller.signal)).toEqual({ fileId: 'file-1' });
      expect([...storage.attempts.keys()].sort()).toEqual(Array.from({ length: partCount - 3 }, (_, i) => partUrl(i + 4)).sort());
    });
  });
});
