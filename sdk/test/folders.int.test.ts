// client.folders and the path options of files: upload into folders, list levels, move and rename,
// conflicts as typed errors, usage, recursive delete.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConflictError, NotFoundError, type FolderEntry } from '../src/index.node.js';
import { startSdkTestApi, type SdkTestApi } from './support/api.js';

let t: SdkTestApi;
beforeAll(async () => {
  t = await startSdkTestApi('local');
});
afterAll(async () => t?.stop());

const text = (value: string) => new TextEncoder().encode(value);

it('uploads into folders by path or by the folder option, and lists one level at a time', async () => {
  const q4 = await t.client.files.upload(text('q4'), { name: 'reports/2026/q4.pdf', contentType: 'application/pdf' });
  expect(q4).toMatchObject({ name: 'q4.pdf', path: 'reports/2026/q4.pdf' });
  const q3 = await t.client.files.upload(text('q3!'), { name: 'q3.pdf', folder: 'reports/2026/', contentType: 'application/pdf' });
  expect(q3.path).toBe('reports/2026/q3.pdf');
  const archive = await t.client.folders.create('archive', { parentId: (await t.client.folders.getByPath('reports')).id });
  expect(archive.path).toBe('reports/archive');

  const root = await t.client.folders.children();
  expect(root.folder).toBeNull();
  const reports = root.items.find((entry): entry is Extract<FolderEntry, { kind: 'folder' }> => entry.kind === 'folder' && entry.name === 'reports')!;
  expect(reports).toMatchObject({ stored_bytes: 5, file_count: 2, folder_count: 2 });

  const year = await t.client.folders.getByPath('reports/2026');
  const entries: string[] = [];
  for await (const entry of t.client.folders.children(year.id, { limit: 1 })) entries.push(entry.path);
  expect(entries).toEqual(['reports/2026/q3.pdf', 'reports/2026/q4.pdf']);
  const page = await t.client.folders.children(year.id);
  expect(page.ancestors).toEqual([{ id: reports.id, name: 'reports' }]);
  const found = await t.client.folders.children('root', { q: 'Q4' });
  expect(found.items.map((entry) => entry.path)).toEqual(['reports/2026/q4.pdf']);
});

it('reports a taken path as a ConflictError, and renames or replaces on request', async () => {
  await t.client.files.upload(text('one'), { name: 'dup/note.txt', contentType: 'text/plain' });
  const error = await t.client.files.upload(text('two'), { name: 'dup/note.txt', contentType: 'text/plain' }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConflictError);
  expect(error).toMatchObject({ status: 409, code: 'path_taken' });
  const renamed = await t.client.files.upload(text('three'), { name: 'dup/note.txt', contentType: 'text/plain', onConflict: 'rename' });
  expect(renamed.path).toBe('dup/note (1).txt');
  const replaced = await t.client.files.upload(text('four!'), { name: 'dup/note.txt', contentType: 'text/plain', onConflict: 'replace' });
  expect(replaced).toMatchObject({ path: 'dup/note.txt', size: 5 });
  await expect(t.client.folders.create('dup')).rejects.toMatchObject({ code: 'path_taken' });
});

it('moves and renames files and folders, refusing cycles', async () => {
  const a = await t.client.files.upload(text('a'), { name: 'moving/a.txt', contentType: 'text/plain' });
  const b = await t.client.files.upload(text('b'), { name: 'moving/b.txt', contentType: 'text/plain' });
  const target = await t.client.folders.create('moving/target');
  expect((await t.client.files.move(a.id, target.id)).path).toBe('moving/target/a.txt');
  expect(await t.client.files.moveMany([b.id], target.id)).toEqual({ moved: [b.id], not_found: [] });
  expect((await t.client.files.move(b.id, null)).path).toBe('b.txt');

  const moving = await t.client.folders.getByPath('moving');
  await expect(t.client.folders.move(moving.id, target.id)).rejects.toMatchObject({ code: 'folder_cycle' });
  const renamed = await t.client.folders.rename(moving.id, 'moved');
  expect(renamed.path).toBe('moved');
  expect((await t.client.files.get(a.id)).path).toBe('moved/target/a.txt');
  expect((await t.client.folders.move(target.id, null)).path).toBe('target');
});

it('reads a folder\'s usage and deletes it recursively', async () => {
  const folder = await t.client.folders.create('usage');
  await t.client.files.upload(text('12345'), { name: 'x.bin', folder: 'usage', contentType: 'application/octet-stream' });
  const usage = await t.client.folders.usage(folder.id);
  expect(usage).toMatchObject({ folder_id: folder.id, stored_bytes: 5, file_count: 1, estimated_monthly_cost: { currency: expect.any(String) } });
  expect(BigInt(usage.byte_ms_month_to_date)).toBeGreaterThanOrEqual(0n);
  await expect(t.client.folders.delete(folder.id)).rejects.toMatchObject({ code: 'folder_not_empty' });
  expect(await t.client.folders.delete(folder.id, { recursive: true })).toEqual({ deleted_files: 1, deleted_folders: 1 });
  await expect(t.client.folders.get(folder.id)).rejects.toBeInstanceOf(NotFoundError);
});

it('resumes an upload refused for its path with another conflict policy', async () => {
  await t.client.files.upload(text('first'), { name: 'resume/same.txt', contentType: 'text/plain' });
  const error = (await t.client.files.upload(text('second'), { name: 'resume/same.txt', contentType: 'text/plain' }).catch((caught: unknown) => caught)) as ConflictError & { uploadId?: string };
  expect(error.code).toBe('path_taken');
  expect(error.uploadId).toEqual(expect.any(String));
  const file = await t.client.uploads.resume(error.uploadId!, text('second'), { onConflict: 'rename' });
  expect(file.path).toBe('resume/same (1).txt');
});
