import { fileEvent, type FileEvent } from '@baketsu/contract/events';
import { describe, expect, test } from 'vitest';
import { byteMsBetween, contentFamily, evolve, type FileInterval } from './file-interval.js';
import { fold } from './fold.js';
import { byteMsUpTo, DAY_MS, UsageLedger, utcDay } from './usage-ledger.js';

const account = '0190a0a0-0000-7000-8000-000000000001';
const T0 = Date.parse('2026-11-01T00:00:00.000Z');
let nextId = 1;
const uuid = (n: number) => `0190a0a0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
const fileId = (n: number) => uuid(0x10000 + n);

function stored(file: number, size: number, at: number, contentType = 'image/png'): FileEvent {
  return fileEvent('file.stored', uuid(nextId++), {
    file_id: fileId(file), account_id: account, size_bytes: size, content_type: contentType, stored_at: new Date(at).toISOString(),
  });
}
function deleted(file: number, size: number, at: number): FileEvent {
  return fileEvent('file.deleted', uuid(nextId++), {
    file_id: fileId(file), account_id: account, size_bytes: size, deleted_at: new Date(at).toISOString(),
  });
}

describe('evolve', () => {
  test('given nothing, when a file is stored, then it is open from stored_at', () => {
    const file = evolve(undefined, stored(1, 100, T0));
    expect(file).toEqual({ fileId: fileId(1), accountId: account, sizeBytes: 100n, family: 'image', storedAt: T0, deletedAt: null });
  });

  test('given a delete seen first, when its store arrives, then the file lands already closed', () => {
    const file = evolve(evolve(undefined, deleted(1, 100, T0 + 5_000)), stored(1, 100, T0));
    expect(file).toMatchObject({ storedAt: T0, deletedAt: T0 + 5_000 });
    expect(byteMsBetween(file, 0, T0 + 60_000)).toBe(500_000n);
  });

  test('given a stored file, when the same event arrives again, then nothing changes', () => {
    const event = stored(1, 100, T0);
    const once = evolve(undefined, event);
    expect(evolve(once, event)).toEqual(once);
  });

  test('a delete stamped before its store bills nothing', () => {
    const file = evolve(evolve(undefined, stored(1, 100, T0)), deleted(1, 100, T0 - 1));
    expect(byteMsBetween(file, 0, T0 + DAY_MS)).toBe(0n);
  });
});

describe('fold', () => {
  test('given stores and a delete, then the account holds the open files and byte-time up to t is exact', () => {
    const { ledger } = fold([stored(1, 1000, T0), stored(2, 30, T0 + 10, 'application/pdf'), deleted(1, 1000, T0 + 2_000)]);
    const totals = ledger.accounts.get(account)!;
    expect(totals.storedBytes).toBe(30n);
    expect(totals.fileCount).toBe(1n);
    expect(byteMsUpTo(totals, T0 + 10_010)).toBe(1000n * 2_000n + 30n * 10_000n);
    expect([...ledger.families.values()]).toEqual([{ accountId: account, family: 'document', bytes: 30n, files: 1n }]);
  });

  test('given a duplicated delivery, then totals are those of a single delivery', () => {
    const events = [stored(1, 1000, T0), deleted(1, 1000, T0 + 2_000)];
    expect(fold([...events, ...events, events[0]!]).ledger).toEqual(fold(events).ledger);
  });

  test('given events folded in two batches, then the ledgers add up to the single fold', () => {
    const events = [stored(1, 7, T0), stored(2, 9, T0 + DAY_MS + 5), deleted(1, 7, T0 + 3 * DAY_MS)];
    const first = fold(events.slice(0, 2));
    const second = fold(events.slice(2), first.files);
    expect(new UsageLedger().absorb(first.ledger).absorb(second.ledger)).toEqual(fold(events).ledger);
  });

  test('daily rows: bytes held across midnight are split between the days', () => {
    const { ledger } = fold([stored(1, 10, T0 + DAY_MS - 1_000), deleted(1, 10, T0 + DAY_MS + 500)]);
    expect(ledger.days.get(`${account}|${utcDay(T0)}`)).toMatchObject({ bytesDelta: 10n, partialByteMs: 10_000n });
    expect(ledger.days.get(`${account}|${utcDay(T0 + DAY_MS)}`)).toMatchObject({ bytesDelta: -10n, partialByteMs: -10n * BigInt(DAY_MS - 500) });
  });

  test('content types group into families', () => {
    expect(['image/webp', 'video/mp4', 'text/plain; charset=utf-8', 'application/zip', 'application/octet-stream'].map(contentFamily)).toEqual([
      'image', 'video', 'text', 'archive', 'other',
    ]);
  });
});

describe('property: order, duplicates and batching never change the totals', () => {
  // Small deterministic PRNG so a failure is reproducible from its seed.
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  test.each(Array.from({ length: 25 }, (_, seed) => seed + 1))('seed %i', (seed) => {
    const rand = random(seed);
    const int = (n: number) => Math.floor(rand() * n);
    const horizon = T0 + 10 * DAY_MS;
    const ops: Array<{ file: number; size: number; storedAt: number; deletedAt: number | null }> = [];
    const events: FileEvent[] = [];
    for (let file = 0; file < 40; file++) {
      const size = 1 + int(5_000_000_000);
      const storedAt = T0 + int(8 * DAY_MS);
      const deletedAt = rand() < 0.5 ? storedAt + int(2 * DAY_MS) : null;
      ops.push({ file, size, storedAt, deletedAt });
      events.push(stored(file, size, storedAt));
      if (deletedAt !== null) events.push(deleted(file, size, deletedAt));
    }
    const delivered = [...events, ...events.filter(() => rand() < 0.3)];
    for (let i = delivered.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
    }

    let files = new Map<string, FileInterval>();
    const ledger = new UsageLedger();
    for (let i = 0; i < delivered.length; ) {
      const size = 1 + int(9);
      const batch = fold(delivered.slice(i, i + size), files);
      files = new Map([...files, ...batch.files]);
      ledger.absorb(batch.ledger);
      i += size;
    }

    const exact = ops.reduce((sum, op) => sum + BigInt(op.size) * BigInt(Math.min(op.deletedAt ?? horizon, horizon) - op.storedAt), 0n);
    const open = ops.filter((op) => op.deletedAt === null);
    const totals = ledger.accounts.get(account)!;
    expect(byteMsUpTo(totals, horizon)).toBe(exact);
    expect(totals.storedBytes).toBe(open.reduce((sum, op) => sum + BigInt(op.size), 0n));
    expect(totals.fileCount).toBe(BigInt(open.length));
    // The daily rows add up to the same byte-time: each full day at the running bytes, plus partials.
    let held = 0n;
    let fromDays = 0n;
    for (let day = T0; day < horizon; day += DAY_MS) {
      const row = ledger.days.get(`${account}|${utcDay(day)}`);
      fromDays += held * BigInt(DAY_MS) + (row?.partialByteMs ?? 0n);
      held += row?.bytesDelta ?? 0n;
    }
    expect(fromDays).toBe(exact);
  });
});
