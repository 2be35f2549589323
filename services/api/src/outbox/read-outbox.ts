import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** A place in the outbox: `transactionId` is an xid8 as a decimal string. */
export interface OutboxCursor {
  transactionId: string;
  position: number;
}

export interface OutboxRow extends OutboxCursor {
  accountId: string;
  eventType: string;
  /** The CloudEvent as JSON text, exactly as stored. */
  event: string;
  createdAt: number;
}

const outboxRow = z.object({ transaction_id: z.string(), position: z.number(), account_id: z.string(), event_type: z.string(), event: z.string(), created_at: z.number() });

/**
 * Outbox rows after `after`, in commit-safe order (decision 003): only transactions older than the
 * oldest one still running are read, since a late committer's rows sort before rows already
 * visible. `belowXmin: false` is for readers that hold every writer off by other means.
 */
export async function readOutbox(connection: CommonQueryMethods, after: OutboxCursor, limit: number, options: { belowXmin?: boolean } = {}): Promise<OutboxRow[]> {
  const horizon = options.belowXmin === false ? sql.fragment`` : sql.fragment`and o.transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
  // Ordered by the qualified columns: a bare `transaction_id` would name the text output column
  // and sort '10' before '9' (and defeat the index).
  const rows = await connection.any(sql.type(outboxRow)`
    select o.transaction_id::text as transaction_id, o.position, o.account_id, o.event_type, o.event::text as event, o.created_at
    from outbox o
    where (o.transaction_id, o.position) > (${after.transactionId}::xid8, ${after.position}) ${horizon}
    order by o.transaction_id, o.position limit ${limit}`);
  return rows.map((row) => ({
    transactionId: row.transaction_id,
    position: row.position,
    accountId: row.account_id,
    eventType: row.event_type,
    event: row.event,
    createdAt: row.created_at,
  }));
}
