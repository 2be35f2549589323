import { afterEach, describe, expect, it, vi } from 'vitest';
import { StorageError } from '../errors.js';
import { fakeXhrStorage } from './testing/fake-xhr.js';
import { putObject, type PutRequest } from './transport.js';

const aborted = () => {
  const controller = new AbortController();
  controller.abort(new Error('stopped'));
  return controller.signal;
};
const request = (signal: AbortSignal, extra: Partial<PutRequest> = {}): PutRequest => ({
  url: 'http://storage/o',
  headers: {},
  body: new Uint8Array([1, 2, 3]),
  size: 3,
  signal,
  ...extra,
});

describe('putObject', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends nothing with fetch when the signal is already aborted, even if that fetch would not look', async () => {
    let calls = 0;
    const fetch = (async () => (calls++, new Response(null, { status: 200 }))) as unknown as typeof globalThis.fetch;
    await expect(putObject(fetch, request(aborted()))).rejects.toThrow('stopped');
    await expect(putObject(fetch, request(aborted(), { onBytes: () => {} }))).rejects.toThrow('stopped');
    expect(calls).toBe(0);
  });

  it('sends nothing with XMLHttpRequest when the signal is already aborted', async () => {
    const storage = fakeXhrStorage(() => ({ status: 200, headers: { etag: '"etag"' } }));
    vi.stubGlobal('XMLHttpRequest', storage.XMLHttpRequest);
    const fetch = (async () => new Response(null, { status: 200 })) as unknown as typeof globalThis.fetch;
    expect(await putObject(fetch, request(new AbortController().signal))).toEqual({ etag: '"etag"' });
    expect(storage.log.filter((line) => line.startsWith('put '))).toHaveLength(1);
    await expect(putObject(fetch, request(aborted()))).rejects.toThrow('stopped');
    expect(storage.log.filter((line) => line.startsWith('put '))).toHaveLength(1);
  });

  it('reads only the headers storage exposes: Retry-After and the request id on a refusal, no ETag when hidden', async () => {
    const storage = fakeXhrStorage((url) =>
      url.endsWith('/busy')
        ? { status: 503, headers: { 'Retry-After': '7', 'x-amz-request-id': 'req-9' }, body: '<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>' }
        : { status: 200 },
    );
    vi.stubGlobal('XMLHttpRequest', storage.XMLHttpRequest);
    const fetch = (async () => new Response(null, { status: 200 })) as unknown as typeof globalThis.fetch;
    const error = await putObject(fetch, request(new AbortController().signal, { url: 'http://storage/busy' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ status: 503, code: 'SlowDown', detail: 'Reduce your rate', requestId: 'req-9' });
    expect((error as StorageError).headers?.get('retry-after')).toBe('7');
    // Storage whose CORS hides the ETag: no value, and no read that a browser would log as an error.
    expect(await putObject(fetch, request(new AbortController().signal))).toEqual({ etag: null });
    expect(storage.unexposedReads).toEqual([]);
  });
});
