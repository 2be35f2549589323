import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** A place in a stream: Kafka offsets use transactionId '0'; the outbox uses (transaction_id, position). */
export interface Cursor {
  transactionId: string;
  position: number;
}

export const BEFORE_START: Cursor = Object.freeze({ transactionId: '0', position: -1 });

const cursorRow = z.object({ transaction_id: z.string(), position: z.number() });

export function compareCursors(a: Cursor, b: Cursor): number {
  // Same transaction (always so for Kafka offsets): no need to parse ids; this runs once per record.
  if (a.transactionId === b.transactionId) return Math.sign(a.position - b.position);
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  return Math.sign(a.position - b.position);
}

export async function readCursor(connection: CommonQueryMethods, consumer: string, stream: string, partition: number): Promise<Cursor> {
  const row = await connection.maybeOne(sql.type(cursorRow)`
    select transaction_id::text, position from metering_cursors
    where consumer = ${consumer} and stream = ${stream} and partition = ${partition}`);
  return row ? { transactionId: row.transaction_id, position: row.position } : BEFORE_START;
}

/**
 * Locks the cursor row for the rest of the transaction, so two consumers of one partition (say a
 * zombie after a rebalance and its successor) apply batches one after the other, never together.
 */
export async function lockCursor(connection: CommonQueryMethods, consumer: string, stream: string, partition: number): Promise<Cursor> {
  await connection.query(sql.unsafe`
    insert into metering_cursors (consumer, stream, partition, transaction_id, position)
    values (${consumer}, ${stream}, ${partition}, '0', -1) on conflict do nothing`);
  const row = await connection.one(sql.type(cursorRow)`
    select transaction_id::text, position from metering_cursors
    where consumer = ${consumer} and stream = ${stream} and partition = ${partition} for update`);
  return { transactionId: row.transaction_id, position: row.position };
}

export class StaleCursorError extends Error {
  override readonly name = 'StaleCursorError';
}

/** Moves the cursor forward; the `where` refuses to move it back, whatever the caller believes. */
export async function advanceCursor(connection: CommonQueryMethods, consumer: string, stream: string, partition: number, to: Cursor): Promise<void> {
  const result = await connection.query(sql.unsafe`
    update metering_cursors set transaction_id = ${to.transactionId}::xid8, position = ${to.position}, updated_at = now()
    where consumer = ${consumer} and stream = ${stream} and partition = ${partition}
      and (transaction_id, position) < (${to.transactionId}::xid8, ${to.position})`);
  if (result.rowCount !== 1) throw new StaleCursorError(`cursor of ${consumer} on ${stream}/${partition} is already at or past ${to.transactionId}/${to.position}`);
}
