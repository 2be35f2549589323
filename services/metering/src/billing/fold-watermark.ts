// "Everything committed to the outbox before instant T is in the projection": the reporter's
// watermark, so an hour is billed only once the usage of its events has been folded (decision 006).
//
// It checks the projection itself, not a consumer's position: a stored event is folded once its file
// has a stored_at_ms in metering.file_intervals, a deleted one once it has a deleted_at_ms. That is
// exactly what the reporter reads, and it holds the same whether metering reads the outbox (embedded)
// or Kafka partitions fed by the relay, whatever its consumer group is called.
//
// Outbox rows do not commit in position order, so the check walks them in the readers' commit-safe
// order (transaction id, position; only below the oldest transaction that may still write, decision
// 003) and remembers how far it got. Each pass also records a checkpoint (its clock, the snapshot's
// xmax): every transaction committed by then has a smaller id, so once the walk has passed every
// outbox row below that xmax, the checkpoint's instant is the new watermark.
import { readOutbox, type OutboxCursor } from '@baketsu/api/outbox';
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { decodeFileEvent } from '#src/consumer/decode-event.js';

export interface FoldWatermark {
  /** Every outbox row committed before this instant (epoch ms) is folded; null before the first proof. */
  foldedThroughMs: number | null;
  /** The first outbox row in read order not found in the projection, if the walk stopped at one. */
  blockedAt: OutboxCursor | null;
  /** Outbox rows checked by this call. */
  verified: number;
}

const READ_CHUNK = 5_000;
const stateRow = z.object({ transaction_id: z.string(), position: z.number(), folded_through_ms: z.number().nullable() });

/** Records a checkpoint at `nowMs`, walks the outbox as far as it is folded, and moves the watermark. */
export async function advanceFoldWatermark(pool: DatabasePool, nowMs: number, options: { maxRows?: number } = {}): Promise<FoldWatermark> {
  await pool.query(sql.unsafe`insert into billing_fold_watermark default values on conflict do nothing`);
  await pool.query(sql.unsafe`
    insert into billing_fold_checkpoints (at_ms, snapshot_xmax) values (${nowMs}, pg_snapshot_xmax(pg_current_snapshot())) on conflict do nothing`);
  const state = await pool.one(sql.type(stateRow)`
    select verified_transaction_id::text as transaction_id, verified_position as position, folded_through_ms from billing_fold_watermark`);
  let verifiedTo: OutboxCursor = { transactionId: state.transaction_id, position: state.position };
  let blockedAt: OutboxCursor | null = null;
  let verified = 0;
  const maxRows = options.maxRows ?? 200_000;
  while (verified < maxRows) {
    const rows = await readOutbox(pool, verifiedTo, Math.min(READ_CHUNK, maxRows - verified));
    if (rows.length === 0) break;
    const unfolded = await firstUnfolded(pool, rows.map((row) => row.event));
    const folded = unfolded === null ? rows : rows.slice(0, unfolded);
    verified += folded.length;
    if (folded.length > 0) verifiedTo = { transactionId: folded.at(-1)!.transactionId, position: folded.at(-1)!.position };
    if (unfolded !== null) {
      blockedAt = { transactionId: rows[unfolded]!.transactionId, position: rows[unfolded]!.position };
      break;
    }
    if (rows.length < READ_CHUNK) break;
  }
  // The newest checkpoint whose xmax is at or below the first outbox row not yet verified.
  const foldedThroughMs = await pool.oneFirst(sql.type(z.object({ folded_through_ms: z.number().nullable() }))`
    with first_unverified as (
      select o.transaction_id from outbox o
      where (o.transaction_id, o.position) > (${verifiedTo.transactionId}::xid8, ${verifiedTo.position})
      order by o.transaction_id, o.position limit 1
    ), proven as (
      select max(c.at_ms) as at_ms from billing_fold_checkpoints c
      where not exists (select 1 from first_unverified f where f.transaction_id < c.snapshot_xmax)
    ), moved as (
      update billing_fold_watermark w set
        verified_transaction_id = ${verifiedTo.transactionId}::xid8, verified_position = ${verifiedTo.position},
        folded_through_ms = greatest(w.folded_through_ms, (select at_ms from proven)), updated_at = now()
      returning w.folded_through_ms
    )
    select folded_through_ms from moved`);
  // Checkpoints at or before the watermark have served their purpose.
  if (foldedThroughMs !== null) await pool.query(sql.unsafe`delete from billing_fold_checkpoints where at_ms <= ${foldedThroughMs}`);
  return { foldedThroughMs, blockedAt, verified };
}

/**
 * Index of the first event whose effect is not in the projection, or null. An event metering cannot
 * decode changes no usage (it is dead-lettered), so it counts as folded.
 */
async function firstUnfolded(db: CommonQueryMethods, events: readonly string[]): Promise<number | null> {
  const indexes: number[] = [];
  const fileIds: string[] = [];
  const types: string[] = [];
  events.forEach((raw, index) => {
    const parsed = decodeFileEvent(raw);
    if (!parsed.ok) return;
    indexes.push(index);
    fileIds.push(parsed.event.data.file_id);
    types.push(parsed.event.type);
  });
  if (indexes.length === 0) return null;
  return db.maybeOneFirst(sql.type(z.object({ index: z.number() }))`
    select e.index from unnest(${sql.array(indexes, 'int4')}, ${sql.array(fileIds, 'uuid')}, ${sql.array(types, 'text')}) as e(index, file_id, type)
    left join metering.file_intervals fi on fi.file_id = e.file_id
    where case when e.type = 'file.stored' then fi.stored_at_ms is null else fi.deleted_at_ms is null end
    order by e.index limit 1`);
}
