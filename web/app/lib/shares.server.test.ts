import { describe, expect, test } from 'vitest';
import { parseShareForm } from './shares.server.js';

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};
const now = Date.parse('2026-11-27T10:00:00.000Z');

describe('the Share dialog\'s form', () => {
  test('empty fields mean no expiry, no password, no limit', () => {
    expect(parseShareForm(form({ expires_in_hours: '0', password: '', max_downloads: '' }), now)).toEqual({ params: {} });
  });

  test('an expiry choice becomes an instant, and the rest passes through', () => {
    expect(parseShareForm(form({ expires_in_hours: '24', password: 'hunter2 hunter2', max_downloads: ' 3 ' }), now)).toEqual({
      params: { expires_at: '2026-11-28T10:00:00.000Z', password: 'hunter2 hunter2', max_downloads: 3 },
    });
  });

  test.each([
    [{ expires_in_hours: '5' }, 'expires_in_hours'],
    [{ expires_in_hours: 'soon' }, 'expires_in_hours'],
    [{ max_downloads: '0' }, 'max_downloads'],
    [{ max_downloads: '1.5' }, 'max_downloads'],
    [{ max_downloads: 'lots' }, 'max_downloads'],
  ])('%o is refused on its own field', (fields, field) => {
    const parsed = parseShareForm(form(fields), now);
    expect('fields' in parsed && Object.keys(parsed.fields)).toEqual([field]);
  });
});
