// Paths, conflicts, moves and deletes against PostgreSQL and versitygw: storage keys never change
// with a path, and what a replace or a delete removes is really gone from the bucket.
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, putTo, signUp, uploadFile, type Client, type TestBucket } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';

describe('folder rules (S3 storage)', () => {
  let api: TestApi;
  let bucket: TestBucket;
  let alice: Client;

  beforeAll(async () => {
    bucket = await createTestBucket();
    api = await startTestApi({ env: bucket.env });
    alice = await signUp(api.url);
  });
  afterAll(async () => {
    await api?.stop();
    await bucket?.drop();
  });

  const keyOf = (fileId: string) => api.database.pool.oneFirst(sql.unsafe`select object_key from files where id = ${fileId}`) as Promise<string>;
  const eventsOf = (fileId: string) =>
    api.database.pool.any(sql.unsafe`select event_type, transaction_id::text as tx from outbox where event->'data'->>'file_id' = ${fileId} order by position`) as Promise<
      ReadonlyArray<{ event_type: string; tx: string }>
    >;
  const presign = async (name: string, body: string, extra: Record<string, unknown> = {}) => {
    const answer = await alice.call('POST', '/v1/files/presign', { name, size: Buffer.byteLength(body), content_type: 'text/plain', ...extra });
    expect(answer.status).toBe(201);
    expect((await putTo(answer.body, body)).status).toBe(200);
    return answer.body.upload_id as string;
  };

  describe('path conflicts', () => {
    it('fails by default with 409 path_taken, keeps the upload pending, and completes with rename', async () => {
      const first = await uploadFile(alice, 'conflicts/report.pdf', 'first');
      const uploadId = await presign('conflicts/report.pdf', 'second');
      const refused = await alice.call('POST', '/v1/files/complete', { upload_id: uploadId });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'path_taken', path: 'conflicts/report.pdf', held_by: 'file' });
      expect((await alice.call('GET', `/v1/uploads/${uploadId}`)).body.status).toBe('pending');
      const renamed = await alice.call('POST', '/v1/files/complete', { upload_id: uploadId, on_conflict: 'rename' });
      expect(renamed.status).toBe(201);
      expect(renamed.body.path).toBe('conflicts/report (1).pdf');
      const third = await presign('conflicts/report.pdf', 'third', { on_conflict: 'rename' });
      expect((await alice.call('POST', '/v1/files/complete', { upload_id: third })).body.path).toBe('conflicts/report (2).pdf');
      expect((await alice.call('GET', `/v1/files/${first.id}`)).body.path).toBe('conflicts/report.pdf');
    });

    it('replace deletes the old file through the deletion path, in the transaction that stores the new one', async () => {
      const old = await uploadFile(alice, 'conflicts/data.csv', 'old,data');
      const oldKey = await keyOf(old.id);
      const uploadId = await presign('conflicts/data.csv', 'new,data,longer', { on_conflict: 'replace' });
      const replaced = await alice.call('POST', '/v1/files/complete', { upload_id: uploadId });
      expect(replaced.status).toBe(201);
      expect(replaced.body).toMatchObject({ path: 'conflicts/data.csv', size: 15 });
      expect((await alice.call('GET', `/v1/files/${old.id}`)).status).toBe(404);
      const oldEvents = await eventsOf(old.id);
      const newEvents = await eventsOf(replaced.body.id);
      expect(oldEvents.map((e) => e.event_type)).toEqual(['file.stored', 'file.deleted']);
      expect(newEvents.map((e) => e.event_type)).toEqual(['file.stored']);
      expect(oldEvents[1]!.tx).toBe(newEvents[0]!.tx);
      // Keys are per upload: the new file has its own, and the old object is gone from the bucket.
      const keys = await bucket.keys();
      expect(keys).not.toContain(oldKey);
      expect(keys).toContain(await keyOf(replaced.body.id));
    });

    it('never replaces a folder with a file, nor goes through a file as if it were a folder', async () => {
      await alice.call('POST', '/v1/folders', { path: 'conflicts/sub' });
      const onFolder = await presign('conflicts/sub', 'x', { on_conflict: 'replace' });
      const refused = await alice.call('POST', '/v1/files/complete', { upload_id: onFolder });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'path_taken', held_by: 'folder' });
      await uploadFile(alice, 'conflicts/plain.txt', 'p');
      const through = await presign('conflicts/plain.txt/inner.txt', 'y');
      expect((await alice.call('POST', '/v1/files/complete', { upload_id: through })).body).toMatchObject({ code: 'path_taken', held_by: 'file' });
      const folderOnFile = await alice.call('POST', '/v1/folders', { path: 'conflicts/plain.txt' });
      expect(folderOnFile.status).toBe(409);
      expect((await alice.call('POST', '/v1/folders', { path: 'conflicts/sub' })).body).toMatchObject({ code: 'path_taken', held_by: 'folder' });
    });

    it.each([
      ['a//b.txt', 'empty segment'],
      ['/a.txt', 'leading slash'],
      ['a/', 'trailing slash'],
      ['a/../b.txt', 'dot-dot'],
      ['a/./b.txt', 'dot'],
      ['a\\b.txt', 'backslash'],
      ['a/b\u0007/c.txt', 'control character'],
      [`${'d'.repeat(200)}/${'e'.repeat(200)}/${'f'.repeat(200)}/${'g'.repeat(200)}/x.txt`, 'folders over 768 bytes'],
    ])('refuses the path %j (%s) with 400 invalid_file_name', async (name) => {
      const answer = await alice.call('POST', '/v1/files/presign', { name, size: 1, content_type: 'text/plain' });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('invalid_file_name');
    });

    it('refuses bad folder paths with 400 invalid_folder_name', async () => {
      for (const path of ['x//y', '..', 'x/.', ' lead']) {
        const answer = await alice.call('POST', '/v1/folders', { path });
        expect(answer.status, path).toBe(400);
        expect(answer.body.code).toBe('invalid_folder_name');
      }
    });
  });

  describe('moving and renaming folders', () => {
    it('changes paths of everything inside, never a storage key, and refuses cycles and taken names', async () => {
      const deep = await uploadFile(alice, 'projects/alpha/src/main.ts', 'code');
      await uploadFile(alice, 'projects/alpha/readme.md', 'docs');
      const keysBefore = (await bucket.keys()).sort();
      const alpha = (await alice.call('GET', '/v1/folders/by-path?path=projects/alpha')).body;
      const src = (await alice.call('GET', '/v1/folders/by-path?path=projects/alpha/src')).body;
      const archive = (await alice.call('POST', '/v1/folders', { path: 'archive' })).body;

      const intoItself = await alice.call('PATCH', `/v1/folders/${alpha.id}`, { parent_id: alpha.id });
      expect(intoItself.body.code).toBe('folder_cycle');
      const intoChild = await alice.call('PATCH', `/v1/folders/${alpha.id}`, { parent_id: src.id });
      expect(intoChild.status).toBe(409);
      expect(intoChild.body.code).toBe('folder_cycle');
      await alice.call('POST', '/v1/folders', { path: 'archive/beta' });
      const taken = await alice.call('PATCH', `/v1/folders/${alpha.id}`, { parent_id: archive.id, name: 'beta' });
      expect(taken.body).toMatchObject({ code: 'path_taken', held_by: 'folder' });

      const moved = await alice.call('PATCH', `/v1/folders/${alpha.id}`, { parent_id: archive.id, name: 'alpha-2025' });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ path: 'archive/alpha-2025', parent_id: archive.id, file_count: 2, folder_count: 1 });
      expect((await alice.call('GET', `/v1/files/${deep.id}`)).body.path).toBe('archive/alpha-2025/src/main.ts');
      expect((await alice.call('GET', `/v1/folders/${src.id}`)).body.path).toBe('archive/alpha-2025/src');
      expect((await alice.call('GET', '/v1/folders/by-path?path=projects/alpha')).status).toBe(404);
      expect((await bucket.keys()).sort()).toEqual(keysBefore);
      // Its old place is free again, and the totals of both parents followed.
      expect((await alice.call('POST', '/v1/folders', { path: 'projects/alpha' })).status).toBe(201);
      expect((await alice.call('GET', `/v1/folders/${archive.id}`)).body).toMatchObject({ file_count: 2, stored_bytes: 8 });
      expect((await alice.call('GET', '/v1/folders/by-path?path=projects')).body).toMatchObject({ file_count: 0, stored_bytes: 0 });

      const toRoot = await alice.call('PATCH', `/v1/folders/${src.id}`, { parent_id: null });
      expect(toRoot.body.path).toBe('src');
      expect((await alice.call('GET', `/v1/files/${deep.id}`)).body.path).toBe('src/main.ts');
    });
  });

  describe('deleting folders', () => {
    it('refuses a non-empty folder without recursive, then deletes everything inside: events, rows and objects', async () => {
      const files = await Promise.all(['trash/a.txt', 'trash/b/c.txt', 'trash/b/d/e.txt'].map((path) => uploadFile(alice, path, path)));
      const keys = await Promise.all(files.map((file) => keyOf(file.id)));
      const trash = (await alice.call('GET', '/v1/folders/by-path?path=trash')).body;
      const refused = await alice.call('DELETE', `/v1/folders/${trash.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('folder_not_empty');

      const deleted = await alice.call('DELETE', `/v1/folders/${trash.id}?recursive=true`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ deleted_files: 3, deleted_folders: 3 });
      for (const file of files) {
        expect((await eventsOf(file.id)).map((e) => e.event_type)).toEqual(['file.stored', 'file.deleted']);
        expect((await alice.call('GET', `/v1/files/${file.id}`)).status).toBe(404);
      }
      const remaining = await bucket.keys();
      for (const key of keys) expect(remaining).not.toContain(key);
      expect((await alice.call('GET', `/v1/folders/${trash.id}`)).status).toBe(404);
      expect((await alice.call('GET', `/v1/folders/${trash.id}/children`)).status).toBe(404);
      // The name is free again.
      expect((await alice.call('POST', '/v1/folders', { path: 'trash/b' })).status).toBe(201);
    });

    it('deletes an empty folder without recursive', async () => {
      const empty = (await alice.call('POST', '/v1/folders', { path: 'empty' })).body;
      expect((await alice.call('DELETE', `/v1/folders/${empty.id}`)).body).toEqual({ deleted_files: 0, deleted_folders: 1 });
    });
  });
});
