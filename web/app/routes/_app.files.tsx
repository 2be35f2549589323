import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useFetcher, useLoaderData, useNavigation, useRevalidator, useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '#app/components/confirm-dialog.js';
import { FileRow } from '#app/components/file-row.js';
import { LiveUsageSummary } from '#app/components/live-usage.js';
import { RouteError } from '#app/components/route-error.js';
import { requireUser } from '#app/lib/auth.server.js';
import { QUERY_MAX_LENGTH, TAG_MAX_LENGTH, TYPE_FILTERS } from '#app/lib/file-filters.js';
import { forgetFileNames } from '#app/lib/file-names.server.js';
import { listFiles, parseFileQuery, parseTags } from '#app/lib/files.server.js';
import { formErrorsFrom, pageProblemFrom } from '#app/lib/problems.server.js';
import { useLiveUsage } from '#app/lib/use-live-usage.js';

export const meta: MetaFunction = () => [{ title: 'Files · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const query = parseFileQuery(new URL(request.url));
  const page = await listFiles(api, query).catch(pageProblemFrom);
  return data({ files: page.items, nextCursor: page.next_cursor ?? null, query }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const { api, account, headers } = await requireUser(request);
  const form = await request.formData();
  const id = String(form.get('id') ?? '');
  forgetFileNames(account.id, [id, ...form.getAll('ids').map(String)]);
  try {
    switch (form.get('intent')) {
      case 'rename':
        await api.files.update(id, { name: String(form.get('name') ?? '').trim() });
        break;
      case 'tags':
        await api.files.update(id, { tags: parseTags(String(form.get('tags') ?? '')) });
        break;
      case 'delete':
        await api.files.delete(id);
        break;
      case 'bulk-delete': {
        const ids = form.getAll('ids').map(String).filter(Boolean);
        if (ids.length > 0) await api.files.deleteMany(ids);
        break;
      }
      default:
        return data({ ok: false, error: 'Unknown action', intent: undefined }, { status: 400, headers });
    }
    return data({ ok: true, error: undefined, intent: undefined }, { headers });
  } catch (error) {
    const errors = formErrorsFrom(error);
    // Which change failed, so the row shows the message under the field that was edited.
    const intent = String(form.get('intent') ?? '');
    return data({ ok: false, error: errors.form ?? Object.values(errors.fields).join(' '), intent }, { status: 400, headers });
  }
}

export default function Files() {
  const { files, nextCursor, query } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const deleter = useFetcher<typeof action>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState<{ ids: string[]; label: string } | null>(null);
  const filtered = Boolean(query.q || query.type || query.tag);
  const loading = navigation.state === 'loading' && navigation.location.pathname === '/files';

  const liveUsage = useLiveUsage();
  useRefreshOnFileCountChange(liveUsage?.file_count);

  useEffect(() => setSelected(new Set()), [files]);
  useEffect(() => {
    if (deleter.state === 'idle' && deleter.data) setConfirming(null);
  }, [deleter.state, deleter.data]);

  const withParams = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) value === null ? next.delete(key) : next.set(key, value);
    return `?${next}`;
  };
  const sortLink = (column: 'name' | 'size' | 'created', label: string) => {
    const active = query.sort === column;
    const order = query.order ?? (column === 'created' ? 'desc' : 'asc');
    const nextOrder = active ? (order === 'asc' ? 'desc' : 'asc') : column === 'created' ? 'desc' : 'asc';
    return (
      <Link to={withParams({ sort: column, order: nextOrder, cursor: null })} aria-label={`Sort by ${label}`}>
        {label} {active ? (order === 'asc' ? '▲' : '▼') : ''}
      </Link>
    );
  };
  // Only the column the list is sorted by says so; the others are sortable but unsorted.
  const ariaSort = (column: 'name' | 'size' | 'created') =>
    query.sort === column ? ((query.order ?? (column === 'created' ? 'desc' : 'asc')) === 'asc' ? 'ascending' : 'descending') : undefined;
  const confirmDelete = () => {
    if (!confirming) return;
    const form = new FormData();
    if (confirming.ids.length === 1) {
      form.set('intent', 'delete');
      form.set('id', confirming.ids[0]!);
    } else {
      form.set('intent', 'bulk-delete');
      for (const id of confirming.ids) form.append('ids', id);
    }
    deleter.submit(form, { method: 'post' });
  };
  const allSelected = files.length > 0 && selected.size === files.length;

  return (
    <div className="stack">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1 style={{ margin: 0 }}>Files</h1>
        <Link className="button" to="/upload">Upload files</Link>
      </div>
      <LiveUsageSummary usage={liveUsage} />
      <Form method="get" className="card filters" role="search" aria-label="Filter files">
        <div>
          <label htmlFor="q">Search by name</label>
          <input id="q" type="search" name="q" defaultValue={query.q ?? ''} maxLength={QUERY_MAX_LENGTH} placeholder="report.pdf" />
        </div>
        <div>
          <label htmlFor="type">Type</label>
          <select id="type" name="type" defaultValue={query.type ?? ''}>
            {TYPE_FILTERS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="tag">Tag</label>
          <input id="tag" type="text" name="tag" defaultValue={query.tag ?? ''} maxLength={TAG_MAX_LENGTH} placeholder="invoices" />
        </div>
        <input type="hidden" name="sort" value={query.sort} />
        {query.order ? <input type="hidden" name="order" value={query.order} /> : null}
        <div className="row">
          <button type="submit">{loading ? 'Searching…' : 'Apply'}</button>
          {filtered ? <Link className="button secondary" to="/files">Clear</Link> : null}
        </div>
      </Form>
      <section className="card" aria-busy={loading || undefined} aria-label="File list">
        {files.length === 0 ? (
          <div className="empty">
            <h2>{filtered ? 'No files match these filters' : 'No files yet'}</h2>
            <p className="muted">{filtered ? 'Try another search or clear the filters.' : 'Upload your first file; you pay only while you keep it.'}</p>
            {filtered ? null : <Link className="button" to="/upload">Upload files</Link>}
          </div>
        ) : (
          <>
            <div className="row" style={{ marginBottom: '.5rem', minHeight: '2.25rem' }}>
              {selected.size > 0 ? (
                <button type="button" className="danger small" onClick={() => setConfirming({ ids: [...selected], label: `${selected.size} selected files` })}>
                  Delete selected ({selected.size})
                </button>
              ) : <span className="muted">{files.length} shown</span>}
              {deleter.data?.error ? <span className="error" role="alert">{deleter.data.error}</span> : null}
            </div>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th><input type="checkbox" aria-label="Select all files on this page" checked={allSelected} onChange={(event) => setSelected(event.target.checked ? new Set(files.map((f) => f.id)) : new Set())} /></th>
                    <th aria-sort={ariaSort('name')}>{sortLink('name', 'Name')}</th>
                    <th className="hide-narrow">Type</th>
                    <th className="num" aria-sort={ariaSort('size')}>{sortLink('size', 'Size')}</th>
                    <th>Tags</th>
                    <th className="hide-narrow" aria-sort={ariaSort('created')}>{sortLink('created', 'Uploaded')}</th>
                    <th><span className="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {files.map((file) => (
                    <FileRow
                      key={file.id}
                      file={file}
                      selected={selected.has(file.id)}
                      onSelect={(on) => setSelected((current) => { const next = new Set(current); on ? next.add(file.id) : next.delete(file.id); return next; })}
                      onDelete={() => setConfirming({ ids: [file.id], label: `“${file.name}”` })}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            <nav className="row" aria-label="Pages" style={{ justifyContent: 'flex-end', marginTop: '.75rem' }}>
              {query.cursor ? <Link className="button secondary small" to={withParams({ cursor: null })}>First page</Link> : null}
              {nextCursor ? <Link className="button secondary small" to={withParams({ cursor: nextCursor })}>Next page →</Link> : null}
            </nav>
          </>
        )}
      </section>
      <ConfirmDialog
        open={confirming !== null}
        title="Delete for good?"
        confirmLabel="Delete"
        busy={deleter.state !== 'idle'}
        onConfirm={confirmDelete}
        onCancel={() => setConfirming(null)}
      >
        <p>{confirming?.label} will be removed from storage and stop being billed now. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}

/**
 * Files stored or deleted elsewhere (another tab, an app using the SDK) change the live file count:
 * the list is loaded again then, and only then (not on every usage event).
 */
function useRefreshOnFileCountChange(fileCount: number | undefined): void {
  const revalidator = useRevalidator();
  const seen = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (fileCount === undefined) return;
    const before = seen.current;
    seen.current = fileCount;
    if (before !== undefined && before !== fileCount && revalidator.state === 'idle') revalidator.revalidate();
  }, [fileCount, revalidator]);
}

export function ErrorBoundary() {
  return <RouteError what="your files" />;
}
