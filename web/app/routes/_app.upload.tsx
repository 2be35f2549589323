import type { MetaFunction } from '@remix-run/node';
import { Link, useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { formatBytes } from '#app/lib/format.js';
import { Money } from '#app/components/money.js';
import { resumeStore, type PendingUpload } from '#app/upload/resume-store.js';
import { abortUpload } from '#app/upload/upload-file.js';
import { queueTotals, useUploadQueue } from '#app/upload/uploads-context.js';
import { canRetry, interruptedUploads, type UploadItem } from '#app/upload/use-uploads.js';

export const meta: MetaFunction = () => [{ title: 'Upload · Baketsu' }];

/**
 * Files dropped while `?folder=reports/2026` is open go into that folder: the name a file is
 * presigned with is its path, so the folder travels as a prefix of the name (the same bytes, no copy).
 */
function intoFolder(files: Iterable<File>, folder: string): File[] {
  const prefix = folder.replace(/^\/+|\/+$/g, '');
  return [...files].map((file) => (prefix ? new File([file], `${prefix}/${file.name}`, { type: file.type, lastModified: file.lastModified }) : file));
}

export default function Upload() {
  const [params] = useSearchParams();
  const folder = params.get('folder') ?? '';
  const folderPage = params.get('in') ? `/folders?${new URLSearchParams({ in: params.get('in')! })}` : '/folders';
  const uploads = useUploadQueue();
  const { items, cancel, retry, clearFinished, activeUploadIds } = uploads;
  const add = (files: Iterable<File>) => uploads.add(intoFolder(files, folder));
  const [dragging, setDragging] = useState(false);
  const [interrupted, setInterrupted] = useState<PendingUpload[]>([]);
  const input = useRef<HTMLInputElement>(null);

  // Interrupted multipart uploads from an earlier visit: choosing the same file again resumes it.
  // The store also holds the uploads this page is sending, which are left out. Re-read when an
  // upload is added or settles, not on every progress update.
  const settled = items.filter((item) => item.state !== 'queued' && item.state !== 'uploading').length;
  const listInterrupted = () => interruptedUploads(resumeStore.list(), { uploadIds: activeUploadIds(), items });
  useEffect(() => setInterrupted(listInterrupted()), [items.length, settled]);

  const { total, loaded, running } = queueTotals(items);
  const active = running > 0;

  return (
    <div className="stack">
      <h1>Upload</h1>
      {folder ? <p className="muted" data-testid="upload-folder">Into <Link to={folderPage}>{folder}</Link></p> : null}
      <div
        className={`dropzone${dragging ? ' active' : ''}`}
        onDragOver={(event) => { event.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => { event.preventDefault(); setDragging(false); add(event.dataTransfer.files); }}
      >
        <p><strong>Drop files here</strong> or</p>
        <button type="button" onClick={() => input.current?.click()}>Choose files</button>
        <input
          ref={input}
          id="file-picker"
          type="file"
          multiple
          tabIndex={-1}
          aria-label="Files to upload"
          className="visually-hidden"
          onChange={(event) => { if (event.target.files) add(event.target.files); event.target.value = ''; }}
        />
        <p className="muted">Files go straight to storage. Large files are sent in parts and resume after a reload.</p>
      </div>
      {interrupted.length > 0 ? (
        <div className="notice" role="status">
          <strong>Interrupted uploads.</strong> Choose the same file again to continue where it stopped:
          <ul>
            {interrupted.map((u) => (
              <li key={u.uploadId}>
                {u.name} ({formatBytes(u.size)}){' '}
                <button
                  type="button"
                  className="ghost small"
                  aria-label={`Discard the interrupted upload of ${u.name}`}
                  onClick={() => { resumeStore.remove(u); void abortUpload(u.uploadId); setInterrupted(listInterrupted()); }}
                >
                  Discard
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {items.length > 0 ? (
        <section className="card" aria-label="Uploads">
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <h2 style={{ margin: 0 }}>{active ? 'Uploading…' : 'Uploads finished'}</h2>
            <span className="muted" data-testid="overall-progress">{formatBytes(loaded)} of {formatBytes(total)}</span>
          </div>
          <progress max={Math.max(total, 1)} value={loaded} aria-label="Overall progress" />
          <div>{items.map((item) => <UploadRow key={item.key} item={item} onCancel={() => cancel(item.key)} onRetry={() => retry(item.key)} />)}</div>
          <div className="row" style={{ marginTop: '.75rem' }}>
            {!active ? <button type="button" className="secondary small" onClick={clearFinished}>Clear list</button> : null}
            <Link to="/files">Go to files →</Link>
            {folder ? <Link to={folderPage}>Go to {folder} →</Link> : null}
          </div>
        </section>
      ) : null}
    </div>
  );
}

const LABELS: Record<UploadItem['state'], string> = {
  queued: 'Waiting',
  uploading: 'Uploading',
  done: 'Uploaded',
  error: 'Failed',
  cancelled: 'Cancelled',
};

function UploadRow({ item, onCancel, onRetry }: { item: UploadItem; onCancel(): void; onRetry(): void }) {
  const percent = item.file.size ? Math.floor((item.loaded / item.file.size) * 100) : 0;
  return (
    <div className="upload-item" data-state={item.state} data-testid="upload-item">
      <span className="name">{item.file.name}</span>
      <span className={item.state === 'done' ? 'ok' : item.state === 'error' ? 'error' : 'muted'}>
        {LABELS[item.state]}{item.state === 'uploading' ? ` ${percent}%` : ''}
      </span>
      <progress max={item.file.size} value={item.loaded} aria-label={`Progress of ${item.file.name}`} />
      <span className="row">
        {item.state === 'uploading' || item.state === 'queued' ? <button type="button" className="secondary small" onClick={onCancel} aria-label={`Cancel ${item.file.name}`}>Cancel</button> : null}
        {canRetry(item) ? <button type="button" className="small" onClick={onRetry} aria-label={`Retry ${item.file.name}`}>Retry</button> : null}
      </span>
      <span className="muted" style={{ fontSize: '.8125rem' }}>
        {formatBytes(item.loaded)} of {formatBytes(item.file.size)}
        {item.resumedBytes ? ` · resumed, ${formatBytes(item.resumedBytes)} already stored` : ''}
        {item.quote ? <> · adds <Money amount={item.quote.added_monthly_cost} currency={item.quote.currency} /> a month</> : ''}
      </span>
      {item.error ? <span className="error" role="alert">{item.error}</span> : null}
    </div>
  );
}
