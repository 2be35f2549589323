// The upload queue lives above the routes (in the signed-in layout), so an upload keeps running,
// and stays visible, when the person moves to another page; closing the tab while bytes are in
// flight asks first.
import { Link, useLocation } from '@remix-run/react';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { formatBytes } from '#app/lib/format.js';
import { useUploads, type UploadItem } from './use-uploads.js';

type UploadQueue = ReturnType<typeof useUploads>;

const UploadsContext = createContext<UploadQueue | null>(null);

export function useUploadQueue(): UploadQueue {
  const queue = useContext(UploadsContext);
  if (!queue) throw new Error('useUploadQueue needs an <UploadsProvider> above it');
  return queue;
}

const isRunning = (item: UploadItem) => item.state === 'uploading' || item.state === 'queued';

/** What the queue adds up to, for the panel and the upload page. */
export function queueTotals(items: readonly UploadItem[]) {
  const counted = items.filter((item) => item.state !== 'cancelled');
  return {
    total: counted.reduce((sum, item) => sum + item.file.size, 0),
    loaded: counted.reduce((sum, item) => sum + item.loaded, 0),
    running: items.filter(isRunning).length,
    failed: items.filter((item) => item.state === 'error').length,
  };
}

export function UploadsProvider({ children }: { children: ReactNode }) {
  const queue = useUploads();
  const inFlight = queue.items.some(isRunning);
  useEffect(() => {
    if (!inFlight) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [inFlight]);
  return <UploadsContext.Provider value={queue}>{children}</UploadsContext.Provider>;
}

/** A small panel on every page but /upload (which shows the whole queue) while the queue has anything in it. */
export function UploadPanel() {
  const { items, clearFinished } = useUploadQueue();
  const { pathname } = useLocation();
  if (items.length === 0 || pathname === '/upload') return null;
  const { total, loaded, running, failed } = queueTotals(items);
  return (
    <section className="upload-panel card" aria-label="Uploads" data-testid="upload-panel" data-running={running}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <strong role="status">
          {running > 0 ? `Uploading ${running} file${running === 1 ? '' : 's'}…` : failed > 0 ? `${failed} upload${failed === 1 ? '' : 's'} failed` : 'Uploads finished'}
        </strong>
        {running === 0 ? <button type="button" className="ghost small" onClick={clearFinished}>Dismiss</button> : null}
      </div>
      <progress max={Math.max(total, 1)} value={loaded} aria-label="Upload progress" />
      <div className="row" style={{ justifyContent: 'space-between', fontSize: '.8125rem' }}>
        <span className="muted" data-testid="upload-panel-progress">{formatBytes(loaded)} of {formatBytes(total)}</span>
        <Link to="/upload">Details</Link>
      </div>
    </section>
  );
}
