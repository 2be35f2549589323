import { Baketsu } from '@baketsu/sdk';
import { describe, expect, test } from 'vitest';
import { describeRule, ruleFromForm } from './lifecycle.server.js';

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

/** A client whose folder lookups answer from `folders` (path → id), with no network. */
function clientWith(folders: Record<string, string>): Baketsu {
  const fetch = (async (input: string | URL) => {
    const path = new URL(String(input)).searchParams.get('path') ?? '';
    const id = folders[path];
    if (id) return new Response(JSON.stringify({ id }), { status: 200, headers: { 'content-type': 'application/json' } });
    return new Response(JSON.stringify({ type: 'about:blank', title: 'No such folder', status: 404, code: 'folder_not_found' }), {
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
    });
  }) as typeof globalThis.fetch;
  return new Baketsu({ baseUrl: 'http://api', accessToken: 't' }, { fetch, maxRetries: 0 });
}

describe('the New rule form', () => {
  const api = clientWith({ 'reports/2026': 'f-1' });

  test('a delete rule takes days, and a folder by its path', async () => {
    expect(await ruleFromForm(api, form({ name: ' Old ', action: 'delete_older_than', amount: '30', folder: '/reports/2026/', tag: 'tmp' }))).toEqual({
      params: { name: 'Old', action: 'delete_older_than', days: 30, folder_id: 'f-1', tag: 'tmp' },
    });
  });

  test('an abort rule takes hours and ignores the delete-only fields', async () => {
    expect(await ruleFromForm(api, form({ name: 'Uploads', action: 'abort_uploads', amount: '6', folder: 'reports/2026', tag: 'x' }))).toEqual({
      params: { name: 'Uploads', action: 'abort_uploads', hours: 6 },
    });
  });

  test('each bad field gets its own message; an unknown folder is the folder field\'s', async () => {
    expect(await ruleFromForm(api, form({ name: '', action: 'shred', amount: '0', folder: '', tag: '' }))).toEqual({
      errors: { fields: { name: 'Give the rule a name', action: 'Choose what the rule does', amount: 'At least 1' } },
    });
    expect(await ruleFromForm(api, form({ name: 'x', action: 'delete_not_downloaded', amount: '7', folder: 'nowhere', tag: '' }))).toEqual({
      errors: { fields: { folder: 'There is no folder “nowhere”' } },
    });
  });

  test('a tag or an amount the API would refuse is said in words, not as its pattern or bound', async () => {
    expect(await ruleFromForm(api, form({ name: 'x', action: 'delete_older_than', amount: '7', folder: '', tag: 'a/b' }))).toEqual({
      errors: { fields: { tag: 'A tag starts with a letter or digit and holds only letters, digits, spaces and _ . : + -' } },
    });
    expect(await ruleFromForm(api, form({ name: 'x', action: 'delete_older_than', amount: '3651', folder: '', tag: '' }))).toEqual({
      errors: { fields: { amount: 'At most 3650 days' } },
    });
    expect(await ruleFromForm(api, form({ name: 'x', action: 'abort_uploads', amount: '721', folder: '', tag: '' }))).toEqual({
      errors: { fields: { amount: 'At most 720 hours' } },
    });
    expect(await ruleFromForm(api, form({ name: 'x', action: 'delete_older_than', amount: '3650', folder: '', tag: 'Q4 final:v2' }))).toEqual({
      params: { name: 'x', action: 'delete_older_than', days: 3650, tag: 'Q4 final:v2' },
    });
  });
});

describe('what a rule does, in a sentence', () => {
  const rule = { action: 'delete_older_than' as const, days: 1, hours: null, folder_path: null, folder_id: null, tag: null };
  test.each([
    [rule, 'Deletes files older than 1 day'],
    [{ ...rule, action: 'delete_not_downloaded' as const, days: 30, folder_id: 'f', folder_path: 'logs', tag: 'tmp' }, 'Deletes files not downloaded for 30 days in logs, tagged tmp'],
    [{ ...rule, folder_id: 'f' }, 'Deletes files older than 1 day in a deleted folder (matches nothing)'],
    [{ ...rule, action: 'abort_uploads' as const, days: null, hours: 24 }, 'Aborts unfinished uploads after 24 hours'],
  ])('%#', (input, sentence) => {
    expect(describeRule(input)).toBe(sentence);
  });
});
