import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { signUp, uploadFile, type Client } from './testing/files-test-kit.js';

describe('file management', () => {
  let api: TestApi;
  let alice: Client;
  const names = ['b-report.pdf', 'a-photo.png', 'c-notes.txt', 'Holiday photo.jpg', 'd-data.csv', '100%_real.txt'];
  const ids = new Map<string, string>();

  beforeAll(async () => {
    api = await startTestApi();
    alice = await signUp(api.url);
    const types: Record<string, string> = { pdf: 'application/pdf', png: 'image/png', txt: 'text/plain', jpg: 'image/jpeg', csv: 'text/csv' };
    for (const [i, name] of names.entries()) {
      const file = await uploadFile(alice, name, 'x'.repeat(10 * (i + 1)), types[name.split('.').pop()!]);
      ids.set(name, file.id);
    }
  });
  afterAll(() => api?.stop());

  const list = async (query: string) => {
    const response = await alice.call('GET', `/v1/files?${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { items: Array<{ id: string; name: string; size: number }>; next_cursor?: string };
  };

  async function walk(query: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((item) => item.name));
      cursor = page.next_cursor;
    } while (cursor);
    return seen;
  }

  it('pages through every file exactly once, newest first by default', async () => {
    expect(await walk('', 2)).toEqual([...names].reverse());
  });

  it('sorts by name and by size in both directions', async () => {
    const byName = [...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    expect(await walk('sort=name', 4)).toEqual(byName);
    expect(await walk('sort=name&order=desc', 4)).toEqual([...byName].reverse());
    expect(await walk('sort=size&order=desc', 5)).toEqual([...names].reverse());
  });

  it('searches by name (case-insensitive, wildcards literal) and filters by type family', async () => {
    expect((await list('q=PHOTO')).items.map((f) => f.name).sort()).toEqual(['Holiday photo.jpg', 'a-photo.png']);
    // A space as URLSearchParams (and so the SDK) writes it: "+", a reserved character, not escaped.
    expect((await list(new URLSearchParams({ q: 'holiday photo' }).toString())).items.map((f) => f.name)).toEqual(['Holiday photo.jpg']);
    expect((await list('q=100%25_')).items.map((f) => f.name)).toEqual(['100%_real.txt']);
    expect((await list('q=_')).items.map((f) => f.name)).toEqual(['100%_real.txt']);
    // Form encoding (URLSearchParams, browsers) sends a space as '+': the contract takes it as one.
    expect((await list('q=holiday+photo')).items.map((f) => f.name)).toEqual(['Holiday photo.jpg']);
    expect((await list('type=image')).items).toHaveLength(2);
    expect((await list('type=image/*')).items).toHaveLength(2);
    expect((await list('type=text/csv')).items.map((f) => f.name)).toEqual(['d-data.csv']);
  });

  it('renames and tags; filters by tag; refuses bad names and tags with 400 problems', async () => {
    const id = ids.get('c-notes.txt')!;
    const patched = await alice.call('PATCH', `/v1/files/${id}`, { name: 'Notes (final).txt', tags: ['Work', 'work', '2024'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Notes (final).txt', tags: ['2024', 'work'] });
    expect((await list('tag=WORK')).items.map((f) => f.id)).toEqual([id]);
    expect((await alice.call('GET', `/v1/files/${id}`)).body.name).toBe('Notes (final).txt');

    for (const [body, code] of [
      [{ name: '../etc/passwd' }, 'invalid_file_name'],
      [{ name: 'a\u0000b' }, 'invalid_file_name'],
      [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'invalid_tags'],
      [{ tags: ['<b>'] }, 'invalid_tags'],
      [{}, 'validation_failed'],
      [{ name: 'ok', extra: 1 }, 'validation_failed'],
    ] as const) {
      const refused = await alice.call('PATCH', `/v1/files/${id}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe(code);
    }
  });

  it('answers bad list parameters with 400 problems', async () => {
    for (const query of ['limit=0', 'limit=abc', 'sort=owner', 'cursor=garbage', 'unknown=1', 'type=im%20age']) {
      const response = await alice.call('GET', `/v1/files?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.code, query).toMatch(/validation_failed|invalid_cursor/);
    }
    const page = await list('limit=1&sort=size');
    const misuse = await alice.call('GET', `/v1/files?limit=1&sort=name&cursor=${page.next_cursor}`);
    expect(misuse.body.code).toBe('invalid_cursor');
  });

  it('deletes one file (404 afterwards) and bulk-deletes others, each with a file.deleted event', async () => {
    const one = ids.get('b-report.pdf')!;
    expect((await alice.call('DELETE', `/v1/files/${one}`)).status).toBe(204);
    expect((await alice.call('GET', `/v1/files/${one}`)).status).toBe(404);
    expect((await alice.call('DELETE', `/v1/files/${one}`)).body.code).toBe('file_not_found');

    const unknown = '0190d6a4-0000-7000-8000-000000000000';
    const bulk = await alice.call('POST', '/v1/files/bulk-delete', { ids: [ids.get('a-photo.png'), ids.get('d-data.csv'), unknown, one] });
    expect(bulk.status).toBe(200);
    expect(bulk.body.deleted.sort()).toEqual([ids.get('a-photo.png'), ids.get('d-data.csv')].sort());
    expect(bulk.body.not_found.sort()).toEqual([unknown, one].sort());
    const tooMany = await alice.call('POST', '/v1/files/bulk-delete', { ids: Array.from({ length: 1001 }, () => unknown) });
    expect(tooMany.status).toBe(400);

    const events = await api.database.pool.anyFirst(sql.unsafe`select event_type from outbox where event_type = 'file.deleted'`);
    expect(events).toHaveLength(3);
    const rows = await api.database.pool.anyFirst(sql.unsafe`select status from files where status <> 'stored'`);
    expect(rows).toEqual(['deleted', 'deleted', 'deleted']);
    for (const id of [one, ids.get('a-photo.png')!]) {
      const key = await api.database.pool.oneFirst(sql.unsafe`select object_key from files where id = ${id}`);
      expect(await api.objectStore.headObject(key as string)).toBeNull();
    }
  });

  it('downloads under the original name, safely encoded whatever it contains', async () => {
    const file = await uploadFile(alice, 'quote".txt');
    const name = 'évil"; filename=x.exe; 100%.txt';
    expect((await alice.call('PATCH', `/v1/files/${file.id}`, { name })).status).toBe(200);
    const link = await alice.call('GET', `/v1/files/${file.id}/download`);
    expect(Date.parse(link.body.expires_at) - Date.now()).toBeLessThanOrEqual(300_000);
    const response = await fetch(link.body.url);
    expect(response.status).toBe(200);
    const disposition = response.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[^"\\]*"; filename\*=UTF-8''[^"\s;]+$/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(name);
  });

  it('answers malformed ids and unknown files with 4xx problems', async () => {
    expect((await alice.call('GET', '/v1/files/not-a-uuid')).status).toBe(400);
    expect((await alice.call('GET', '/v1/files/0190d6a4-0000-7000-8000-000000000000/download')).body.code).toBe('file_not_found');
  });
});
