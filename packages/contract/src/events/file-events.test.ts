import { describe, expect, test } from 'vitest';
import { fileEvent, parseFileEvent } from './file-events.js';

const accountId = '0190a0a0-0000-7000-8000-000000000001';
const fileId = '0190a0a0-0000-7000-8000-0000000000f1';
const eventId = '0190a0a0-0000-7000-8000-0000000000e1';

describe('file events', () => {
  test('a built event parses back to itself', () => {
    const event = fileEvent('file.stored', eventId, {
      file_id: fileId,
      account_id: accountId,
      size_bytes: 1234,
      content_type: 'image/png',
      stored_at: '2026-11-27T10:00:00.123Z',
    });
    expect(event.subject).toBe(accountId);
    expect(event.time).toBe('2026-11-27T10:00:00.123Z');
    expect(parseFileEvent(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  test.each([
    ['not json', '{oops'],
    ['unknown type', { type: 'file.renamed' }],
    ['fractional size', { ...fileEvent('file.deleted', eventId, { file_id: fileId, account_id: accountId, size_bytes: 1, deleted_at: '2026-11-27T10:00:00Z' }), data: { file_id: fileId, account_id: accountId, size_bytes: 1.5, deleted_at: '2026-11-27T10:00:00Z' } }],
  ])('refuses %s with a reason', (_label, raw) => {
    const parsed = parseFileEvent(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
  });

  test('refuses a subject that is not the account', () => {
    const event = fileEvent('file.deleted', eventId, { file_id: fileId, account_id: accountId, size_bytes: 1, deleted_at: '2026-11-27T10:00:00Z' });
    expect(parseFileEvent({ ...event, subject: fileId })).toEqual({ ok: false, reason: 'subject differs from data.account_id' });
  });
});
