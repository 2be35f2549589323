import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEnv, setEnv } from './env.server.js';
import { downloadRedirect, parseFileQuery } from './files.server.js';
import { commitSession, readSession, type UserSession } from './session.server.js';

const query = (search: string) => parseFileQuery(new URL(`http://dashboard.test/files${search}`));

describe('parseFileQuery', () => {
  it('reads the filters, sort and page', () => {
    expect(query('?q=%20report%20&type=image&tag=Invoices&sort=size&order=asc&cursor=abc&limit=50')).toEqual({
      q: 'report',
      type: 'image',
      tag: 'invoices',
      sort: 'size',
      order: 'asc',
      cursor: 'abc',
      limit: 50,
    });
    expect(query('')).toEqual({ q: undefined, type: undefined, tag: undefined, sort: 'created', order: undefined, cursor: undefined, limit: 25 });
  });

  it('drops a filter the API would refuse instead of failing the page', () => {
    expect(query('?type=foo').type).toBeUndefined();
    expect(query(`?q=${'a'.repeat(256)}`).q).toBeUndefined();
    expect(query(`?q=${'a'.repeat(255)}`).q).toHaveLength(255);
    expect(query(`?tag=${'t'.repeat(65)}&q=kept`)).toMatchObject({ tag: undefined, q: 'kept' });
    expect(query(`?cursor=${'c'.repeat(2049)}`).cursor).toBeUndefined();
    expect(query('?sort=colour&order=up&limit=-1')).toMatchObject({ sort: 'created', order: undefined, limit: 25 });
  });
});

describe('downloadRedirect', () => {
  const now = Date.now();
  const session: UserSession = {
    accessToken: 'old-access',
    refreshToken: 'old-refresh',
    accessExpiresAt: now + 3_600_000,
    refreshExpiresAt: now + 86_400_000,
    account: { id: 'acct-1', email: 'a@example.com' },
  };

  beforeAll(() => setEnv(parseEnv({ NODE_ENV: 'test', API_URL: 'http://api.test', SESSION_SECRET: 'unit-session-secret-unit-session-secret-01' })));
  afterEach(() => vi.unstubAllGlobals());

  /** The API: refreshes tokens, and signs a download URL for file `f1` only. */
  function stubApi() {
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (input: string | URL, init: RequestInit = {}) => {
      const path = new URL(String(input)).pathname;
      calls.push(`${init.method ?? 'GET'} ${path}`);
      const json = (status: number, body: unknown, type = 'application/json') => new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
      if (path === '/v1/auth/refresh') {
        return json(200, { access_token: 'new-access', token_type: 'Bearer', expires_in: 900, refresh_token: 'new-refresh', refresh_token_expires_in: 86_400 });
      }
      if (path === '/v1/files/f1/download') return json(200, { url: 'http://storage.test/f1?sig=x', expires_at: new Date(now + 60_000).toISOString() });
      return json(404, { type: 'about:blank', title: 'File not found', status: 404, code: 'file_not_found' }, 'application/problem+json');
    });
    return calls;
  }

  async function requestWith(value: UserSession, id: string): Promise<Request> {
    const cookie = (await commitSession(value)).split(';')[0]!;
    return new Request(`http://dashboard.test/files/${id}/download`, { headers: { cookie } });
  }

  it('redirects to the signed URL', async () => {
    stubApi();
    const response = await downloadRedirect(await requestWith(session, 'f1'), 'f1');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://storage.test/f1?sig=x');
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('keeps the cookie with the refreshed tokens, so the spent refresh token is never sent again', async () => {
    const calls = stubApi();
    const expiring = { ...session, refreshToken: 'expiring-refresh', accessExpiresAt: Date.now() + 1_000 };
    const response = await downloadRedirect(await requestWith(expiring, 'f1'), 'f1');
    expect(calls).toEqual(['POST /v1/auth/refresh', 'GET /v1/files/f1/download']);
    expect(response.headers.get('location')).toBe('http://storage.test/f1?sig=x');
    const cookie = response.headers.get('set-cookie');
    expect(cookie).not.toBeNull();
    const renewed = await readSession(new Request('http://dashboard.test/', { headers: { cookie: cookie!.split(';')[0]! } }));
    expect(renewed?.refreshToken).toBe('new-refresh');
  });

  it('answers 404 for a file the API does not have, still passing refreshed cookies on', async () => {
    stubApi();
    const missing = await downloadRedirect(await requestWith(session, 'gone'), 'gone');
    expect(missing.status).toBe(404);

    const expiring = { ...session, refreshToken: 'expiring-refresh-2', accessExpiresAt: Date.now() + 1_000 };
    const refreshed = await downloadRedirect(await requestWith(expiring, 'gone'), 'gone');
    expect(refreshed.status).toBe(404);
    expect(refreshed.headers.get('set-cookie')).toContain('__baketsu_session=');
  });
});
