import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { createTestBucket, putTo, sha256Hex, signUp, type Client, type TestBucket } from './testing/files-test-kit.js';

// The same flow against both stores: clients cannot tell them apart.
describe.each(['local', 's3'] as const)('single-PUT upload (%s store)', (mode) => {
  let api: TestApi;
  let bucket: TestBucket | undefined;
  let alice: Client;

  beforeAll(async () => {
    bucket = mode === 's3' ? await createTestBucket() : undefined;
    api = await startTestApi({ env: { ...bucket?.env, PRICE_PER_GIB_MONTH: '0.02' } });
    alice = await signUp(api.url);
  });
  afterAll(async () => {
    await api?.stop();
    await bucket?.drop();
  });

  it('presign → PUT → complete creates one file and one file.stored event; completing again returns it', async () => {
    const body = `hello from ${mode} ${Date.now()}`;
    const presign = await alice.call('POST', '/v1/files/presign', {
      name: 'Grüße.txt',
      size: Buffer.byteLength(body),
      content_type: 'text/plain',
      sha256: sha256Hex(body),
    });
    expect(presign.status, JSON.stringify(presign.body)).toBe(201);
    expect(presign.body).toMatchObject({ type: 'single', method: 'PUT', quote: { currency: 'usd' } });
    expect(presign.body.quote.added_monthly_cost).toMatch(/^\d+\.\d{6}$/);
    const ttl = Date.parse(presign.body.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);

    const put = await putTo(presign.body, body);
    expect(put.status, await put.clone().text()).toBe(200);

    const completed = await alice.call('POST', '/v1/files/complete', { upload_id: presign.body.upload_id });
    expect(completed.status, JSON.stringify(completed.body)).toBe(201);
    expect(completed.body).toMatchObject({ name: 'Grüße.txt', size: Buffer.byteLength(body), content_type: 'text/plain', sha256: sha256Hex(body), tags: [] });

    const again = await alice.call('POST', '/v1/files/complete', { upload_id: presign.body.upload_id });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(completed.body.id);

    const events = await api.database.pool.any(sql.unsafe`select event from outbox where event->'data'->>'file_id' = ${completed.body.id}`);
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toMatchObject({ type: 'file.stored', subject: expect.any(String), data: { size_bytes: Buffer.byteLength(body) } });

    const download = await alice.call('GET', `/v1/files/${completed.body.id}/download`);
    expect(download.status).toBe(200);
    const got = await fetch(download.body.url);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe(body);
    expect(got.headers.get('content-disposition')).toContain(`filename*=UTF-8''Gr%C3%BC%C3%9Fe.txt`);
  });

  it('concurrent completes make one file and one event', async () => {
    const presign = await alice.call('POST', '/v1/files/presign', { name: 'race.txt', size: 4, content_type: 'text/plain' });
    expect((await putTo(presign.body, 'race')).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 6 }, () => alice.call('POST', '/v1/files/complete', { upload_id: presign.body.upload_id })));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const events = await api.database.pool.anyFirst(sql.unsafe`select event_id from outbox where event->'data'->>'file_id' = ${results[0]!.body.id}`);
    expect(events).toHaveLength(1);
  });

  it('complete before the bytes arrive is a 409 upload_incomplete and creates nothing', async () => {
    const presign = await alice.call('POST', '/v1/files/presign', { name: 'later.bin', size: 10, content_type: 'application/octet-stream' });
    const early = await alice.call('POST', '/v1/files/complete', { upload_id: presign.body.upload_id });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('upload_incomplete');
    expect(early.headers.get('content-type')).toContain('application/problem+json');
  });

  it('a single upload gets a fresh URL that binds the same bytes, only while it is pending and only for its owner', async () => {
    const body = `re-signed ${mode} ${Date.now()}`;
    const presign = await alice.call('POST', '/v1/files/presign', {
      name: 'late.txt', size: Buffer.byteLength(body), content_type: 'text/plain', sha256: sha256Hex(body),
    });
    const id = presign.body.upload_id as string;
    const bob = await signUp(api.url);
    expect((await bob.call('POST', `/v1/uploads/${id}/url`)).body).toMatchObject({ status: 404, code: 'upload_not_found' });

    const resigned = await alice.call('POST', `/v1/uploads/${id}/url`);
    expect(resigned.status, JSON.stringify(resigned.body)).toBe(200);
    expect(resigned.body).toMatchObject({ upload_id: id, method: 'PUT', headers: presign.body.headers });
    expect(Date.parse(resigned.body.expires_at)).toBeGreaterThan(Date.now() + 590_000);
    // The checksum is bound as before: other bytes of the same length are refused.
    expect((await putTo(resigned.body, body.replace(/.$/, '#'))).ok).toBe(false);
    expect((await putTo(resigned.body, body)).status).toBe(200);
    expect((await alice.call('POST', '/v1/files/complete', { upload_id: id })).status).toBe(201);

    expect((await alice.call('POST', `/v1/uploads/${id}/url`)).body).toMatchObject({ status: 409, code: 'upload_not_pending' });
    const multipart = await alice.call('POST', '/v1/files/presign', { name: 'big.bin', size: 200 * 1024 ** 2, content_type: 'application/octet-stream' });
    expect(multipart.body.type).toBe('multipart');
    expect((await alice.call('POST', `/v1/uploads/${multipart.body.upload_id}/url`)).body).toMatchObject({ status: 409, code: 'upload_not_single' });
    await alice.call('DELETE', `/v1/uploads/${multipart.body.upload_id}`);
  });

  it('storage refuses bytes other than the declared ones, and complete then has nothing to adopt', async () => {
    const presign = await alice.call('POST', '/v1/files/presign', { name: 'x.txt', size: 5, content_type: 'text/plain', sha256: sha256Hex('hello') });
    expect((await putTo(presign.body, 'hell')).status).toBeGreaterThanOrEqual(400);
    expect((await putTo(presign.body, 'hello!')).status).toBeGreaterThanOrEqual(400);
    expect((await putTo(presign.body, 'HELLO')).status).toBeGreaterThanOrEqual(400);
    const complete = await alice.call('POST', '/v1/files/complete', { upload_id: presign.body.upload_id });
    expect(complete.body.code).toBe('upload_incomplete');
  });
});
