import { setTimeout as sleep } from 'node:timers/promises';
import { readOutbox } from '@baketsu/contract/outbox';
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { LogRecord } from '#src/consumer/apply-batch.js';
import type { Cursor } from '#src/consumer/cursors.js';
import type { EventLog, LogConsumer } from './event-log.js';

export const OUTBOX_STREAM = 'outbox';

/** Outbox rows after `after` as log records (see `readOutbox` for the commit-safe order). */
export async function readOutboxRecords(connection: CommonQueryMethods, after: Cursor, limit: number, options: { belowXmin?: boolean } = {}): Promise<LogRecord[]> {
  const rows = await readOutbox(connection, after, limit, options);
  return rows.map((row) => ({ transactionId: row.transactionId, position: row.position, value: row.event }));
}

export interface PostgresEventLog extends EventLog {
  /** Reads and hands over at most one batch; returns how many records it held. */
  pollOnce(consumer: LogConsumer): Promise<number>;
}

export function postgresEventLog(pool: DatabasePool, options: { batchSize?: number; idleMs?: number } = {}): PostgresEventLog {
  const batchSize = options.batchSize ?? 1000;
  const idleMs = options.idleMs ?? 250;
  let stopping: AbortController | undefined;
  let running: Promise<void> | undefined;

  const pollOnce = async (consumer: LogConsumer): Promise<number> => {
    const after = await consumer.positionOf(OUTBOX_STREAM, 0);
    const records = await readOutboxRecords(pool, after, batchSize);
    if (records.length > 0) await consumer.onBatch({ stream: OUTBOX_STREAM, partition: 0, records });
    return records.length;
  };

  return {
    name: 'postgres',
    pollOnce,
    run(consumer) {
      const controller = new AbortController();
      stopping = controller;
      running = (async () => {
        while (!controller.signal.aborted) {
          const count = await pollOnce(consumer);
          if (count < batchSize) await sleep(idleMs, undefined, { signal: controller.signal }).catch(() => undefined);
        }
      })();
      return running;
    },
    async stop() {
      stopping?.abort();
      await running?.catch(() => undefined);
    },
    async lag(consumer) {
      const after = await consumer.positionOf(OUTBOX_STREAM, 0);
      const lag = await pool.oneFirst(sql.type(z.object({ count: z.number() }))`
        select count(*)::int8 as count from outbox where (transaction_id, position) > (${after.transactionId}::xid8, ${after.position})`);
      return [{ stream: OUTBOX_STREAM, partition: 0, lag }];
    },
  };
}
