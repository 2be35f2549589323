// The delivery log's retention: finished deliveries (delivered, or failed for good) whose last
// attempt is older than WEBHOOK_DELIVERY_RETENTION_DAYS are deleted, so a busy account's log does
// not grow without bound. Pending deliveries are never touched, however old: they are still owed.
//
// Each statement deletes at most one batch of rows it could lock at once (FOR UPDATE SKIP LOCKED)
// and commits on its own, so no lock is held for long and several API processes can sweep at the
// same time: each takes rows the others have not locked, and none waits on another. A row replayed
// meanwhile is pending again when the lock re-reads it, so it is no longer chosen.
//
// Nothing brings a pruned delivery back by accident: fan-out only reads the outbox after its cursor,
// which moves in the transaction that makes the deliveries. Replay reads the outbox too (events are
// never removed from it), so an event older than the retention can still be sent again.
import type { Clock } from '@baketsu/platform/clock';
import { sql, type DatabasePool, type FragmentSqlToken } from 'slonik';
import type { PeriodicJob } from '#src/files/background-jobs.js';
import type { Config } from '#src/platform/config.js';
import type { Logger } from '#src/platform/logger.js';

const DAY_MS = 86_400_000;

/** Rows one statement deletes: small enough to commit in tens of milliseconds. */
export const RETENTION_BATCH = 5_000;

/** Hourly is plenty: a day's worth of finished rows waits at most an hour more. */
const SWEEP_INTERVAL_SECONDS = 3_600;

export interface RetentionDeps {
  pool: DatabasePool;
  clock: Clock;
}

export interface RetentionReport {
  deleted: number;
  /** Delete statements run (the last one found less than a batch). */
  statements: number;
}

/**
 * One batch: the oldest finished deliveries last attempted before `cutoff` that no one else has
 * locked, found through the partial index webhook_deliveries_finished (0192: same conditions) and
 * deleted by their row addresses (a TID scan, whatever the table's size). Locked by this statement
 * until it commits, so no other statement can move them meanwhile.
 */
export function pruneBatch(cutoff: Date, batchSize: number): FragmentSqlToken {
  return sql.fragment`
    delete from webhook_deliveries where ctid = any(array(
      select ctid from webhook_deliveries
      where status in ('delivered', 'failed') and last_attempt_at < ${sql.timestamp(cutoff)}
      order by last_attempt_at
      limit ${batchSize}
      for update skip locked
    ))`;
}

/** Deletes finished deliveries last attempted more than `retentionDays` ago, a batch per statement, until none is left to take. */
export async function pruneDeliveries(deps: RetentionDeps, options: { retentionDays: number; batchSize?: number }): Promise<RetentionReport> {
  const batchSize = options.batchSize ?? RETENTION_BATCH;
  const cutoff = new Date(deps.clock.now().getTime() - options.retentionDays * DAY_MS);
  const report: RetentionReport = { deleted: 0, statements: 0 };
  for (;;) {
    const { rowCount } = await deps.pool.query(sql.unsafe`${pruneBatch(cutoff, batchSize)}`);
    report.deleted += rowCount;
    report.statements++;
    // Fewer than a batch: nothing old is left, or the rest is locked by another sweeper, which takes it.
    if (rowCount < batchSize) return report;
  }
}

/** The sweep as a periodic job of the API process (compose-api.ts), whether or not it runs a dispatcher. */
export function webhookRetentionJobs(deps: RetentionDeps & { config: Pick<Config, 'WEBHOOK_DELIVERY_RETENTION_DAYS'>; logger: Logger }): PeriodicJob[] {
  return [
    {
      name: 'webhook delivery retention',
      intervalSeconds: SWEEP_INTERVAL_SECONDS,
      async run() {
        const report = await pruneDeliveries(deps, { retentionDays: deps.config.WEBHOOK_DELIVERY_RETENTION_DAYS });
        if (report.deleted > 0) deps.logger.info(report, 'old webhook deliveries deleted');
        return report;
      },
    },
  ];
}
