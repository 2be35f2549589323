import type { FileEvent } from '@baketsu/api/events';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { FileInterval } from '#src/usage/file-interval.js';
import { fold } from '#src/usage/fold.js';
import type { UsageLedger } from '#src/usage/usage-ledger.js';

export const LIVE_SCHEMA = 'metering';

const fileRow = z.object({
  file_id: z.string(),
  account_id: z.string(),
  size_bytes: z.number(),
  family: z.string().nullable(),
  stored_at_ms: z.number().nullable(),
  deleted_at_ms: z.number().nullable(),
});

/**
 * Applies events to the projection tables in `schema`. Must run inside the transaction that also
 * moves the consumer's cursor; the touched file rows are locked, so their before-state is exact.
 */
export async function applyEvents(connection: CommonQueryMethods, events: readonly FileEvent[], schema = LIVE_SCHEMA): Promise<number> {
  if (events.length === 0) return 0;
  const table = (name: string) => sql.identifier([schema, name]);
  const ids = [...new Set(events.map((event) => event.data.file_id))];
  const rows = await connection.any(sql.type(fileRow)`
    select file_id, account_id, size_bytes, family, stored_at_ms, deleted_at_ms
    from ${table('file_intervals')} where file_id = any(${sql.array(ids, 'uuid')})
    order by file_id for update`);
  const known = new Map<string, FileInterval>(rows.map((row) => [row.file_id, fromRow(row)]));
  const { files, ledger } = fold(events, known);
  await writeFiles(connection, table('file_intervals'), [...files.values()]);
  await writeLedger(connection, ledger, table);
  return files.size;
}

function fromRow(row: z.infer<typeof fileRow>): FileInterval {
  return {
    fileId: row.file_id,
    accountId: row.account_id,
    sizeBytes: BigInt(row.size_bytes),
    family: row.family,
    storedAt: row.stored_at_ms,
    deletedAt: row.deleted_at_ms,
  };
}

type Identifier = ReturnType<typeof sql.identifier>;

async function writeFiles(connection: CommonQueryMethods, table: Identifier, files: FileInterval[]): Promise<void> {
  if (files.length === 0) return;
  await connection.query(sql.unsafe`
    insert into ${table} (file_id, account_id, size_bytes, family, stored_at_ms, deleted_at_ms)
    select * from ${sql.unnest(
      files.map((f) => [f.fileId, f.accountId, f.sizeBytes.toString(), f.family, f.storedAt, f.deletedAt]),
      ['uuid', 'uuid', 'int8', 'text', 'int8', 'int8'],
    )}
    on conflict (file_id) do update set
      size_bytes = excluded.size_bytes, family = excluded.family,
      stored_at_ms = excluded.stored_at_ms, deleted_at_ms = excluded.deleted_at_ms`);
}

// Every total is a sum of per-file terms, so applying a ledger is pure addition (see usage-ledger.ts).
async function writeLedger(connection: CommonQueryMethods, ledger: UsageLedger, table: (name: string) => Identifier): Promise<void> {
  if (ledger.accounts.size > 0) {
    await connection.query(sql.unsafe`
      insert into ${table('account_usage')} as t (account_id, stored_bytes, file_count, closed_byte_ms, open_start_weight)
      select * from ${sql.unnest(
        [...ledger.accounts].map(([id, a]) => [id, String(a.storedBytes), String(a.fileCount), String(a.closedByteMs), String(a.openStartWeight)]),
        ['uuid', 'numeric', 'int8', 'numeric', 'numeric'],
      )}
      on conflict (account_id) do update set
        stored_bytes = t.stored_bytes + excluded.stored_bytes, file_count = t.file_count + excluded.file_count,
        closed_byte_ms = t.closed_byte_ms + excluded.closed_byte_ms,
        open_start_weight = t.open_start_weight + excluded.open_start_weight`);
  }
  if (ledger.families.size > 0) {
    await connection.query(sql.unsafe`
      insert into ${table('account_families')} as t (account_id, family, bytes, files)
      select * from ${sql.unnest(
        [...ledger.families.values()].map((f) => [f.accountId, f.family, String(f.bytes), String(f.files)]),
        ['uuid', 'text', 'numeric', 'int8'],
      )}
      on conflict (account_id, family) do update set bytes = t.bytes + excluded.bytes, files = t.files + excluded.files`);
  }
  if (ledger.days.size > 0) {
    await connection.query(sql.unsafe`
      insert into ${table('account_days')} as t (account_id, day, bytes_delta, partial_byte_ms)
      select * from ${sql.unnest(
        [...ledger.days.values()].map((d) => [d.accountId, d.day, String(d.bytesDelta), String(d.partialByteMs)]),
        ['uuid', 'date', 'numeric', 'numeric'],
      )}
      on conflict (account_id, day) do update set
        bytes_delta = t.bytes_delta + excluded.bytes_delta, partial_byte_ms = t.partial_byte_ms + excluded.partial_byte_ms`);
  }
}
