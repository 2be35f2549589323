import { useFetcher } from '@remix-run/react';
import type { LifecycleDryRun } from '@baketsu/sdk';
import { useEffect, useRef, useState } from 'react';
import { Field } from '#app/components/field.js';
import { Money } from '#app/components/money.js';
import { formatBytes, formatCount, formatDate } from '#app/lib/format.js';

export type RuleFormAnswer =
  | { ok: true; intent: 'preview'; preview: LifecycleDryRun }
  | { ok: true; intent: 'create'; id: string }
  | { ok: false; intent: string; fields: Record<string, string>; form?: string };

const ACTION_CHOICES = [
  ['delete_older_than', 'Delete files older than', 'days'],
  ['delete_not_downloaded', 'Delete files not downloaded for', 'days'],
  ['abort_uploads', 'Abort unfinished uploads after', 'hours'],
] as const;

/** What the form holds now, to tell whether the preview shown is still of it. */
const keyOf = (form: HTMLFormElement) => JSON.stringify([...new FormData(form).entries()].filter(([name]) => name !== 'intent'));

/**
 * The New rule form. A rule is saved only after its dry run was shown for exactly what the form
 * holds: "Save rule" appears with the preview and goes away when a field changes.
 */
export function LifecycleRuleForm() {
  const fetcher = useFetcher<RuleFormAnswer>();
  const [action, setAction] = useState<string>('delete_older_than');
  const [previewedKey, setPreviewedKey] = useState<string | null>(null);
  const [currentKey, setCurrentKey] = useState<string>('');
  const [formVersion, setFormVersion] = useState(0);
  const submittedKey = useRef<string>('');
  const answer = fetcher.data;
  const preview = answer?.ok && answer.intent === 'preview' ? answer.preview : undefined;
  const fields = answer && !answer.ok ? answer.fields : {};
  const unit = ACTION_CHOICES.find(([value]) => value === action)?.[2] ?? 'days';

  useEffect(() => {
    if (fetcher.state !== 'idle' || !answer) return;
    if (answer.ok && answer.intent === 'create') {
      setFormVersion((version) => version + 1);
      setPreviewedKey(null);
      setAction('delete_older_than');
    } else if (answer.ok && answer.intent === 'preview') setPreviewedKey(submittedKey.current);
  }, [fetcher.state, answer]);

  const showPreview = preview !== undefined && previewedKey !== null && previewedKey === currentKey;
  return (
    <section className="card" aria-labelledby="new-rule">
      <h2 id="new-rule" style={{ marginTop: 0 }}>New rule</h2>
      <fetcher.Form method="post" key={formVersion} onChange={(event) => setCurrentKey(keyOf(event.currentTarget))}
        onSubmit={(event) => {
          submittedKey.current = keyOf(event.currentTarget);
          setCurrentKey(submittedKey.current);
        }}
        className="stack" noValidate>
        <Field label="Name" name="name" required maxLength={100} error={fields.name} />
        <div className="field">
          <label htmlFor="field-action">What it does</label>
          <select id="field-action" name="action" value={action} onChange={(event) => setAction(event.target.value)}>
            {ACTION_CHOICES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
          {fields.action ? <p className="error" role="alert">{fields.action}</p> : null}
        </div>
        <Field label={unit === 'days' ? 'Days' : 'Hours'} name="amount" type="number" min={1} max={unit === 'days' ? 3650 : 720} required inputMode="numeric" error={fields.amount ?? fields.days ?? fields.hours} />
        {unit === 'days' ? (
          <>
            <Field label="Only in folder (optional)" name="folder" placeholder="reports/2026" hint="The folder and every folder inside it." error={fields.folder ?? fields.folder_id} />
            <Field label="Only with tag (optional)" name="tag" maxLength={64} error={fields.tag} />
          </>
        ) : null}
        {answer && !answer.ok && answer.form ? <p className="error" role="alert">{answer.form}</p> : null}
        <div className="row">
          <button type="submit" name="intent" value="preview" className="secondary" disabled={fetcher.state !== 'idle'}>Preview</button>
          {showPreview ? <button type="submit" name="intent" value="create" disabled={fetcher.state !== 'idle'}>Save rule</button> : null}
        </div>
      </fetcher.Form>
      {showPreview ? <RulePreview preview={preview} /> : null}
      {preview && !showPreview ? <p className="muted">The form changed since the preview: preview again to save.</p> : null}
    </section>
  );
}

function RulePreview({ preview }: { preview: LifecycleDryRun }) {
  const uploads = preview.items[0]?.kind === 'upload';
  const noun = uploads ? 'unfinished upload' : 'file';
  return (
    <div className="stack" role="region" aria-label="Preview" data-preview-count={preview.count}>
      <p style={{ margin: '.75rem 0 0' }}>
        Run now, this rule would {uploads ? 'abort' : 'delete'} <strong>{formatCount(preview.count)} {noun}{preview.count === 1 ? '' : 's'}</strong> ({formatBytes(preview.bytes)}),
        saving <Money {...preview.monthly_cost_saved} /> a month (<Money {...preview.saved_this_month} /> of it this month).
      </p>
      {preview.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th>{uploads ? 'Upload' : 'File'}</th><th className="num">Size</th><th className="hide-narrow">Stored</th><th className="hide-narrow">Last downloaded</th></tr>
            </thead>
            <tbody>
              {preview.items.map((item) => (
                <tr key={item.id} data-candidate-id={item.id}>
                  <td><span className="file-name">{item.path}</span></td>
                  <td className="num">{formatBytes(item.size)}</td>
                  <td className="hide-narrow">{formatDate(item.created_at)}</td>
                  <td className="hide-narrow">{item.last_downloaded_at ? formatDate(item.last_downloaded_at) : 'Never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {preview.count > preview.items.length ? <p className="muted">The oldest {preview.items.length} are shown.</p> : null}
    </div>
  );
}
