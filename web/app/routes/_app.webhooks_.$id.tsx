import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import { RouteError } from '#app/components/route-error.js';
import { requireUser } from '#app/lib/auth.server.js';
import { formatDate } from '#app/lib/format.js';
import { pageProblemFrom } from '#app/lib/problems.server.js';
import { webhookAction, type WebhookActionResult } from '#app/lib/webhooks.server.js';

export const meta: MetaFunction = () => [{ title: 'Deliveries · Webhooks · Baketsu' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const id = params.id ?? '';
  const cursor = new URL(request.url).searchParams.get('cursor')?.slice(0, 2048) || undefined;
  const [webhook, page] = await Promise.all([
    api.webhooks.get(id),
    api.webhooks.deliveries(id, { limit: 50, ...(cursor ? { cursor } : {}) }),
  ]).catch(pageProblemFrom);
  return data({ webhook, deliveries: page.items, nextCursor: page.next_cursor ?? null, cursor: cursor ?? null }, { headers });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const form = await request.formData();
  form.set('id', params.id ?? '');
  return webhookAction(api, form, headers);
}

const STATUS_LABEL = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed' } as const;

export default function WebhookDeliveries() {
  const { webhook, deliveries, nextCursor, cursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const replayer = useFetcher<WebhookActionResult>();
  const page = (next: string | null) => {
    const search = new URLSearchParams(params);
    if (next) search.set('cursor', next);
    else search.delete('cursor');
    return `?${search}`;
  };
  return (
    <div className="stack">
      <p style={{ margin: 0 }}><Link to="/webhooks">← Webhooks</Link></p>
      <h1 style={{ margin: 0, overflowWrap: 'anywhere' }}>{webhook.url}</h1>
      <p className="muted" style={{ margin: 0 }} data-status={webhook.status}>
        {webhook.status === 'enabled' ? 'Enabled' : `Disabled: ${webhook.disabled_reason ?? ''}`} · {webhook.event_types.join(', ')}
        {webhook.failing_since ? ` · every attempt has failed since ${formatDate(webhook.failing_since)}` : ''}
      </p>
      <section className="card" aria-label="Replay">
        <replayer.Form method="post" className="row">
          <input type="hidden" name="intent" value="replay-since" />
          <label htmlFor="hours">Send again every event of the last</label>
          <select id="hours" name="hours" defaultValue="24">
            <option value="1">hour</option>
            <option value="24">day</option>
            <option value="168">week</option>
          </select>
          <button type="submit" className="secondary small" disabled={replayer.state !== 'idle'}>Replay</button>
          {replayer.data?.ok ? <span role="status">{replayer.data.replayed} queued with their original ids.</span> : null}
          {replayer.data?.errors?.form ? <span className="error" role="alert">{replayer.data.errors.form}</span> : null}
        </replayer.Form>
      </section>
      <section className="card" aria-label="Deliveries">
        {deliveries.length === 0 ? (
          <div className="empty"><h2>No deliveries yet</h2><p className="muted">Events of the chosen types show here as they are sent.</p></div>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th>Event</th><th>Status</th><th className="num">Attempts</th><th className="num">Response</th><th className="num hide-narrow">Latency</th><th className="hide-narrow">Last attempt</th><th><span className="visually-hidden">Actions</span></th></tr>
              </thead>
              <tbody>
                {deliveries.map((delivery) => (
                  <tr key={delivery.event_id} data-event-id={delivery.event_id}>
                    <td><code>{delivery.event_type}</code> <span className="muted hide-narrow"><code>{delivery.event_id}</code></span></td>
                    <td data-status={delivery.status} title={delivery.last_error ?? undefined}>
                      {STATUS_LABEL[delivery.status]}
                      {delivery.status === 'pending' && delivery.next_attempt_at ? ` (next ${formatDate(delivery.next_attempt_at)})` : ''}
                      {delivery.last_error ? <div className="muted">{delivery.last_error}</div> : null}
                    </td>
                    <td className="num">{delivery.attempts}</td>
                    <td className="num">{delivery.last_status_code ?? '—'}</td>
                    <td className="num hide-narrow">{delivery.latency_ms === null ? '—' : `${delivery.latency_ms} ms`}</td>
                    <td className="hide-narrow">{delivery.last_attempt_at ? formatDate(delivery.last_attempt_at) : '—'}</td>
                    <td>
                      <button type="button" className="secondary small" aria-label={`Send ${delivery.event_type} ${delivery.event_id} again`}
                        onClick={() => replayer.submit({ intent: 'replay-event', event_id: delivery.event_id }, { method: 'post' })}>Replay</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav className="row" aria-label="Pages" style={{ justifyContent: 'flex-end', marginTop: '.75rem' }}>
          {cursor ? <Link className="button secondary small" to={page(null)}>Newest</Link> : null}
          {nextCursor ? <Link className="button secondary small" to={page(nextCursor)}>Older →</Link> : null}
        </nav>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError what="this endpoint's deliveries" />;
}
