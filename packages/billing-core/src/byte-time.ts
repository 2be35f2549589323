// The billable-interval rule, once in TypeScript and once in SQL, side by side; byte-time.cases.ts
// is the one table of cases both are tested against (byte-time.test.ts, byte-time.int.test.ts).
//
// A file of `size` bytes stored at `stored` and deleted at `deleted` (null while kept) accrues, in
// the window [from, to), size × (min(deleted, to) − max(stored, from)) where that is positive. A
// delete stamped before its store bills nothing; a file whose store has not been seen bills nothing.
import { sql, type FragmentSqlToken } from 'slonik';
import { GIB, type ByteMs, type Micros } from './units.js';

export interface StoredInterval {
  sizeBytes: bigint;
  /** Epoch ms; null while only the delete has been seen. */
  storedAtMs: number | null;
  deletedAtMs: number | null;
}

/** Byte-ms `file` accrued in [fromMs, toMs). */
export function intervalByteMsBetween(file: StoredInterval, fromMs: number, toMs: number): ByteMs {
  if (file.storedAtMs === null) return 0n;
  const start = Math.max(file.storedAtMs, fromMs);
  const deleted = file.deletedAtMs === null ? toMs : Math.max(file.deletedAtMs, file.storedAtMs);
  const end = Math.min(deleted, toMs);
  return end > start ? file.sizeBytes * BigInt(end - start) : 0n;
}

/** SQL expressions (epoch ms, bytes) for the interval's columns. */
export interface IntervalColumns {
  sizeBytes: FragmentSqlToken;
  storedAtMs: FragmentSqlToken;
  deletedAtMs: FragmentSqlToken;
}

/** metering.file_intervals under the alias `fi`. */
export const FILE_INTERVAL_COLUMNS: IntervalColumns = {
  sizeBytes: sql.fragment`fi.size_bytes`,
  storedAtMs: sql.fragment`fi.stored_at_ms`,
  deletedAtMs: sql.fragment`fi.deleted_at_ms`,
};

/**
 * The SQL twin of intervalByteMsBetween: byte-ms (numeric) of the row's interval in [from, to), both
 * bounds SQL expressions in epoch ms. greatest()/least() skip nulls, hence the explicit cases.
 */
export function intervalByteMs(from: FragmentSqlToken, to: FragmentSqlToken, columns: IntervalColumns = FILE_INTERVAL_COLUMNS): FragmentSqlToken {
  const { sizeBytes, storedAtMs, deletedAtMs } = columns;
  return sql.fragment`case when ${storedAtMs} is null then 0::numeric else greatest(0::numeric,
    least(case when ${deletedAtMs} is null then ${to} else greatest(${deletedAtMs}, ${storedAtMs}) end, ${to}) - greatest(${storedAtMs}, ${from}))
    * ${sizeBytes}::numeric end`;
}

/** Cost in micro-units of `byteMs` at a price per GiB-month, where the month is `monthMs` long; rounded half up once. */
export function byteMsCostMicros(byteMs: ByteMs, pricePerGibMonthMicros: Micros, monthMs: number): Micros {
  const denominator = GIB * BigInt(monthMs);
  return (2n * byteMs * pricePerGibMonthMicros + denominator) / (2n * denominator);
}
