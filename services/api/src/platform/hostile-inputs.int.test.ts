import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from './testing/index.js';

// Inputs found by review to reach PostgreSQL or a library unchecked; each must be a 4xx problem.
describe('hostile inputs are problems, never 500s', () => {
  let api: TestApi;
  let alice: Client;
  beforeAll(async () => {
    api = await startTestApi();
    alice = await signUp(api.url);
  });
  afterAll(() => api?.stop());

  const expectProblem = (response: { status: number; body: { code?: string } }, status: number, code: string) => {
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body.code).toBe(code);
  };

  it('refuses NUL characters in the query, the path and an API key name', async () => {
    expectProblem(await alice.call('GET', '/v1/files?q=%00'), 400, 'validation_failed');
    expectProblem(await alice.call('GET', '/v1/files?tag=a%00b'), 400, 'validation_failed');
    expectProblem(await alice.call('GET', `/v1/files/${crypto.randomUUID()}%00`), 400, 'validation_failed');
    const key = await alice.call('POST', '/v1/api-keys', { name: 'k\u0000', scopes: ['read'] });
    expectProblem(key, 400, 'validation_failed');
    expect(key.body.errors).toEqual([{ path: '/body/name', message: 'must not contain control characters' }]);
  });

  it('refuses list cursors a client wrote with values no query can take', async () => {
    const cursor = (value: unknown, sort: string) =>
      Buffer.from(JSON.stringify({ s: sort, o: 'desc', v: value, i: crypto.randomUUID() })).toString('base64url');
    const cases: Array<[string, unknown]> = [
      ['created', 99_999_999_999_999_999],
      ['created', 1e300],
      ['size', 9_223_372_036_854_775_808],
      ['name', 'a\u0000'],
    ];
    for (const [sort, value] of cases) {
      expectProblem(await alice.call('GET', `/v1/files?sort=${sort}&cursor=${cursor(value, sort)}`), 400, 'invalid_cursor');
    }
  });

  it('answers a path escape that does not decode, and a body that does not inflate, as bad requests', async () => {
    for (const path of ['/storage/o/%ZZ', '/storage/o/%E0%A4%A']) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('bad_request');
    }
    const garbage = await fetch(`${api.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'garbage',
    });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { code: string }).code).toBe('bad_request');
    // A body that does inflate is read as usual.
    const inflated = await fetch(`${api.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ name: 'zipped', scopes: ['read'] })),
    });
    expect(inflated.status).toBe(201);
  });
});
