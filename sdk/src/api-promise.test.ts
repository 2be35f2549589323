// What a successful call tells besides its body: the raw response and request id (withResponse()),
// and who is asking (User-Agent).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APIPromise } from './api-promise.js';
import { Baketsu } from './client.js';
import { NotFoundError } from './errors.js';
import { SDK_VERSION } from './http.js';

function fakeApi(status = 200) {
  const seen: Headers[] = [];
  const fetch = (async (_input: string | URL, init: RequestInit = {}) => {
    seen.push(new Headers(init.headers));
    const body = status === 200 ? { id: 'file-1', name: 'a.txt' } : { type: 'about:blank', title: 'Not found', status, code: 'file_not_found' };
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-request-id': 'req-42', 'x-extra': 'yes' } });
  }) as typeof globalThis.fetch;
  return { client: new Baketsu({ baseUrl: 'http://api.test', apiKey: 'k' }, { fetch, maxRetries: 0 }), seen };
}

describe('withResponse()', () => {
  it('gives the parsed body with the response and its request id, from the same single request', async () => {
    const { client, seen } = fakeApi();
    const call = client.files.get('file-1');
    expect(call).toBeInstanceOf(Promise);
    expect(call).toBeInstanceOf(APIPromise);
    const { data, response, requestId } = await call.withResponse();
    expect(data).toMatchObject({ id: 'file-1' });
    expect(await call).toBe(data);
    expect(requestId).toBe('req-42');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-extra')).toBe('yes');
    expect(seen).toHaveLength(1);
    // Chaining gives plain Promises, as with any Promise subclass that should not be re-run.
    expect(call.then((file) => file.id)).not.toBeInstanceOf(APIPromise);
  });

  it('rejects as the call does, and only once', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    const { client } = fakeApi(404);
    await expect(client.files.get('gone').withResponse()).rejects.toBeInstanceOf(NotFoundError);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });
});

describe('User-Agent', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('names the SDK, its version and the runtime outside browsers; a header given by the caller wins', async () => {
    const { client, seen } = fakeApi();
    await client.files.get('file-1');
    expect(seen[0]!.get('user-agent')).toBe(`baketsu-sdk-js/${SDK_VERSION} node/${process.versions.node}`);
    await client.files.get('file-1', { headers: { 'user-agent': 'my-app/1.0' } });
    expect(seen[1]!.get('user-agent')).toBe('my-app/1.0');
  });

  it('is not sent from a page, where it would only cost a CORS preflight', async () => {
    vi.stubGlobal('document', {});
    const { client, seen } = fakeApi();
    await client.files.get('file-1');
    expect(seen[0]!.has('user-agent')).toBe(false);
  });

  it('carries the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
