// The dispatcher's first half: reads the outbox after its own cursor, in commit-safe order (decision
// 003: only rows of transactions that can no longer be in flight), and makes one delivery per event
// and endpoint that wants it, in the transaction that moves the cursor. Deliveries are unique per
// (endpoint, event), so a batch fanned out twice makes nothing twice.
import { outboxHasRowsAfterCursor, readOutbox } from '@baketsu/contract/outbox';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { endpointWants } from './endpoint-filters.js';

const cursorRow = z.object({ transaction_id: z.string(), position: z.number() });

export const DISPATCH_CURSOR = 'webhooks';

/**
 * What fan-out needs of an event beyond its outbox columns: the file or folder it is about, and
 * where that was before a move (a moved file's folder, a moved folder's parent).
 */
function subjectOf(eventType: string, event: string): { fileId: string | null; movedFolderId: string | null; previousFolderId: string | null } {
  const data = (JSON.parse(event) as { data?: { file_id?: unknown; folder_id?: unknown; from?: { folder_id?: unknown; parent_id?: unknown } } }).data;
  const isFolderEvent = eventType.startsWith('folder.');
  const previous = isFolderEvent ? data?.from?.parent_id : data?.from?.folder_id;
  return {
    fileId: typeof data?.file_id === 'string' ? data.file_id : null,
    movedFolderId: isFolderEvent && typeof data?.folder_id === 'string' ? data.folder_id : null,
    previousFolderId: typeof previous === 'string' ? previous : null,
  };
}

/**
 * Fans out at most one batch; returns how many outbox rows it read (0 when idle or when another
 * dispatcher holds the cursor, which it then leaves to it).
 */
export async function fanOutOnce(pool: DatabasePool, options: { batchSize: number; now: () => Date }): Promise<number> {
  // An idle pass only reads: see outboxHasRowsAfterCursor.
  if (!(await outboxHasRowsAfterCursor(pool, { table: 'webhook_dispatch_cursors', name: DISPATCH_CURSOR }))) return 0;
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`insert into webhook_dispatch_cursors (name) values (${DISPATCH_CURSOR}) on conflict do nothing`);
    const cursor = await tx.maybeOne(sql.type(cursorRow)`
      select transaction_id::text, position from webhook_dispatch_cursors where name = ${DISPATCH_CURSOR} for update skip locked`);
    if (!cursor) return 0;
    const rows = await readOutbox(tx, { transactionId: cursor.transaction_id, position: cursor.position }, options.batchSize);
    const last = rows.at(-1);
    if (!last) return 0;
    const subjects = rows.map((row) => subjectOf(row.eventType, row.event));
    const now = sql.timestamp(options.now());
    await tx.query(sql.unsafe`
      insert into webhook_deliveries (endpoint_id, event_id, account_id, event_type, next_attempt_at, event_created_at, created_at)
      select e.id, r.event_id, r.account_id, r.event_type, ${now}, r.created_at, ${now}
      from unnest(
        ${sql.array(rows.map((row) => (JSON.parse(row.event) as { id: string }).id), 'uuid')},
        ${sql.array(rows.map((row) => row.accountId), 'uuid')},
        ${sql.array(rows.map((row) => row.eventType), 'text')},
        ${sql.array(subjects.map((subject) => subject.fileId), 'uuid')},
        ${sql.array(subjects.map((subject) => subject.movedFolderId), 'uuid')},
        ${sql.array(subjects.map((subject) => subject.previousFolderId), 'uuid')},
        ${sql.array(rows.map((row) => new Date(row.createdAt).toISOString()), 'timestamptz')}
      ) as r(event_id, account_id, event_type, file_id, moved_folder_id, previous_folder_id, created_at)
      join webhook_endpoints e on e.account_id = r.account_id and e.disabled_at is null
      left join files f on f.id = r.file_id
      where ${endpointWants({ type: sql.fragment`r.event_type`, movedFolderId: sql.fragment`r.moved_folder_id`, previousFolderId: sql.fragment`r.previous_folder_id` })}
      on conflict (endpoint_id, event_id) do nothing`);
    await tx.query(sql.unsafe`
      update webhook_dispatch_cursors set transaction_id = ${last.transactionId}::xid8, position = ${last.position}, updated_at = now()
      where name = ${DISPATCH_CURSOR}`);
    return rows.length;
  });
}
