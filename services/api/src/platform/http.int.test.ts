import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { startTestApi, type TestApi } from './testing/index.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.stop();
});

describe('operations', () => {
  test('healthz and readyz', async () => {
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
  });

  test('metrics count requests by route template', async () => {
    await fetch(`${api.url}/healthz`);
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toContain('http_request_duration_seconds_bucket');
  });

  test('the spec and an offline API reference are served', async () => {
    const spec = await fetch(`${api.url}/openapi.yaml`);
    expect(spec.headers.get('content-type')).toMatch(/yaml/);
    expect(await spec.text()).toMatch(/^openapi: 3\.1/);
    const docs = await fetch(`${api.url}/docs/`);
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\/[^"']*\.js/i);
    expect((await fetch(`${api.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });
});

describe('http behaviour', () => {
  test('unknown routes are 404 problems with a request id', async () => {
    const response = await fetch(`${api.url}/v1/nope`, { headers: { 'x-request-id': 'trace-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    expect(await response.json()).toMatchObject({ code: 'route_not_found', request_id: 'trace-123' });
  });

  test('a method the route does not have is a problem', async () => {
    const response = await fetch(`${api.url}/v1/me`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    // RFC 9110: a 405 lists what the route does answer to.
    expect(response.headers.get('allow')).toBe('GET, HEAD, PATCH');
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed' });
    const files = await fetch(`${api.url}/v1/files/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { method: 'PUT' });
    expect(files.status).toBe(405);
    expect(files.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE');
  });

  test('HEAD answers like GET without the body, credentials checked the same way', async () => {
    const credentials = { email: `head-${Date.now()}@example.com`, password: 'correct horse battery' };
    const post = (path: string) => fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    await post('/v1/auth/register');
    const { access_token: token } = (await (await post('/v1/auth/login')).json()) as { access_token: string };
    const head = await fetch(`${api.url}/v1/me`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
    expect((await fetch(`${api.url}/v1/me`, { method: 'HEAD' })).status).toBe(401);
    expect((await fetch(`${api.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
  });

  test('security headers are set', async () => {
    const response = await fetch(`${api.url}/healthz`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age/);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    // The reference page is a document: it gets the policy a page needs, still loading nothing remote.
    const docs = await fetch(`${api.url}/docs/`);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(docs.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  test('CORS allows the dashboard origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/v1/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight('http://localhost:3000')).headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a JSON body is read whether it comes with a length or chunked, and a missing one is a problem', async () => {
    const credentials = { email: `chunked-${Date.now()}@example.com`, password: 'correct horse battery' };
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(JSON.stringify(credentials));
        controller.enqueue(bytes.subarray(0, 10));
        controller.enqueue(bytes.subarray(10));
        controller.close();
      },
    });
    const registered = await fetch(`${api.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ email: credentials.email });

    const bodiless = await fetch(`${api.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(bodiless.status).toBe(400);
    expect(bodiless.headers.get('content-type')).toContain('application/problem+json');
  });

  test('hostile inputs never produce a 500', async () => {
    const bodies = ['', 'null', '[]', '"text"', '{"email":{"$gt":""},"password":[]}', '\u0000', '{"email":"a@b.co","password":"x\u0000yyyyyyyy"}'];
    for (const path of ['/v1/auth/register', '/v1/auth/login', '/v1/auth/refresh', '/v1/auth/logout']) {
      for (const body of bodies) {
        const response = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(response.status, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
      }
    }
  });
});

describe('logs', () => {
  test('every line written while handling a request carries its id, and no credentials', async () => {
    const logFile = path.join(await mkdtemp(path.join(tmpdir(), 'baketsu-log-')), 'api.log');
    const logged = await startTestApi({ env: { LOG_LEVEL: 'info' }, logDestination: logFile });
    try {
      const credentials = { email: `logs-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' };
      const send = (route: string, requestId: string, body?: unknown) =>
        fetch(`${logged.url}${route}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { 'x-request-id': requestId, 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      await send('/v1/auth/register', 'trace-register', credentials);
      await send('/v1/me', 'trace-refused');

      // Writes are asynchronous: wait for both requests' lines to land.
      const linesFor = (requestId: string, count: number) =>
        vi.waitFor(
          async () => {
            const lines = (await readFile(logFile, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
            const mine = lines.filter((line) => line.reqId === requestId);
            if (mine.length < count) throw new Error(`fewer than ${count} log lines for ${requestId}`);
            return { lines, mine };
          },
          { timeout: 5_000, interval: 20 },
        );
      const refused = await linesFor('trace-refused', 2);
      expect(refused.mine.map((line) => line.msg)).toEqual(['request refused', 'request answered']);
      expect(refused.mine[1]).toMatchObject({ method: 'GET', route: '/v1/me', status: 401 });
      const registered = await linesFor('trace-register', 1);
      expect(registered.mine.at(-1)).toMatchObject({ route: '/v1/auth/register', status: 201 });
      const text = JSON.stringify(registered.lines);
      expect(text).not.toContain(credentials.password);
      expect(text).not.toContain('not-a-token');
    } finally {
      await logged.stop();
    }
  });
});
