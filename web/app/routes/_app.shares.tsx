import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import type { Share } from '@baketsu/sdk';
import { useEffect, useState } from 'react';
import { ConfirmDialog } from '#app/components/confirm-dialog.js';
import { RouteError } from '#app/components/route-error.js';
import { requireUser } from '#app/lib/auth.server.js';
import { formatBytes, formatCount, formatDate } from '#app/lib/format.js';
import { formErrorsFrom, pageProblemFrom } from '#app/lib/problems.server.js';
import { listShares } from '#app/lib/shares.server.js';

export const meta: MetaFunction = () => [{ title: 'Shared links · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const cursor = new URL(request.url).searchParams.get('cursor')?.slice(0, 2048) || undefined;
  const page = await listShares(api, cursor).catch(pageProblemFrom);
  return data({ shares: page.items, nextCursor: page.next_cursor ?? null, cursor: cursor ?? null }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const form = await request.formData();
  if (form.get('intent') !== 'revoke') return data({ ok: false, error: 'Unknown action' }, { status: 400, headers });
  try {
    await api.shares.revoke(String(form.get('id') ?? ''));
    return data({ ok: true, error: undefined }, { headers });
  } catch (error) {
    const errors = formErrorsFrom(error);
    return data({ ok: false, error: errors.form ?? Object.values(errors.fields).join(' ') }, { status: 400, headers });
  }
}

const STATUS_LABEL: Record<Share['status'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  exhausted: 'Used up',
  target_deleted: 'Deleted',
};

export default function Shares() {
  const { shares, nextCursor, cursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const revoker = useFetcher<typeof action>();
  const [confirming, setConfirming] = useState<Share | null>(null);
  useEffect(() => {
    if (revoker.state === 'idle' && revoker.data) setConfirming(null);
  }, [revoker.state, revoker.data]);
  const totalBytes = shares.reduce((sum, share) => sum + share.bytes_served, 0);
  const page = (next: string | null) => {
    const search = new URLSearchParams(params);
    if (next) search.set('cursor', next);
    else search.delete('cursor');
    return `?${search}`;
  };

  return (
    <div className="stack">
      <h1 style={{ margin: 0 }}>Shared links</h1>
      <p className="muted" style={{ margin: 0 }}>
        Every link you made, with what it has served. Downloads through links are not billed yet; bytes served show what each link would cost.
      </p>
      <section className="card" aria-label="Shared links">
        {shares.length === 0 ? (
          <div className="empty">
            <h2>No shared links yet</h2>
            <p className="muted">Use “Share” on a file to make a link anyone can download it with.</p>
            <Link className="button" to="/files">Go to your files</Link>
          </div>
        ) : (
          <>
            <div className="row" style={{ marginBottom: '.5rem', minHeight: '2.25rem' }}>
              <span className="muted">{shares.length} shown · {formatBytes(totalBytes)} served</span>
              {revoker.data?.error ? <span className="error" role="alert">{revoker.data.error}</span> : null}
            </div>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>File</th>
                    <th>Status</th>
                    <th className="num">Downloads</th>
                    <th className="num">Bytes served</th>
                    <th className="hide-narrow">Last download</th>
                    <th className="hide-narrow">Expires</th>
                    <th className="hide-narrow">Created</th>
                    <th><span className="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {shares.map((share) => (
                    <tr key={share.id} data-share-id={share.id}>
                      <td>
                        <span className="file-name">{share.target.name}</span>
                        {share.target.type === 'folder' ? <span className="tag" title="Every file in this folder">folder</span> : null}
                        {share.password_protected ? <span className="tag" title="Needs a password">password</span> : null}
                      </td>
                      <td data-status={share.status}>{STATUS_LABEL[share.status]}</td>
                      <td className="num" data-downloads>
                        {formatCount(share.download_count)}{share.max_downloads === null ? '' : ` / ${formatCount(share.max_downloads)}`}
                      </td>
                      <td className="num" data-bytes-served={share.bytes_served}>{formatBytes(share.bytes_served)}</td>
                      <td className="hide-narrow">{share.last_download_at ? formatDate(share.last_download_at) : '—'}</td>
                      <td className="hide-narrow">{share.expires_at ? formatDate(share.expires_at) : 'Never'}</td>
                      <td className="hide-narrow">{formatDate(share.created_at)}</td>
                      <td>
                        {share.status === 'revoked' ? null : (
                          <button type="button" className="secondary small" onClick={() => setConfirming(share)} aria-label={`Revoke the link to ${share.target.name}`}>
                            Revoke
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav className="row" aria-label="Pages" style={{ justifyContent: 'flex-end', marginTop: '.75rem' }}>
              {cursor ? <Link className="button secondary small" to={page(null)}>First page</Link> : null}
              {nextCursor ? <Link className="button secondary small" to={page(nextCursor)}>Next page →</Link> : null}
            </nav>
          </>
        )}
      </section>
      <ConfirmDialog
        open={confirming !== null}
        title="Revoke this link?"
        confirmLabel="Revoke"
        busy={revoker.state !== 'idle'}
        onConfirm={() => confirming && revoker.submit({ intent: 'revoke', id: confirming.id }, { method: 'post' })}
        onCancel={() => setConfirming(null)}
      >
        <p>The link to “{confirming?.target.name}” stops working at once. Anyone who opens it will be told it was revoked.</p>
      </ConfirmDialog>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError what="your shared links" />;
}
