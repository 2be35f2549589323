import { intervalByteMs } from '@baketsu/billing-core';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Byte-milliseconds an account accrued in [fromMs, toMs), exact (Postgres numeric) from its file intervals. */
export async function byteMsBetween(db: CommonQueryMethods, accountId: string, fromMs: number, toMs: number): Promise<bigint> {
  const from = sql.fragment`${fromMs}::bigint`;
  const to = sql.fragment`${toMs}::bigint`;
  const value = await db.oneFirst(sql.type(z.object({ byte_ms: z.string() }))`
    select coalesce(sum(${intervalByteMs(from, to)}), 0)::numeric(40, 0)::text as byte_ms
    from metering.file_intervals fi
    where fi.account_id = ${accountId} and fi.stored_at_ms is not null and fi.stored_at_ms < ${to}`);
  return BigInt(value);
}

/** Cumulative byte-ms of an account up to instant `t`. */
export function cumulativeByteMs(db: CommonQueryMethods, accountId: string, t: number): Promise<bigint> {
  return byteMsBetween(db, accountId, 0, t);
}
