// One table of cases for the billable-interval rule, run against the TypeScript function
// (byte-time.test.ts) and the SQL fragment on PostgreSQL (byte-time.int.test.ts).
import type { StoredInterval } from './byte-time.js';

export interface ByteTimeCase {
  name: string;
  file: StoredInterval;
  fromMs: number;
  toMs: number;
  byteMs: bigint;
}

const KIB = 1024n;
// A window [1000, 2000) in epoch ms; the cases sit around its edges.
const from = 1_000;
const to = 2_000;

export const BYTE_TIME_CASES: readonly ByteTimeCase[] = [
  { name: 'stored and deleted inside the window', file: { sizeBytes: KIB, storedAtMs: 1_200, deletedAtMs: 1_700 }, fromMs: from, toMs: to, byteMs: KIB * 500n },
  { name: 'stored before, still kept: the whole window', file: { sizeBytes: KIB, storedAtMs: 0, deletedAtMs: null }, fromMs: from, toMs: to, byteMs: KIB * 1_000n },
  { name: 'stored inside, still kept: open interval up to the window end', file: { sizeBytes: 3n, storedAtMs: 1_250, deletedAtMs: null }, fromMs: from, toMs: to, byteMs: 3n * 750n },
  { name: 'stored before, deleted inside', file: { sizeBytes: 7n, storedAtMs: 10, deletedAtMs: 1_001 }, fromMs: from, toMs: to, byteMs: 7n },
  { name: 'stored inside, deleted after', file: { sizeBytes: 7n, storedAtMs: 1_999, deletedAtMs: 5_000 }, fromMs: from, toMs: to, byteMs: 7n },
  { name: 'stored before, deleted after', file: { sizeBytes: 2n, storedAtMs: 0, deletedAtMs: 9_000 }, fromMs: from, toMs: to, byteMs: 2_000n },
  { name: 'deleted before the window', file: { sizeBytes: KIB, storedAtMs: 100, deletedAtMs: 900 }, fromMs: from, toMs: to, byteMs: 0n },
  { name: 'deleted exactly at the window start', file: { sizeBytes: KIB, storedAtMs: 100, deletedAtMs: from }, fromMs: from, toMs: to, byteMs: 0n },
  { name: 'stored after the window', file: { sizeBytes: KIB, storedAtMs: 2_500, deletedAtMs: null }, fromMs: from, toMs: to, byteMs: 0n },
  { name: 'stored exactly at the window end (the end is exclusive)', file: { sizeBytes: KIB, storedAtMs: to, deletedAtMs: null }, fromMs: from, toMs: to, byteMs: 0n },
  { name: 'stored exactly at the window start', file: { sizeBytes: KIB, storedAtMs: from, deletedAtMs: 1_001 }, fromMs: from, toMs: to, byteMs: KIB },
  { name: 'zero-length interval inside the window', file: { sizeBytes: KIB, storedAtMs: 1_500, deletedAtMs: 1_500 }, fromMs: from, toMs: to, byteMs: 0n },
  { name: 'a delete stamped before its store bills nothing', file: { sizeBytes: KIB, storedAtMs: 1_500, deletedAtMs: 1_200 }, fromMs: from, toMs: to, byteMs: 0n },
  { name: 'a delete whose store has not been seen bills nothing', file: { sizeBytes: KIB, storedAtMs: null, deletedAtMs: 1_500 }, fromMs: from, toMs: to, byteMs: 0n },
  { name: 'zero-length window', file: { sizeBytes: KIB, storedAtMs: 0, deletedAtMs: null }, fromMs: from, toMs: from, byteMs: 0n },
  { name: 'a window ending before it starts', file: { sizeBytes: KIB, storedAtMs: 0, deletedAtMs: null }, fromMs: to, toMs: from, byteMs: 0n },
  { name: 'an empty file', file: { sizeBytes: 0n, storedAtMs: 0, deletedAtMs: null }, fromMs: from, toMs: to, byteMs: 0n },
  {
    name: 'a 5 TiB file for a 31-day month stays exact beyond 2^53',
    file: { sizeBytes: 5n * 1024n ** 4n, storedAtMs: Date.UTC(2026, 11, 1), deletedAtMs: null },
    fromMs: Date.UTC(2026, 11, 1),
    toMs: Date.UTC(2027, 0, 1),
    byteMs: 5n * 1024n ** 4n * 31n * 86_400_000n,
  },
];
