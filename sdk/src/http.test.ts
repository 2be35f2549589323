import { afterEach, describe, expect, it, vi } from 'vitest';
import { Baketsu } from './client.js';
import { AbortError, APIError, AuthenticationError, ConflictError, ConnectionError, NotFoundError, PermissionError, RateLimitError, TimeoutError, ValidationError } from './errors.js';

// Like fetch: rejects with the signal's reason once it aborts.
const hanging = (_url: URL, init: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    if (init.signal!.aborted) return reject(init.signal!.reason);
    init.signal!.addEventListener('abort', () => reject(init.signal!.reason));
  });

type Handler = (url: URL, init: RequestInit, attempt: number) => Response | Promise<Response>;

function fakeApi(handler: Handler) {
  const calls: Array<{ url: URL; init: RequestInit }> = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({ url, init });
    return handler(url, init, calls.length);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title: `t${status}`, status, code, detail: `d${status}`, request_id: 'req-body' }), {
    status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req-1', ...headers },
  });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('client options', () => {
  it('refuses unknown client, credential, request and upload options', async () => {
    expect(() => new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { maxRetry: 1 } as never)).toThrow(/unknown client option "maxRetry"/);
    expect(() => new Baketsu({ baseUrl: 'http://x', apiKey: 'k', token: 't' } as never)).toThrow(/unknown credential "token"/);
    expect(() => new Baketsu({ baseUrl: 'http://x', apiKey: 'k', accessToken: 't' } as never)).toThrow(/not both/);
    expect(() => new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { timeout: -1 })).toThrow(/timeout/);
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: fakeApi(() => json({})).fetch });
    await expect(client.files.get('id', { timeot: 5 } as never)).rejects.toThrow(/unknown request option "timeot"/);
    await expect(client.files.upload(new Uint8Array(1), { name: 'a', partsize: 5 } as never)).rejects.toThrow(/unknown upload option "partsize"/);
  });

  it('sends partSize as part_size on presign, and refuses one out of range before any request', async () => {
    const MIB = 1024 * 1024;
    const api = fakeApi(() => json({ error: 'stop here' }, 500));
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch, maxRetries: 0 });
    await client.files.upload(new Uint8Array(10), { name: 'a', partSize: 8 * MIB }).catch(() => {});
    expect(api.calls[0]!.url.pathname).toBe('/v1/files/presign');
    expect(JSON.parse(String(api.calls[0]!.init.body))).toMatchObject({ name: 'a', size: 10, part_size: 8 * MIB });
    await client.files.upload(new Uint8Array(10), { name: 'b' }).catch(() => {});
    expect(JSON.parse(String(api.calls[1]!.init.body))).not.toHaveProperty('part_size');

    const calls = api.calls.length;
    for (const partSize of [5 * MIB - 1, 5 * 1024 * MIB + 1, 6.5 * MIB + 0.5, Number.NaN, '8388608' as never]) {
      await expect(client.files.upload(new Uint8Array(10), { name: 'c', partSize })).rejects.toThrow(TypeError);
    }
    await expect(client.files.upload(new Uint8Array(1), { name: 'c', partSize: MIB })).rejects.toThrow(/partSize must be a whole number of bytes from 5242880/);
    await expect(client.files.upload(new Uint8Array(1), { name: 'c', size: 10_000 * 5 * MIB + 1, partSize: 5 * MIB })).rejects.toThrow(
      /into 10001 parts, more than 10000/,
    );
    expect(api.calls.length).toBe(calls);
  });

  it('sends the API key, or an access token from a function', async () => {
    const api = fakeApi(() => json({ id: 'a' }));
    await new Baketsu({ baseUrl: 'http://x/', apiKey: 'bk_1' }, { fetch: api.fetch }).auth.me();
    await new Baketsu({ baseUrl: 'http://x', accessToken: async () => 'jwt' }, { fetch: api.fetch }).auth.me();
    expect(api.calls.map((c) => (c.init.headers as Record<string, string>).authorization)).toEqual(['Bearer bk_1', 'Bearer jwt']);
    expect(api.calls[0]!.url.pathname).toBe('/v1/me');
  });
});

describe('errors', () => {
  it.each([
    [400, ValidationError],
    [401, AuthenticationError],
    [403, PermissionError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, ValidationError],
    [429, RateLimitError],
    [500, APIError],
    [503, APIError],
  ])('maps %i to %o with status, code, requestId and the problem', async (status, Kind) => {
    const api = fakeApi(() => problem(status, `code_${status}`, { 'retry-after': '0' }));
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch, maxRetries: 0 });
    const error = await client.files.get('f').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Kind);
    expect(error).toMatchObject({ status, code: `code_${status}`, requestId: 'req-1', detail: `d${status}`, problem: { status } });
  });
});

describe('retries', () => {
  afterEach(() => vi.useRealTimers());

  it('retries 5xx and 429 on idempotent requests, honouring Retry-After', async () => {
    const api = fakeApi((_u, _i, n) => (n === 1 ? problem(503, 'busy', { 'retry-after': '0' }) : n === 2 ? problem(429, 'slow', { 'retry-after': '0' }) : json({ id: 'f' })));
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch });
    expect(await client.files.get('f')).toEqual({ id: 'f' });
    expect(api.calls).toHaveLength(3);
  });

  it('waits as long as Retry-After says', async () => {
    vi.useFakeTimers();
    const api = fakeApi((_u, _i, n) => (n === 1 ? problem(429, 'slow', { 'retry-after': '1' }) : json({})));
    const pending = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch }).files.get('f');
    await vi.advanceTimersByTimeAsync(990);
    expect(api.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(api.calls).toHaveLength(2);
    expect(await pending).toEqual({});
  });

  it('does not retry a non-idempotent POST unless it carries an idempotency key', async () => {
    const api = fakeApi((_u, _i, n) => (n < 3 ? problem(503, 'busy', { 'retry-after': '0' }) : json({ upload_id: 'u' }, 201)));
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch });
    const params = { name: 'a', size: 1, content_type: 'a/b' };
    await expect(client.uploads.presign(params)).rejects.toBeInstanceOf(APIError);
    expect(await client.uploads.presign(params, { idempotencyKey: 'key-1' })).toEqual({ upload_id: 'u' });
    expect(api.calls).toHaveLength(3);
    expect((api.calls[2]!.init.headers as Record<string, string>)['idempotency-key']).toBe('key-1');
  });

  it('files.upload retries a failed presign under one idempotency key, so the upload is reserved once', async () => {
    const presigned = { upload_id: 'u1', type: 'single', method: 'PUT', url: 'http://storage/o', headers: {}, expires_at: '2030-01-01T00:00:00Z', quote: {} };
    const api = fakeApi((url, _init, n) => {
      if (url.pathname === '/v1/files/presign') return n === 1 ? problem(503, 'busy', { 'retry-after': '0' }) : json(presigned, 201);
      if (url.hostname === 'storage') return new Response(null, { status: 200 });
      return json({ id: 'f1', name: 'a.bin', size: 1, content_type: 'application/octet-stream', tags: [], created_at: '', updated_at: '' }, 201);
    });
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch });
    await client.files.upload(new Uint8Array([1]), { name: 'a.bin' });
    const presigns = api.calls.filter((call) => call.url.pathname === '/v1/files/presign');
    expect(presigns).toHaveLength(2);
    const keys = presigns.map((call) => (call.init.headers as Record<string, string>)['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('files.upload waits out a 409 idempotency_key_in_use on a retried presign, as Retry-After says', async () => {
    const presigned = { upload_id: 'u1', type: 'single', method: 'PUT', url: 'http://storage/o', headers: {}, expires_at: '2030-01-01T00:00:00Z', quote: {} };
    // The first presign times out while the server is still working on it; the retry, under the
    // same key, is told to come back in a second; the one after gets the first one's answer.
    vi.useFakeTimers();
    const presignedAt: number[] = [];
    const api = fakeApi((url, init, n) => {
      if (url.pathname === '/v1/files/presign') {
        presignedAt.push(Date.now());
        if (n === 1) return hanging(url, init);
        return n === 2 ? problem(409, 'idempotency_key_in_use', { 'retry-after': '1' }) : json(presigned, 201);
      }
      if (url.hostname === 'storage') return new Response(null, { status: 200 });
      return json({ id: 'f1', name: 'a.bin', size: 1, content_type: 'application/octet-stream', tags: [], created_at: '', updated_at: '' }, 201);
    });
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch, timeout: 30 });
    const uploading = client.files.upload(new Uint8Array([1]), { name: 'a.bin' });
    await vi.runAllTimersAsync();
    expect(await uploading).toMatchObject({ id: 'f1' });
    expect(presignedAt[2]! - presignedAt[1]!).toBeGreaterThanOrEqual(1_000);
    const presigns = api.calls.filter((call) => call.url.pathname === '/v1/files/presign');
    expect(presigns).toHaveLength(3);
    expect(new Set(presigns.map((call) => (call.init.headers as Record<string, string>)['idempotency-key'])).size).toBe(1);
  });

  it('does not retry any other 409', async () => {
    const api = fakeApi(() => problem(409, 'upload_not_pending', { 'retry-after': '0' }));
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch });
    await expect(client.uploads.presign({ name: 'a', size: 1, content_type: 'a/b' }, { idempotencyKey: 'key-1' })).rejects.toMatchObject({
      name: 'ConflictError',
      code: 'upload_not_pending',
    });
    expect(api.calls).toHaveLength(1);
  });

  it('lets a request override the client: maxRetries', async () => {
    const api = fakeApi(() => problem(500, 'boom', { 'retry-after': '0' }));
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: api.fetch, maxRetries: 4 });
    await expect(client.files.get('f', { maxRetries: 1 })).rejects.toBeInstanceOf(APIError);
    expect(api.calls).toHaveLength(2);
  });

  it('turns network failures into ConnectionError after retrying, and a timeout into a TimeoutError (a ConnectionError) with code "timeout"', async () => {
    const down = fakeApi(() => Promise.reject(new TypeError('fetch failed')));
    const error = await new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: down.fetch, maxRetries: 1 }).files.get('f').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(down.calls).toHaveLength(2);

    const hang = fakeApi(hanging);
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: hang.fetch, timeout: 10_000, maxRetries: 0 });
    const timedOut = await client.files.get('f', { timeout: 30 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(timedOut).toBeInstanceOf(ConnectionError);
    expect(timedOut).toMatchObject({ name: 'TimeoutError', code: 'timeout' });
  });

  it('rejects with an AbortError whose cause is the signal’s reason when the caller aborts, without retrying', async () => {
    const controller = new AbortController();
    let reached!: () => void;
    const sent = new Promise<void>((resolve) => (reached = resolve));
    const hang = fakeApi((url, init) => (reached(), hanging(url, init)));
    const pending = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: hang.fetch }).files.get('f', { signal: controller.signal });
    await sent;
    const reason = new Error('stop');
    controller.abort(reason);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'aborted', cause: reason, message: expect.stringContaining('stop') });
    expect(hang.calls).toHaveLength(1);
  });

  it('rejects with a TimeoutError when the caller’s signal is AbortSignal.timeout()', async () => {
    const hang = fakeApi(hanging);
    const client = new Baketsu({ baseUrl: 'http://x', apiKey: 'k' }, { fetch: hang.fetch, maxRetries: 0 });
    const error = await client.files.get('f', { signal: AbortSignal.timeout(5) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'timeout', cause: expect.objectContaining({ name: 'TimeoutError' }) });
  });
});
