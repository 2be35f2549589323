import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { ByTypeChart, TrendChart } from '#app/components/charts.js';
import { Money } from '#app/components/money.js';
import { RouteError } from '#app/components/route-error.js';
import { UsageAlerts } from '#app/components/usage-alerts.js';
import { requireUser } from '#app/lib/auth.server.js';
import { familyLabel } from '#app/lib/file-types.js';
import { loadDashboard } from '#app/lib/dashboard.server.js';
import { saveAlertThresholds } from '#app/lib/usage-alerts.server.js';
import { formatByteTime, formatBytes, formatCount, formatDate } from '#app/lib/format.js';
import { useLiveUsage } from '#app/lib/use-live-usage.js';

export const meta: MetaFunction = () => [{ title: 'Dashboard · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, account, headers } = await requireUser(request);
  const [dashboard, alertSettings, alerts] = await Promise.all([loadDashboard(api, account.id), api.usage.alertThresholds(), api.usage.alerts({ limit: 12 })]);
  return data({ ...dashboard, alertSettings, alerts: alerts.items }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const form = await request.formData();
  if (form.get('intent') !== 'alert-thresholds') return data({ ok: false, errors: { fields: {}, form: 'Unknown action' } }, { status: 400, headers });
  const result = await saveAlertThresholds(api, String(form.get('thresholds') ?? ''));
  return data(result, { status: result.ok ? 200 : 400, headers });
}

export default function Dashboard() {
  const loaded = useLoaderData<typeof loader>();
  const d = withLiveUsage(loaded, useLiveUsage());
  return (
    <div className="stack">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1 style={{ margin: 0 }}>Dashboard</h1>
        <span className="muted" style={{ fontSize: '.8125rem' }} data-testid="as-of" data-live={d.live ? '1' : '0'}>
          {d.live ? 'Live · ' : ''}As of {formatDate(d.asOf)} UTC
        </span>
      </div>
      <section className="grid" aria-label="Usage summary">
        <Stat label="Stored" value={formatBytes(d.storedBytes)} testId="stored-bytes" raw={d.storedBytes} />
        <Stat label="Files" value={formatCount(d.fileCount)} testId="file-count" raw={d.fileCount} />
        <Stat label="Month to date" value={<Money amount={d.monthToDateCost} currency={d.currency} />} testId="mtd-cost" hint={formatByteTime(d.byteMsMonthToDate)} />
        <Stat label="Estimated this month" value={<Money amount={d.estimatedMonthlyCost} currency={d.currency} />} testId="estimated-cost" raw={d.estimatedMonthlyCost} hint="If what you keep now stays to month end" />
      </section>
      <div className="grid" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 380px), 1fr))' }}>
        <section className="card" aria-labelledby="by-type">
          <h2 id="by-type">By type</h2>
          <ByTypeChart data={d.byType} />
        </section>
        <section className="card" aria-labelledby="trend">
          <h2 id="trend">Stored, last 30 days</h2>
          <TrendChart data={d.trend} />
        </section>
      </div>
      <section className="card" aria-labelledby="costliest">
        <h2 id="costliest">Costliest files this month</h2>
        {d.costliest.length === 0 ? (
          <p className="muted">No usage yet this month. <Link to="/upload">Upload a file</Link> to get started.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead><tr><th>File</th><th className="hide-narrow">Type</th><th className="num">Size</th><th className="num">Cost so far</th></tr></thead>
              <tbody>
                {d.costliest.map((file) => (
                  <tr key={file.id}>
                    <td>{file.name ?? <span className="muted">(deleted file)</span>}{file.deleted && file.name ? <span className="muted"> (deleted)</span> : null}</td>
                    <td className="hide-narrow">{familyLabel(file.type)}</td>
                    <td className="num">{formatBytes(file.size)}</td>
                    <td className="num"><Money amount={file.cost} currency={d.currency} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <UsageAlerts settings={d.alertSettings} alerts={d.alerts} />
    </div>
  );
}

type DashboardView = ReturnType<typeof useLoaderData<typeof loader>>;

/** The page's figures with the stream's latest numbers in place of the loader's (the table of costliest files stays as loaded). */
function withLiveUsage(loaded: DashboardView, live: ReturnType<typeof useLiveUsage>): DashboardView & { live: boolean } {
  if (!live) return { ...loaded, live: false };
  const today = live.as_of.slice(0, 10);
  return {
    ...loaded,
    live: true,
    storedBytes: live.stored_bytes,
    fileCount: live.file_count,
    byType: live.by_type,
    byteMsMonthToDate: live.byte_ms_month_to_date,
    monthToDateCost: Number(live.cost_month_to_date.amount),
    estimatedMonthlyCost: live.estimated_monthly_cost.amount,
    asOf: live.as_of,
    // Today's point of the trend is what is stored now.
    trend: loaded.trend.map((day) => (day.date === today ? { ...day, storedBytes: live.stored_bytes } : day)),
  };
}

function Stat({ label, value, hint, testId, raw }: { label: string; value: React.ReactNode; hint?: string; testId: string; raw?: string | number }) {
  return (
    <div className="card stat">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId} data-value={raw}>{value}</div>
      {hint ? <div className="muted" style={{ fontSize: '.8125rem' }}>{hint}</div> : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError what="your usage" />;
}
