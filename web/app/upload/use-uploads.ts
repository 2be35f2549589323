import { useCallback, useEffect, useRef, useState } from 'react';
import { resumeStore } from './resume-store.js';
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
    const added = [...files].filter((file) => file.size > 0).map((file) => ({ key: `u${counter.current++}`, file, state: 'queued' as const, loaded: 0 }));
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

  const retry = useCallback((key: string) => update(key, { state: 'queued', error: undefined }), [update]);
  const clearFinished = useCallback(() => setItems((current) => current.filter((item) => item.state === 'uploading' || item.state === 'queued')), []);

  return { items, add, cancel, retry, clearFinished };
}
