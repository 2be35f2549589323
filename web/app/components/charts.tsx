// Charts render in the browser only (they measure their container); the server sends the same
// figures as a table for screen readers and for the moment before the chart code arrives.
import { lazy, Suspense, useEffect, useState } from 'react';
import { familyLabel } from '#app/lib/file-types.js';
import { formatBytes } from '#app/lib/format.js';

const ByTypeBars = lazy(() => import('./chart-views.js').then((module) => ({ default: module.ByTypeBars })));
const TrendArea = lazy(() => import('./chart-views.js').then((module) => ({ default: module.TrendArea })));

function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

const loading = <p className="muted" role="status">Loading chart…</p>;

export function ByTypeChart({ data }: { data: Array<{ type: string; bytes: number; files: number }> }) {
  const hydrated = useHydrated();
  return (
    <figure style={{ margin: 0 }}>
      <div style={{ height: 240 }} aria-hidden="true">
        {data.length === 0 ? <p className="muted">Nothing stored yet.</p> : hydrated ? <Suspense fallback={loading}><ByTypeBars data={data} /></Suspense> : loading}
      </div>
      {/* Wrapped: a table box ignores overflow, so hidden on its own it would still stretch the page. */}
      <div className="visually-hidden">
        <table>
          <caption>Stored bytes by type</caption>
          <tbody>{data.map((row) => <tr key={row.type}><th>{familyLabel(row.type)}</th><td>{formatBytes(row.bytes)}</td><td>{row.files} files</td></tr>)}</tbody>
        </table>
      </div>
    </figure>
  );
}

export function TrendChart({ data }: { data: Array<{ date: string; storedBytes: number }> }) {
  const hydrated = useHydrated();
  return (
    <figure style={{ margin: 0 }}>
      <div style={{ height: 240 }} aria-hidden="true">
        {hydrated ? <Suspense fallback={loading}><TrendArea data={data} /></Suspense> : loading}
      </div>
      <div className="visually-hidden">
        <table>
          <caption>Stored bytes per day, last 30 days</caption>
          <tbody>{data.map((row) => <tr key={row.date}><th>{row.date}</th><td>{formatBytes(row.storedBytes)}</td></tr>)}</tbody>
        </table>
      </div>
    </figure>
  );
}
