import type { FileEvent } from '@baketsu/contract/events';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { FileInterval } from '#src/usage/file-interval.js';
import { fold } from '#src/usage/fold.js';
import type { UsageLedger } from '#src/usage/usage-ledger.js';
import { pgArray } from './pg-array.js';

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
 * Two statements whatever the batch size: read (and lock) the touched files, then write the files
 * and every aggregate at once. Columns travel as array literals (see `pgArray`).
 */
export async function applyEvents(connection: CommonQueryMethods, events: readonly FileEvent[], schema = LIVE_SCHEMA): Promise<number> {
  if (events.length === 0) return 0;
  const table = (name: string) => sql.identifier([schema, name]);
  // One primary-key probe per id, forced: as `file_id = any(...)` or a plain join the planner prefers
  // to scan the whole table (which grows with every file ever seen) and hash it. A lateral subquery
  // with a locking clause is never flattened into the outer join, so it runs per id, through the index.
  // Ids are sorted, so every batch locks its rows in the same order.
  const ids = [...new Set(events.map((event) => event.data.file_id))].sort();
  const rows = await connection.any(sql.type(fileRow)`
    select f.file_id, f.account_id, f.size_bytes, f.family, f.stored_at_ms, f.deleted_at_ms
    from unnest(${pgArray(ids)}::uuid[]) as touched (file_id)
    cross join lateral (
      select * from ${table('file_intervals')} where file_id = touched.file_id for update
    ) f`);
  const known = new Map<string, FileInterval>(rows.map((row) => [row.file_id, fromRow(row)]));
  const { files, ledger } = fold(events, known);
  const added: FileInterval[] = [];
  const changed: FileInterval[] = [];
  for (const file of files.values()) (known.has(file.fileId) ? changed : added).push(file);
  await write(connection, added, changed, ledger, table);
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

/** `unnest` of array-literal columns, one `$n::type[]` parameter per column. */
function columns(values: Array<ReadonlyArray<string | number | bigint | null>>, types: string[]) {
  return sql.fragment`unnest(${sql.join(values.map((column, i) => sql.fragment`${pgArray(column)}::${sql.identifier([types[i]!])}[]`), sql.fragment`, `)})`;
}

// Every total is a sum of per-file terms, so applying a ledger is pure addition (see usage-ledger.ts).
// Each upsert is a data-modifying CTE of one statement (PostgreSQL runs every one of them to completion
// whether or not it is read): they touch different tables, so they cannot disturb each other, and a
// batch costs one round trip however many tables it changes.
// Files the read did not find are added with a plain insert: cheaper than an upsert, and should
// another transaction have added one meanwhile (only if two partitions carried the same file), the
// unique key fails the batch, which is retried and then finds the row, instead of overwriting it
// unaccounted. Files it found (and locked) are rewritten through the upsert form, which reaches each
// through the primary key whatever the planner thinks of the table's size.
async function write(connection: CommonQueryMethods, added: FileInterval[], changed: FileInterval[], ledger: UsageLedger, table: (name: string) => Identifier): Promise<void> {
  // Rows in key order, so two batches upserting the same accounts (an account's events split over
  // two partitions, as after adding partitions) lock them in the same order and cannot deadlock.
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const accounts = [...ledger.accounts].sort(([a], [b]) => byText(a, b));
  const families = [...ledger.families.values()].sort((a, b) => byText(a.accountId, b.accountId) || byText(a.family, b.family));
  const days = [...ledger.days.values()].sort((a, b) => byText(a.accountId, b.accountId) || byText(a.day, b.day));
  const fileColumns = (files: FileInterval[]) =>
    columns(
      [files.map((f) => f.fileId), files.map((f) => f.accountId), files.map((f) => f.sizeBytes), files.map((f) => f.family), files.map((f) => f.storedAt), files.map((f) => f.deletedAt)],
      ['uuid', 'uuid', 'int8', 'text', 'int8', 'int8'],
    );
  await connection.query(sql.unsafe`
    with added_files as (
      insert into ${table('file_intervals')} (file_id, account_id, size_bytes, family, stored_at_ms, deleted_at_ms)
      select * from ${fileColumns(added)}
    ), changed_files as (
      insert into ${table('file_intervals')} (file_id, account_id, size_bytes, family, stored_at_ms, deleted_at_ms)
      select * from ${fileColumns(changed)}
      on conflict (file_id) do update set
        size_bytes = excluded.size_bytes, family = excluded.family,
        stored_at_ms = excluded.stored_at_ms, deleted_at_ms = excluded.deleted_at_ms
    ), account_rows as (
      insert into ${table('account_usage')} as t (account_id, stored_bytes, file_count, closed_byte_ms, open_start_weight)
      select * from ${columns(
        [accounts.map(([id]) => id), accounts.map(([, a]) => a.storedBytes), accounts.map(([, a]) => a.fileCount), accounts.map(([, a]) => a.closedByteMs), accounts.map(([, a]) => a.openStartWeight)],
        ['uuid', 'numeric', 'int8', 'numeric', 'numeric'],
      )}
      on conflict (account_id) do update set
        stored_bytes = t.stored_bytes + excluded.stored_bytes, file_count = t.file_count + excluded.file_count,
        closed_byte_ms = t.closed_byte_ms + excluded.closed_byte_ms,
        open_start_weight = t.open_start_weight + excluded.open_start_weight
    ), family_rows as (
      insert into ${table('account_families')} as t (account_id, family, bytes, files)
      select * from ${columns(
        [families.map((f) => f.accountId), families.map((f) => f.family), families.map((f) => f.bytes), families.map((f) => f.files)],
        ['uuid', 'text', 'numeric', 'int8'],
      )}
      on conflict (account_id, family) do update set bytes = t.bytes + excluded.bytes, files = t.files + excluded.files
    ), day_rows as (
      insert into ${table('account_days')} as t (account_id, day, bytes_delta, partial_byte_ms)
      select * from ${columns(
        [days.map((d) => d.accountId), days.map((d) => d.day), days.map((d) => d.bytesDelta), days.map((d) => d.partialByteMs)],
        ['uuid', 'date', 'numeric', 'numeric'],
      )}
      on conflict (account_id, day) do update set
        bytes_delta = t.bytes_delta + excluded.bytes_delta, partial_byte_ms = t.partial_byte_ms + excluded.partial_byte_ms
    )
    select 1`);
}
