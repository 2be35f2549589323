// GET /v1/folders/{id}/usage: bytes, byte-time and cost of a folder's subtree, computed from the
// files rows themselves. A file's stored and deleted instants are the ones its file.stored and
// file.deleted events carry, so this is the arithmetic metering does (DESIGN.md, usage arithmetic):
// size × (min(deleted_at, now) − max(stored_at, month start)), in integer byte-milliseconds: billing-core's
// intervalByteMs over the files' own columns.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { FilesDeps } from '#src/files/files-deps.js';
import { estimateMonthlyCost, intervalByteMs, utcMonth, type UsagePrice } from '@baketsu/billing-core';
import { liveFolder } from './folder-tree.js';

const usageRow = z.object({ stored_bytes: z.number(), files: z.number(), byte_ms: z.string() });

const epochMs = (column: string) => sql.fragment`(extract(epoch from ${sql.identifier([column])}) * 1000)::int8`;

/**
 * Usage of every file in the subtree now, or in it when it was deleted: deleted folders keep their
 * rows and parent links, so the walk by parent finds files deleted with them. `folderId` null: the
 * whole account.
 */
async function subtreeUsage(db: CommonQueryMethods, accountId: string, folderId: string | null, from: number, to: number) {
  const within =
    folderId === null
      ? sql.fragment``
      : sql.fragment`and folder_id in (
          with recursive subtree(id) as (
            select ${folderId}::uuid
            union all
            select f.id from folders f join subtree s on f.parent_id = s.id
          )
          select id from subtree)`;
  const stored = epochMs('created_at');
  const deleted = epochMs('deleted_at');
  const fromMs = sql.fragment`${from}::int8`;
  const toMs = sql.fragment`${to}::int8`;
  return db.one(sql.type(usageRow)`
    select
      coalesce(sum(size_bytes) filter (where status = 'stored'), 0)::int8 as stored_bytes,
      count(*) filter (where status = 'stored')::int8 as files,
      coalesce(sum(${intervalByteMs(fromMs, toMs, { sizeBytes: sql.fragment`size_bytes`, storedAtMs: stored, deletedAtMs: deleted })}), 0)::numeric(40, 0)::text as byte_ms
    from files
    where account_id = ${accountId} and (status = 'stored' or deleted_at >= to_timestamp(${from}::float8 / 1000)) ${within}`);
}

export async function folderUsage(deps: Pick<FilesDeps, 'pool' | 'clock'> & { price: UsagePrice }, accountId: string, ref: string) {
  const folder = ref === 'root' ? null : await liveFolder(deps.pool, accountId, ref);
  const now = deps.clock.now().getTime();
  const { startMs: start } = utcMonth(now);
  const usage = await subtreeUsage(deps.pool, accountId, folder?.id ?? null, start, now);
  const byteMsMonthToDate = BigInt(usage.byte_ms);
  return {
    folder_id: folder?.id ?? null,
    stored_bytes: usage.stored_bytes,
    file_count: usage.files,
    byte_ms_month_to_date: byteMsMonthToDate.toString(),
    estimated_monthly_cost: estimateMonthlyCost({ byteMsMonthToDate, storedBytes: BigInt(usage.stored_bytes), now, price: deps.price }),
    as_of: new Date(now).toISOString(),
  };
}
