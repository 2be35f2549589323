import { useCallback, useEffect, useRef, useState } from 'react';
import { fingerprint, resumeStore, type PendingUpload } from './resume-store.js';
import { abortUpload, uploadFile } from './upload-file.js';

export type UploadState = 'queued' | 'uploading' | 'done' | 'error' | 'cancelled';

export interface UploadItem {
  key: string;
  file: File;
  state: UploadState;
  loaded: number;
  error?: string;
  resumedBytes?: number;
  quote?: { added_monthly_cost: string; currency: string };
}

const FILE_CONCURRENCY = 3;

export const EMPTY_FILE_ERROR = "Empty files can't be uploaded";

/**
 * Dropped or chosen files as queue entries. An empty file is listed as failed rather than left
 * out, so the person sees why it was not uploaded (the API refuses 0-byte uploads).
 */
export function toItems(files: Iterable<File>, nextKey: () => string): UploadItem[] {
  return [...files].map((file): UploadItem =>
    file.size > 0 ? { key: nextKey(), file, state: 'queued', loaded: 0 } : { key: nextKey(), file, state: 'error', loaded: 0, error: EMPTY_FILE_ERROR },
  );
}

/** Whether Retry can help: an empty file would only fail again. */
export function canRetry(item: UploadItem): boolean {
  return (item.state === 'error' || item.state === 'cancelled') && item.file.size > 0;
}

/**
 * Saved multipart uploads nobody is working on. One this page is sending (its id is held by the
 * queue) or about to send or resume (the same file is queued or uploading) is not interrupted:
 * offering to discard it would abort a live upload.
 */
export function interruptedUploads(saved: PendingUpload[], active: { uploadIds: ReadonlySet<string>; items: readonly UploadItem[] }): PendingUpload[] {
  const busy = new Set(active.items.filter((item) => item.state === 'queued' || item.state === 'uploading').map((item) => fingerprint(item.file)));
  return saved.filter((upload) => !active.uploadIds.has(upload.uploadId) && !busy.has(fingerprint(upload)));
}

/** The upload queue: a few files at a time, each cancellable and retryable. */
export function useUploads() {
  const [items, setItems] = useState<UploadItem[]>([]);
  const controllers = useRef(new Map<string, { controller: AbortController; uploadId?: string }>());
  const counter = useRef(0);

  const update = useCallback((key: string, patch: Partial<UploadItem>) => {
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  }, []);

  const start = useCallback(
    (item: UploadItem) => {
      const controller = new AbortController();
      const entry: { controller: AbortController; uploadId?: string } = { controller };
      controllers.current.set(item.key, entry);
      update(item.key, { state: 'uploading', error: undefined });
      uploadFile(
        item.file,
        {
          onProgress: (loaded) => update(item.key, { loaded }),
          onUploadId: (uploadId) => (entry.uploadId = uploadId),
          onResumed: (bytes) => update(item.key, { resumedBytes: bytes }),
          onQuote: (quote) => update(item.key, { quote }),
        },
        controller.signal,
      ).then(
        () => update(item.key, { state: 'done', loaded: item.file.size }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          update(item.key, { state: 'error', error: error instanceof Error ? error.message : 'Upload failed' });
        },
      ).finally(() => {
        if (controllers.current.get(item.key) === entry) controllers.current.delete(item.key);
      });
    },
    [update],
  );

  // Start queued files while fewer than FILE_CONCURRENCY are uploading.
  useEffect(() => {
    const running = items.filter((item) => item.state === 'uploading').length;
    const waiting = items.filter((item) => item.state === 'queued').slice(0, Math.max(0, FILE_CONCURRENCY - running));
    for (const item of waiting) start(item);
  }, [items, start]);

  const add = useCallback((files: Iterable<File>) => {
    const added = toItems(files, () => `u${counter.current++}`);
    setItems((current) => [...current, ...added]);
  }, []);

  const cancel = useCallback((key: string) => {
    const entry = controllers.current.get(key);
    setItems((current) => current.map((item) => {
      if (item.key !== key) return item;
      resumeStore.remove(item.file);
      return { ...item, state: 'cancelled', loaded: 0 };
    }));
    if (entry) {
      entry.controller.abort();
      // Tell the server too, so nothing half-uploaded lingers (it would never be billed anyway).
      if (entry.uploadId) void abortUpload(entry.uploadId);
    }
  }, []);

  const retry = useCallback(
    (key: string) => setItems((current) => current.map((item) => (item.key === key && canRetry(item) ? { ...item, state: 'queued', error: undefined } : item))),
    [],
  );
  const clearFinished = useCallback(() => setItems((current) => current.filter((item) => item.state === 'uploading' || item.state === 'queued')), []);
  /** Server-side ids of the uploads this page is sending now. */
  const activeUploadIds = useCallback(
    (): ReadonlySet<string> => new Set([...controllers.current.values()].flatMap((entry) => (entry.uploadId ? [entry.uploadId] : []))),
    [],
  );

  return { items, add, cancel, retry, clearFinished, activeUploadIds };
}
