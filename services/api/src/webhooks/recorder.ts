// Successful attempts recorded in batches: at a thousand deliveries a second, one UPDATE per
// delivery was most of the dispatcher's work. An attempt's promise resolves once its batch is
// written, so a dispatcher stopped meanwhile has recorded what it says it sent; one killed before
// the write sends those deliveries again after their lease (at least once, same webhook-id).
import type { Clock } from '@baketsu/platform/clock';
import { sql, type DatabasePool } from 'slonik';
import type { Claimed, SuccessRecorder } from './sender.js';
import type { AttemptOutcome } from './webhook-http.js';

/** Longest a success waits for others to share its statement. */
const LINGER_MS = 5;
const MAX_BATCH = 256;

export function batchedSuccessRecorder(options: {
  pool: DatabasePool;
  clock: Clock;
  onDelivered?: (commitToDeliveryMs: number) => void;
}): SuccessRecorder {
  let pending: Array<{ delivery: Claimed; outcome: AttemptOutcome; done: () => void; failed: (error: unknown) => void }> = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = async () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const now = options.clock.now();
    try {
      // Guarded by the attempt number, as a single record is: a replay meanwhile keeps its schedule.
      await options.pool.query(sql.unsafe`
        with outcome as (
          select * from ${sql.unnest(
            batch.map(({ delivery, outcome }) => [delivery.endpoint_id, delivery.event_id, delivery.attempts, outcome.statusCode ?? 0, outcome.latencyMs]),
            ['uuid', 'uuid', 'int4', 'int4', 'int4'],
          )} as o(endpoint_id, event_id, attempts, status_code, latency_ms)
        ), done as (
          update webhook_deliveries d set status = 'delivered', delivered_at = ${sql.timestamp(now)}, last_status_code = o.status_code,
            last_error = null, last_latency_ms = o.latency_ms
          from outcome o where d.endpoint_id = o.endpoint_id and d.event_id = o.event_id and d.attempts = o.attempts
          returning d.endpoint_id
        )
        update webhook_endpoints set failing_since = null
        where id in (select distinct endpoint_id from outcome) and failing_since is not null`);
      for (const item of batch) {
        options.onDelivered?.(now.getTime() - item.delivery.event_created_at);
        item.done();
      }
    } catch (error) {
      for (const item of batch) item.failed(error);
    }
  };

  return {
    delivered(delivery, outcome) {
      return new Promise<void>((done, failed) => {
        pending.push({ delivery, outcome, done, failed });
        if (pending.length >= MAX_BATCH) void flush();
        else timer ??= setTimeout(() => void flush(), LINGER_MS);
      });
    },
  };
}
