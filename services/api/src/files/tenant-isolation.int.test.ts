import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { putTo, signUp, uploadFile, type Client } from './testing/files-test-kit.js';

describe('tenant isolation', () => {
  let api: TestApi;
  let alice: Client;
  let mallory: Client;
  let fileId: string;
  let uploadId: string;
  let multipartId: string;

  beforeAll(async () => {
    api = await startTestApi({ env: { MULTIPART_THRESHOLD_BYTES: String(5 * 1024 ** 2), MULTIPART_PART_SIZE_BYTES: String(5 * 1024 ** 2) } });
    alice = await signUp(api.url);
    mallory = await signUp(api.url);
    fileId = (await uploadFile(alice, 'alice-secret-diary.txt', 'dear diary')).id;
    const pending = await alice.call('POST', '/v1/files/presign', { name: 'alice-pending.txt', size: 5, content_type: 'text/plain' });
    uploadId = pending.body.upload_id;
    await putTo(pending.body, 'hello');
    const multipart = await alice.call('POST', '/v1/files/presign', { name: 'alice-big.bin', size: 6 * 1024 ** 2, content_type: 'application/octet-stream' });
    multipartId = multipart.body.upload_id;
  });
  afterAll(() => api?.stop());

  it("gets 404 for every file operation on someone else's file", async () => {
    const attempts = [
      mallory.call('GET', `/v1/files/${fileId}`),
      mallory.call('PATCH', `/v1/files/${fileId}`, { name: 'mine now.txt' }),
      mallory.call('GET', `/v1/files/${fileId}/download`),
      mallory.call('DELETE', `/v1/files/${fileId}`),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('file_not_found');
    }
    const bulk = await mallory.call('POST', '/v1/files/bulk-delete', { ids: [fileId] });
    expect(bulk.body).toEqual({ deleted: [], not_found: [fileId] });
    // Untouched:
    expect((await alice.call('GET', `/v1/files/${fileId}`)).body.name).toBe('alice-secret-diary.txt');
  });

  it("gets 404 for every upload operation on someone else's upload, and cannot complete it", async () => {
    for (const id of [uploadId, multipartId]) {
      const attempts = [
        mallory.call('POST', '/v1/files/complete', { upload_id: id }),
        mallory.call('GET', `/v1/uploads/${id}`),
        mallory.call('POST', `/v1/uploads/${id}/parts`, { part_numbers: [1] }),
        mallory.call('POST', `/v1/uploads/${id}/url`),
        mallory.call('DELETE', `/v1/uploads/${id}`),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('upload_not_found');
      }
    }
    expect((await mallory.call('GET', '/v1/uploads')).body.items).toEqual([]);
    expect((await alice.call('GET', '/v1/uploads')).body.items.map((u: { upload_id: string }) => u.upload_id)).toContain(multipartId);
    expect((await alice.call('GET', `/v1/uploads/${multipartId}`)).body.status).toBe('pending');
    expect((await alice.call('POST', '/v1/files/complete', { upload_id: uploadId })).status).toBe(201);
  });

  it("cannot see someone else's files in lists or search", async () => {
    for (const query of ['', '?q=alice', '?q=diary', '?sort=name', '?type=text', '?limit=1000']) {
      const response = await mallory.call('GET', `/v1/files${query}`);
      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([]);
    }
    expect((await alice.call('GET', '/v1/files?q=diary')).body.items).toHaveLength(1);
  });

  it("cannot reuse someone else's cursor to read their listing", async () => {
    await uploadFile(alice, 'second.txt');
    const page = await alice.call('GET', '/v1/files?limit=1');
    expect(page.body.next_cursor).toBeDefined();
    const stolen = await mallory.call('GET', `/v1/files?limit=1&cursor=${page.body.next_cursor}`);
    expect(stolen.body.items).toEqual([]);
  });
});
