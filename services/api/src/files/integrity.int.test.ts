// Issue 13, "Integrity": the bytes behind a file are final once it is complete, the file row records
// what storage vouched for, and reconciliation flags an object changed behind the API's back.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import pino from 'pino';
import { Registry } from 'prom-client';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import type { FilesDeps } from './files-deps.js';
import { createIntegrityMetrics } from './integrity.js';
import { reconcile } from './reconciliation.js';
import { createTestBucket, putTo, sha256Hex, signUp, type Client, type TestBucket } from './testing/files-test-kit.js';

const sha256Base64 = (text: string) => createHash('sha256').update(text).digest('base64');

describe.each(['local', 's3'] as const)('stored bytes are final (%s store)', (mode) => {
  let api: TestApi;
  let bucket: TestBucket | undefined;
  let alice: Client;
  let deps: FilesDeps;

  beforeAll(async () => {
    bucket = mode === 's3' ? await createTestBucket() : undefined;
    api = await startTestApi({ env: { ...bucket?.env } });
    alice = await signUp(api.url);
    deps = { pool: api.database.pool, store: api.objectStore, clock: { now: () => new Date() }, config: api.config, logger: pino({ level: 'silent' }) };
  });
  afterAll(async () => {
    await api?.stop();
    await bucket?.drop();
  });

  const presign = async (name: string, body: string, extra: Record<string, unknown> = {}) => {
    const response = await alice.call('POST', '/v1/files/presign', { name, size: Buffer.byteLength(body), content_type: 'text/plain', ...extra });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { upload_id: string; url: string; headers: Record<string, string> };
  };
  const complete = (uploadId: string) => alice.call('POST', '/v1/files/complete', { upload_id: uploadId });
  const downloaded = async (fileId: string) => {
    const link = await alice.call('GET', `/v1/files/${fileId}/download`);
    return (await fetch(link.body.url)).text();
  };
  const fileRow = (fileId: string) =>
    api.database.pool.one(sql.type(
      z.object({
        object_key: z.string(),
        sha256: z.string().nullable(),
        object_checksum: z.string().nullable(),
        object_etag: z.string().nullable(),
        integrity_mismatch: z.string().nullable(),
        integrity_mismatch_at: z.number().nullable(),
      }),
    )`select object_key, sha256, object_checksum, object_etag, integrity_mismatch, integrity_mismatch_at from files where id = ${fileId}`);

  it('refuses a PUT after complete, through the same URL, without a declared checksum: the file keeps its bytes', async () => {
    const body = 'the bytes that were billed';
    const target = await presign('final.txt', body);
    expect(target.headers['if-none-match']).toBe('*');
    expect((await putTo(target, body)).status).toBe(200);
    const file = await complete(target.upload_id);
    expect(file.status).toBe(201);

    const replacement = body.toUpperCase(); // same size: only the content differs
    const late = await putTo(target, replacement);
    expect(late.status).toBe(412);
    // Without the condition the signature no longer matches.
    const { 'if-none-match': _condition, ...unconditional } = target.headers;
    expect((await putTo({ url: target.url, headers: unconditional }, replacement)).status).toBe(403);

    expect(await downloaded(file.body.id)).toBe(body);
    expect((await complete(target.upload_id)).body).toMatchObject({ id: file.body.id, size: Buffer.byteLength(body) });
  });

  it('a second PUT before complete is refused, and complete adopts the first', async () => {
    const body = 'first of two';
    const target = await presign('twice.txt', body);
    expect((await putTo(target, body)).status).toBe(200);
    expect((await putTo(target, 'other bytes!')).status).toBe(412);
    const file = await complete(target.upload_id);
    expect(file.status).toBe(201);
    expect(await downloaded(file.body.id)).toBe(body);
  });

  it('records what storage vouched for: the SHA-256 where storage knows it, a checksum and the ETag always', async () => {
    const body = 'checksum me';
    const target = await presign('recorded.txt', body);
    expect((await putTo(target, body)).status).toBe(200);
    const file = await complete(target.upload_id);
    const row = await fileRow(file.body.id);
    const head = await api.objectStore.headObject(row.object_key);
    expect(row.object_etag).toBe(head?.etag);
    expect(row.object_etag).toMatch(/^[^"]+$/);
    if (mode === 'local') {
      // The local store hashes every write, declared or not.
      expect(file.body.sha256).toBe(sha256Hex(body));
      expect(row).toMatchObject({ sha256: sha256Base64(body), object_checksum: `sha256:${sha256Base64(body)}` });
    } else {
      // S3 reports no SHA-256 for a PUT that declared none, but computes its own CRC64NVME.
      expect(file.body.sha256).toBeUndefined();
      expect(row.sha256).toBeNull();
      expect(row.object_checksum).toMatch(/^crc64nvme:[A-Za-z0-9+/]+=*$/);
    }

    const declared = 'declared checksum';
    const withSha = await presign('declared.txt', declared, { sha256: sha256Hex(declared) });
    expect((await putTo(withSha, declared)).status).toBe(200);
    const declaredFile = await complete(withSha.upload_id);
    expect(declaredFile.body.sha256).toBe(sha256Hex(declared));
    expect(await fileRow(declaredFile.body.id)).toMatchObject({ sha256: sha256Base64(declared), object_checksum: `sha256:${sha256Base64(declared)}` });
  });

  /** Replaces the object's bytes without the API: on the disk, or with S3 credentials. */
  async function alterBehindTheApi(objectKey: string, bytes: string) {
    if (mode === 'local') {
      const root = api.config.STORAGE_LOCAL_DIR ?? path.join(api.config.DATA_DIR, 'storage');
      await writeFile(path.join(root, 'objects', objectKey), bytes);
    } else {
      await bucket!.s3.send(new PutObjectCommand({ Bucket: bucket!.bucket, Key: objectKey, Body: bytes }));
    }
  }

  it('reconciliation flags a file whose object changed behind the API, once, and leaves intact ones alone', async () => {
    const registry = new Registry();
    const metrics = createIntegrityMetrics(registry);
    const counted = async () => (await registry.getSingleMetricAsString('files_integrity_mismatches_total')).match(/ (\d+)$/m)?.[1];
    const files = [];
    for (const name of ['intact.txt', 'same-size.txt', 'longer.txt']) {
      const body = `content of ${name}`;
      const target = await presign(name, body);
      expect((await putTo(target, body)).status).toBe(200);
      files.push({ name, body, id: (await complete(target.upload_id)).body.id as string });
    }
    const [intact, sameSize, longer] = files as [(typeof files)[0], (typeof files)[0], (typeof files)[0]];
    expect((await reconcile(deps, metrics)).mismatched).toBe(0);

    await alterBehindTheApi((await fileRow(sameSize.id)).object_key, sameSize.body.toUpperCase());
    await alterBehindTheApi((await fileRow(longer.id)).object_key, `${longer.body} and more`);
    expect((await reconcile(deps, metrics)).mismatched).toBe(2);
    expect(await counted()).toBe('2');

    const flagged = await api.database.pool.anyFirst(sql.unsafe`select name from files where integrity_mismatch_at is not null and account_id =
      (select account_id from files where id = ${intact.id}) order by name`);
    expect(flagged).toEqual(['longer.txt', 'same-size.txt']);
    expect((await fileRow(longer.id)).integrity_mismatch).toMatch(/bytes/);
    expect((await fileRow(sameSize.id)).integrity_mismatch).toMatch(mode === 'local' ? /checksum is sha256:/ : /ETag is /);
    expect((await fileRow(intact.id)).integrity_mismatch_at).toBeNull();

    // Flagged once: the next pass neither counts nor logs them again. Billing is not touched.
    expect((await reconcile(deps, metrics)).mismatched).toBe(0);
    expect(await counted()).toBe('2');
    expect((await alice.call('GET', `/v1/files/${sameSize.id}`)).status).toBe(200);
  });
});
