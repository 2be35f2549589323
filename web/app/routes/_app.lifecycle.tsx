import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import type { LifecycleRule } from '@baketsu/sdk';
import { useEffect, useState } from 'react';
import { ConfirmDialog } from '#app/components/confirm-dialog.js';
import { LifecycleRuleForm, type RuleFormAnswer } from '#app/components/lifecycle-rule-form.js';
import { Money } from '#app/components/money.js';
import { RouteError } from '#app/components/route-error.js';
import { requireUser } from '#app/lib/auth.server.js';
import { formatBytes, formatCount, formatDate } from '#app/lib/format.js';
import { describeRule, ruleFromForm } from '#app/lib/lifecycle.server.js';
import { formErrorsFrom, pageProblemFrom } from '#app/lib/problems.server.js';

export const meta: MetaFunction = () => [{ title: 'Lifecycle rules · Baketsu' }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const selected = new URL(request.url).searchParams.get('rule');
  const rules = (await Promise.resolve(api.lifecycle.list({ limit: 50 })).catch(pageProblemFrom)).items;
  // A rule deleted meanwhile (or a stale address) simply shows no history.
  const history =
    selected && UUID.test(selected) && rules.some((rule) => rule.id === selected)
      ? await Promise.all([api.lifecycle.runs(selected, { limit: 10 }), api.lifecycle.deletions(selected, { limit: 20 })])
          .then(([runs, deletions]) => ({ ruleId: selected, runs: runs.items, deletions: deletions.items }))
          .catch(pageProblemFrom)
      : null;
  return data({ rules: rules.map((rule) => ({ ...rule, description: describeRule(rule) })), history }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const refused = (error: unknown) => {
    const errors = formErrorsFrom(error);
    return data({ ok: false as const, intent, fields: errors.fields, ...(errors.form ? { form: errors.form } : {}) } satisfies RuleFormAnswer, { status: 400, headers });
  };
  try {
    if (intent === 'preview' || intent === 'create') {
      const parsed = await ruleFromForm(api, form);
      if ('errors' in parsed) return data({ ok: false as const, intent, ...parsed.errors } satisfies RuleFormAnswer, { status: 400, headers });
      if (intent === 'preview') return data({ ok: true as const, intent, preview: await api.lifecycle.dryRun(parsed.params) } satisfies RuleFormAnswer, { headers });
      const rule = await api.lifecycle.create(parsed.params);
      return data({ ok: true as const, intent, id: rule.id } satisfies RuleFormAnswer, { headers });
    }
    const id = String(form.get('id') ?? '');
    if (intent === 'enable' || intent === 'disable') await api.lifecycle.update(id, { enabled: intent === 'enable' });
    else if (intent === 'delete') await api.lifecycle.delete(id);
    else return data({ ok: false as const, intent, fields: {}, form: 'Unknown action' }, { status: 400, headers });
    return data({ ok: true as const, intent, id }, { headers });
  } catch (error) {
    return refused(error);
  }
}

type RuleView = LifecycleRule & { description: string };

export default function LifecycleRules() {
  const { rules, history } = useLoaderData<typeof loader>();
  const changer = useFetcher<typeof action>();
  const [deleting, setDeleting] = useState<RuleView | null>(null);
  useEffect(() => {
    if (changer.state === 'idle' && changer.data) setDeleting(null);
  }, [changer.state, changer.data]);
  const selected = history ? rules.find((rule) => rule.id === history.ruleId) : undefined;

  return (
    <div className="stack">
      <h1 style={{ margin: 0 }}>Lifecycle rules</h1>
      <p className="muted" style={{ margin: 0 }}>
        Rules delete files you no longer need and abort uploads nobody finished, so old bytes stop costing money. Each rule runs about once an hour; preview one before saving it.
      </p>
      <LifecycleRuleForm />
      <section className="card" aria-label="Rules">
        {rules.length === 0 ? (
          <div className="empty">
            <h2>No rules yet</h2>
            <p className="muted">Unfinished uploads are aborted after a day by default; nothing else is ever deleted but by you.</p>
          </div>
        ) : (
          <>
            {changer.data && !changer.data.ok && changer.data.form ? <p className="error" role="alert">{changer.data.form}</p> : null}
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Rule</th>
                    <th>Status</th>
                    <th className="hide-narrow">Last run</th>
                    <th className="num">Deleted this month</th>
                    <th className="num">Saved this month</th>
                    <th><span className="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {rules.map((rule) => (
                    <tr key={rule.id} data-rule-id={rule.id}>
                      <td>
                        <span className="file-name">{rule.name}</span>
                        <div className="muted" style={{ fontSize: '.8125rem' }}>{rule.description}</div>
                      </td>
                      <td data-enabled={rule.enabled}>{rule.enabled ? 'Enabled' : 'Disabled'}</td>
                      <td className="hide-narrow">{rule.last_run ? `${formatDate(rule.last_run.started_at)} · ${rule.last_run.status}` : 'Not yet'}</td>
                      <td className="num">{formatCount(rule.this_month.deleted_files)} · {formatBytes(rule.this_month.deleted_bytes)}</td>
                      <td className="num"><Money {...rule.this_month.saved} /></td>
                      <td>
                        <div className="row" style={{ flexWrap: 'nowrap', justifyContent: 'flex-end' }}>
                          <Link className="button secondary small" to={`?rule=${rule.id}`} aria-label={`History of ${rule.name}`}>History</Link>
                          <changer.Form method="post">
                            <input type="hidden" name="id" value={rule.id} />
                            <button type="submit" name="intent" value={rule.enabled ? 'disable' : 'enable'} className="secondary small" aria-label={`${rule.enabled ? 'Disable' : 'Enable'} ${rule.name}`}>
                              {rule.enabled ? 'Disable' : 'Enable'}
                            </button>
                          </changer.Form>
                          <button type="button" className="secondary small" onClick={() => setDeleting(rule)} aria-label={`Delete ${rule.name}`}>Delete</button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
      {history && selected ? <RuleHistory rule={selected} runs={history.runs} deletions={history.deletions} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this rule?"
        confirmLabel="Delete rule"
        busy={changer.state !== 'idle'}
        onConfirm={() => deleting && changer.submit({ intent: 'delete', id: deleting.id }, { method: 'post' })}
        onCancel={() => setDeleting(null)}
      >
        <p>“{deleting?.name}” stops at once, and its history goes with it. Files it already deleted stay deleted.</p>
      </ConfirmDialog>
    </div>
  );
}

type History = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['history']>;

function RuleHistory({ rule, runs, deletions }: { rule: RuleView; runs: History['runs']; deletions: History['deletions'] }) {
  return (
    <section className="card stack" aria-labelledby="rule-history">
      <h2 id="rule-history" style={{ margin: 0 }}>History of {rule.name}</h2>
      <p className="muted" style={{ margin: 0 }}>
        This month it deleted {formatCount(rule.this_month.deleted_files)} files ({formatBytes(rule.this_month.deleted_bytes)}), saving <Money {...rule.this_month.saved} />:
        what those files would have cost to the end of the month, from the usage ledger.
      </p>
      <h3 style={{ margin: 0 }}>Runs</h3>
      {runs.length === 0 ? <p className="muted">No runs yet.</p> : (
        <ul>
          {runs.map((run) => (
            <li key={run.id}>
              {formatDate(run.started_at)}: {run.status}, {rule.action === 'abort_uploads' ? `${formatCount(run.aborted_uploads)} uploads aborted` : `${formatCount(run.deleted_files)} files deleted (${formatBytes(run.deleted_bytes)})`}
            </li>
          ))}
        </ul>
      )}
      {rule.action === 'abort_uploads' ? null : (
        <>
          <h3 style={{ margin: 0 }}>Latest deletions</h3>
          {deletions.length === 0 ? <p className="muted">Nothing deleted yet.</p> : (
            <ul>
              {deletions.map((deletion) => (
                <li key={deletion.file_id}>{deletion.name} · {formatBytes(deletion.size)} · {formatDate(deletion.deleted_at)}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError what="your lifecycle rules" />;
}
