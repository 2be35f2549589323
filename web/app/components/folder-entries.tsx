// Rows of the folder browser. Rows are draggable (a selected row carries the whole selection) and
// folder rows and breadcrumbs are drop targets: dropping moves what was dragged into that folder.
import { Link } from '@remix-run/react';
import { useState, type DragEvent } from 'react';
import { fileTypeLabel } from '#app/lib/file-types.js';
import { formatBytes, formatCount, formatDate } from '#app/lib/format.js';
import { ShareDialog } from './share-dialog.js';

export const DRAG_TYPE = 'application/x-baketsu-entries';

export interface DraggedEntries {
  files: string[];
  folders: string[];
}

export interface EntryData {
  kind: 'folder' | 'file';
  id: string;
  name: string;
  path: string;
  /** Files: their size; folders: everything inside. */
  size: number;
  file_count?: number;
  content_type?: string;
  updated_at: string;
}

/** Drop-target behaviour for an element standing for folder `target` (`'root'` for the top). */
export function useDropTarget(target: string, onDrop: (target: string, entries: DraggedEntries) => void) {
  const [over, setOver] = useState(false);
  const accepts = (event: DragEvent) => event.dataTransfer.types.includes(DRAG_TYPE);
  return {
    over,
    handlers: {
      onDragOver(event: DragEvent) {
        if (!accepts(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        setOver(true);
      },
      onDragLeave() {
        setOver(false);
      },
      onDrop(event: DragEvent) {
        setOver(false);
        if (!accepts(event)) return;
        event.preventDefault();
        const entries = JSON.parse(event.dataTransfer.getData(DRAG_TYPE)) as DraggedEntries;
        // A folder dropped on itself goes nowhere.
        const folders = entries.folders.filter((id) => id !== target);
        if (entries.files.length + folders.length > 0) onDrop(target, { files: entries.files, folders });
      },
    },
  };
}

interface EntryRowProps {
  entry: EntryData;
  selected: boolean;
  onSelect(selected: boolean): void;
  /** What a drag starting on this row carries. */
  dragged(): DraggedEntries;
  onDrop(target: string, entries: DraggedEntries): void;
  onRename?(): void;
}

export function EntryRow({ entry, selected, onSelect, dragged, onDrop, onRename }: EntryRowProps) {
  const drop = useDropTarget(entry.id, onDrop);
  const isFolder = entry.kind === 'folder';
  const [sharing, setSharing] = useState(false);
  return (
    <tr
      draggable
      data-testid={`${entry.kind}-row`}
      data-name={entry.name}
      className={drop.over ? 'drop-over' : undefined}
      onDragStart={(event) => {
        event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragged()));
        event.dataTransfer.effectAllowed = 'move';
      }}
      {...(isFolder ? drop.handlers : {})}
    >
      <td>
        <input type="checkbox" checked={selected} onChange={(event) => onSelect(event.target.checked)} aria-label={`Select ${entry.name}`} />
      </td>
      <td>
        {isFolder ? (
          <span className="row">
            <Link to={`/folders?in=${entry.id}`} className="folder-link" aria-label={`Open folder ${entry.name}`}>
              <FolderIcon />{entry.name}
            </Link>
            {onRename ? <button type="button" className="ghost small" onClick={onRename} aria-label={`Rename folder ${entry.name}`}>✎</button> : null}
          </span>
        ) : (
          <span className="file-name" title={entry.path}>{entry.name}</span>
        )}
      </td>
      <td className="hide-narrow">{isFolder ? 'Folder' : fileTypeLabel(entry.content_type ?? '')}</td>
      <td className="num" data-testid="entry-size">
        {formatBytes(entry.size)}
        {isFolder ? <span className="muted"> · {formatCount(entry.file_count ?? 0)} {entry.file_count === 1 ? 'file' : 'files'}</span> : null}
      </td>
      <td className="hide-narrow">{formatDate(entry.updated_at)}</td>
      <td>
        {isFolder ? (
          <button type="button" className="secondary small" onClick={() => setSharing(true)} aria-label={`Share folder ${entry.name}`}>Share</button>
        ) : (
          <a className="button secondary small" href={`/files/${entry.id}/download`} aria-label={`Download ${entry.name}`}>Download</a>
        )}
        {sharing ? <ShareDialog file={entry} kind="folder" onClose={() => setSharing(false)} /> : null}
      </td>
    </tr>
  );
}

/** Root › reports › 2026: links, and drop targets for moving things up the tree. */
export function Breadcrumbs({ trail, current, onDrop }: { trail: Array<{ id: string; name: string }>; current: string | null; onDrop: EntryRowProps['onDrop'] }) {
  return (
    <nav aria-label="Breadcrumbs" className="row breadcrumbs">
      <Crumb id="root" name="All files" last={current === null} onDrop={onDrop} />
      {trail.map((crumb) => (
        <span key={crumb.id} className="row">
          <span aria-hidden="true" className="muted">›</span>
          <Crumb id={crumb.id} name={crumb.name} last={false} onDrop={onDrop} />
        </span>
      ))}
      {current !== null ? (
        <span className="row">
          <span aria-hidden="true" className="muted">›</span>
          <strong aria-current="page">{current}</strong>
        </span>
      ) : null}
    </nav>
  );
}

function Crumb({ id, name, last, onDrop }: { id: string; name: string; last: boolean; onDrop: EntryRowProps['onDrop'] }) {
  const drop = useDropTarget(id, onDrop);
  if (last) return <strong aria-current="page">{name}</strong>;
  return (
    <Link to={id === 'root' ? '/folders' : `/folders?in=${id}`} className={drop.over ? 'drop-over' : undefined} {...drop.handlers}>
      {name}
    </Link>
  );
}

function FolderIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" style={{ verticalAlign: '-2px', marginRight: '.375rem' }}>
      <path d="M3 6a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z" fill="currentColor" opacity=".85" />
    </svg>
  );
}
