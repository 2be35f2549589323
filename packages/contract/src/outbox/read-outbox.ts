import { setTimeout as sleep } from 'node:timers/promises';
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
 * The oldest transaction that may still add outbox rows, as an xid8 (decision 003): the oldest one
 * running at the reading statement's snapshot, leaving out those that provably cannot write here,
 * i.e. transactions of other databases. Transaction ids are cluster-wide, so before this a bulk load
 * in a neighbouring database held every reader back for as long as it ran.
 *
 * "Of another database" must be a fact, never a guess: the transaction's lock on its own id is held
 * by a session whose status shows that very id and another database. (Matching the status alone
 * could pair a session that just ended with its slot's next user.) When that cannot be shown (the
 * transaction ended meanwhile, the session is hidden from our role), it still holds the reader back,
 * which only delays rows, never skips one. Prepared transactions name their database themselves.
 */
export const outboxHorizon = sql.fragment`(
  with elsewhere (xid) as (
    select l.transactionid
    from pg_locks l join pg_stat_get_activity(null) a on a.pid = l.pid
    where l.locktype = 'transactionid' and l.mode = 'ExclusiveLock' and l.granted and a.backend_xid = l.transactionid
      and a.datid is distinct from (select oid from pg_database where datname = current_database())
    union all
    select p.transaction from pg_prepared_xacts p where p.database <> current_database()
  )
  select coalesce(min(running), pg_snapshot_xmax(pg_current_snapshot()))
  from pg_snapshot_xip(pg_current_snapshot()) as running
  where not exists (select 1 from elsewhere e where e.xid = running::xid)
)`;

/**
 * Outbox rows after `after`, in commit-safe order (decision 003): only transactions older than the
 * oldest one that may still write here are read, since a late committer's rows sort before rows
 * already visible. `belowXmin: false` is for readers that hold every writer off by other means.
 */
export async function readOutbox(connection: CommonQueryMethods, after: OutboxCursor, limit: number, options: { belowXmin?: boolean } = {}): Promise<OutboxRow[]> {
  const horizon = options.belowXmin === false ? sql.fragment`` : sql.fragment`and o.transaction_id < ${outboxHorizon}`;
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

const xid8 = z.object({ xid: z.string() });

/**
 * Until every outbox row committed before the call can be read: every transaction of this database
 * that was running at the call has ended. Readers stop below the oldest such transaction, so a
 * reader run at once after a commit may see nothing while some unrelated short write (a mail claim,
 * a job's lease) is still open. For callers that must know they read everything (tests, drains).
 */
export async function untilCommittedRowsReadable(connection: CommonQueryMethods, timeoutMs = 30_000): Promise<void> {
  const target = BigInt(await connection.oneFirst(sql.type(xid8)`select pg_snapshot_xmax(pg_current_snapshot())::text as xid`));
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const horizon = BigInt(await connection.oneFirst(sql.type(xid8)`select ${outboxHorizon}::text as xid`));
    if (horizon >= target) return;
    if (Date.now() > deadline) throw new Error(`a transaction older than ${target} is still open after ${timeoutMs} ms`);
    await sleep(10);
  }
}

/**
 * Whether the outbox holds rows after a reader's stored cursor (true when it has none yet), by a
 * plain read. Pollers ask this before locking their cursor row: the lock costs a transaction id and a
 * WAL record, and a poller that locks on every idle pass (ten a second) makes each idle process one
 * of the database's steadiest writers, each write briefly holding back every outbox reader.
 */
export async function outboxHasRowsAfterCursor(connection: CommonQueryMethods, cursor: { table: 'outbox_relay_cursors' | 'webhook_dispatch_cursors'; name: string }): Promise<boolean> {
  return connection.oneFirst(sql.type(z.object({ more: z.boolean() }))`
    select coalesce((
      select exists (select 1 from outbox o where (o.transaction_id, o.position) > (c.transaction_id, c.position))
      from ${sql.identifier([cursor.table])} c where c.name = ${cursor.name}), true) as more`);
}
