import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { intervalByteMs, type DayRow } from '@baketsu/billing-core';

// The usage read model: written by metering's fold (migrations/ in this package), in schema `metering`.
// Columns are cast to text for exactness, so `order by` always names the qualified source column.
const totalsRow = z.object({ stored_bytes: z.string(), file_count: z.number() });
const familyRow = z.object({ family: z.string(), bytes: z.string(), files: z.number() });
const dayRow = z.object({ day: z.string(), bytes_delta: z.string(), partial_byte_ms: z.string() });
const heldRow = z.object({ held: z.string() });
const fileRow = z.object({
  file_id: z.string(),
  family: z.string().nullable(),
  size_bytes: z.number(),
  stored_at_ms: z.number(),
  deleted_at_ms: z.number().nullable(),
  byte_ms: z.string(),
});
const totalRow = z.object({ total: z.string() });
const markerRow = z.object({ marker: z.string() });
// The snapshot's lists travel as JSON text (numbers inside as strings), parsed and checked here.
const snapshotRow = z.object({ stored_bytes: z.string(), file_count: z.number(), held: z.string(), families: z.string(), days: z.string() });
const snapshotFamilies = z.array(familyRow);
const snapshotDays = z.array(dayRow);

/** What `snapshot` reads: the totals, the families and the days, as the separate queries answer them. */
export interface UsageSnapshotRows {
  totals: { storedBytes: bigint; fileCount: number };
  families: ReadonlyArray<z.infer<typeof familyRow>>;
  days: { heldBefore: bigint; rows: DayRow[] };
}

export type MonthFileRow = z.infer<typeof fileRow>;

const isoDay = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

/** Every query takes the account id: nothing here can read another account's usage. */
export function usageRepository(pool: DatabasePool) {
  return {
    async totals(accountId: string): Promise<{ storedBytes: bigint; fileCount: number }> {
      const row = await pool.maybeOne(sql.type(totalsRow)`
        select stored_bytes::text, file_count from metering.account_usage where account_id = ${accountId}`);
      return { storedBytes: BigInt(row?.stored_bytes ?? '0'), fileCount: row?.file_count ?? 0 };
    },

    families: (accountId: string) =>
      pool.any(sql.type(familyRow)`
        select f.family, f.bytes::text as bytes, f.files from metering.account_families f
        where f.account_id = ${accountId} and f.files > 0 order by f.bytes desc, f.family`),

    /** Bytes held before `firstDay` and the daily rows from it through `lastDay` (epoch ms, UTC midnights). */
    async days(accountId: string, firstDay: number, lastDay: number): Promise<{ heldBefore: bigint; rows: DayRow[] }> {
      const held = await pool.one(sql.type(heldRow)`
        select coalesce(sum(bytes_delta), 0)::text as held from metering.account_days
        where account_id = ${accountId} and day < ${isoDay(firstDay)}::date`);
      const rows = await pool.any(sql.type(dayRow)`
        select d.day::text as day, d.bytes_delta::text as bytes_delta, d.partial_byte_ms::text as partial_byte_ms from metering.account_days d
        where d.account_id = ${accountId} and d.day between ${isoDay(firstDay)}::date and ${isoDay(lastDay)}::date order by d.day`);
      return {
        heldBefore: BigInt(held.held),
        rows: rows.map((row) => ({ day: row.day, bytesDelta: BigInt(row.bytes_delta), partialByteMs: BigInt(row.partial_byte_ms) })),
      };
    },

    /**
     * `totals`, `families` and `days` in one statement (one round trip, one snapshot of the data):
     * what the usage route and every live stream's update read, so an update costs one query.
     */
    async snapshot(accountId: string, firstDay: number, lastDay: number): Promise<UsageSnapshotRows> {
      const row = await pool.one(sql.type(snapshotRow)`
        with account as (select ${accountId}::uuid as id)
        select
          coalesce((select u.stored_bytes from metering.account_usage u where u.account_id = account.id), 0)::text as stored_bytes,
          coalesce((select u.file_count from metering.account_usage u where u.account_id = account.id), 0) as file_count,
          (select coalesce(sum(d.bytes_delta), 0) from metering.account_days d
            where d.account_id = account.id and d.day < ${isoDay(firstDay)}::date)::text as held,
          (select coalesce(json_agg(json_build_object('family', f.family, 'bytes', f.bytes::text, 'files', f.files) order by f.bytes desc, f.family), '[]')
            from metering.account_families f where f.account_id = account.id and f.files > 0)::text as families,
          (select coalesce(json_agg(json_build_object('day', d.day::text, 'bytes_delta', d.bytes_delta::text, 'partial_byte_ms', d.partial_byte_ms::text) order by d.day), '[]')
            from metering.account_days d
            where d.account_id = account.id and d.day between ${isoDay(firstDay)}::date and ${isoDay(lastDay)}::date)::text as days
        from account`);
      return {
        totals: { storedBytes: BigInt(row.stored_bytes), fileCount: row.file_count },
        families: snapshotFamilies.parse(JSON.parse(row.families)),
        days: {
          heldBefore: BigInt(row.held),
          rows: snapshotDays.parse(JSON.parse(row.days)).map((day) => ({ day: day.day, bytesDelta: BigInt(day.bytes_delta), partialByteMs: BigInt(day.partial_byte_ms) })),
        },
      };
    },

    /**
     * A marker that changes whenever the fold commits (its cursors' latest move), for a process that
     * cannot LISTEN (embedded PGlite). Opaque: compare it with the previous one.
     */
    async foldProgress(): Promise<string> {
      const row = await pool.one(sql.type(markerRow)`
        select coalesce(max(updated_at), 'epoch')::text || '/' || count(*)::text as marker from metering_cursors`);
      return row.marker;
    },

    /** Files that accrued byte-time in [from, to), largest contribution first. */
    async filesBetween(accountId: string, from: number, to: number, page: { limit: number; offset: number }): Promise<{ total: bigint; rows: readonly MonthFileRow[] }> {
      // Each statement binds its parameters once (a CTE), rather than repeating a fragment.
      const contributions = sql.fragment`
        with bounds as (select ${from}::int8 as lower, ${to}::int8 as upper)
        select file_id, family, size_bytes, stored_at_ms, deleted_at_ms,
               ${intervalByteMs(sql.fragment`lower`, sql.fragment`upper`)} as byte_ms
        from metering.file_intervals fi, bounds
        where account_id = ${accountId} and stored_at_ms is not null and stored_at_ms < upper
          and (deleted_at_ms is null or greatest(deleted_at_ms, stored_at_ms) > lower)`;
      const total = await pool.one(sql.type(totalRow)`
        select coalesce(sum(byte_ms), 0)::text as total from (${contributions}) c`);
      const rows = await pool.any(sql.type(fileRow)`
        select file_id, family, size_bytes, stored_at_ms, deleted_at_ms, byte_ms::text
        from (${contributions}) c order by c.byte_ms desc, file_id limit ${page.limit} offset ${page.offset}`);
      return { total: BigInt(total.total), rows };
    },
  };
}

export type UsageRepository = ReturnType<typeof usageRepository>;
