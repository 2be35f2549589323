import { describe, expect, it } from 'vitest';
import type { PendingUpload } from './resume-store.js';
import { canRetry, EMPTY_FILE_ERROR, interruptedUploads, toItems, type UploadItem } from './use-uploads.js';

const file = (name: string, content = 'some bytes') => new File([content], name, { lastModified: 1_700_000_000_000 });
const saved = (f: File, uploadId: string): PendingUpload => ({ uploadId, name: f.name, size: f.size, lastModified: f.lastModified, savedAt: Date.now() });
const item = (f: File, state: UploadItem['state']): UploadItem => ({ key: f.name, file: f, state, loaded: 0 });

describe('toItems', () => {
  it('queues files with bytes and lists an empty one as failed, saying why', () => {
    let n = 0;
    const items = toItems([file('a.txt'), file('empty.txt', ''), file('b.txt')], () => `u${n++}`);
    expect(items.map((i) => [i.key, i.file.name, i.state, i.error])).toEqual([
      ['u0', 'a.txt', 'queued', undefined],
      ['u1', 'empty.txt', 'error', EMPTY_FILE_ERROR],
      ['u2', 'b.txt', 'queued', undefined],
    ]);
    expect(canRetry(items[1]!)).toBe(false);
    expect(canRetry({ ...items[0]!, state: 'error', error: 'Upload failed' })).toBe(true);
  });
});

describe('interruptedUploads', () => {
  const live = file('live.bin', 'live upload');
  const resuming = file('resuming.bin', 'being resumed');
  const failed = file('failed.bin', 'failed upload');
  const old = file('old.bin', 'from an earlier visit');
  const store = [saved(live, 'up-live'), saved(resuming, 'up-resuming'), saved(failed, 'up-failed'), saved(old, 'up-old')];

  it('leaves out uploads this page is sending or about to resume', () => {
    const items = [item(live, 'uploading'), item(resuming, 'uploading'), item(failed, 'error'), item(file('done.txt'), 'done')];
    // The resuming upload has no id yet: the page is still asking the server what it holds.
    expect(interruptedUploads(store, { uploadIds: new Set(['up-live']), items }).map((u) => u.uploadId)).toEqual(['up-failed', 'up-old']);
  });

  it('leaves out an upload whose id the queue holds even if its row was cleared', () => {
    expect(interruptedUploads(store, { uploadIds: new Set(['up-live']), items: [] }).map((u) => u.uploadId)).toEqual(['up-resuming', 'up-failed', 'up-old']);
  });
});
