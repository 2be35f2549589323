// Another account's files and folders are never reachable through any folder operation: every
// attempt is a 404 (indistinguishable from a missing folder), and nothing of Alice's changes.
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';

describe('folders: tenant isolation', () => {
  let api: TestApi;
  let alice: Client;
  let mallory: Client;
  let folder: { id: string; path: string };
  let file: { id: string };

  beforeAll(async () => {
    api = await startTestApi();
    alice = await signUp(api.url);
    mallory = await signUp(api.url);
    file = await uploadFile(alice, 'private/tax/2026.pdf', 'secret numbers');
    folder = (await alice.call('GET', '/v1/folders/by-path?path=private')).body;
  });
  afterAll(() => api?.stop());

  it("answers 404 folder_not_found to every operation on someone else's folder", async () => {
    const attempts = [
      mallory.call('GET', `/v1/folders/${folder.id}`),
      mallory.call('GET', `/v1/folders/${folder.id}/children`),
      mallory.call('GET', `/v1/folders/${folder.id}/children?q=tax`),
      mallory.call('GET', `/v1/folders/${folder.id}/usage`),
      mallory.call('PATCH', `/v1/folders/${folder.id}`, { name: 'mine' }),
      mallory.call('DELETE', `/v1/folders/${folder.id}?recursive=true`),
      mallory.call('GET', '/v1/folders/by-path?path=private'),
      mallory.call('POST', '/v1/folders', { path: 'inside', parent_id: folder.id }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('folder_not_found');
    }
  });

  it("cannot move its own files or folders into someone else's folder, nor move theirs", async () => {
    const own = await uploadFile(mallory, 'mine.txt');
    const ownFolder = (await mallory.call('POST', '/v1/folders', { path: 'mine' })).body;
    expect((await mallory.call('PATCH', `/v1/files/${own.id}`, { folder_id: folder.id })).body.code).toBe('folder_not_found');
    expect((await mallory.call('POST', '/v1/files/bulk-move', { ids: [own.id], folder_id: folder.id })).body.code).toBe('folder_not_found');
    expect((await mallory.call('PATCH', `/v1/folders/${ownFolder.id}`, { parent_id: folder.id })).body.code).toBe('folder_not_found');
    // Alice's file, moved by Mallory into Mallory's folder: not found, and not moved.
    expect((await mallory.call('PATCH', `/v1/files/${file.id}`, { folder_id: ownFolder.id })).status).toBe(404);
    expect((await mallory.call('POST', '/v1/files/bulk-move', { ids: [file.id], folder_id: ownFolder.id })).body).toEqual({ moved: [], not_found: [file.id] });
    expect((await alice.call('GET', `/v1/files/${file.id}`)).body.path).toBe('private/tax/2026.pdf');
  });

  it("sees only its own tree: listings, searches, usage and paths never meet someone else's", async () => {
    // The same path in two accounts is no conflict.
    const same = await uploadFile(mallory, 'private/tax/2026.pdf', 'other numbers');
    expect(same.path).toBe('private/tax/2026.pdf');
    const malloryPrivate = (await mallory.call('GET', '/v1/folders/by-path?path=private')).body;
    expect(malloryPrivate.id).not.toBe(folder.id);
    const root = (await mallory.call('GET', '/v1/folders/root/children')).body;
    expect(root.items.map((item: { id: string }) => item.id)).not.toContain(folder.id);
    const search = (await mallory.call('GET', '/v1/folders/root/children?q=2026')).body;
    expect(search.items.map((item: { id: string }) => item.id)).toEqual([same.id]);
    const usage = (await mallory.call('GET', '/v1/folders/root/usage')).body;
    expect(usage).toMatchObject({ stored_bytes: 'other numbers'.length + 'content of mine.txt'.length, file_count: 2 });
  });

  it("deleting its own folder never touches someone else's files", async () => {
    const malloryPrivate = (await mallory.call('GET', '/v1/folders/by-path?path=private')).body;
    expect((await mallory.call('DELETE', `/v1/folders/${malloryPrivate.id}?recursive=true`)).body).toEqual({ deleted_files: 1, deleted_folders: 2 });
    expect((await alice.call('GET', `/v1/files/${file.id}`)).status).toBe(200);
    const aliceStatus = await api.database.pool.oneFirst(sql.unsafe`select status from files where id = ${file.id}`);
    expect(aliceStatus).toBe('stored');
    expect((await alice.call('GET', `/v1/folders/${folder.id}`)).body).toMatchObject({ file_count: 1, folder_count: 1 });
  });
});
