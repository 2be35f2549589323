// What storage tells us happened (S3 → SQS notifications, or the local store's callback), applied
// to the database. Every handler is idempotent: notifications can repeat, arrive late or out of order.
import { Problem } from '#src/platform/problem.js';
import { adopt, verifyObject } from './complete.js';
import { stopBilling } from './file-deletion.js';
import { fileRepository } from './file-repository.js';
import type { FilesDeps } from './files-deps.js';
import { uploadRepository, type UploadRow } from './upload-repository.js';

export type AdoptOutcome = 'adopted' | 'removed' | 'not-there' | 'not-pending';

/** Makes a file of a pending upload whose object storage holds, exactly as `complete` would. */
export async function adoptIfStored(deps: FilesDeps, upload: UploadRow): Promise<AdoptOutcome> {
  if (upload.status !== 'pending') return 'not-pending';
  // A multipart upload becomes an object only when completed; until then there is nothing to adopt.
  try {
    // Nobody is there to be told of a conflict, and stored bytes are never left unbilled: a
    // `fail` upload adopted this way is renamed instead.
    await adopt(deps, upload, await verifyObject(deps, upload), upload.on_conflict === 'fail' ? 'rename' : upload.on_conflict);
    return 'adopted';
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    if (error.code === 'upload_mismatch') return 'removed';
    if (error.code === 'upload_incomplete') return 'not-there';
    if (error.code === 'upload_not_pending') return 'not-pending';
    throw error;
  }
}

export async function objectCreated(deps: FilesDeps, key: string): Promise<AdoptOutcome | 'unknown' | 'known' | 'discarded'> {
  const upload = await uploadRepository.findByKey(deps.pool, key);
  // Unknown objects are left to reconciliation, which removes them after the grace period.
  if (!upload) return 'unknown';
  if (upload.status === 'pending') return adoptIfStored(deps, upload);
  if (await isDiscardedKey(deps, upload)) {
    // Bytes PUT through a URL that was still within its lifetime after the upload was aborted or
    // the file deleted: nobody is billed for them and nobody can read them, so they go now rather
    // than sit in storage until the sweep's grace period ends.
    await deps.store.deleteObject(key);
    return 'discarded';
  }
  return 'known';
}

/** The key's upload ended without a file, or its file was deleted: any object there is garbage. */
async function isDiscardedKey(deps: FilesDeps, upload: UploadRow): Promise<boolean> {
  if (upload.status === 'aborted' || upload.status === 'failed') return true;
  const file = await fileRepository.findByKey(deps.pool, upload.object_key);
  return file?.status === 'deleted';
}

/**
 * An object of a stored file vanished without going through the API (a lifecycle rule, an
 * operator): billing stops now, as for a delete, so nothing deleted stays billed.
 */
export async function objectRemoved(deps: FilesDeps, key: string): Promise<boolean> {
  const file = await fileRepository.findByKey(deps.pool, key);
  if (!file || file.status !== 'stored') return false;
  // Removal notifications can be stale (an older version, a retried delivery): trust storage's present.
  if (await deps.store.headObject(key)) return false;
  const deletedAt = deps.clock.now();
  await deps.pool.transaction(async (tx) => {
    // The object is already gone, so there is nothing left to remove after billing stops.
    for (const row of await stopBilling(tx, file.account_id, [file.id], deletedAt)) await fileRepository.markDeleted(tx, row.id);
  });
  return true;
}
