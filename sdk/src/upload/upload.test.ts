import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import { resolveConfig } from '../options.js';
import type { BaketsuFile, Upload } from '../types.js';
import { Uploader, type UploadApi } from './upload.js';

const UPLOAD_ID = '6f0c4b8e-2f55-4b8a-9a43-0c1e0b6f3d11';
const data = new TextEncoder().encode('the whole file, sent as one PUT');

/**
 * A pending single upload: the API answers `complete` with 409 `upload_incomplete` until storage
 * holds the object, as services/api/src/files/complete.ts does (or with `refusal`, if given).
 */
function fakeSingleUpload(stored: boolean, refusal?: Error) {
  const calls: string[] = [];
  const storage = { stored, puts: 0 };
  const file = { id: 'file-1', name: 'notes.txt', size_bytes: data.length } as unknown as BaketsuFile;
  const api = {
    get: async () => (calls.push('get'), { upload_id: UPLOAD_ID, type: 'single', status: 'pending', size: data.length } as unknown as Upload),
    url: async () => (calls.push('url'), { url: 'http://storage.test/object?sig=fresh', headers: {}, expires_at: new Date(Date.now() + 60_000).toISOString() }),
    complete: async () => {
      calls.push('complete');
      if (refusal) throw refusal;
      if (!storage.stored) {
        throw new ConflictError({ message: 'The bytes have not all been uploaded', status: 409, code: 'upload_incomplete' });
      }
      return file;
    },
    abort: async () => void calls.push('abort'),
  } as unknown as UploadApi;
  const fetch = (async (_input: string | URL, init: RequestInit = {}) => {
    calls.push('put');
    await new Response(init.body as BodyInit).arrayBuffer();
    storage.puts++;
    storage.stored = true;
    return new Response(null, { status: 200, headers: { etag: '"etag"' } });
  }) as typeof globalThis.fetch;
  const uploader = new Uploader(api, resolveConfig({ baseUrl: 'http://api.test', apiKey: 'key' }, { fetch, maxRetries: 0 }), {});
  return { uploader, calls, storage, file };
}

describe('Uploader.resume, single upload', () => {
  it('completes without sending the bytes again when storage already holds them', async () => {
    const { uploader, calls, storage, file } = fakeSingleUpload(true);
    const loaded: number[] = [];
    await expect(uploader.resume(UPLOAD_ID, data, { onProgress: (p) => loaded.push(p.loaded) })).resolves.toBe(file);
    expect(calls).toEqual(['get', 'complete']);
    expect(storage.puts).toBe(0);
    expect(loaded.at(-1)).toBe(data.length);
  });

  it('sends the bytes to a fresh URL and completes when storage holds nothing yet', async () => {
    const { uploader, calls, storage, file } = fakeSingleUpload(false);
    await expect(uploader.resume(UPLOAD_ID, data)).resolves.toBe(file);
    expect(calls).toEqual(['get', 'complete', 'url', 'put', 'complete']);
    expect(storage.puts).toBe(1);
  });

  it('reports any other refusal of complete, with the upload id, and sends nothing', async () => {
    const refused = new ConflictError({ message: 'Upload is aborted', status: 409, code: 'upload_not_pending' });
    const { uploader, calls } = fakeSingleUpload(false, refused);
    await expect(uploader.resume(UPLOAD_ID, data)).rejects.toBe(refused);
    expect(refused.uploadId).toBe(UPLOAD_ID);
    expect(calls).toEqual(['get', 'complete']);
  });
});
