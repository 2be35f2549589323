import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';

describe('folders', () => {
  let api: TestApi;
  let alice: Client;

  beforeAll(async () => {
    api = await startTestApi();
    alice = await signUp(api.url);
  });
  afterAll(() => api?.stop());

  const children = async (client: Client, ref: string, query = '') => {
    const answer = await client.call('GET', `/v1/folders/${ref}/children${query}`);
    expect(answer.status).toBe(200);
    return answer.body as { folder: { id: string; path: string } | null; ancestors: Array<{ id: string; name: string }>; items: Array<Record<string, any>>; next_cursor?: string };
  };

  it('places an uploaded path in nested folders it creates, and lists one level: folders first, then files', async () => {
    const q4 = await uploadFile(alice, 'reports/2026/q4.pdf', 'q4 numbers');
    expect(q4).toMatchObject({ name: 'q4.pdf', path: 'reports/2026/q4.pdf' });
    await uploadFile(alice, 'reports/2026/q3.pdf', 'q3');
    await uploadFile(alice, 'reports/summary.txt', 'sum');
    const archive = await alice.call('POST', '/v1/folders', { path: 'reports/archive' });
    expect(archive.status).toBe(201);
    expect(archive.body).toMatchObject({ name: 'archive', path: 'reports/archive', stored_bytes: 0, file_count: 0, folder_count: 0 });

    const root = await children(alice, 'root');
    expect(root.folder).toBeNull();
    const reports = root.items.find((item) => item.name === 'reports')!;
    expect(reports).toMatchObject({ kind: 'folder', path: 'reports', stored_bytes: 10 + 2 + 3, file_count: 3, folder_count: 2 });

    const level = await children(alice, reports.id);
    expect(level.items.map((item) => [item.kind, item.name])).toEqual([
      ['folder', '2026'],
      ['folder', 'archive'],
      ['file', 'summary.txt'],
    ]);
    const year = level.items[0]!;
    expect(year).toMatchObject({ stored_bytes: 12, file_count: 2 });
    const deep = await children(alice, year.id);
    expect(deep.ancestors).toEqual([{ id: reports.id, name: 'reports' }]);
    expect(deep.items.map((item) => item.path)).toEqual(['reports/2026/q3.pdf', 'reports/2026/q4.pdf']);
    expect(deep.items[1]!.folder_id).toBe(year.id);
  });

  it('pages through folders then files with a cursor, never repeating or skipping', async () => {
    const parent = (await alice.call('POST', '/v1/folders', { path: 'paging' })).body;
    for (const name of ['b', 'a', 'c']) expect((await alice.call('POST', '/v1/folders', { path: name, parent_id: parent.id })).status).toBe(201);
    for (const name of ['z.txt', 'x.txt', 'y.txt', 'w.txt']) await uploadFile(alice, `paging/${name}`);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await children(alice, parent.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => `${item.kind}:${item.name}`));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['folder:a', 'folder:b', 'folder:c', 'file:w.txt', 'file:x.txt', 'file:y.txt', 'file:z.txt']);
    // A cursor continues only its own listing.
    const first = await children(alice, parent.id, '?limit=1');
    const elsewhere = await alice.call('GET', `/v1/folders/root/children?cursor=${first.next_cursor}`);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.code).toBe('invalid_cursor');
  });

  it('searches a whole subtree by name', async () => {
    await uploadFile(alice, 'search/one/needle-a.txt');
    await uploadFile(alice, 'search/two/deeper/needle-b.txt');
    await uploadFile(alice, 'search/hay.txt');
    await uploadFile(alice, 'outside/needle-c.txt');
    await alice.call('POST', '/v1/folders', { path: 'search/needles' });
    const search = (await alice.call('GET', '/v1/folders/by-path?path=search')).body;
    const found = await children(alice, search.id, '?q=NEEDLE');
    expect(found.items.map((item) => item.path)).toEqual(['search/needles', 'search/one/needle-a.txt', 'search/two/deeper/needle-b.txt']);
  });

  it('renames and moves files, refusing a path that is taken', async () => {
    const a = await uploadFile(alice, 'moves/a.txt');
    const b = await uploadFile(alice, 'moves/b.txt');
    const target = (await alice.call('POST', '/v1/folders', { path: 'moves/target' })).body;
    const moved = await alice.call('PATCH', `/v1/files/${a.id}`, { folder_id: target.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ path: 'moves/target/a.txt', folder_id: target.id });
    const clash = await alice.call('PATCH', `/v1/files/${b.id}`, { name: 'target' });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'path_taken', held_by: 'folder' });
    const toRoot = await alice.call('PATCH', `/v1/files/${b.id}`, { folder_id: null, name: 'b-at-root.txt' });
    expect(toRoot.body).toMatchObject({ path: 'b-at-root.txt', folder_id: null });
    const intoMissing = await alice.call('PATCH', `/v1/files/${b.id}`, { folder_id: '0190a5a8-0000-7000-8000-000000000000' });
    expect(intoMissing.status).toBe(404);
    expect(intoMissing.body.code).toBe('folder_not_found');
  });

  it('moves many files at once, all or none', async () => {
    const files = await Promise.all(['1.txt', '2.txt', '3.txt'].map((name) => uploadFile(alice, `bulk/${name}`)));
    const into = (await alice.call('POST', '/v1/folders', { path: 'bulk/into' })).body;
    await uploadFile(alice, 'bulk/into/2.txt');
    const refused = await alice.call('POST', '/v1/files/bulk-move', { ids: files.map((f) => f.id), folder_id: into.id });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'path_taken', names: ['2.txt'] });
    expect((await alice.call('GET', `/v1/files/${files[0]!.id}`)).body.path).toBe('bulk/1.txt');
    const ok = await alice.call('POST', '/v1/files/bulk-move', { ids: [files[0]!.id, files[2]!.id, '0190a5a8-0000-7000-8000-000000000000'], folder_id: into.id });
    expect(ok.status).toBe(200);
    expect(ok.body.not_found).toEqual(['0190a5a8-0000-7000-8000-000000000000']);
    expect((await children(alice, into.id)).items.map((item) => item.name)).toEqual(['1.txt', '2.txt', '3.txt']);
  });
});
