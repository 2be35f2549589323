import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Clock } from '@baketsu/platform/clock';
import { outboxHasRowsAfterCursor, readOutbox } from './read-outbox.js';

export const relayMigrations = Object.freeze({
  directory: fileURLToPath(new URL('./migrations', import.meta.url)),
  table: 'pgmigrations_outbox_relay',
});

export interface OutboxMessage {
  /** Account id: one account's events share a partition, so they stay in order. */
  key: string;
  /** The CloudEvent as JSON. */
  value: string;
  headers: Record<string, string>;
}

/** Port to the log the relay feeds; `kafkaPublisher` is the adapter. */
export interface EventPublisher {
  publish(messages: OutboxMessage[]): Promise<void>;
}

export interface RelayMetrics {
  published(count: number, latenciesMs: number[]): void;
}

const cursorRow = z.object({ transaction_id: z.string(), position: z.number() });

export interface OutboxRelay {
  /** Publishes at most one batch; returns how many rows it published (0 if idle or another relay holds the cursor). */
  relayOnce(): Promise<number>;
  run(signal: AbortSignal): Promise<void>;
}

export function outboxRelay(options: {
  pool: DatabasePool;
  publisher: EventPublisher;
  clock: Clock;
  name?: string;
  batchSize?: number;
  idleMs?: number;
  metrics?: RelayMetrics;
}): OutboxRelay {
  const name = options.name ?? 'kafka';
  const batchSize = options.batchSize ?? 500;

  // Publishing happens while the cursor row is locked and before the cursor moves: a crash between
  // the two republishes the batch (at-least-once), which the consumers' cursors absorb. An idle pass
  // only reads.
  const relayOnce = async () => {
    if (!(await outboxHasRowsAfterCursor(options.pool, { table: 'outbox_relay_cursors', name }))) return 0;
    return options.pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`insert into outbox_relay_cursors (name) values (${name}) on conflict do nothing`);
      const cursor = await tx.maybeOne(sql.type(cursorRow)`
        select transaction_id::text, position from outbox_relay_cursors where name = ${name} for update skip locked`);
      if (!cursor) return 0;
      const rows = await readOutbox(tx, { transactionId: cursor.transaction_id, position: cursor.position }, batchSize);
      const last = rows.at(-1);
      if (!last) return 0;
      await options.publisher.publish(
        rows.map((row) => ({ key: row.accountId, value: row.event, headers: { ce_type: row.eventType, 'content-type': 'application/cloudevents+json' } })),
      );
      await tx.query(sql.unsafe`
        update outbox_relay_cursors set transaction_id = ${last.transactionId}::xid8, position = ${last.position}, updated_at = now()
        where name = ${name}`);
      const now = options.clock.now().getTime();
      options.metrics?.published(rows.length, rows.map((row) => now - row.createdAt));
      return rows.length;
    });
  };

  return {
    relayOnce,
    async run(signal) {
      while (!signal.aborted) {
        const count = await relayOnce();
        if (count < batchSize) await sleep(options.idleMs ?? 100, undefined, { signal }).catch(() => undefined);
      }
    },
  };
}

/** Outbox rows the relay has not published yet. */
export async function relayBacklog(connection: CommonQueryMethods, name = 'kafka'): Promise<number> {
  return connection.oneFirst(sql.type(z.object({ backlog: z.number() }))`
    select count(*)::int8 as backlog from outbox o
    where (o.transaction_id, o.position) > coalesce(
      (select (c.transaction_id, c.position) from outbox_relay_cursors c where c.name = ${name}), ('0'::xid8, -1::int8))`);
}
