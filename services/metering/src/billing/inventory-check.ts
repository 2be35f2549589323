// The storage inventory, three ways per account: the files table (what the API holds as stored),
// the ledger (metering's open file intervals, folded from the events) and the projection (the
// running totals the usage and billing routes read). It needs no Stripe, so reconciliation checks
// something in ledger-only mode too. Events the consumer has not folded yet show up as differences
// that a second run no longer finds.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

export interface InventoryRow {
  accountId: string;
  /** Files with status 'stored' in the files table, and their bytes. */
  filesTable: { files: bigint; bytes: bigint };
  /** Open intervals (stored, not deleted) in metering.file_intervals. */
  ledger: { files: bigint; bytes: bigint };
  /** metering.account_usage. */
  projection: { files: bigint; bytes: bigint };
  /** Stored files with no open interval: stored but not billed. */
  unbilledFiles: bigint;
  /** Open intervals whose file is not stored: billed but gone (or never stored). */
  billedButGone: bigint;
  differences: string[];
}

const inventoryRow = z.object({
  account_id: z.string(),
  table_files: z.string(),
  table_bytes: z.string(),
  ledger_files: z.string(),
  ledger_bytes: z.string(),
  projection_files: z.string(),
  projection_bytes: z.string(),
  unbilled_files: z.string(),
  billed_but_gone: z.string(),
});

/** Every account that holds something in any of the three, compared; in account order. */
export async function checkInventory(pool: DatabasePool): Promise<InventoryRow[]> {
  const rows = await pool.any(sql.type(inventoryRow)`
    with stored as (
      select account_id, count(*) as files, sum(size_bytes) as bytes from files where status = 'stored' group by account_id
    ), open as (
      select account_id, count(*) as files, sum(size_bytes) as bytes from metering.file_intervals
      where stored_at_ms is not null and deleted_at_ms is null group by account_id
    ), projection as (
      select account_id, file_count as files, stored_bytes as bytes from metering.account_usage
      where file_count <> 0 or stored_bytes <> 0
    ), unbilled as (
      select f.account_id, count(*) as files from files f
      where f.status = 'stored' and not exists (
        select 1 from metering.file_intervals fi where fi.file_id = f.id and fi.stored_at_ms is not null and fi.deleted_at_ms is null)
      group by f.account_id
    ), gone as (
      select fi.account_id, count(*) as files from metering.file_intervals fi
      where fi.stored_at_ms is not null and fi.deleted_at_ms is null
        and not exists (select 1 from files f where f.id = fi.file_id and f.status = 'stored')
      group by fi.account_id
    ), accounts_seen as (
      select account_id from stored union select account_id from open union select account_id from projection
    )
    select a.account_id::text,
           coalesce(s.files, 0)::text as table_files, coalesce(s.bytes, 0)::text as table_bytes,
           coalesce(o.files, 0)::text as ledger_files, coalesce(o.bytes, 0)::text as ledger_bytes,
           coalesce(p.files, 0)::text as projection_files, coalesce(p.bytes, 0)::text as projection_bytes,
           coalesce(u.files, 0)::text as unbilled_files, coalesce(g.files, 0)::text as billed_but_gone
    from accounts_seen a
    left join stored s using (account_id) left join open o using (account_id) left join projection p using (account_id)
    left join unbilled u using (account_id) left join gone g using (account_id)
    order by a.account_id`);
  return rows.map((row) => {
    const result: InventoryRow = {
      accountId: row.account_id,
      filesTable: { files: BigInt(row.table_files), bytes: BigInt(row.table_bytes) },
      ledger: { files: BigInt(row.ledger_files), bytes: BigInt(row.ledger_bytes) },
      projection: { files: BigInt(row.projection_files), bytes: BigInt(row.projection_bytes) },
      unbilledFiles: BigInt(row.unbilled_files),
      billedButGone: BigInt(row.billed_but_gone),
      differences: [],
    };
    const { filesTable, ledger, projection } = result;
    if (filesTable.files !== ledger.files || filesTable.bytes !== ledger.bytes) {
      result.differences.push(`files table holds ${filesTable.files} files (${filesTable.bytes} bytes), the ledger ${ledger.files} (${ledger.bytes} bytes)`);
    }
    if (ledger.files !== projection.files || ledger.bytes !== projection.bytes) {
      result.differences.push(`the ledger holds ${ledger.files} files (${ledger.bytes} bytes), the projection ${projection.files} (${projection.bytes} bytes)`);
    }
    if (result.unbilledFiles > 0n) result.differences.push(`${result.unbilledFiles} stored files have no open interval (stored, not billed)`);
    if (result.billedButGone > 0n) result.differences.push(`${result.billedButGone} open intervals have no stored file (billed, not stored)`);
    return result;
  });
}

export function formatInventory(rows: readonly InventoryRow[]): string {
  const lines = ['account                               files table (files/bytes)   ledger (files/bytes)        projection (files/bytes)'];
  const cell = (side: { files: bigint; bytes: bigint }) => `${side.files}/${side.bytes}`.padEnd(27);
  for (const row of rows) {
    lines.push([row.accountId.padEnd(37), cell(row.filesTable), cell(row.ledger), cell(row.projection)].join(' ').trimEnd());
    for (const difference of row.differences) lines.push(`  ! ${difference}`);
  }
  const differing = rows.filter((row) => row.differences.length > 0).length;
  lines.push(`${rows.length} accounts checked (files table, ledger, projection), ${differing} with differences`);
  return lines.join('\n');
}
