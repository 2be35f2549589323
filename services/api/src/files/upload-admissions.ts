// Presign's admissions, batched: every presign that arrives while the event loop handles one round
// of sockets is admitted by a single `admit_uploads` call (decision 008). Each statement costs far
// more in fixed overhead (the query layer, the round trip, PostgreSQL's per-statement work and
// commit) than in the work of one upload, so under load this is most of a presign's cost saved;
// alone, a presign waits for nothing but the end of the current loop turn.
import DataLoader from 'dataloader';
import { isLostDatabaseConnection } from '@baketsu/platform/connection-loss';
import type { DatabasePool } from 'slonik';
import { uploadRepository, type NewUpload, type SqlLimits, type UploadAdmission } from './upload-repository.js';

export interface UploadAdmissions {
  admit(upload: NewUpload): Promise<UploadAdmission>;
}

/** Large enough to absorb any burst one process sees in a loop turn; bounds the statement's size. */
const MAX_BATCH = 128;

export function uploadAdmissions(pool: DatabasePool, limits: SqlLimits): UploadAdmissions {
  const loader = new DataLoader<NewUpload, UploadAdmission>(
    async (uploads) => {
      try {
        return await uploadRepository.admit(pool, uploads, limits);
      } catch (error) {
        // A lost connection says nothing about any one upload, and the statement may have committed
        // before it was lost (decision 021): trying each again could admit an upload twice (its id
        // is taken, a 500). Every presign in the batch answers 503 and its client asks again.
        if (uploads.length === 1 || isLostDatabaseConnection(error)) throw error;
        // One upload the database refuses (its account deleted a moment ago, say) must not fail the
        // others that happened to share its batch: each is tried again on its own.
        return Promise.all(
          uploads.map((upload) =>
            uploadRepository.admit(pool, [upload], limits).then(
              ([admission]) => admission!,
              (alone: unknown) => (alone instanceof Error ? alone : new Error(String(alone))),
            ),
          ),
        );
      }
    },
    {
      // Admissions are writes: never answered from a cache, never merged by key.
      cache: false,
      maxBatchSize: MAX_BATCH,
      // After the poll phase, so every request read in this loop turn is in the batch (the default,
      // a tick after the current job, would batch only presigns from the same socket read).
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
    },
  );
  return { admit: (upload) => loader.load(upload) };
}
