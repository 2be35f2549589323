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
import { outboxHorizon, type OutboxCursor } from '@baketsu/contract/outbox';
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';

export interface FoldWatermark {
  /** Every outbox row committed before this instant (epoch ms) is folded; null before the first proof. */
  foldedThroughMs: number | null;
  /** The first outbox row in read order not found in the projection, if the walk stopped at one. */
  blockedAt: OutboxCursor | null;
  /** Outbox rows checked by this call. */
  verified: number;
}

// Rows per statement: small enough for an index-only scan in read order and a short statement.
const WALK_CHUNK = 10_000;
const stateRow = z.object({ transaction_id: z.string(), position: z.number(), folded_through_ms: z.number().nullable() });
const walkRow = z.object({
  scanned: z.number(),
  verified: z.number(),
  verified_transaction_id: z.string().nullable(),
  verified_position: z.number().nullable(),
  blocked_transaction_id: z.string().nullable(),
  blocked_position: z.number().nullable(),
});

/** Records a checkpoint at `nowMs`, walks the outbox as far as it is folded, and moves the watermark. */
export async function advanceFoldWatermark(pool: DatabasePool, nowMs: number, options: { budgetMs?: number } = {}): Promise<FoldWatermark> {
  await pool.query(sql.unsafe`insert into billing_fold_watermark default values on conflict do nothing`);
  await pool.query(sql.unsafe`
    insert into billing_fold_checkpoints (at_ms, snapshot_xmax) values (${nowMs}, pg_snapshot_xmax(pg_current_snapshot())) on conflict do nothing`);
  const state = await pool.one(sql.type(stateRow)`
    select verified_transaction_id::text as transaction_id, verified_position as position, folded_through_ms from billing_fold_watermark`);
  let verifiedTo: OutboxCursor = { transactionId: state.transaction_id, position: state.position };
  let blockedAt: OutboxCursor | null = null;
  let verified = 0;
  // About 25k rows a second on a busy two-core machine (decision 006); what the budget leaves is
  // walked by the next pass, and the watermark waits for it.
  const deadline = performance.now() + (options.budgetMs ?? 60_000);
  while (blockedAt === null && performance.now() < deadline) {
    const walk = await walkOutbox(pool, verifiedTo, WALK_CHUNK);
    if (walk.verified_transaction_id !== null && walk.verified_position !== null) {
      verifiedTo = { transactionId: walk.verified_transaction_id, position: walk.verified_position };
    }
    if (walk.blocked_transaction_id !== null && walk.blocked_position !== null) {
      blockedAt = { transactionId: walk.blocked_transaction_id, position: walk.blocked_position };
    }
    verified += walk.verified;
    if (walk.scanned < WALK_CHUNK) break;
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
 * One chunk of the walk, in the readers' order and below their horizon: where it got to (the last row
 * before the first one not found in the projection) and that row, if any. Only the event's type and
 * file id are read, in SQL; an event without a file id changes no usage (metering dead-letters it).
 */
function walkOutbox(db: CommonQueryMethods, after: OutboxCursor, limit: number) {
  const fileId = sql.fragment`o.event -> 'data' ->> 'file_id'`;
  return db.one(sql.type(walkRow)`
    with span as (
      -- Positions first (an index-only scan in read order), the events' contents only for those.
      select o.transaction_id, o.position from outbox o
      where (o.transaction_id, o.position) > (${after.transactionId}::xid8, ${after.position}) and o.transaction_id < ${outboxHorizon}
      order by o.transaction_id, o.position
      limit ${limit}
    ), candidates as (
      select s.transaction_id, s.position, o.event_type,
             case when ${fileId} ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then (${fileId})::uuid end as file_id
      from span s join outbox o on o.position = s.position
    ), blocked as (
      select c.transaction_id, c.position from candidates c
      left join metering.file_intervals fi on fi.file_id = c.file_id
      where c.file_id is not null
        and (c.event_type = 'file.stored' and fi.stored_at_ms is null or c.event_type = 'file.deleted' and fi.deleted_at_ms is null)
      order by c.transaction_id, c.position
      limit 1
    ), before_blocked as (
      select c.transaction_id, c.position from candidates c
      where not exists (select 1 from blocked b where (c.transaction_id, c.position) >= (b.transaction_id, b.position))
    ), verified as (
      select transaction_id, position from before_blocked order by transaction_id desc, position desc limit 1
    )
    select (select count(*)::int from candidates) as scanned, (select count(*)::int from before_blocked) as verified,
           (select transaction_id::text from verified) as verified_transaction_id, (select position from verified) as verified_position,
           (select transaction_id::text from blocked) as blocked_transaction_id, (select position from blocked) as blocked_position`);
}
