// Deleting a file stops its billing and removes its bytes, and no failure in between may leave a
// billed row without an object or an object without a row:
//   1. one transaction: rows → 'deleting' + a file.deleted event each (billing stops here);
//   2. the objects are deleted, retried a few times;
//   3. rows → 'deleted'. A row left 'deleting' (storage down, process killed) is finished by the sweeper.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { fileEvent } from '@baketsu/contract/events';
import { appendAllToOutbox } from '@baketsu/contract/outbox';
import { fileRepository, type FileRow } from './file-repository.js';
import type { FilesDeps } from './files-deps.js';

export const MAX_BULK_DELETE = 1000;
const RETRY_DELAYS_MS = [50, 250, 1000];
const REMOVAL_CONCURRENCY = 16;

const lockedAccount = z.object({ deletion_requested_at: z.number().nullable() });

/**
 * Billing stops here: the rows leave the stored state and their `file.deleted` events are written
 * in the caller's transaction. Removing the objects comes after, and may be retried. A file of an
 * account being deleted stops at the deletion instant (decision 017), whoever deletes it and however
 * late: the deletion job, but also a lifecycle run, a removal notice or a request that got in first.
 */
export async function stopBilling(
  tx: DatabaseTransactionConnection,
  accountId: string,
  ids: readonly string[],
  deletedAt: Date,
): Promise<readonly FileRow[]> {
  // Deleting changes what the account's folders hold: it takes its turn with moves and uploads
  // (the row lock of folders/account-lock.ts), and reads the deletion instant under it.
  const account = await tx.maybeOne(sql.type(lockedAccount)`
    select deletion_requested_at from accounts where id = ${accountId} for no key update`);
  const requested = account?.deletion_requested_at ?? null;
  const billedUntil = requested !== null && requested < deletedAt.getTime() ? new Date(requested) : deletedAt;
  return markAndRecord(tx, accountId, ids, billedUntil);
}

async function markAndRecord(tx: DatabaseTransactionConnection, accountId: string, ids: readonly string[], deletedAt: Date): Promise<readonly FileRow[]> {
  const marked = await fileRepository.markDeleting(tx, accountId, ids, deletedAt);
  await appendAllToOutbox(
    tx,
    marked.map((row) =>
      fileEvent('file.deleted', uuidv7(), {
        file_id: row.id,
        account_id: row.account_id,
        size_bytes: row.size_bytes,
        deleted_at: deletedAt.toISOString(),
      }),
    ),
  );
  return marked;
}

/**
 * Removes the objects of rows `stopBilling` marked, after its transaction committed (retried a few
 * times; whatever still fails is left 'deleting' for the sweeper).
 */
export function removeDeletedObjects(deps: FilesDeps, rows: readonly FileRow[]): Promise<number> {
  return removeObjects(deps, rows, RETRY_DELAYS_MS);
}

/** Returns the ids that were deleted; ids that are not this account's stored files are ignored. */
export async function deleteFiles(deps: FilesDeps, accountId: string, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const deletedAt = deps.clock.now();
  const rows = await deps.pool.transaction((tx) => stopBilling(tx, accountId, unique, deletedAt));
  await removeObjects(deps, rows, RETRY_DELAYS_MS);
  return rows.map((row) => row.id);
}

/** Finishes deletions whose object removal failed earlier. Returns how many were finished. */
export async function sweepDeletions(deps: FilesDeps, options: { limit?: number } = {}): Promise<number> {
  const rows = await fileRepository.deletingBefore(deps.pool, deps.clock.now(), options.limit ?? 500);
  return removeObjects(deps, rows, []);
}

async function removeObjects(deps: FilesDeps, rows: readonly FileRow[], retryDelays: readonly number[]): Promise<number> {
  let finished = 0;
  const queue = [...rows];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      if (!(await removeWithRetry(deps, row, retryDelays))) continue;
      try {
        await fileRepository.markDeleted(deps.pool, row.id);
        finished++;
      } catch (error) {
        // Billing stopped when the deletion committed and the object is gone: a lost database
        // connection here must not turn a done deletion into an error. The sweeper marks it later.
        deps.logger.warn({ err: error, fileId: row.id }, 'deleted object could not be marked; left for the sweeper');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(REMOVAL_CONCURRENCY, rows.length) }, worker));
  return finished;
}

async function removeWithRetry(deps: FilesDeps, row: FileRow, retryDelays: readonly number[]): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.store.deleteObject(row.object_key);
      return true;
    } catch (error) {
      const delay = retryDelays[attempt];
      if (delay === undefined) {
        // Not an error for the caller: billing already stopped and the sweeper will finish the job.
        deps.logger.warn({ err: error, fileId: row.id, key: row.object_key }, 'object removal failed; left for the sweeper');
        return false;
      }
      await sleep(delay);
    }
  }
}
