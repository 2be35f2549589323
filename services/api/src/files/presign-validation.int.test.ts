import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { signUp, type Client } from './testing/files-test-kit.js';

describe('presign refuses bad input with 4xx problems, never a 500', () => {
  let api: TestApi;
  let alice: Client;

  beforeAll(async () => {
    api = await startTestApi({ env: { ALLOWED_CONTENT_TYPES: 'image/*,application/pdf,text/plain', MAX_FILE_SIZE_BYTES: '1000000' } });
    alice = await signUp(api.url);
  });
  afterAll(() => api?.stop());

  const ok = { name: 'photo.png', size: 1000, content_type: 'image/png' };

  it.each([
    [{ ...ok, name: '' }, 'invalid_file_name'],
    [{ ...ok, name: '../../etc/passwd' }, 'invalid_file_name'],
    [{ ...ok, name: 'C:\\boot.ini' }, 'invalid_file_name'],
    [{ ...ok, name: 'line\nbreak.png' }, 'invalid_file_name'],
    [{ ...ok, name: 'x'.repeat(256) }, 'invalid_file_name'],
    [{ ...ok, size: 0 }, 'validation_failed'],
    [{ ...ok, size: -5 }, 'validation_failed'],
    [{ ...ok, size: 1.5 }, 'validation_failed'],
    [{ ...ok, size: '1000' }, 'validation_failed'],
    [{ ...ok, size: 1_000_001 }, 'file_too_large'],
    [{ ...ok, size: 2 ** 60 }, 'file_too_large'],
    [{ ...ok, content_type: 'video/mp4' }, 'content_type_not_allowed'],
    [{ ...ok, content_type: 'image/png; charset=x' }, 'invalid_content_type'],
    [{ ...ok, content_type: 'not a type' }, 'invalid_content_type'],
    [{ ...ok, sha256: 'z'.repeat(64) }, 'invalid_checksum'],
    [{ ...ok, extra: true }, 'validation_failed'],
    [{ name: 'a.png' }, 'validation_failed'],
  ])('%j → %s', async (body, code) => {
    const response = await alice.call('POST', '/v1/files/presign', body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.code).toBe(code);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('accepts wildcard families and normalises the type', async () => {
    const response = await alice.call('POST', '/v1/files/presign', { ...ok, content_type: 'IMAGE/WebP' });
    expect(response.status).toBe(201);
  });

  it('refuses malformed complete and part requests', async () => {
    for (const [method, path, body] of [
      ['POST', '/v1/files/complete', { upload_id: 'nope' }],
      ['POST', '/v1/files/complete', {}],
      ['POST', '/v1/files/complete', { upload_id: '0190d6a4-0000-7000-8000-000000000000', parts: [{ part_number: 0, etag: 'x' }] }],
      ['POST', '/v1/uploads/0190d6a4-0000-7000-8000-000000000000/parts', { part_numbers: [] }],
      ['POST', '/v1/uploads/0190d6a4-0000-7000-8000-000000000000/parts', { part_numbers: [10001] }],
    ] as const) {
      const response = await alice.call(method, path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect((await alice.call('POST', '/v1/files/complete', { upload_id: '0190d6a4-0000-7000-8000-000000000000' })).body.code).toBe('upload_not_found');
  });

  it('requires authentication', async () => {
    const response = await fetch(`${api.url}/v1/files/presign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ok) });
    expect(response.status).toBe(401);
  });
});
