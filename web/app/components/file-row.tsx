import { Link, useFetcher } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { fileKind, formatBytes, formatDate } from '#app/lib/format.js';
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
  const fetcher = useFetcher<{ ok?: boolean; error?: string }>();
  const [editing, setEditing] = useState<'name' | 'tags' | null>(null);
  const [sharing, setSharing] = useState(false);
  const busy = fetcher.state !== 'idle';
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) setEditing(null);
  }, [fetcher.state, fetcher.data]);
  // Show the submitted values while the API call is in flight.
  const pendingName = fetcher.formData?.get('intent') === 'rename' ? String(fetcher.formData.get('name')) : null;
  const pendingTags = fetcher.formData?.get('intent') === 'tags' ? String(fetcher.formData.get('tags')).split(',').map((t) => t.trim()).filter(Boolean) : null;
  const name = pendingName ?? file.name;
  const tags = pendingTags ?? file.tags;
  const cancelOnEscape = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') setEditing(null);
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
            <button type="button" className="secondary small" onClick={() => setEditing(null)}>Cancel</button>
          </fetcher.Form>
        ) : (
          <span className="row">
            <span className="file-name">{name}</span>
            <button type="button" className="ghost small" onClick={() => setEditing('name')} aria-label={`Rename ${file.name}`}>✎</button>
          </span>
        )}
        {fetcher.data?.error ? <p className="error" role="alert">{fetcher.data.error}</p> : null}
      </td>
      <td className="hide-narrow">{fileKind(file.content_type)}</td>
      <td className="num">{formatBytes(file.size)}</td>
      <td>
        {editing === 'tags' ? (
          <fetcher.Form method="post" className="row" onKeyDown={cancelOnEscape}>
            <input type="hidden" name="intent" value="tags" />
            <input type="hidden" name="id" value={file.id} />
            <label className="visually-hidden" htmlFor={`tags-${file.id}`}>Tags for {file.name}, separated by commas</label>
            <input id={`tags-${file.id}`} type="text" name="tags" defaultValue={file.tags.join(', ')} autoFocus placeholder="invoices, 2026" style={{ maxWidth: '14rem' }} />
            <button type="submit" className="small" disabled={busy}>Save</button>
            <button type="button" className="secondary small" onClick={() => setEditing(null)}>Cancel</button>
          </fetcher.Form>
        ) : (
          <span>
            {tags.map((tag) => <Link key={tag} className="tag" to={`/files?${new URLSearchParams({ tag })}`} aria-label={`Show files tagged ${tag}`}>{tag}</Link>)}
            <button type="button" className="ghost small" onClick={() => setEditing('tags')} aria-label={`Edit tags of ${file.name}`}>+ tags</button>
          </span>
        )}
      </td>
      <td className="hide-narrow">{formatDate(file.created_at)}</td>
      <td>
        <span className="row" style={{ flexWrap: 'nowrap' }}>
          <a className="button secondary small" href={`/files/${file.id}/download`} aria-label={`Download ${file.name}`}>Download</a>
          <button type="button" className="secondary small" onClick={() => setSharing(true)} aria-label={`Share ${file.name}`}>Share</button>
          <button type="button" className="secondary small" onClick={onDelete} aria-label={`Delete ${file.name}`}>Delete</button>
        </span>
        {sharing ? <ShareDialog file={file} onClose={() => setSharing(false)} /> : null}
      </td>
    </tr>
  );
}
