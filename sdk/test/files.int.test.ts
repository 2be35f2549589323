// The files resource: list as pages and as an async iterator, get, update, delete, deleteMany; and
// uploads.list, the pending uploads behind them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NotFoundError, type BaketsuFile } from '../src/index.node.js';
import { startSdkTestApi, type SdkTestApi } from './support/api.js';

let t: SdkTestApi;
const uploaded: BaketsuFile[] = [];
beforeAll(async () => {
  t = await startSdkTestApi('local');
  for (let i = 0; i < 7; i++) {
    uploaded.push(await t.client.files.upload(new TextEncoder().encode(`file ${i}`), { name: `note-${i}.txt`, contentType: 'text/plain' }));
  }
});
afterAll(async () => t?.stop());

it('lists one page, then every page through the async iterator', async () => {
  const first = await t.client.files.list({ limit: 3, sort: 'name' });
  expect(first.items.map((f) => f.name)).toEqual(['note-0.txt', 'note-1.txt', 'note-2.txt']);
  expect(first.next_cursor).toEqual(expect.any(String));

  const pages: string[][] = [];
  for await (const page of t.client.files.list({ limit: 3, sort: 'name' }).pages()) pages.push(page.items.map((f) => f.name));
  expect(pages).toEqual([
    ['note-0.txt', 'note-1.txt', 'note-2.txt'],
    ['note-3.txt', 'note-4.txt', 'note-5.txt'],
    ['note-6.txt'],
  ]);
  const names: string[] = [];
  for await (const file of t.client.files.list({ limit: 2, q: 'NOTE-', order: 'desc', sort: 'name' })) names.push(file.name);
  expect(names).toEqual(uploaded.map((f) => f.name).reverse());
});

it('gets, renames, tags, links and deletes files', async () => {
  const [a, b, c] = uploaded as [BaketsuFile, BaketsuFile, BaketsuFile];
  expect(await t.client.files.get(a.id)).toMatchObject({ id: a.id, size: 6, content_type: 'text/plain' });
  const renamed = await t.client.files.update(a.id, { name: 'renamed.txt', tags: ['Work', 'work', 'q3'] });
  expect(renamed).toMatchObject({ name: 'renamed.txt', tags: ['q3', 'work'] });
  expect((await t.client.files.list({ tag: 'work' })).items.map((f) => f.id)).toEqual([a.id]);

  const link = await t.client.files.downloadUrl(a.id);
  const response = await fetch(link.url);
  expect(await response.text()).toBe('file 0');
  expect(response.headers.get('content-disposition')).toContain('renamed.txt');

  await t.client.files.delete(a.id);
  await expect(t.client.files.get(a.id)).rejects.toBeInstanceOf(NotFoundError);
  const result = await t.client.files.deleteMany([b.id, c.id, a.id]);
  expect(result.deleted.sort()).toEqual([b.id, c.id].sort());
  expect(result.not_found).toEqual([a.id]);
});

it('lists pending uploads, newest first, without completed or aborted ones', async () => {
  const uploads = t.client.uploads;
  const older = await uploads.presign({ name: 'older.bin', size: 10, content_type: 'application/octet-stream' });
  const newer = await uploads.presign({ name: 'newer.bin', size: 20, content_type: 'application/octet-stream' });
  const { items } = await uploads.list();
  expect(items.map((u) => u.upload_id)).toEqual([newer.upload_id, older.upload_id]);
  expect(items[0]).toMatchObject({ name: 'newer.bin', size: 20, type: 'single', status: 'pending', created_at: expect.any(String) });

  await uploads.abort(older.upload_id);
  expect((await uploads.list()).items.map((u) => u.upload_id)).toEqual([newer.upload_id]);
});
