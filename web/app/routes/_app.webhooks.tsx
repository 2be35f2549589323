import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import type { Webhook } from '@baketsu/sdk';
import { useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '#app/components/confirm-dialog.js';
import { Field } from '#app/components/field.js';
import { RouteError } from '#app/components/route-error.js';
import { requireUser } from '#app/lib/auth.server.js';
import { formatDate } from '#app/lib/format.js';
import { pageProblemFrom } from '#app/lib/problems.server.js';
import { EVENT_TYPES } from '#app/lib/webhook-events.js';
import { listAllEndpoints, webhookAction, type WebhookActionResult } from '#app/lib/webhooks.server.js';

export const meta: MetaFunction = () => [{ title: 'Webhooks · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const webhooks = await listAllEndpoints(api).catch(pageProblemFrom);
  return data({ webhooks }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  return webhookAction(api, await request.formData(), headers);
}

export default function Webhooks() {
  const { webhooks } = useLoaderData<typeof loader>();
  const creator = useFetcher<WebhookActionResult>();
  const changer = useFetcher<WebhookActionResult>();
  const form = useRef<HTMLFormElement>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  useEffect(() => {
    if (creator.state === 'idle' && creator.data?.ok) form.current?.reset();
  }, [creator.state, creator.data]);
  useEffect(() => {
    if (changer.state === 'idle' && changer.data) setDeleting(null);
  }, [changer.state, changer.data]);
  const errors = creator.data?.errors;
  const secret = (creator.data?.ok && creator.data.secret) || (changer.data?.intent === 'rotate' && changer.data.secret) || undefined;

  return (
    <div className="stack">
      <h1 style={{ margin: 0 }}>Webhooks</h1>
      <p className="muted" style={{ margin: 0 }}>
        Baketsu POSTs your account’s events to these URLs, signed as the Standard Webhooks specification says. Check each
        delivery with <code>Baketsu.webhooks.verify(body, headers, secret)</code> and drop repeats by <code>webhook-id</code>.
      </p>
      {secret ? <NewSecret secret={secret} rotated={changer.data?.intent === 'rotate'} /> : null}
      <section className="card" aria-labelledby="new-webhook">
        <h2 id="new-webhook">Add an endpoint</h2>
        <creator.Form method="post" ref={form} className="stack" style={{ gap: '.5rem' }}>
          <input type="hidden" name="intent" value="create" />
          {errors?.form ? <p className="alert" role="alert">{errors.form}</p> : null}
          <Field label="URL" name="url" type="url" required maxLength={2048} placeholder="https://example.com/webhooks/baketsu" error={errors?.fields.url} />
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="muted" style={{ fontSize: '.875rem', fontWeight: 600 }}>Events</legend>
            <div className="row">
              {EVENT_TYPES.map(([type, label]) => (
                <label key={type} style={{ fontWeight: 400, display: 'flex', gap: '.25rem', alignItems: 'center' }} title={label}>
                  <input type="checkbox" name="event_types" value={type} defaultChecked={type.startsWith('file.') || type === 'folder.moved'} /> <code>{type}</code>
                </label>
              ))}
            </div>
            {errors?.fields.event_types ? <p className="error" role="alert">{errors.fields.event_types}</p> : null}
          </fieldset>
          <div className="row">
            <Field label="Only files and folders in folder (optional)" name="folder" maxLength={768} placeholder="reports/2026" error={errors?.fields.folder} />
            <Field label="Only files tagged (optional; no folder events)" name="tag" maxLength={64} placeholder="invoices" error={errors?.fields.tag} />
          </div>
          <div><button type="submit" disabled={creator.state !== 'idle'}>{creator.state !== 'idle' ? 'Adding…' : 'Add endpoint'}</button></div>
        </creator.Form>
      </section>
      <section className="card" aria-label="Endpoints">
        {webhooks.length === 0 ? (
          <div className="empty"><h2>No endpoints yet</h2><p className="muted">Add one above to hear about uploads, deletions and moves as they happen.</p></div>
        ) : (
          <div className="table-wrap">
            {changer.data?.errors?.form ? <p className="error" role="alert">{changer.data.errors.form}</p> : null}
            <table>
              <thead>
                <tr><th>URL</th><th>Status</th><th className="hide-narrow">Events</th><th className="hide-narrow">Created</th><th><span className="visually-hidden">Actions</span></th></tr>
              </thead>
              <tbody>
                {webhooks.map((webhook) => (
                  <tr key={webhook.id} data-webhook-id={webhook.id}>
                    <td><Link to={`/webhooks/${webhook.id}`} className="file-name">{webhook.url}</Link></td>
                    <td data-status={webhook.status}>
                      {webhook.status === 'enabled' ? (webhook.failing_since ? `Failing since ${formatDate(webhook.failing_since)}` : 'Enabled') : `Disabled: ${webhook.disabled_reason ?? ''}`}
                    </td>
                    <td className="hide-narrow">{webhook.event_types.join(', ')}{webhook.tag ? ` · tag ${webhook.tag}` : ''}{webhook.folder_id ? ' · one folder' : ''}</td>
                    <td className="hide-narrow">{formatDate(webhook.created_at)}</td>
                    <td>
                      <div className="row" style={{ gap: '.25rem' }}>
                        {webhook.status === 'disabled' ? (
                          <button type="button" className="small" onClick={() => changer.submit({ intent: 'enable', id: webhook.id }, { method: 'post' })}>Turn on</button>
                        ) : null}
                        <button type="button" className="secondary small" aria-label={`Rotate the secret of ${webhook.url}`}
                          onClick={() => changer.submit({ intent: 'rotate', id: webhook.id }, { method: 'post' })}>Rotate secret</button>
                        <button type="button" className="secondary small" aria-label={`Delete ${webhook.url}`} onClick={() => setDeleting(webhook)}>Delete</button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this endpoint?"
        confirmLabel="Delete"
        busy={changer.state !== 'idle'}
        onConfirm={() => deleting && changer.submit({ intent: 'delete', id: deleting.id }, { method: 'post' })}
        onCancel={() => setDeleting(null)}
      >
        <p>Nothing more is sent to {deleting?.url}, and its delivery log is deleted.</p>
      </ConfirmDialog>
    </div>
  );
}

function NewSecret({ secret, rotated }: { secret: string; rotated: boolean }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice" role="status">
      <p style={{ marginTop: 0 }}>
        {rotated
          ? 'The new signing secret. The old one keeps signing beside it for 24 hours, so switch your receiver within a day.'
          : 'The endpoint was added. Copy its signing secret now: it will not be shown again.'}
      </p>
      <div className="row">
        <code className="secret" data-testid="webhook-secret">{secret}</code>
        <button type="button" className="small" onClick={() => navigator.clipboard.writeText(secret).then(() => setCopied(true))}>{copied ? 'Copied ✓' : 'Copy'}</button>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError what="your webhooks" />;
}
