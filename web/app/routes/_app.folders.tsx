import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '#app/components/confirm-dialog.js';
import { Breadcrumbs, EntryRow, type DraggedEntries, type EntryData } from '#app/components/folder-entries.js';
import { Money } from '#app/components/money.js';
import { RouteError } from '#app/components/route-error.js';
import { requireUser } from '#app/lib/auth.server.js';
import { QUERY_MAX_LENGTH } from '#app/lib/file-filters.js';
import { forgetFileNames } from '#app/lib/file-names.server.js';
import { changeFolders, loadFolder, parseFolderQuery } from '#app/lib/folders.server.js';
import { formatByteTime, formatBytes, formatCount } from '#app/lib/format.js';
import { formErrorsFrom, pageProblemFrom } from '#app/lib/problems.server.js';

export const meta: MetaFunction = () => [{ title: 'Folders · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const query = parseFolderQuery(new URL(request.url));
  const { listing, usage } = await loadFolder(api, query).catch(pageProblemFrom);
  const entries: EntryData[] = listing.items.map((item) =>
    item.kind === 'folder'
      ? { kind: 'folder', id: item.id, name: item.name, path: item.path, size: item.stored_bytes, file_count: item.file_count, updated_at: item.updated_at }
      : { kind: 'file', id: item.id, name: item.name, path: item.path, size: item.size, content_type: item.content_type, updated_at: item.updated_at },
  );
  return data({ folder: listing.folder, ancestors: listing.ancestors, entries, nextCursor: listing.next_cursor ?? null, usage, query }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const { api, account, headers } = await requireUser(request);
  const form = await request.formData();
  forgetFileNames(account.id, form.getAll('files').map(String));
  try {
    await changeFolders(api, form);
    return data({ ok: true, error: undefined }, { headers });
  } catch (error) {
    if (error instanceof TypeError) return data({ ok: false, error: error.message }, { status: 400, headers });
    const errors = formErrorsFrom(error);
    return data({ ok: false, error: errors.form ?? Object.values(errors.fields).join(' ') }, { status: 400, headers });
  }
}

export default function Folders() {
  const { folder, ancestors, entries, nextCursor, usage, query } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const changer = useFetcher<typeof action>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState<'delete' | 'move' | null>(null);
  const [renaming, setRenaming] = useState<EntryData | null>(null);
  const createForm = useRef<HTMLFormElement>(null);
  const here = folder?.id ?? 'root';

  useEffect(() => setSelected(new Set()), [entries]);
  useEffect(() => {
    if (changer.state === 'idle' && changer.data?.ok) {
      setConfirming(null);
      setRenaming(null);
      createForm.current?.reset();
    }
  }, [changer.state, changer.data]);

  const chosen = (kind: EntryData['kind']) => entries.filter((entry) => entry.kind === kind && selected.has(entry.id)).map((entry) => entry.id);
  const submit = (intent: string, fields: Record<string, string>, moved: DraggedEntries) => {
    const form = new FormData();
    form.set('intent', intent);
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    for (const id of moved.files) form.append('files', id);
    for (const id of moved.folders) form.append('folders', id);
    changer.submit(form, { method: 'post' });
  };
  const moveInto = (target: string, moved: DraggedEntries) => submit('move', { target }, moved);
  const selection = (): DraggedEntries => ({ files: chosen('file'), folders: chosen('folder') });
  const draggedFrom = (entry: EntryData) => (): DraggedEntries =>
    selected.has(entry.id) ? selection() : { files: entry.kind === 'file' ? [entry.id] : [], folders: entry.kind === 'folder' ? [entry.id] : [] };
  const withCursor = (cursor: string | null) => {
    const next = new URLSearchParams(params);
    cursor === null ? next.delete('cursor') : next.set('cursor', cursor);
    return `?${next}`;
  };
  const uploadHere = folder ? `/upload?${new URLSearchParams({ folder: folder.path, in: folder.id })}` : '/upload';

  return (
    <div className="stack">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1 style={{ margin: 0 }}>{folder ? folder.name : 'Folders'}</h1>
        <Link className="button" to={uploadHere}>Upload here</Link>
      </div>
      <Breadcrumbs trail={ancestors} current={folder?.name ?? null} onDrop={moveInto} />
      <section className="grid" aria-label="Usage of this folder">
        <div className="card stat"><div className="value" data-testid="folder-bytes">{formatBytes(usage.stored_bytes)}</div><div className="label">stored in {formatCount(usage.file_count)} {usage.file_count === 1 ? 'file' : 'files'}</div></div>
        <div className="card stat"><div className="value">{formatByteTime(usage.byte_ms_month_to_date)}</div><div className="label">byte-time this month</div></div>
        <div className="card stat"><div className="value" data-testid="folder-cost"><Money amount={usage.estimated_monthly_cost.amount} currency={usage.estimated_monthly_cost.currency} /></div><div className="label">estimated this month</div></div>
      </section>
      <div className="card row" style={{ justifyContent: 'space-between' }}>
        <changer.Form method="post" ref={createForm} className="row" style={{ flexWrap: 'nowrap' }} aria-label="New folder">
          <input type="hidden" name="intent" value="create-folder" />
          <input type="hidden" name="parent" value={here} />
          <label htmlFor="new-folder" className="visually-hidden">New folder name</label>
          <input id="new-folder" name="name" type="text" required maxLength={255} placeholder="New folder" style={{ width: '14rem' }} />
          <button type="submit" className="secondary">Create folder</button>
        </changer.Form>
        <Form method="get" role="search" aria-label="Search this folder" className="row" style={{ flexWrap: 'nowrap' }}>
          {folder ? <input type="hidden" name="in" value={folder.id} /> : null}
          <label htmlFor="q" className="visually-hidden">Search in this folder and below</label>
          <input id="q" type="search" name="q" defaultValue={query.q ?? ''} maxLength={QUERY_MAX_LENGTH} placeholder="Search below here" style={{ width: '14rem' }} />
          <button type="submit" className="secondary">Search</button>
        </Form>
      </div>
      {changer.data?.error ? <p className="error" role="alert">{changer.data.error}</p> : null}
      <section className="card" aria-label="Folder contents" aria-busy={changer.state !== 'idle' || undefined}>
        {entries.length === 0 ? (
          <div className="empty">
            <h2>{query.q ? 'Nothing matches' : 'This folder is empty'}</h2>
            <p className="muted">{query.q ? 'Try another search.' : 'Create a folder, upload files here, or drag files in.'}</p>
          </div>
        ) : (
          <>
            <div className="row" style={{ marginBottom: '.5rem', minHeight: '2.25rem' }}>
              {selected.size > 0 ? (
                <>
                  <button type="button" className="secondary small" onClick={() => setConfirming('move')}>Move selected ({selected.size})</button>
                  <button type="button" className="danger small" onClick={() => setConfirming('delete')}>Delete selected ({selected.size})</button>
                </>
              ) : <span className="muted">{entries.length} shown · drag files onto a folder to move them</span>}
            </div>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th><input type="checkbox" aria-label="Select everything shown" checked={selected.size === entries.length} onChange={(event) => setSelected(event.target.checked ? new Set(entries.map((e) => e.id)) : new Set())} /></th>
                    <th>Name</th>
                    <th className="hide-narrow">Type</th>
                    <th className="num">Size</th>
                    <th className="hide-narrow">Changed</th>
                    <th><span className="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry) => (
                    <EntryRow
                      key={entry.id}
                      entry={entry}
                      selected={selected.has(entry.id)}
                      onSelect={(on) => setSelected((current) => { const next = new Set(current); on ? next.add(entry.id) : next.delete(entry.id); return next; })}
                      dragged={draggedFrom(entry)}
                      onDrop={moveInto}
                      {...(entry.kind === 'folder' ? { onRename: () => setRenaming(entry) } : {})}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            <nav className="row" aria-label="Pages" style={{ justifyContent: 'flex-end', marginTop: '.75rem' }}>
              {query.cursor ? <Link className="button secondary small" to={withCursor(null)}>First page</Link> : null}
              {nextCursor ? <Link className="button secondary small" to={withCursor(nextCursor)}>Next page →</Link> : null}
            </nav>
          </>
        )}
      </section>
      <ConfirmDialog
        open={confirming === 'delete'}
        title="Delete for good?"
        confirmLabel="Delete"
        busy={changer.state !== 'idle'}
        onConfirm={() => submit('delete', {}, selection())}
        onCancel={() => setConfirming(null)}
      >
        <p>{selected.size} selected will be removed from storage and stop being billed now, folders with everything inside them. This cannot be undone.</p>
      </ConfirmDialog>
      <dialog open={confirming === 'move'} aria-labelledby="move-title" className="inline-dialog">
        <form onSubmit={(event) => { event.preventDefault(); submit('move', { path: String(new FormData(event.currentTarget).get('path') ?? '') }, selection()); }}>
          <h2 id="move-title">Move {selected.size} selected</h2>
          <label htmlFor="move-path">To folder (a path; empty for the top; missing folders are created)</label>
          <input id="move-path" name="path" type="text" list="move-targets" defaultValue={folder?.path ?? ''} maxLength={768} />
          <datalist id="move-targets">
            {[...ancestors.map((_, i) => ancestors.slice(0, i + 1).map((a) => a.name).join('/')), ...entries.filter((e) => e.kind === 'folder').map((e) => e.path)].map((path) => <option key={path} value={path} />)}
          </datalist>
          <div className="row" style={{ justifyContent: 'flex-end', marginTop: '1rem' }}>
            <button type="button" className="secondary" onClick={() => setConfirming(null)}>Cancel</button>
            <button type="submit" disabled={changer.state !== 'idle'}>Move</button>
          </div>
        </form>
      </dialog>
      <dialog open={renaming !== null} aria-labelledby="rename-title" className="inline-dialog">
        {renaming ? (
          <changer.Form method="post">
            <h2 id="rename-title">Rename “{renaming.name}”</h2>
            <input type="hidden" name="intent" value="rename-folder" />
            <input type="hidden" name="id" value={renaming.id} />
            <label htmlFor="rename-folder">New name</label>
            <input id="rename-folder" name="name" type="text" required maxLength={255} defaultValue={renaming.name} autoFocus />
            <div className="row" style={{ justifyContent: 'flex-end', marginTop: '1rem' }}>
              <button type="button" className="secondary" onClick={() => setRenaming(null)}>Cancel</button>
              <button type="submit" disabled={changer.state !== 'idle'}>Rename</button>
            </div>
          </changer.Form>
        ) : null}
      </dialog>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError what="your folders" />;
}
