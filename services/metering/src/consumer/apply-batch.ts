import type { FileEvent } from '@baketsu/contract/events';
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { pgArray } from '#src/projection/pg-array.js';
import { applyEvents, LIVE_SCHEMA } from '#src/projection/usage-projection.js';
import { USAGE_CHANGED_CHANNEL } from '#src/read-model/usage-changes.js';
import { advanceCursor, compareCursors, lockCursor, type Cursor } from './cursors.js';
import { decodeFileEvent } from './decode-event.js';

export interface LogRecord extends Cursor {
  /** The CloudEvent as delivered: JSON text, bytes, or already-decoded JSON (outbox jsonb). */
  value: unknown;
}

export interface LogBatch {
  stream: string;
  partition: number;
  records: readonly LogRecord[];
}

export interface BatchOutcome {
  applied: number;
  /** Already applied by this consumer (redelivery after a crash or a rebalance). */
  skipped: number;
  deadLettered: number;
  /** Events about something other than stored bytes (share links): read past, the cursor moves over them. */
  notMetered: number;
  /** Where the cursor stands after the batch. */
  cursor: Cursor;
}

/**
 * The one place a batch becomes usage: projection, dead letters and cursor commit in a single
 * transaction, so a crash anywhere leaves either all of it or none of it.
 */
export async function applyBatch(pool: DatabasePool, consumer: string, batch: LogBatch, schema = LIVE_SCHEMA): Promise<BatchOutcome> {
  return pool.transaction(async (transaction) => {
    const stored = await lockCursor(transaction, consumer, batch.stream, batch.partition);
    const fresh = batch.records.filter((record) => compareCursors(record, stored) > 0);
    const last = fresh.at(-1);
    if (!last) return { applied: 0, skipped: batch.records.length, deadLettered: 0, notMetered: 0, cursor: stored };
    const events: FileEvent[] = [];
    let deadLettered = 0;
    let notMetered = 0;
    for (const record of fresh) {
      const parsed = decodeFileEvent(record.value);
      if (parsed.ok) events.push(parsed.event);
      else if ('notMetered' in parsed) notMetered += 1;
      else {
        deadLettered += 1;
        await deadLetter(transaction, batch, record, parsed.reason);
      }
    }
    await applyEvents(transaction, events, schema);
    // Live streams hear of it on commit, when the read model already holds the new numbers; a
    // rebuild into another schema changes nothing anyone reads, so it stays quiet.
    if (schema === LIVE_SCHEMA) await notifyUsageChanged(transaction, events);
    const cursor = { transactionId: last.transactionId, position: last.position };
    await advanceCursor(transaction, consumer, batch.stream, batch.partition, cursor);
    return { applied: events.length, skipped: batch.records.length - fresh.length, deadLettered, notMetered, cursor };
  });
}

async function notifyUsageChanged(connection: CommonQueryMethods, events: readonly FileEvent[]): Promise<void> {
  const accounts = [...new Set(events.map((event) => event.data.account_id))].sort();
  if (accounts.length === 0) return;
  await connection.query(sql.unsafe`
    select pg_notify(${USAGE_CHANGED_CHANNEL}, account_id) from unnest(${pgArray(accounts)}::text[]) as account_id`);
}

async function deadLetter(connection: CommonQueryMethods, batch: LogBatch, record: LogRecord, reason: string): Promise<void> {
  const raw = typeof record.value === 'string' ? record.value
    : record.value instanceof Uint8Array ? Buffer.from(record.value).toString('utf8')
    : JSON.stringify(record.value) ?? 'null';
  await connection.query(sql.unsafe`
    insert into metering_dead_letters (stream, partition, transaction_id, position, raw, reason)
    values (${batch.stream}, ${batch.partition}, ${record.transactionId}::xid8, ${record.position}, ${raw}, ${reason})
    on conflict do nothing`);
}
