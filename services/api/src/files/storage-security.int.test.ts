import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { createTestBucket, putTo, sha256Hex, signUp, type Client, type TestBucket } from './testing/files-test-kit.js';

// S3 (versitygw, which verifies SigV4, expiry and checksums like S3 does) and the local store's own URLs.
const params = {
  s3: { signature: 'X-Amz-Signature', expires: 'X-Amz-Expires' },
  local: { signature: 'X-Baketsu-Signature', expires: 'X-Baketsu-Expires' },
} as const;

describe.each(['s3', 'local'] as const)('signed upload URLs cannot be abused (%s)', (mode) => {
  let api: TestApi;
  let bucket: TestBucket | undefined;
  let alice: Client;
  let clockOffsetMs = 0;
  const clock = { now: () => new Date(Date.now() + clockOffsetMs) };

  beforeAll(async () => {
    bucket = mode === 's3' ? await createTestBucket() : undefined;
    api = await startTestApi({ env: { ...bucket?.env }, clock });
    alice = await signUp(api.url);
  });
  afterAll(async () => {
    await api?.stop();
    await bucket?.drop();
  });

  const body = 'exactly these bytes';
  // A name each: two stored files cannot share a path.
  let uploads = 0;
  const presign = async (extra: Record<string, unknown> = {}) => {
    const response = await alice.call('POST', '/v1/files/presign', { name: `a-${++uploads}.txt`, size: Buffer.byteLength(body), content_type: 'text/plain', ...extra });
    expect(response.status).toBe(201);
    return response.body as { upload_id: string; url: string; headers: Record<string, string> };
  };
  async function expectNothingStored(uploadId: string) {
    const complete = await alice.call('POST', '/v1/files/complete', { upload_id: uploadId });
    expect(complete.status).toBe(409);
    expect(complete.body.code).toBe('upload_incomplete');
    const key = await api.database.pool.oneFirst(sql.unsafe`select object_key from uploads where id = ${uploadId}`);
    expect(await api.objectStore.headObject(key as string)).toBeNull();
  }
  const withParam = (url: string, name: string, change: (value: string) => string) => {
    const u = new URL(url);
    u.searchParams.set(name, change(u.searchParams.get(name) ?? ''));
    return u.toString();
  };

  it('refuses an expired URL', async () => {
    clockOffsetMs = -11 * 60 * 1000; // signed 11 minutes ago with a 10 minute lifetime
    const target = await presign();
    clockOffsetMs = 0;
    const response = await putTo(target, body);
    expect(response.status).toBe(403);
    await expectNothingStored(target.upload_id);
  });

  it('an upload whose URL expired gets a fresh one and completes', async () => {
    clockOffsetMs = -11 * 60 * 1000;
    const target = await presign();
    clockOffsetMs = 0;
    expect((await putTo(target, body)).status).toBe(403);

    const fresh = await alice.call('POST', `/v1/uploads/${target.upload_id}/url`);
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect((await putTo(fresh.body, body)).status).toBe(200);
    expect((await alice.call('POST', '/v1/files/complete', { upload_id: target.upload_id })).status).toBe(201);
  });

  it('refuses tampered URLs: signature, expiry, and another key', async () => {
    const target = await presign();
    const other = await presign();
    const tampered = [
      withParam(target.url, params[mode].signature, (s) => s.slice(0, -2) + (s.endsWith('AA') ? 'BA' : 'AA')),
      withParam(target.url, params[mode].expires, (s) => String(Number(s) + 3600)),
      target.url.replace(target.upload_id, other.upload_id),
    ];
    for (const url of tampered) expect((await putTo({ url, headers: target.headers }, body)).status).toBe(403);
    await expectNothingStored(target.upload_id);
    await expectNothingStored(other.upload_id);
  });

  it('refuses bodies larger or smaller than declared, and another content type', async () => {
    const target = await presign();
    expect((await putTo(target, `${body}!`)).status).toBeGreaterThanOrEqual(400);
    expect((await putTo(target, body.slice(1))).status).toBeGreaterThanOrEqual(400);
    expect((await putTo({ url: target.url, headers: { ...target.headers, 'content-type': 'text/html' } }, body)).status).toBe(403);
    await expectNothingStored(target.upload_id);
  });

  it('refuses content that does not match the declared checksum', async () => {
    const target = await presign({ sha256: sha256Hex(body) });
    expect(target.headers['x-amz-checksum-sha256']).toBeDefined();
    const sameLength = body.toUpperCase();
    expect((await putTo(target, sameLength)).status).toBeGreaterThanOrEqual(400);
    // Dropping the checksum header breaks the signature.
    expect((await putTo({ url: target.url, headers: { 'content-type': 'text/plain' } }, sameLength)).status).toBe(403);
    await expectNothingStored(target.upload_id);
    expect((await putTo(target, body)).status).toBe(200);
    expect((await alice.call('POST', '/v1/files/complete', { upload_id: target.upload_id })).body.sha256).toBe(sha256Hex(body));
  });

  it('refuses at completion an object that differs from the declaration, and removes it', async () => {
    const target = await presign();
    // Bytes that reached storage some other way (e.g. a leaked key): completion must not bill them as declared.
    const key = await api.database.pool.oneFirst(sql.unsafe`select object_key from uploads where id = ${target.upload_id}`);
    const direct = await api.objectStore.presignPut(key as string, { size: 5, contentType: 'text/plain', expiresInSeconds: 60 });
    expect((await putTo(direct, 'short')).status).toBe(200);
    const complete = await alice.call('POST', '/v1/files/complete', { upload_id: target.upload_id });
    expect(complete.status).toBe(422);
    expect(complete.body.code).toBe('upload_mismatch');
    expect(await api.objectStore.headObject(key as string)).toBeNull();
    expect((await alice.call('GET', `/v1/uploads/${target.upload_id}`)).body.status).toBe('failed');
    expect(await api.database.pool.anyFirst(sql.unsafe`select id from files where upload_id = ${target.upload_id}`)).toEqual([]);
  });
});
