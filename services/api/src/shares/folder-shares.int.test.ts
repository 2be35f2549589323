// Folder share links: one link, every stored file inside the folder at any depth, each download
// counted and recorded exactly as a file link's; nothing outside the folder (or another account's)
// ever reachable through it, and every state a file link has.
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { expectProblem, publicDownload, publicFiles, publicShare, shareFolder } from './testing/share-test-kit.js';

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let api: TestApi;
let alice: Client;
let mallory: Client;
let folderId: string;
let top: { id: string; size: number };
let nested: { id: string; size: number };
let outside: { id: string };

beforeAll(async () => {
  api = await startTestApi({ clock });
  alice = await signUp(api.url);
  mallory = await signUp(api.url);
  top = await uploadFile(alice, 'trip/map.txt', 'the map');
  nested = await uploadFile(alice, 'trip/photos/day1.txt', 'first day, in full');
  outside = await uploadFile(alice, 'tripwire/secret.txt', 'not shared');
  folderId = (await alice.call('GET', '/v1/folders/by-path?path=trip')).body.id;
  // Uploaded before any test moves the clock: a moved clock makes the API's reconciliation adopt a
  // fresh upload between its PUT and its complete.
  await uploadFile(alice, 'gone/file.txt', 'soon deleted');
  await uploadFile(mallory, 'loot/stash.txt', 'her stash');
});
afterAll(() => api?.stop());

const downloadsOf = (shareId: string) =>
  api.database.pool.any(sql.unsafe`
    select event->'data' as data from outbox where event_type = 'share.downloaded' and event->'data'->>'share_id' = ${shareId}
    order by position`);

describe('a folder link', () => {
  test('is made to an own live folder, sized by everything inside it', async () => {
    const link = await shareFolder(alice, folderId, { max_downloads: 10 });
    expect(link).toMatchObject({ target: { type: 'folder', id: folderId, name: 'trip', size: top.size + nested.size }, status: 'active' });
    const read = await alice.call('GET', `/v1/shares/${link.id}`);
    expect(read.body.target).toEqual({ type: 'folder', id: folderId, name: 'trip', size: top.size + nested.size });
    const listed = await alice.call('GET', `/v1/shares?folder_id=${folderId}`);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(link.id);
    expect(listed.body.items.every((item: { target: { id: string } }) => item.target.id === folderId)).toBe(true);
    expect((await mallory.call('GET', `/v1/shares?folder_id=${folderId}`)).body.items).toEqual([]);
  });

  test('shows the folder name and lists its files at any depth with relative paths, paged', async () => {
    const link = await shareFolder(alice, folderId);
    const shown = await publicShare(api.url, link.token);
    expect(shown.body).toEqual({ type: 'folder', password_required: false, name: 'trip', expires_at: null, downloads_remaining: null });
    const all = await publicFiles(api.url, link.token);
    expect(all.status).toBe(200);
    expect(all.body.items.map((file: { path: string }) => file.path).sort()).toEqual(['map.txt', 'photos/day1.txt']);
    expect(all.body.next_cursor).toBeUndefined();
    const first = await publicFiles(api.url, link.token, { limit: 1 });
    expect(first.body.items).toHaveLength(1);
    const second = await publicFiles(api.url, link.token, { limit: 1, cursor: first.body.next_cursor });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(second.body.next_cursor).toBeUndefined();
    expectProblem(await publicFiles(api.url, link.token, { cursor: 'bm90LWEtY3Vyc29y' }), 400, 'invalid_cursor');
  });

  test('downloads a nested file, counted once with its bytes and one share.downloaded event', async () => {
    const link = await shareFolder(alice, folderId, { max_downloads: 5 });
    const download = await publicDownload(api.url, link.token, { file_id: nested.id });
    expect(download.status).toBe(200);
    expect(download.body).toMatchObject({ name: 'day1.txt', size: nested.size });
    expect(await (await fetch(download.body.url)).text()).toBe('first day, in full');
    const read = (await alice.call('GET', `/v1/shares/${link.id}`)).body;
    expect(read).toMatchObject({ download_count: 1, downloads_remaining: 4, bytes_served: nested.size });
    const events = await downloadsOf(link.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ share_id: link.id, file_id: nested.id, size_bytes: nested.size });
  });

  test('refuses, uncounted, a file outside the folder, another account\'s, a deleted one, or none', async () => {
    const link = await shareFolder(alice, folderId);
    const malloryFile = await uploadFile(mallory, 'trip/map.txt', 'hers');
    const doomed = await uploadFile(alice, 'trip/doomed.txt', 'bye');
    expect((await alice.call('DELETE', `/v1/files/${doomed.id}`)).status).toBe(204);
    for (const fileId of [outside.id, malloryFile.id, doomed.id]) {
      expectProblem(await publicDownload(api.url, link.token, { file_id: fileId }), 404, 'file_not_found');
    }
    expectProblem(await publicDownload(api.url, link.token), 422, 'share_file_required');
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.download_count).toBe(0);
    expect(await downloadsOf(link.id)).toEqual([]);
  });

  test('follows moves: a file moved out is no longer shared, one moved in is', async () => {
    const link = await shareFolder(alice, folderId);
    const wanderer = await uploadFile(alice, 'trip/wanderer.txt', 'moving');
    const elsewhere = (await alice.call('GET', '/v1/folders/by-path?path=tripwire')).body.id;
    expect((await alice.call('PATCH', `/v1/files/${wanderer.id}`, { folder_id: elsewhere })).status).toBe(200);
    expectProblem(await publicDownload(api.url, link.token, { file_id: wanderer.id }), 404, 'file_not_found');
    expect((await alice.call('PATCH', `/v1/files/${wanderer.id}`, { folder_id: folderId })).status).toBe(200);
    expect((await publicDownload(api.url, link.token, { file_id: wanderer.id })).status).toBe(200);
  });
});

describe('a folder link in every state', () => {
  test('exhausted after its download limit', async () => {
    const link = await shareFolder(alice, folderId, { max_downloads: 1 });
    expect((await publicDownload(api.url, link.token, { file_id: top.id })).status).toBe(200);
    expectProblem(await publicDownload(api.url, link.token, { file_id: nested.id }), 410, 'share_exhausted');
    expectProblem(await publicShare(api.url, link.token), 410, 'share_exhausted');
    expectProblem(await publicFiles(api.url, link.token), 410, 'share_exhausted');
  });

  test('revoked', async () => {
    const link = await shareFolder(alice, folderId);
    expect((await alice.call('DELETE', `/v1/shares/${link.id}`)).status).toBe(204);
    expectProblem(await publicShare(api.url, link.token), 410, 'share_revoked');
    expectProblem(await publicFiles(api.url, link.token), 410, 'share_revoked');
    expectProblem(await publicDownload(api.url, link.token, { file_id: top.id }), 410, 'share_revoked');
  });

  test('expired', async () => {
    const link = await shareFolder(alice, folderId, { expires_at: new Date(clock.now().getTime() + 60_000).toISOString() });
    expect((await publicFiles(api.url, link.token)).status).toBe(200);
    offsetMs += 120_000;
    expectProblem(await publicShare(api.url, link.token), 410, 'share_expired');
    expectProblem(await publicFiles(api.url, link.token), 410, 'share_expired');
    expectProblem(await publicDownload(api.url, link.token, { file_id: top.id }), 410, 'share_expired');
  });

  test('with a password: nothing shown or listed without it, a wrong one refused', async () => {
    const link = await shareFolder(alice, folderId, { password: 'correct horse battery' });
    expect((await publicShare(api.url, link.token)).body).toEqual({ type: 'folder', password_required: true, expires_at: null, downloads_remaining: null });
    expectProblem(await publicFiles(api.url, link.token), 403, 'share_password_required');
    expectProblem(await publicFiles(api.url, link.token, { password: 'wrong password here' }), 403, 'share_password_incorrect');
    expectProblem(await publicDownload(api.url, link.token, { file_id: top.id, password: 'wrong password here' }), 403, 'share_password_incorrect');
    const listed = await publicFiles(api.url, link.token, { password: 'correct horse battery' });
    expect(listed.body.items.map((file: { path: string }) => file.path)).toEqual(expect.arrayContaining(['map.txt', 'photos/day1.txt']));
    expect((await publicDownload(api.url, link.token, { file_id: top.id, password: 'correct horse battery' })).status).toBe(200);
  });

  test('its folder deleted', async () => {
    const gone = (await alice.call('GET', '/v1/folders/by-path?path=gone')).body.id;
    const link = await shareFolder(alice, gone);
    expect((await alice.call('DELETE', `/v1/folders/${gone}?recursive=true`)).status).toBeLessThan(300);
    expectProblem(await publicShare(api.url, link.token), 410, 'share_target_deleted');
    const files = await publicFiles(api.url, link.token);
    expectProblem(files, 410, 'share_target_deleted');
    expect(files.body.title).toBe('The shared folder was deleted');
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.status).toBe('target_deleted');
    expectProblem(await alice.call('POST', `/v1/folders/${gone}/shares`, {}), 404, 'folder_not_found');
  });
});

describe('folder links and tenant isolation', () => {
  test("no link can be made to another account's folder", async () => {
    expectProblem(await mallory.call('POST', `/v1/folders/${folderId}/shares`, {}), 404, 'folder_not_found');
    expect((await mallory.call('GET', '/v1/shares')).body.items).toEqual([]);
  });

  test("another account's folder link serves only that account's files", async () => {
    const loot = (await mallory.call('GET', '/v1/folders/by-path?path=loot')).body.id;
    const link = await shareFolder(mallory, loot);
    expect((await publicFiles(api.url, link.token)).body.items.map((file: { path: string }) => file.path)).toEqual(['stash.txt']);
    expectProblem(await publicDownload(api.url, link.token, { file_id: top.id }), 404, 'file_not_found');
  });

  test('a file link refuses any other file_id', async () => {
    const created = await alice.call('POST', `/v1/files/${top.id}/shares`, {});
    expectProblem(await publicDownload(api.url, created.body.token, { file_id: nested.id }), 404, 'file_not_found');
    expect((await publicDownload(api.url, created.body.token, { file_id: top.id })).status).toBe(200);
    expect((await publicFiles(api.url, created.body.token)).body.items).toEqual([
      { id: top.id, path: 'map.txt', name: 'map.txt', size: top.size, content_type: expect.any(String) },
    ]);
  });
});
