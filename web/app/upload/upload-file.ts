// One file's upload from the browser. The dashboard's server presigns, signs parts and completes
// (uploads-route.ts); the SDK's browser entry sends the bytes straight to storage — parts in
// parallel, each retried as storage's Retry-After says, expired URLs signed again — and resumes a
// multipart upload from the id the resume store kept across a reload.
import {
  BaketsuError,
  UploadDataError,
  resumeWithPresigned,
  uploadWithPresigned,
  withRetries,
  type PresignResponse,
  type SignParts,
  type SignedPart,
  type Upload,
  type UploadProgress,
} from '@baketsu/sdk/browser';
import { resumeStore } from './resume-store.js';
import { callUploads } from './uploads-route.js';

export interface UploadCallbacks {
  onProgress(loaded: number): void;
  /** The server-side upload id, as soon as there is one (for cancel and resume). */
  onUploadId(uploadId: string): void;
  /** Bytes found already stored on the server and reused. */
  onResumed?(bytes: number): void;
  /** What keeping the file for a month adds to the bill, as the API quoted it. */
  onQuote?(quote: { added_monthly_cost: string; currency: string }): void;
}

const PART_CONCURRENCY = 3;
const MAX_RETRIES = 3;

export async function uploadFile(file: File, callbacks: UploadCallbacks, signal: AbortSignal): Promise<{ fileId: string }> {
  const sending = {
    signal,
    concurrency: PART_CONCURRENCY,
    maxRetries: MAX_RETRIES,
    onProgress: ({ loaded }: UploadProgress) => callbacks.onProgress(loaded),
  };
  const resumable = await findResumable(file, signal);
  if (resumable?.status === 'completed' && resumable.file_id) {
    resumeStore.remove(file);
    callbacks.onProgress(file.size);
    return { fileId: resumable.file_id };
  }
  if (resumable) {
    callbacks.onUploadId(resumable.upload_id);
    try {
      await resumeWithPresigned(file, resumable, {
        ...sending,
        signParts: signPartsOf(resumable.upload_id),
        onStart: ({ resumedBytes }) => {
          if (resumedBytes) callbacks.onResumed?.(resumedBytes);
        },
      });
      return await complete(resumable.upload_id, file, signal);
    } catch (error) {
      // The parts the server holds are not this file's bytes (it was changed since, keeping its
      // name, size and date): that upload can never finish with this file, so it goes, and the file
      // is sent afresh.
      if (!(error instanceof UploadDataError)) throw error;
      resumeStore.remove(file);
      await abortUpload(resumable.upload_id);
    }
  }

  const presigned = await callUploads<PresignResponse>(
    'presign',
    { name: file.name, size: file.size, content_type: file.type || 'application/octet-stream' },
    signal,
  );
  callbacks.onUploadId(presigned.upload_id);
  callbacks.onQuote?.(presigned.quote);
  // Only a multipart upload is worth resuming: a single one is sent again whole anyway.
  if (presigned.type === 'multipart') resumeStore.save(file, presigned.upload_id);
  await uploadWithPresigned(file, presigned, { ...sending, signParts: signPartsOf(presigned.upload_id) });
  return complete(presigned.upload_id, file, signal);
}

function signPartsOf(uploadId: string): SignParts {
  return async (partNumbers, signal) => (await callUploads<{ parts: SignedPart[] }>('parts', { upload_id: uploadId, part_numbers: partNumbers }, signal)).parts;
}

async function findResumable(file: File, signal: AbortSignal): Promise<Upload | null> {
  const saved = resumeStore.find(file);
  if (!saved) return null;
  let status: Upload;
  try {
    status = await callUploads<Upload>('status', { upload_id: saved.uploadId }, signal);
  } catch (error) {
    // The server refusing the request itself (no such upload, not yours, malformed) makes the saved
    // one worthless. After a network failure, a 5xx, a 429 or an ended session (401), the parts
    // already stored are still worth resuming.
    if (error instanceof BaketsuError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429) {
      resumeStore.remove(file);
      return null;
    }
    throw error;
  }
  if (status.size === file.size && (status.status === 'completed' || (status.status === 'pending' && status.type === 'multipart'))) return status;
  resumeStore.remove(file);
  return null;
}

async function complete(uploadId: string, file: File, signal: AbortSignal): Promise<{ fileId: string }> {
  // Without a parts list the API uses every part storage holds; storage's ETags are not exposed
  // to page scripts across origins, so the dashboard does not collect them.
  const created = await withRetries(() => callUploads<{ id: string }>('complete', { upload_id: uploadId }, signal), { maxRetries: MAX_RETRIES, signal });
  resumeStore.remove(file);
  return { fileId: created.id };
}

export async function abortUpload(uploadId: string): Promise<void> {
  await callUploads('abort', { upload_id: uploadId }).catch(() => undefined);
}
