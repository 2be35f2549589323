// Exact byte-time from metering's per-file intervals, summed in Postgres numeric (greatest() skips
// nulls, hence the explicit case for files still stored; the queries are @baketsu/metering/read-model). A file counts
// size × (min(deleted_at, to) − max(stored_at, from)) where that is positive; a delete stamped
// before its store bills nothing (as in metering's billableInterval).
import { sql, type FragmentSqlToken } from 'slonik';

/** byte-ms accrued by an interval row `fi` in [from, to); both bounds are SQL expressions in epoch ms. */
export function intervalByteMs(from: FragmentSqlToken, to: FragmentSqlToken): FragmentSqlToken {
  return sql.fragment`greatest(0::numeric,
    least(case when fi.deleted_at_ms is null then ${to} else greatest(fi.deleted_at_ms, fi.stored_at_ms) end, ${to}) - greatest(fi.stored_at_ms, ${from}))
    * fi.size_bytes::numeric`;
}

export function utcMonthBounds(at: Date): { startMs: number; endMs: number } {
  const startMs = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  const endMs = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  return { startMs, endMs };
}

const GIB = 1n << 30n;

/** Cost in micro-units of `byteMs` at a price per GiB-month, where the month is `monthMs` long; rounded half up once. */
export function byteMsCostMicros(byteMs: bigint, pricePerGibMonthMicros: bigint, monthMs: number): bigint {
  const denominator = GIB * BigInt(monthMs);
  return (2n * byteMs * pricePerGibMonthMicros + denominator) / (2n * denominator);
}
