// Reconciliation's integrity check: the object behind a stored file must still be the one complete
// verified and billed. Keys are write-once through the API (see storage/object-store.ts), so a
// difference means something changed storage behind its back: an operator, a leaked credential,
// a restore, bit rot on a disk the store re-hashes. Such a file is flagged, not repaired: the bytes
// are the customer's, and which side is right is for a person to decide.
//
// The listing already carries size and ETag, so a healthy file costs nothing beyond the sweep's
// page; only a file whose listing differs from its row gets a HEAD, for the checksum.
import { Counter, type Registry } from 'prom-client';
import { sql } from 'slonik';
import { z } from 'zod';
import type { ListedObject, ObjectHead } from '#src/storage/object-store.js';
import type { FilesDeps } from './files-deps.js';

/** What was recorded about a stored file's object when it was verified. */
export const recordedObject = z.object({
  file_id: z.string(),
  account_id: z.string(),
  size_bytes: z.number(),
  sha256: z.string().nullable(),
  object_checksum: z.string().nullable(),
  object_etag: z.string().nullable(),
  integrity_mismatch_at: z.number().nullable(),
});
export type RecordedObject = z.infer<typeof recordedObject>;

export interface IntegrityMetrics {
  /** Files newly found to differ from their object. */
  mismatches: Counter;
}

export function createIntegrityMetrics(registry: Registry): IntegrityMetrics {
  return {
    mismatches: new Counter({
      name: 'files_integrity_mismatches_total',
      help: 'Stored files whose object no longer has the recorded size or checksum (each file counted once, when first found).',
      registers: [registry],
    }),
  };
}

/** Whether the listing alone shows the object may not be the recorded one. */
function listingDiffers(object: ListedObject, recorded: RecordedObject): boolean {
  if (object.size !== recorded.size_bytes) return true;
  // Files stored before ETags were recorded: the size is all there is to compare cheaply.
  if (recorded.object_etag === null) return false;
  // An absent ETag (the local store, when its metadata no longer describes the bytes) is a difference.
  return object.etag !== recorded.object_etag;
}

const algorithmOf = (checksum: string) => checksum.slice(0, checksum.indexOf(':'));

/**
 * What differs between the object storage holds and the recorded one; empty when they match. A
 * checksum of the same algorithm decides over the ETag, which also changes when identical bytes are
 * rewritten (e.g. copied in place); the ETag decides only when no checksum can be compared.
 */
export function objectDifferences(head: ObjectHead, recorded: RecordedObject): string[] {
  if (head.size !== recorded.size_bytes) return [`storage holds ${head.size} bytes; ${recorded.size_bytes} were stored`];
  if (recorded.object_checksum !== null && head.checksum !== undefined && algorithmOf(head.checksum) === algorithmOf(recorded.object_checksum)) {
    return head.checksum === recorded.object_checksum ? [] : [`checksum is ${head.checksum}; ${recorded.object_checksum} was stored`];
  }
  if (recorded.sha256 !== null && head.sha256Base64 !== undefined) {
    return head.sha256Base64 === recorded.sha256 ? [] : [`SHA-256 is ${head.sha256Base64}; ${recorded.sha256} was stored`];
  }
  if (recorded.object_etag !== null && head.etag !== undefined && head.etag !== recorded.object_etag) {
    return [`ETag is ${head.etag}; ${recorded.object_etag} was stored, and no checksum of the same kind can tell the bytes apart`];
  }
  return [];
}

/**
 * Checks one listed object of a stored file; returns true when it newly flagged the file. Flagged
 * files stay flagged (one log line and one count per file, not one per pass) until someone clears
 * `integrity_mismatch_at`.
 */
export async function checkStoredObject(
  deps: FilesDeps,
  object: ListedObject,
  recorded: RecordedObject,
  metrics?: IntegrityMetrics,
): Promise<boolean> {
  if (recorded.integrity_mismatch_at !== null || !listingDiffers(object, recorded)) return false;
  const head = await deps.store.headObject(object.key);
  if (head === null) return false; // deleted meanwhile: removal is handled as a deletion, not here
  const differences = objectDifferences(head, recorded);
  if (differences.length === 0) {
    // The same bytes under a new ETag: remember it, so later passes need no HEAD for this file.
    if (head.etag !== undefined && head.etag !== recorded.object_etag) {
      await deps.pool.query(sql.unsafe`update files set object_etag = ${head.etag} where id = ${recorded.file_id}`);
    }
    return false;
  }
  const detail = differences.join('; ');
  const flagged = await deps.pool.maybeOne(sql.type(z.object({ id: z.string() }))`
    update files set integrity_mismatch = ${detail}, integrity_mismatch_at = ${sql.timestamp(deps.clock.now())}
    where id = ${recorded.file_id} and integrity_mismatch_at is null
    returning id`);
  if (flagged === null) return false;
  metrics?.mismatches.inc();
  deps.logger.warn(
    { file_id: recorded.file_id, account_id: recorded.account_id, object_key: object.key, mismatch: detail },
    'stored object no longer matches its file',
  );
  return true;
}
