// Periodic comparison of storage with the database, so nothing stored goes unbilled and nothing
// lingers unpaid: adopt objects of pending uploads, remove unknown objects after a grace period,
// abort uploads nobody finished in time (multipart included; never billed), and flag stored files
// whose object no longer is the one verified at completion (integrity.ts).
import { uploadExpiredEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { FilesDeps } from './files-deps.js';
import { checkStoredObject, recordedObject, type IntegrityMetrics } from './integrity.js';
import { discardUploadBytes } from './multipart-parts.js';
import { adoptIfStored } from './storage-events.js';
import { uploadRepository, type UploadRow } from './upload-repository.js';

export interface ReconcileReport {
  adopted: number;
  removed: number;
  aborted: number;
  /** Stored files newly flagged because their object changed (see integrity.ts). */
  mismatched: number;
}

const PAGE = 1000;

export async function reconcile(deps: FilesDeps, metrics?: IntegrityMetrics): Promise<ReconcileReport> {
  const report: ReconcileReport = { adopted: 0, removed: 0, aborted: 0, mismatched: 0 };
  const now = deps.clock.now().getTime();
  const graceCutoff = new Date(now - deps.config.ORPHAN_GRACE_SECONDS * 1000);
  await expirePendingUploads(deps, new Date(now - deps.config.PENDING_UPLOAD_MAX_AGE_SECONDS * 1000), report);
  await sweepObjects(deps, graceCutoff, report, metrics);
  await sweepMultipartUploads(deps, graceCutoff, report);
  return report;
}

async function expirePendingUploads(deps: FilesDeps, cutoff: Date, report: ReconcileReport): Promise<void> {
  for (;;) {
    const stale = await uploadRepository.pendingBefore(deps.pool, cutoff, 200);
    for (const upload of stale) {
      const outcome = await expireUpload(deps, upload);
      if (outcome === 'adopted') report.adopted++;
      else if (outcome === 'removed') report.removed++;
      else if (outcome === 'aborted') report.aborted++;
    }
    if (stale.length < 200) return;
  }
}

/**
 * Ends an upload nobody finished in time (the default expiry above, or an account's abort_uploads
 * lifecycle rule): bytes that did arrive are a file the client forgot to complete, billed rather
 * than lost; otherwise the upload is aborted and its parts discarded. 'skipped' when it was no
 * longer pending.
 */
export async function expireUpload(deps: FilesDeps, upload: UploadRow): Promise<'adopted' | 'removed' | 'aborted' | 'skipped'> {
  const outcome = await adoptIfStored(deps, upload);
  if (outcome === 'adopted' || outcome === 'removed') return outcome;
  if (!(await abortExpired(deps, upload))) return 'skipped';
  await discardUploadBytes(deps, upload);
  return 'aborted';
}

/** Gives up an upload nobody finished and says so on the outbox (`upload.expired`, for webhooks), in one transaction. */
function abortExpired(deps: FilesDeps, upload: UploadRow): Promise<boolean> {
  const at = deps.clock.now();
  return deps.pool.transaction(async (tx) => {
    if (!(await uploadRepository.finish(tx, upload.id, 'aborted', at))) return false;
    await appendToOutbox(tx, uploadExpiredEvent(uuidv7(), {
      upload_id: upload.id,
      account_id: upload.account_id,
      name: upload.name,
      size_bytes: upload.size_bytes,
      expired_at: at.toISOString(),
    }));
    return true;
  });
}

const knownRow = z.object({
  object_key: z.string(),
  upload_id: z.string(),
  upload_status: z.string(),
  file_status: z.string().nullable(),
  // The file's columns; null when there is no file.
  recorded: recordedObject.nullable(),
});

async function sweepObjects(deps: FilesDeps, graceCutoff: Date, report: ReconcileReport, metrics?: IntegrityMetrics): Promise<void> {
  let startAfter: string | undefined;
  do {
    const page = await deps.store.listObjects('', { limit: PAGE, ...(startAfter ? { startAfter } : {}) });
    const keys = page.objects.map((o) => o.key);
    const known = keys.length === 0 ? [] : await deps.pool.any(sql.type(knownRow)`
      select u.object_key, u.id as upload_id, u.status as upload_status, f.status as file_status,
        case when f.id is null then null else json_build_object(
          'file_id', f.id, 'account_id', f.account_id, 'size_bytes', f.size_bytes, 'sha256', f.sha256,
          'object_checksum', f.object_checksum, 'object_etag', f.object_etag,
          'integrity_mismatch_at', (extract(epoch from f.integrity_mismatch_at) * 1000)::bigint) end as recorded
      from uploads u left join files f on f.upload_id = u.id
      where u.object_key = any(${sql.array(keys, 'text')})`);
    const byKey = new Map(known.map((row) => [row.object_key, row]));
    for (const object of page.objects) {
      const row = byKey.get(object.key);
      if (row?.file_status === 'stored' && row.recorded) {
        if (await checkStoredObject(deps, object, row.recorded, metrics)) report.mismatched++;
        continue;
      }
      if (row?.file_status === 'stored' || row?.file_status === 'deleting') continue; // billed, or the sweeper's
      if (row?.upload_status === 'pending') {
        const upload = await uploadRepository.findByKey(deps.pool, object.key);
        const outcome = upload ? await adoptIfStored(deps, upload) : 'not-there';
        if (outcome === 'adopted') report.adopted++;
        if (outcome === 'removed') report.removed++;
        continue;
      }
      // An upload that ended without a file, or a deleted file: nothing in flight can need these bytes.
      const discarded = row !== undefined && (row.upload_status === 'aborted' || row.upload_status === 'failed' || row.file_status === 'deleted');
      // Unknown, or left over from a completed upload: young objects may belong to a request in flight.
      if (discarded || object.lastModified < graceCutoff) {
        await deps.store.deleteObject(object.key);
        report.removed++;
      }
    }
    startAfter = page.nextStartAfter;
  } while (startAfter);
}

async function sweepMultipartUploads(deps: FilesDeps, graceCutoff: Date, report: ReconcileReport): Promise<void> {
  const inStorage = await deps.store.listMultipartUploads('');
  if (inStorage.length === 0) return;
  const pending = new Set(
    await deps.pool.anyFirst(sql.type(z.object({ multipart_id: z.string() }))`
      select multipart_id from uploads where status = 'pending' and multipart_id = any(${sql.array(inStorage.map((u) => u.multipartId), 'text')})`),
  );
  for (const upload of inStorage) {
    if (pending.has(upload.multipartId) || upload.initiated >= graceCutoff) continue;
    await deps.store.abortMultipartUpload(upload.key, upload.multipartId);
    report.aborted++;
  }
}
