import { resumeStore } from './resume-store.js';
import { callUploads, putBytes, UploadError, withRetry } from './transport.js';

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
    await withRetry(() => putBytes(presigned.url!, presigned.headers ?? {}, file, callbacks.onProgress, signal), signal);
    return complete(presigned.upload_id, file, signal);
  }
  resumeStore.save(file, presigned.upload_id);
  return uploadParts(file, presigned.upload_id, presigned.part_size!, presigned.part_count!, presigned.parts ?? [], [], callbacks, signal);
}

async function findResumable(file: File, signal: AbortSignal): Promise<UploadStatus | null> {
  const saved = resumeStore.find(file);
  if (!saved) return null;
  try {
    const status = await callUploads<UploadStatus>('status', { upload_id: saved.uploadId }, signal);
    if (status.size === file.size && (status.status === 'completed' || (status.status === 'pending' && status.type === 'multipart'))) return status;
  } catch (error) {
    if (signal.aborted) throw error;
  }
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
  signal: AbortSignal,
): Promise<{ fileId: string }> {
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
  const worker = async () => {
    while (next < todo.length) {
      const n = todo[next++]!;
      await sendPart(n);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, todo.length) }, worker));
  return complete(uploadId, file, signal);
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
