// The resumable half of account deletion (decision 017). The request (deletion-request.ts) ended
// all access and recorded the deletion instant; this job deletes what the account holds, in
// batches, each its own transaction, so an account with millions of files is no giant request and
// a crash loses at most the batch in flight (it rolls back and is done again). Several API
// instances run it at once: each batch claims its account row with SKIP LOCKED, so two instances
// never work on one account at the same moment, and every step only acts on rows still in the
// state it expects.
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { BillingProvider } from '@baketsu/billing';
import { removeDeletedObjects, stopBilling } from '#src/files/file-deletion.js';
import type { FilesDeps } from '#src/files/files-deps.js';
import { discardUploadBytes } from '#src/files/multipart-parts.js';
import type { FileRow } from '#src/files/file-repository.js';
import { uploadColumns, uploadRow, type UploadRow } from '#src/files/upload-repository.js';

export interface DeletionJobDeps extends FilesDeps {
  billingProvider: BillingProvider;
}

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_TIME_BUDGET_MS = 30_000;

const claimedAccount = z.object({ id: z.string(), deletion_requested_at: z.number() });
const endedSubscription = z.object({ subscription_id: z.string() });

type BatchOutcome = { kind: 'idle' } | { kind: 'deleted'; accountId: string; rows: readonly FileRow[]; uploads: readonly UploadRow[] } | { kind: 'empty'; accountId: string; deletionInstant: Date };

/**
 * One pass: deletes batches of files of accounts being deleted until none is left or the time
 * budget is spent (at least one batch; the next pass continues). Returns the ids of the accounts
 * it finished.
 */
export async function runAccountDeletions(
  deps: DeletionJobDeps,
  options: { batchSize?: number; timeBudgetMs?: number } = {},
): Promise<string[]> {
  const finished: string[] = [];
  const passEnds = Date.now() + (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  // Accounts found empty this pass but not finishable yet (Stripe did not answer): skipped until the next pass.
  const deferred = new Set<string>();
  do {
    const outcome = await deps.pool.transaction((tx) => deleteOneBatch(tx, deps, options.batchSize ?? DEFAULT_BATCH_SIZE, deferred));
    if (outcome.kind === 'idle') break;
    if (outcome.kind === 'deleted') {
      await Promise.all(outcome.uploads.map((upload) => discardQuietly(deps, upload)));
      await removeDeletedObjects(deps, outcome.rows);
      continue;
    }
    if (await finishAccount(deps, outcome.accountId, outcome.deletionInstant)) finished.push(outcome.accountId);
    else deferred.add(outcome.accountId);
  } while (Date.now() < passEnds);
  return finished;
}

async function deleteOneBatch(tx: DatabaseTransactionConnection, deps: DeletionJobDeps, batchSize: number, deferred: ReadonlySet<string>): Promise<BatchOutcome> {
  const account = await tx.maybeOne(sql.type(claimedAccount)`
    select id, deletion_requested_at from accounts
    where deletion_requested_at is not null and deleted_at is null and not (id = any(${sql.array([...deferred], 'uuid')}))
    order by deletion_requested_at limit 1 for update skip locked`);
  if (!account) return { kind: 'idle' };
  const deletionInstant = new Date(account.deletion_requested_at);
  // An upload admitted by a request that passed authentication just before the deletion.
  const uploads = await tx.any(sql.type(uploadRow)`
    update uploads set status = 'aborted', finished_at = ${sql.timestamp(deps.clock.now())}
    where account_id = ${account.id} and status = 'pending'
    returning ${uploadColumns}`);
  const ids = await tx.anyFirst(sql.type(z.object({ id: z.string() }))`
    select id from files where account_id = ${account.id} and status = 'stored' order by id limit ${batchSize}`);
  if (ids.length === 0 && uploads.length === 0) return { kind: 'empty', accountId: account.id, deletionInstant };
  // The normal deletion path: a file.deleted event each, billing stopped at the deletion instant for
  // every file, however long after the request this batch runs.
  const rows = await stopBilling(tx, account.id, ids, deletionInstant);
  return { kind: 'deleted', accountId: account.id, rows, uploads };
}

/**
 * Cancels the account's ended subscriptions in Stripe, removes the bytes of the uploads the request
 * aborted, and marks the account deleted once nothing stored is left. False: try again next pass.
 */
async function finishAccount(deps: DeletionJobDeps, accountId: string, deletionInstant: Date): Promise<boolean> {
  const ended = await deps.pool.anyFirst(sql.type(endedSubscription)`
    select subscription_id from billing_subscriptions where account_id = ${accountId} and report_until_ms = ${deletionInstant.getTime()}`);
  try {
    for (const subscriptionId of ended) {
      await deps.billingProvider.cancelSubscription({ subscriptionId, idempotencyKey: `baketsu-delete-account-${subscriptionId}` });
    }
  } catch (error) {
    deps.logger.warn({ err: error, accountId }, 'account deletion: cancelling the subscription failed; retried next pass');
    return false;
  }
  const aborted = await deps.pool.any(sql.type(uploadRow)`
    select ${uploadColumns} from uploads where account_id = ${accountId} and status = 'aborted' and finished_at >= ${sql.timestamp(deletionInstant)}`);
  await Promise.all(aborted.map((upload) => discardQuietly(deps, upload)));
  return deps.pool.transaction(async (tx) => {
    // Locked again, and checked again: a late completion may have stored a file since the batch, or
    // a late admission (unlimited accounts are admitted without this lock) left an upload pending,
    // whose bytes would be adopted as a file of the deleted account. The next pass's batch ends both.
    const still = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      select id from accounts where id = ${accountId} and deleted_at is null for update`);
    if (still === null) return false;
    const left = await tx.exists(sql.unsafe`
      select 1 from files where account_id = ${accountId} and status = 'stored'
      union all select 1 from uploads where account_id = ${accountId} and status = 'pending'`);
    if (left) return false;
    const now = deps.clock.now();
    await tx.query(sql.unsafe`
      update folders set deleted_at = ${sql.timestamp(now)}, updated_at = ${sql.timestamp(now)}
      where account_id = ${accountId} and deleted_at is null`);
    await tx.query(sql.unsafe`update accounts set deleted_at = ${sql.timestamp(now)}, updated_at = ${sql.timestamp(now)} where id = ${accountId}`);
    deps.logger.info({ accountId }, 'account deleted');
    return true;
  });
}

/** Reconciliation removes whatever is left behind, so a storage failure here is only logged. */
async function discardQuietly(deps: DeletionJobDeps, upload: UploadRow): Promise<void> {
  try {
    await discardUploadBytes(deps, upload);
  } catch (error) {
    deps.logger.warn({ err: error, uploadId: upload.id }, 'account deletion: removing an upload\'s bytes failed; left for reconciliation');
  }
}
