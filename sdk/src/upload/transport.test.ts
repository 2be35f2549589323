import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, ConnectionError, StorageError, TimeoutError } from '../errors.js';
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

/** Storage that takes the request and then neither reads its body nor answers, until aborted, as fetch does. */
const unanswered = (async (_input: string | URL, init: RequestInit = {}) =>
  new Promise<Response>((_resolve, reject) => {
    if (init.signal!.aborted) return reject(init.signal!.reason);
    init.signal!.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
  })) as unknown as typeof globalThis.fetch;

/** What `promise` settled with so far, without waiting for it. */
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; error?: unknown } = { settled: false };
  promise.then(
    () => (state.settled = true),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('putObject time bounds', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('gives up a PUT that makes no progress for stallTimeout, as a TimeoutError (a ConnectionError) with code "stalled"', async () => {
    vi.useFakeTimers();
    const outcome = watch(putObject(unanswered, request(new AbortController().signal, { stallTimeout: 60_000 })));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(outcome.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.error).toBeInstanceOf(ConnectionError);
    expect(outcome.error).toMatchObject({ name: 'TimeoutError', code: 'stalled' });
  });

  it('lets a slow PUT run as long as bytes keep moving, and bounds it in all by timeout', async () => {
    vi.useFakeTimers();
    // Storage takes one 64 KiB slice every 40 s: slow, never stalled.
    const trickling = ((_input: string | URL, init: RequestInit = {}) =>
      new Promise<Response>((resolve, reject) => {
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
        void (async () => {
          const reader = (init.body as ReadableStream<Uint8Array>).getReader();
          for (let next = await reader.read(); !next.done; next = await reader.read()) await new Promise((r) => setTimeout(r, 40_000));
          resolve(new Response(null, { status: 200, headers: { etag: '"slow"' } }));
        })();
      })) as unknown as typeof globalThis.fetch;
    const body = new Uint8Array(4 * 64 * 1024);
    const slow = watch(putObject(trickling, request(new AbortController().signal, { body, size: body.length, stallTimeout: 60_000 })));
    await vi.advanceTimersByTimeAsync(160_000);
    expect(slow).toEqual({ settled: true });

    const bounded = watch(putObject(trickling, request(new AbortController().signal, { body, size: body.length, stallTimeout: 60_000, timeout: 100_000 })));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(bounded.error).toMatchObject({ name: 'TimeoutError', code: 'timeout' });
  });

  it('gives up an XMLHttpRequest PUT that storage never answers', async () => {
    vi.useFakeTimers();
    const storage = fakeXhrStorage(() => ({ status: 200, after: 3_600_000 }));
    vi.stubGlobal('XMLHttpRequest', storage.XMLHttpRequest);
    const outcome = watch(putObject(unanswered, request(new AbortController().signal, { stallTimeout: 30_000 })));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(outcome.error).toMatchObject({ name: 'TimeoutError', code: 'stalled' });
    expect(storage.log).toEqual(['put http://storage/o', 'abort http://storage/o']);
  });

  it('reports the caller’s abort as an AbortError whose cause is the reason, and AbortSignal.timeout() as a TimeoutError', async () => {
    const controller = new AbortController();
    const aborting = putObject(unanswered, request(controller.signal, { stallTimeout: 60_000 }));
    const reason = new Error('user left');
    controller.abort(reason);
    const error = await aborting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'aborted', cause: reason });

    // What AbortSignal.timeout() aborts with.
    const timer = new AbortController();
    const timing = putObject(unanswered, request(timer.signal));
    timer.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    expect(await timing.catch((e: unknown) => e)).toBeInstanceOf(TimeoutError);
  });
});
