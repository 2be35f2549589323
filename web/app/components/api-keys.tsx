import { useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '#app/components/confirm-dialog.js';
import { Field } from '#app/components/field.js';
import { formatDate } from '#app/lib/format.js';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
}

type CreateResult = { ok: boolean; secret?: string; name?: string; id?: string; errors?: { fields: Record<string, string>; form?: string } };

export function ApiKeys({ keys }: { keys: ApiKey[] }) {
  const creator = useFetcher<CreateResult>();
  const revoker = useFetcher<{ ok: boolean }>();
  const form = useRef<HTMLFormElement>(null);
  const creating = creator.state !== 'idle';
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  // Keys revoked since the secret was shown: a secret that no longer opens anything leaves the screen.
  const [revokedIds, setRevokedIds] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (creator.state === 'idle' && creator.data?.ok) form.current?.reset();
  }, [creator.state, creator.data]);
  useEffect(() => {
    if (revoker.state !== 'idle' || !revoker.data || !revoking) return;
    if (revoker.data.ok) setRevokedIds((ids) => new Set(ids).add(revoking.id));
    setRevoking(null);
  }, [revoker.state, revoker.data, revoking]);
  const confirmRevoke = () => {
    if (!revoking) return;
    revoker.submit({ intent: 'revoke-key', id: revoking.id }, { method: 'post' });
  };
  const shownSecret = creator.data?.secret && !(creator.data.id && revokedIds.has(creator.data.id)) ? creator.data.secret : undefined;

  return (
    <section className="card" aria-labelledby="api-keys">
      <h2 id="api-keys">API keys</h2>
      <p className="muted">Keys let apps and scripts use Baketsu through the SDK. The secret is shown once.</p>
      {shownSecret ? <NewSecret name={creator.data?.name ?? ''} secret={shownSecret} /> : null}
      <creator.Form method="post" ref={form} className="stack" style={{ gap: '.5rem', marginBottom: '1rem' }}>
        <input type="hidden" name="intent" value="create-key" />
        {creator.data?.errors?.form ? <p className="alert" role="alert">{creator.data.errors.form}</p> : null}
        <Field label="Key name" name="name" required maxLength={100} placeholder="backup script" error={creator.data?.errors?.fields.name} />
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="muted" style={{ fontSize: '.875rem', fontWeight: 600 }}>Scopes</legend>
          <div className="row">
            {(['read', 'write', 'delete'] as const).map((scope) => (
              <label key={scope} style={{ fontWeight: 400, display: 'flex', gap: '.25rem', alignItems: 'center' }}>
                <input type="checkbox" name="scopes" value={scope} defaultChecked={scope !== 'delete'} /> {scope}
              </label>
            ))}
          </div>
          {creator.data?.errors?.fields.scopes ? <p className="error" role="alert">{creator.data.errors.fields.scopes}</p> : null}
        </fieldset>
        <div><button type="submit" disabled={creating}>{creating ? 'Creating…' : 'Create key'}</button></div>
      </creator.Form>
      {keys.length === 0 ? <p className="muted">No active keys.</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th>Name</th><th>Key</th><th className="hide-narrow">Scopes</th><th className="hide-narrow">Last used</th><th><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td><code>{key.prefix}…</code></td>
                  <td className="hide-narrow">{key.scopes.join(', ')}</td>
                  <td className="hide-narrow">{key.last_used_at ? formatDate(key.last_used_at) : 'Never'}</td>
                  <td>
                    <button type="button" className="secondary small" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>Revoke</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this key?"
        confirmLabel="Revoke"
        busyLabel="Revoking…"
        busy={revoker.state !== 'idle'}
        onConfirm={confirmRevoke}
        onCancel={() => setRevoking(null)}
      >
        <p>“{revoking?.name}” stops working at once for every app and script that uses it.</p>
      </ConfirmDialog>
    </section>
  );
}

function NewSecret({ name, secret }: { name: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice" role="status" style={{ marginBottom: '1rem' }}>
      <p style={{ marginTop: 0 }}><strong>{name}</strong> was created. Copy the secret now: it will not be shown again.</p>
      <div className="row">
        <code className="secret" data-testid="api-key-secret">{secret}</code>
        <button type="button" className="small" onClick={() => navigator.clipboard.writeText(secret).then(() => setCopied(true))}>
          {copied ? 'Copied ✓' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
