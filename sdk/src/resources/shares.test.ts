import { expect, it } from 'vitest';
import { Baketsu } from '../client.js';
import { GoneError } from '../errors.js';

function recorder(answer: (url: URL, attempt: number) => Response) {
  const calls: Array<{ method: string; path: string; authorization: string | null; body: unknown }> = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    calls.push({ method: init.method ?? 'GET', path: url.pathname + url.search, authorization: headers.get('authorization'), body: init.body ? JSON.parse(String(init.body)) : undefined });
    return answer(url, calls.length);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (status: number, code: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 't', status, code }), { status, headers: { 'content-type': 'application/problem+json' } });

it('the public side of a link never sends the client\'s credentials, and encodes the token', async () => {
  const api = recorder(() => json({ type: 'file', password_required: false, expires_at: null, downloads_remaining: null }));
  const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_secret' }, { fetch: api.fetch });
  await client.shares.getPublic('a/b?c');
  await client.shares.downloadPublic('tok', { password: 'pw' });
  await client.shares.get('id-1');
  expect(api.calls).toEqual([
    { method: 'GET', path: '/v1/public/shares/a%2Fb%3Fc', authorization: null, body: undefined },
    { method: 'POST', path: '/v1/public/shares/tok/download', authorization: null, body: { password: 'pw' } },
    { method: 'GET', path: '/v1/shares/id-1', authorization: 'Bearer bk_secret', body: undefined },
  ]);
});

it('a download through a link is never retried: each try may count a download and a password attempt', async () => {
  const api = recorder(() => problem(503, 'storage_unavailable'));
  const client = new Baketsu({ baseUrl: 'http://api' }, { fetch: api.fetch, maxRetries: 3 });
  await expect(client.shares.downloadPublic('tok', {}, { maxRetries: 5 })).rejects.toMatchObject({ status: 503 });
  expect(api.calls).toHaveLength(1);
});

it('a link that no longer works is a GoneError carrying the reason', async () => {
  const api = recorder(() => problem(410, 'share_expired'));
  const client = new Baketsu({ baseUrl: 'http://api' }, { fetch: api.fetch });
  const error = await client.shares.getPublic('tok').catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(GoneError);
  expect(error).toMatchObject({ status: 410, code: 'share_expired' });
});

it('files.share posts the options once; shares.revoke deletes', async () => {
  const api = recorder((url) => (url.pathname.endsWith('/shares') ? json({ id: 's1', token: 't', url: 'http://dash/s/t' }, 201) : new Response(null, { status: 204 })));
  const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch: api.fetch });
  expect(await client.files.share('f1', { max_downloads: 3, expires_at: '2030-01-01T00:00:00Z' })).toMatchObject({ token: 't' });
  await client.shares.revoke('s1');
  expect(api.calls.map((c) => [c.method, c.path, c.body])).toEqual([
    ['POST', '/v1/files/f1/shares', { max_downloads: 3, expires_at: '2030-01-01T00:00:00Z' }],
    ['DELETE', '/v1/shares/s1', undefined],
  ]);
});
