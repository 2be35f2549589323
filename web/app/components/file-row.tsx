import { Link, useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { fileTypeLabel } from '#app/lib/file-types.js';
import { formatBytes, formatDate } from '#app/lib/format.js';
import { ShareDialog } from './share-dialog.js';

export interface FileRowData {
  id: string;
  name: string;
  size: number;
  content_type: string;
  tags: string[];
  created_at: string;
}

interface FileRowProps {
  file: FileRowData;
  selected: boolean;
  onSelect(selected: boolean): void;
  onDelete(): void;
}

export function FileRow({ file, selected, onSelect, onDelete }: FileRowProps) {
  const fetcher = useFetcher<{ ok?: boolean; error?: string; intent?: string }>();
  const [editing, setEditing] = useState<'name' | 'tags' | null>(null);
  const [sharing, setSharing] = useState(false);
  // After an edit closes, focus goes back to the button that opened it, not to the page's body.
  const [refocus, setRefocus] = useState<'name' | 'tags' | null>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const tagsButton = useRef<HTMLButtonElement>(null);
  const busy = fetcher.state !== 'idle';
  const stopEditing = () => {
    setRefocus(editing);
    setEditing(null);
  };
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) stopEditing();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when a save completes
  }, [fetcher.state, fetcher.data]);
  useEffect(() => {
    if (refocus === null) return;
    (refocus === 'name' ? renameButton : tagsButton).current?.focus();
    setRefocus(null);
  }, [refocus]);
  const errorFor = (intent: 'rename' | 'tags') =>
    fetcher.state === 'idle' && fetcher.data?.error && (fetcher.data.intent ?? 'rename') === intent ? <p className="error" role="alert">{fetcher.data.error}</p> : null;
  // Show the submitted values while the API call is in flight.
  const pendingName = fetcher.formData?.get('intent') === 'rename' ? String(fetcher.formData.get('name')) : null;
  const pendingTags = fetcher.formData?.get('intent') === 'tags' ? String(fetcher.formData.get('tags')).split(',').map((t) => t.trim()).filter(Boolean) : null;
  const name = pendingName ?? file.name;
  const tags = pendingTags ?? file.tags;
  const cancelOnEscape = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') stopEditing();
  };

  return (
    <tr aria-busy={busy || undefined}>
      <td>
        <input type="checkbox" checked={selected} onChange={(event) => onSelect(event.target.checked)} aria-label={`Select ${file.name}`} />
      </td>
      <td>
        {editing === 'name' ? (
          <fetcher.Form method="post" className="row" onKeyDown={cancelOnEscape}>
            <input type="hidden" name="intent" value="rename" />
            <input type="hidden" name="id" value={file.id} />
            <label className="visually-hidden" htmlFor={`rename-${file.id}`}>New name for {file.name}</label>
            <input id={`rename-${file.id}`} type="text" name="name" defaultValue={file.name} required maxLength={255} autoFocus style={{ maxWidth: '18rem' }} />
            <button type="submit" className="small" disabled={busy}>Save</button>
            <button type="button" className="secondary small" onClick={stopEditing}>Cancel</button>
          </fetcher.Form>
        ) : (
          <span className="row">
            <span className="file-name">{name}</span>
            <button type="button" ref={renameButton} className="ghost small" onClick={() => setEditing('name')} aria-label={`Rename ${file.name}`}>✎</button>
          </span>
        )}
        {errorFor('rename')}
      </td>
      <td className="hide-narrow">{fileTypeLabel(file.content_type)}</td>
      <td className="num">{formatBytes(file.size)}</td>
      <td>
        {editing === 'tags' ? (
          <fetcher.Form method="post" className="row" onKeyDown={cancelOnEscape}>
            <input type="hidden" name="intent" value="tags" />
            <input type="hidden" name="id" value={file.id} />
            <label className="visually-hidden" htmlFor={`tags-${file.id}`}>Tags for {file.name}, separated by commas</label>
            <input id={`tags-${file.id}`} type="text" name="tags" defaultValue={file.tags.join(', ')} autoFocus placeholder="invoices, 2026" style={{ maxWidth: '14rem' }} />
            <button type="submit" className="small" disabled={busy}>Save</button>
            <button type="button" className="secondary small" onClick={stopEditing}>Cancel</button>
          </fetcher.Form>
        ) : (
          <span>
            {tags.map((tag) => <Link key={tag} className="tag" to={`/files?${new URLSearchParams({ tag })}`} aria-label={`Show files tagged ${tag}`}>{tag}</Link>)}
            <button type="button" ref={tagsButton} className="ghost small" onClick={() => setEditing('tags')} aria-label={`Edit tags of ${file.name}`}>+ tags</button>
          </span>
        )}
        {errorFor('tags')}
      </td>
      <td className="hide-narrow">{formatDate(file.created_at)}</td>
      <td>
        <span className="row row-actions" style={{ flexWrap: 'nowrap' }}>
          <a className="button secondary small" href={`/files/${file.id}/download`} aria-label={`Download ${file.name}`}>Download</a>
          <button type="button" className="secondary small" onClick={() => setSharing(true)} aria-label={`Share ${file.name}`}>Share</button>
          <button type="button" className="secondary small" onClick={onDelete} aria-label={`Delete ${file.name}`}>Delete</button>
        </span>
        {sharing ? <ShareDialog file={file} onClose={() => setSharing(false)} /> : null}
      </td>
    </tr>
  );
}
