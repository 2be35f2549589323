import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

async function call(path: string, token: string, init: { method?: string; body?: unknown } = {}) {
  return fetch(`${api.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

async function signIn(): Promise<string> {
  const credentials = { email: `keys-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' };
  const post = (path: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  await post('/v1/auth/register');
  return ((await (await post('/v1/auth/login')).json()) as { access_token: string }).access_token;
}

describe('API keys', () => {
  test('a key is shown once, authenticates like an access token, and records its use', async () => {
    const session = await signIn();
    const created = await call('/v1/api-keys', session, { method: 'POST', body: { name: ' backups ', scopes: ['read', 'write'] } });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; secret: string; prefix: string; name: string; last_used_at: string | null };
    expect(key.secret).toMatch(/^bk_[A-Za-z0-9_-]{43}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    expect(key.name).toBe('backups');
    expect(key.last_used_at).toBeNull();

    const me = await call('/v1/me', key.secret);
    expect(me.status).toBe(200);

    const listed = (await (await call('/v1/api-keys', session)).json()) as { data: Array<Record<string, unknown>> };
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).not.toHaveProperty('secret');
    expect(listed.data[0]?.last_used_at).not.toBeNull();
  });

  test('a revoked key stops working at once', async () => {
    const session = await signIn();
    const key = (await (await call('/v1/api-keys', session, { method: 'POST', body: { name: 'temp', scopes: ['read'] } })).json()) as {
      id: string;
      secret: string;
    };
    expect((await call(`/v1/api-keys/${key.id}`, session, { method: 'DELETE' })).status).toBe(204);
    const refused = await call('/v1/me', key.secret);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'invalid_token' });
    expect((await call(`/v1/api-keys/${key.id}`, session, { method: 'DELETE' })).status).toBe(404);
  });

  test('keys cannot manage keys, and one account cannot touch another\'s keys', async () => {
    const alice = await signIn();
    const bob = await signIn();
    const aliceKey = (await (await call('/v1/api-keys', alice, { method: 'POST', body: { name: 'a', scopes: ['read', 'write', 'delete'] } })).json()) as {
      id: string;
      secret: string;
    };
    const escalation = await call('/v1/api-keys', aliceKey.secret, { method: 'POST', body: { name: 'more', scopes: ['delete'] } });
    expect(escalation.status).toBe(403);
    expect(await escalation.json()).toMatchObject({ code: 'session_required' });

    const bobDeletes = await call(`/v1/api-keys/${aliceKey.id}`, bob, { method: 'DELETE' });
    expect(bobDeletes.status).toBe(404);
    expect(((await (await call('/v1/api-keys', bob)).json()) as { data: unknown[] }).data).toEqual([]);
    expect((await call('/v1/me', aliceKey.secret)).status).toBe(200);
  });

  test.each([
    [{ name: 'x', scopes: [] }],
    [{ name: 'x', scopes: ['admin'] }],
    [{ name: '   ', scopes: ['read'] }],
    [{ name: 'x'.repeat(101), scopes: ['read'] }],
    [{ scopes: ['read'] }],
  ])('refuses %j', async (body) => {
    const response = await call('/v1/api-keys', await signIn(), { method: 'POST', body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'validation_failed' });
  });

  test('an unknown bk_ key is a 401 problem', async () => {
    const response = await call('/v1/me', `bk_${'x'.repeat(43)}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'invalid_token' });
  });
});
