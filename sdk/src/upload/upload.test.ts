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

describe('a single PUT is create-only', () => {
  const plan = {
    upload_id: UPLOAD_ID,
    type: 'single',
    method: 'PUT',
    url: 'http://storage.test/object?sig=1',
    headers: { 'content-type': 'text/plain', 'if-none-match': '*' },
    expires_at: new Date(Date.now() + 60_000).toISOString(),
  };

  /** Storage as S3 with If-None-Match: *: the first PUT stores, any later one is answered 412. */
  function createOnlyStorage(options: { loseFirstAnswer: boolean }) {
    const calls: string[] = [];
    let stored = false;
    const fetch = (async (_input: string | URL, init: RequestInit = {}) => {
      calls.push(`put ${new Headers(init.headers).get('if-none-match')}`);
      await new Response(init.body as BodyInit).arrayBuffer();
      if (stored) {
        return new Response('<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold.</Message></Error>', { status: 412 });
      }
      stored = true;
      // The bytes arrived, but the connection dropped before the answer did.
      if (options.loseFirstAnswer) throw new TypeError('fetch failed: socket hang up');
      return new Response(null, { status: 200 });
    }) as typeof globalThis.fetch;
    const file = { id: 'file-1' } as unknown as BaketsuFile;
    const api = {
      presign: async () => (calls.push('presign'), plan),
      complete: async () => (calls.push('complete'), file),
      abort: async () => void calls.push('abort'),
    } as unknown as UploadApi;
    const config = resolveConfig({ baseUrl: 'http://api.test', apiKey: 'key' }, { fetch, maxRetries: 1 });
    return { uploader: new Uploader(api, config, {}), calls, file };
  }

  it('sends the signed condition, and takes a 412 on a retried PUT as "already stored", then completes', async () => {
    const { uploader, calls, file } = createOnlyStorage({ loseFirstAnswer: true });
    await expect(uploader.upload(data, { name: 'notes.txt', contentType: 'text/plain' })).resolves.toBe(file);
    expect(calls).toEqual(['presign', 'put *', 'put *', 'complete']);
  });

  it('resuming, takes a 412 as the bytes another attempt stored since complete looked, and completes', async () => {
    const calls: string[] = [];
    let completions = 0;
    const file = { id: 'file-1' } as unknown as BaketsuFile;
    const api = {
      get: async () => (calls.push('get'), { upload_id: UPLOAD_ID, type: 'single', status: 'pending', size: data.length } as unknown as Upload),
      url: async () => (calls.push('url'), plan),
      complete: async () => {
        calls.push('complete');
        if (completions++ === 0) throw new ConflictError({ message: 'Nothing stored yet', status: 409, code: 'upload_incomplete' });
        return file;
      },
    } as unknown as UploadApi;
    const fetch = (async (_input: string | URL, init: RequestInit = {}) => {
      calls.push('put');
      await new Response(init.body as BodyInit).arrayBuffer();
      return new Response('<Error><Code>PreconditionFailed</Code></Error>', { status: 412 });
    }) as typeof globalThis.fetch;
    const uploader = new Uploader(api, resolveConfig({ baseUrl: 'http://api.test', apiKey: 'key' }, { fetch, maxRetries: 0 }), {});
    await expect(uploader.resume(UPLOAD_ID, data)).resolves.toBe(file);
    expect(calls).toEqual(['get', 'complete', 'url', 'put', 'complete']);
  });

  it('still reports other refusals of the PUT', async () => {
    const fetch = (async () => new Response('<Error><Code>SignatureDoesNotMatch</Code></Error>', { status: 403 })) as unknown as typeof globalThis.fetch;
    const api = { presign: async () => plan, abort: async () => {} } as unknown as UploadApi;
    const uploader = new Uploader(api, resolveConfig({ baseUrl: 'http://api.test', apiKey: 'key' }, { fetch, maxRetries: 0 }), {});
    await expect(uploader.upload(data, { name: 'notes.txt' })).rejects.toMatchObject({ name: 'StorageError', status: 403, uploadId: UPLOAD_ID });
  });
});
