import type { FileEvent } from '@baketsu/contract/events';
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { BEFORE_START, type Cursor } from '#src/consumer/cursors.js';
import { decodeFileEvent } from '#src/consumer/decode-event.js';
import { readOutboxRecords } from '#src/log/postgres-event-log.js';
import { applyEvents, LIVE_SCHEMA } from '#src/projection/usage-projection.js';

export const REBUILD_SCHEMA = 'metering_rebuild';
const PROJECTION_TABLES = ['file_intervals', 'account_usage', 'account_families', 'account_days'] as const;
type ProjectionTable = (typeof PROJECTION_TABLES)[number];

// Additive rows can net to zero in the live tables; they carry nothing, so a diff ignores them.
const MEANINGFUL: Record<ProjectionTable, ReturnType<typeof sql.fragment>> = {
  file_intervals: sql.fragment`true`,
  account_usage: sql.fragment`not (stored_bytes = 0 and file_count = 0 and closed_byte_ms = 0 and open_start_weight = 0)`,
  account_families: sql.fragment`not (bytes = 0 and files = 0)`,
  account_days: sql.fragment`not (bytes_delta = 0 and partial_byte_ms = 0)`,
};

export interface TableDifference {
  table: ProjectionTable;
  onlyLive: number;
  onlyRebuilt: number;
}

export interface RebuildResult {
  events: number;
  unparseable: number;
  cursor: Cursor;
  differences: TableDifference[];
  swapped: boolean;
}

/**
 * Replays the whole outbox into fresh twin tables, compares them with the live ones and, when
 * asked, swaps them in. The swap catches up on everything committed meanwhile while holding every
 * consumer's cursor lock, so no batch lands in the old tables after the catch-up read.
 */
export async function rebuild(
  pool: DatabasePool,
  options: { swap?: boolean; batchSize?: number; /** Runs between the bulk replay and the swap (tests use it to write meanwhile). */ beforeSwap?: () => Promise<void> } = {},
): Promise<RebuildResult> {
  const batchSize = options.batchSize ?? 5000;
  await createTwinTables(pool);
  let cursor = BEFORE_START;
  let events = 0;
  let unparseable = 0;
  const replay = async (connection: CommonQueryMethods, belowXmin: boolean) => {
    for (;;) {
      const records = await readOutboxRecords(connection, cursor, batchSize, { belowXmin });
      const last = records.at(-1);
      if (!last) return;
      const parsed: FileEvent[] = [];
      for (const record of records) {
        const result = decodeFileEvent(record.value);
        if (result.ok) parsed.push(result.event);
        else if (!('notMetered' in result)) unparseable += 1;
      }
      await applyEvents(connection, parsed, REBUILD_SCHEMA);
      events += parsed.length;
      cursor = { transactionId: last.transactionId, position: last.position };
    }
  };
  await replay(pool, true);
  if (!options.swap) return { events, unparseable, cursor, differences: await compareWithLive(pool), swapped: false };
  await options.beforeSwap?.();
  const afterBulk = { cursor, events, unparseable };
  return pool.transaction(async (tx) => {
    // The pool runs this again if its connection is lost before COMMIT (decision 021): every
    // attempt replays from where the bulk replay ended, since a lost attempt's rows rolled back.
    ({ cursor, events, unparseable } = afterBulk);
    await tx.query(sql.unsafe`select 1 from metering_cursors for update`);
    // Inside the lock every committed row is final: read all of them, not only those below xmin.
    await replay(tx, false);
    const differences = await compareWithLive(tx);
    await tx.query(sql.unsafe`alter schema ${sql.identifier([LIVE_SCHEMA])} rename to metering_replaced`);
    await tx.query(sql.unsafe`alter schema ${sql.identifier([REBUILD_SCHEMA])} rename to ${sql.identifier([LIVE_SCHEMA])}`);
    // Restrict, not cascade: if anything else lives in or depends on the old schema (a view, a
    // table added by someone else), the drop fails and the whole swap rolls back untouched.
    await tx.query(sql.unsafe`drop table ${sql.join(PROJECTION_TABLES.map((table) => sql.identifier(['metering_replaced', table])), sql.fragment`, `)}`);
    await tx.query(sql.unsafe`drop schema metering_replaced`);
    return { events, unparseable, cursor, differences, swapped: true };
  });
}

async function createTwinTables(connection: CommonQueryMethods): Promise<void> {
  await connection.query(sql.unsafe`drop schema if exists ${sql.identifier([REBUILD_SCHEMA])} cascade`);
  await connection.query(sql.unsafe`create schema ${sql.identifier([REBUILD_SCHEMA])}`);
  for (const table of PROJECTION_TABLES) {
    await connection.query(sql.unsafe`
      create table ${sql.identifier([REBUILD_SCHEMA, table])} (like ${sql.identifier([LIVE_SCHEMA, table])} including all)`);
    // `like` copies columns, defaults and indexes but not storage parameters (fillfactor): copy those too.
    const options = await connection.anyFirst(sql.type(z.object({ option: z.string() }))`
      select unnest(reloptions) as option from pg_class where oid = ${`${LIVE_SCHEMA}.${table}`}::regclass`);
    if (options.length > 0) {
      const settings = options.map((option) => {
        const [name = '', value = ''] = option.split(/=(.*)/s);
        return sql.fragment`${sql.identifier([name])} = ${sql.literalValue(value)}`;
      });
      await connection.query(sql.unsafe`alter table ${sql.identifier([REBUILD_SCHEMA, table])} set (${sql.join(settings, sql.fragment`, `)})`);
    }
  }
}

export async function compareWithLive(connection: CommonQueryMethods): Promise<TableDifference[]> {
  const differences: TableDifference[] = [];
  for (const table of PROJECTION_TABLES) {
    const live = sql.fragment`select * from ${sql.identifier([LIVE_SCHEMA, table])} where ${MEANINGFUL[table]}`;
    const rebuilt = sql.fragment`select * from ${sql.identifier([REBUILD_SCHEMA, table])} where ${MEANINGFUL[table]}`;
    const counts = await connection.one(sql.type(z.object({ only_live: z.number(), only_rebuilt: z.number() }))`
      select (select count(*) from (${live} except ${rebuilt}) d)::int8 as only_live,
             (select count(*) from (${rebuilt} except ${live}) d)::int8 as only_rebuilt`);
    differences.push({ table, onlyLive: counts.only_live, onlyRebuilt: counts.only_rebuilt });
  }
  return differences;
}

export function formatDifferences(result: RebuildResult): string {
  const lines = [`replayed ${result.events} events (${result.unparseable} unparseable) up to ${result.cursor.transactionId}/${result.cursor.position}`];
  for (const d of result.differences) {
    lines.push(`${d.table.padEnd(18)} ${d.onlyLive === 0 && d.onlyRebuilt === 0 ? 'identical' : `${d.onlyLive} rows only in live, ${d.onlyRebuilt} only in rebuild`}`);
  }
  lines.push(result.swapped ? 'swapped: the rebuilt tables are now live' : `not swapped: the rebuild is left in schema ${REBUILD_SCHEMA} for inspection (pass --swap to replace the live tables)`);
  return lines.join('\n');
}
