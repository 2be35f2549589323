import { resumeStore } from './resume-store.js';
import { abortReason, callUploads, putBytes, UploadError, withRetry } from './transport.js';

interface SignedPart {
  part_number: number;
  size: number;
  url: string;
  headers: Record<string, string>;
}

interface Presigned {
  upload_id: string;
  quote?: { added_monthly_cost: string; currency: string };
  type: 'single' | 'multipart';
  url?: string;
  headers?: Record<string, string>;
  part_size?: number;
  part_count?: number;
  parts?: SignedPart[];
}

interface UploadStatus {
  upload_id: string;
  type: 'single' | 'multipart';
  status: 'pending' | 'completed' | 'aborted' | 'failed';
  file_id?: string;
  part_size?: number;
  part_count?: number;
  size: number;
  parts?: Array<{ part_number: number; size: number }>;
}

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
const SIGN_BATCH = 100;

export async function uploadFile(file: File, callbacks: UploadCallbacks, signal: AbortSignal): Promise<{ fileId: string }> {
  const resumable = await findResumable(file, signal);
  if (resumable?.status === 'completed' && resumable.file_id) {
    resumeStore.remove(file);
    callbacks.onProgress(file.size);
    return { fileId: resumable.file_id };
  }
  if (resumable) {
    callbacks.onUploadId(resumable.upload_id);
    return uploadParts(file, resumable.upload_id, resumable.part_size!, resumable.part_count!, [], resumable.parts ?? [], callbacks, signal);
  }

  const presigned = await callUploads<Presigned>(
    'presign',
    { name: file.name, size: file.size, content_type: file.type || 'application/octet-stream' },
    signal,
  );
  callbacks.onUploadId(presigned.upload_id);
  if (presigned.quote) callbacks.onQuote?.(presigned.quote);
  if (presigned.type === 'single') {
    await withRetry(() => putBytes(presigned.url!, presigned.headers ?? {}, file, callbacks.onProgress, signal), signal).catch((error: unknown) => {
      // The PUT is create-only (If-None-Match: * among the signed headers): a 412 says storage already
      // holds the object, i.e. an earlier attempt arrived though its answer did not. Completing checks it.
      if (!(error instanceof UploadError && error.status === 412)) throw error;
      callbacks.onProgress(file.size);
    });
    return complete(presigned.upload_id, file, signal);
  }
  resumeStore.save(file, presigned.upload_id);
  return uploadParts(file, presigned.upload_id, presigned.part_size!, presigned.part_count!, presigned.parts ?? [], [], callbacks, signal);
}

async function findResumable(file: File, signal: AbortSignal): Promise<UploadStatus | null> {
  const saved = resumeStore.find(file);
  if (!saved) return null;
  let status: UploadStatus;
  try {
    status = await callUploads<UploadStatus>('status', { upload_id: saved.uploadId }, signal);
  } catch (error) {
    // The server refusing the request itself (no such upload, not yours, malformed) makes the saved
    // one worthless. After a network failure, a 5xx, a 429 or an ended session (401), the parts
    // already stored are still worth resuming.
    if (error instanceof UploadError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429) {
      resumeStore.remove(file);
      return null;
    }
    throw error;
  }
  if (status.size === file.size && (status.status === 'completed' || (status.status === 'pending' && status.type === 'multipart'))) return status;
  resumeStore.remove(file);
  return null;
}

async function uploadParts(
  file: File,
  uploadId: string,
  partSize: number,
  partCount: number,
  firstSigned: SignedPart[],
  held: Array<{ part_number: number; size: number }>,
  callbacks: UploadCallbacks,
  caller: AbortSignal,
): Promise<{ fileId: string }> {
  // Stops every part when the caller cancels or when one part fails for good: the upload is lost
  // either way, and the other workers would only keep sending bytes nobody will complete.
  const stop = new AbortController();
  const signal = stop.signal;
  const forward = () => stop.abort(abortReason(caller));
  if (caller.aborted) forward();
  else caller.addEventListener('abort', forward, { once: true });

  const sizeOf = (n: number) => (n < partCount ? partSize : file.size - partSize * (partCount - 1));
  const done = new Set(held.filter((part) => part.size === sizeOf(part.part_number)).map((part) => part.part_number));
  const loadedByPart = new Map<number, number>([...done].map((n) => [n, sizeOf(n)]));
  const report = () => callbacks.onProgress([...loadedByPart.values()].reduce((sum, value) => sum + value, 0));
  if (done.size > 0) callbacks.onResumed?.([...loadedByPart.values()].reduce((a, b) => a + b, 0));
  report();

  const signed = new Map(firstSigned.map((part) => [part.part_number, part]));
  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !done.has(n));

  const sign = async (numbers: number[]) => {
    for (let i = 0; i < numbers.length; i += SIGN_BATCH) {
      const batch = numbers.slice(i, i + SIGN_BATCH);
      const { parts } = await callUploads<{ parts: SignedPart[] }>('parts', { upload_id: uploadId, part_numbers: batch }, signal);
      for (const part of parts) signed.set(part.part_number, part);
    }
  };

  const sendPart = async (n: number) => {
    await withRetry(async () => {
      let part = signed.get(n);
      if (!part) {
        await sign(todo.filter((m) => m >= n && !signed.has(m)).slice(0, SIGN_BATCH));
        part = signed.get(n)!;
      }
      const blob = file.slice((n - 1) * partSize, (n - 1) * partSize + sizeOf(n));
      try {
        await putBytes(part.url, part.headers, blob, (loaded) => { loadedByPart.set(n, loaded); report(); }, signal);
      } catch (error) {
        loadedByPart.set(n, 0);
        report();
        // Re-sign on the next attempt: the URL may have expired while the part waited.
        if (error instanceof UploadError && error.status === 403) signed.delete(n);
        throw error;
      }
    }, signal);
  };

  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < todo.length && !signal.aborted) {
      const n = todo[next++]!;
      try {
        await sendPart(n);
      } catch (error) {
        failure ??= { error };
        stop.abort(error);
      }
    }
  };
  // Workers never throw, so every one of them has stopped by the time this settles: nothing is
  // still sending once the upload has failed.
  await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, todo.length) }, worker));
  caller.removeEventListener('abort', forward);
  if (failure) throw failure.error;
  if (signal.aborted) throw abortReason(signal);
  return complete(uploadId, file, caller);
}

async function complete(uploadId: string, file: File, signal: AbortSignal): Promise<{ fileId: string }> {
  // Without a parts list the API uses every part storage holds; storage's ETags are not exposed
  // to page scripts across origins, so the dashboard does not collect them.
  const created = await withRetry(() => callUploads<{ id: string }>('complete', { upload_id: uploadId }, signal), signal);
  resumeStore.remove(file);
  return { fileId: created.id };
}

export async function abortUpload(uploadId: string): Promise<void> {
  await callUploads('abort', { upload_id: uploadId }).catch(() => undefined);
}
