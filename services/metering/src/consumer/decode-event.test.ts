import { fileEvent, parseFileEvent, shareDownloadedEvent, usageAlertEvent } from '@baketsu/contract/events';
import { describe, expect, test } from 'vitest';
import { decodeFileEvent } from './decode-event.js';

const accountId = '0190a0a0-0000-7000-8000-000000000001';
const stored = fileEvent('file.stored', '0190a0a0-0000-7000-8000-0000000000e1', {
  file_id: '0190a0a0-0000-7000-8000-0000000000f1', account_id: accountId, size_bytes: 1234, content_type: 'image/png', stored_at: '2026-11-27T10:00:00.123Z',
});
const deleted = fileEvent('file.deleted', '0190a0a0-0000-7000-8000-0000000000e2', {
  file_id: '0190a0a0-0000-7000-8000-0000000000f1', account_id: accountId, size_bytes: 1234, deleted_at: '2026-11-27T11:00:00.000Z',
});
const mutate = (base: object, path: string[], value: unknown): unknown => {
  const copy = structuredClone(base) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[path.at(-1)!];
  else target[path.at(-1)!] = value;
  return copy;
};

describe('decodeFileEvent agrees with the schema', () => {
  const cases: Array<[string, unknown]> = [
    ['a stored event', stored],
    ['a deleted event', deleted],
    ['JSON text', JSON.stringify(stored)],
    ['JSON bytes', Buffer.from(JSON.stringify(deleted))],
    ['an extra field (stripped)', { ...stored, extra: 1, data: { ...stored.data, extra: 2 } }],
    ['a non-canonical but valid time', mutate(stored, ['data', 'stored_at'], '2026-11-27T10:00:00+02:00')],
    ['an impossible date', mutate(stored, ['data', 'stored_at'], '2026-02-30T10:00:00.000Z')],
    ['a fractional size', mutate(deleted, ['data', 'size_bytes'], 1.5)],
    ['a zero size', mutate(deleted, ['data', 'size_bytes'], 0)],
    ['a string size', mutate(deleted, ['data', 'size_bytes'], '12')],
    ['a missing content type', mutate(stored, ['data', 'content_type'], undefined)],
    ['an empty content type', mutate(stored, ['data', 'content_type'], '')],
    ['a bad uuid', mutate(stored, ['data', 'file_id'], 'not-a-uuid')],
    ['another spec version', mutate(stored, ['specversion'], '0.3')],
    ['an unknown type', mutate(stored, ['type'], 'file.renamed')],
    ['a subject that is not the account', mutate(stored, ['subject'], '0190a0a0-0000-7000-8000-0000000000ff')],
    ['no data', mutate(stored, ['data'], undefined)],
    ['null', null],
    ['broken JSON', '{"specversion":'],
  ];
  test.each(cases)('%s', (_label, raw) => {
    expect(decodeFileEvent(raw)).toEqual(parseFileEvent(raw));
  });
});

describe('the fast time check agrees with the schema', () => {
  const at = (time: string) => mutate(stored, ['data', 'stored_at'], time);
  const edges = [
    '2024-02-29T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '2000-02-29T23:59:59.999Z', '1900-02-29T00:00:00.000Z',
    '0000-02-29T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2026-04-31T00:00:00.000Z', '2026-12-31T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-01T24:00:00.000Z',
    '2026-01-01T23:60:00.000Z', '2026-01-01T23:00:60.000Z', '2026-01-01t00:00:00.000Z', '2026-01-01T00:00:00.000z',
    '2026-01-01T00:00:00,000Z', '2026-1-01T00:00:00.000ZZ', '2026-01-01T00:00:0a.000Z', '+26-01-01T00:00:00.000Z0',
    '2026-01-01T00:00:00.0000', '2026-01-01 00:00:00.000Z', '2026-01-01T00:00:00.00-Z', '2026-01-01T00:00:00.000+',
  ];
  test.each(edges)('%s', (time) => {
    expect(decodeFileEvent(at(time))).toEqual(parseFileEvent(at(time)));
  });

  test('random instants and random digit soup', () => {
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const instant = new Date(Math.floor((random() * 2 - 0.5) * 4e13)).toISOString();
      const soup = instant.replace(/\d/g, (d) => (random() < 0.15 ? String(Math.floor(random() * 10)) : d));
      for (const time of [instant, soup]) expect(decodeFileEvent(at(time)), time).toEqual(parseFileEvent(at(time)));
    }
  });
});

describe('events that are not about stored bytes', () => {
  const download = shareDownloadedEvent('0190a0a0-0000-7000-8000-0000000000e3', {
    share_id: '0190a0a0-0000-7000-8000-0000000000a1', file_id: '0190a0a0-0000-7000-8000-0000000000f1', account_id: accountId, size_bytes: 1234, downloaded_at: '2026-11-27T12:00:00.000Z',
  });

  test.each([
    ['an event', download],
    ['JSON text', JSON.stringify(download)],
    ['JSON bytes', Buffer.from(JSON.stringify(download))],
  ])('share.downloaded as %s is read past, not refused', (_label, raw) => {
    expect(decodeFileEvent(raw)).toEqual({ ok: false, notMetered: true, type: 'share.downloaded' });
  });

  test('usage.alert (an account\'s projected cost reached a threshold) is read past, not refused', () => {
    const alert = usageAlertEvent('0190a0a0-0000-7000-8000-0000000000e4', {
      alert_id: '0190a0a0-0000-7000-8000-0000000000a2', account_id: accountId, month: '2026-11', threshold: { percent_of_cap: 80 },
      threshold_amount: '8.000000', projected_cost: '8.250000', currency: 'usd', crossed_at: '2026-11-27T12:00:00.000Z',
    });
    expect(decodeFileEvent(JSON.stringify(alert))).toEqual({ ok: false, notMetered: true, type: 'usage.alert' });
  });

  test('only the listed types: a look-alike type is still refused with a reason', () => {
    const decoded = decodeFileEvent({ ...download, type: 'share.downloaded.v2' });
    expect(decoded).toEqual(parseFileEvent({ ...download, type: 'share.downloaded.v2' }));
    expect('reason' in decoded).toBe(true);
  });
});
