import { useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { EXPIRY_CHOICES } from '#app/lib/share-options.js';
import type { ShareFormResult } from '#app/lib/shares.server.js';

interface ShareDialogProps {
  file: { id: string; name: string };
  /** A folder link offers every file inside the folder; the default is a file link. */
  kind?: 'file' | 'folder';
  onClose(): void;
}

/**
 * Makes a link to one file or folder: expiry, password and download limit; then shows the link
 * once, to copy. Mounted only while open, so every opening starts from an empty form.
 */
export function ShareDialog({ file, kind = 'file', onClose }: ShareDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const fetcher = useFetcher<ShareFormResult>();
  const [copied, setCopied] = useState(false);
  const busy = fetcher.state !== 'idle';
  const result = fetcher.data;
  const fieldError = (name: string) => (result && !result.ok ? result.fields[name] : undefined);
  const titleId = `share-title-${file.id}`;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  useEffect(() => setCopied(false), [result]);

  const copy = async (url: string) => {
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    setCopied(true);
  };

  return (
    <dialog ref={ref} aria-labelledby={titleId} onCancel={(event) => { event.preventDefault(); onClose(); }}>
      <h2 id={titleId}>Share “{file.name}”</h2>
      {result?.ok ? (
        <div className="stack">
          <p className="muted" style={{ margin: 0 }}>Anyone with this link can download {kind === 'folder' ? 'the files in this folder' : 'the file'}. It is shown only now: copy it before you close.</p>
          <label htmlFor={`share-url-${file.id}`}>Link</label>
          <input id={`share-url-${file.id}`} className="secret" readOnly value={result.url} onFocus={(event) => event.currentTarget.select()} />
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <button type="button" className="secondary" onClick={() => copy(result.url)}>{copied ? 'Copied' : 'Copy link'}</button>
            <button type="button" onClick={onClose}>Done</button>
          </div>
        </div>
      ) : (
        <fetcher.Form method="post" action={`/${kind}s/${file.id}/share`} className="stack" aria-label={`Share ${file.name}`}>
          <div className="field">
            <label htmlFor={`share-expiry-${file.id}`}>Expires</label>
            <select id={`share-expiry-${file.id}`} name="expires_in_hours" defaultValue="0">
              {EXPIRY_CHOICES.map(([hours, label]) => <option key={hours} value={hours}>{label}</option>)}
            </select>
            {fieldError('expires_in_hours') ? <p className="error" role="alert">{fieldError('expires_in_hours')}</p> : null}
          </div>
          <div className="field">
            <label htmlFor={`share-password-${file.id}`}>Password (optional, at least 8 characters)</label>
            <input id={`share-password-${file.id}`} type="password" name="password" autoComplete="new-password" maxLength={256}
              aria-invalid={fieldError('password') ? true : undefined} />
            {fieldError('password') ? <p className="error" role="alert">{fieldError('password')}</p> : null}
          </div>
          <div className="field">
            <label htmlFor={`share-max-${file.id}`}>Download limit (optional)</label>
            <input id={`share-max-${file.id}`} type="number" name="max_downloads" min={1} max={1000000} step={1} inputMode="numeric"
              aria-invalid={fieldError('max_downloads') ? true : undefined} />
            {fieldError('max_downloads') ? <p className="error" role="alert">{fieldError('max_downloads')}</p> : null}
          </div>
          {result && !result.ok && result.form ? <p className="error" role="alert">{result.form}</p> : null}
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <button type="button" className="secondary" onClick={onClose}>Cancel</button>
            <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create link'}</button>
          </div>
        </fetcher.Form>
      )}
    </dialog>
  );
}
