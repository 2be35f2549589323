import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useFetcher, useLoaderData } from '@remix-run/react';
import { ApiKeys } from '#app/components/api-keys.js';
import { ChangePassword } from '#app/components/change-password.js';
import { DangerZone } from '#app/components/danger-zone.js';
import { Field } from '#app/components/field.js';
import { Money } from '#app/components/money.js';
import { RouteError } from '#app/components/route-error.js';
import { ProfileForm } from '#app/components/profile-form.js';
import { changePassword, deleteAccount, updateProfile } from '#app/lib/account.server.js';
import { requireUser } from '#app/lib/auth.server.js';
import { formatBytes, formatDate, formatMoney } from '#app/lib/format.js';
import { formErrorsFrom, type FormErrors } from '#app/lib/problems.server.js';
import { destroySession } from '#app/lib/session.server.js';

export const meta: MetaFunction = () => [{ title: 'Settings · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const [me, keys, limits] = await Promise.all([api.auth.me(), api.apiKeys.list(), api.limits.get()]);
  return data({ me, keys, limits }, { headers });
}

const SCOPES = new Set(['read', 'write', 'delete']);

export async function action({ request }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const form = await request.formData();
  try {
    switch (form.get('intent')) {
      case 'create-key': {
        const scopes = form.getAll('scopes').map(String).filter((s): s is 'read' | 'write' | 'delete' => SCOPES.has(s));
        if (scopes.length === 0) return data({ ok: false, errors: { fields: { scopes: 'Choose at least one scope' } } as FormErrors }, { status: 400, headers });
        const key = await api.apiKeys.create({ name: String(form.get('name') ?? '').trim(), scopes });
        // The only time the secret exists outside a hash: straight into this one response.
        return data({ ok: true, secret: key.secret, name: key.name, id: key.id }, { headers: { ...Object.fromEntries(headers), 'Cache-Control': 'no-store' } });
      }
      case 'revoke-key':
        await api.apiKeys.revoke(String(form.get('id') ?? ''));
        return data({ ok: true }, { headers });
      case 'change-password': {
        const result = await changePassword(api, form);
        return data(result, { status: result.ok ? 200 : 400, headers: { ...Object.fromEntries(headers), 'Cache-Control': 'no-store' } });
      }
      case 'delete-account': {
        const result = await deleteAccount(api, form);
        // Every sign-in ended with the account: the cookie goes too.
        if (result.ok) return redirect('/login?deleted=1', { headers: { 'Set-Cookie': await destroySession() } });
        return data(result, { status: 400, headers: { ...Object.fromEntries(headers), 'Cache-Control': 'no-store' } });
      }
      case 'profile': {
        const result = await updateProfile(api, await api.auth.me(), form);
        return data(result, { status: result.ok ? 200 : 400, headers: { ...Object.fromEntries(headers), 'Cache-Control': 'no-store' } });
      }
      case 'resend-verification':
        await api.auth.resendEmailVerification();
        return data({ ok: true }, { headers });
      case 'spend-cap': {
        const raw = String(form.get('monthly_spend_cap') ?? '').trim();
        await api.limits.update({ monthly_spend_cap: raw === '' ? null : raw });
        return data({ ok: true }, { headers });
      }
      default:
        return data({ ok: false, errors: { fields: {}, form: 'Unknown action' } as FormErrors }, { status: 400, headers });
    }
  } catch (error) {
    return data({ ok: false, errors: formErrorsFrom(error, { monthly_spend_cap: 'monthly_spend_cap' }) }, { status: 400, headers });
  }
}

export default function Settings() {
  const { me, keys, limits } = useLoaderData<typeof loader>();
  const capper = useFetcher<typeof action>();
  const capErrors = (capper.data as { errors?: FormErrors } | undefined)?.errors;
  return (
    <div className="stack">
      <h1>Settings</h1>
      <ProfileForm me={me} />
      <section className="card" aria-labelledby="account">
        <h2 id="account">Account</h2>
        <dl className="grid" style={{ margin: 0 }}>
          <div><dt className="muted">Member since</dt><dd style={{ margin: 0 }}>{formatDate(me.created_at)}</dd></div>
          <div><dt className="muted">Account id</dt><dd style={{ margin: 0 }}><code>{me.id}</code></dd></div>
        </dl>
      </section>
      <ChangePassword />
      <ApiKeys keys={keys} />
      <section className="card" aria-labelledby="limits">
        <h2 id="limits">Quota and spend cap</h2>
        <p>
          Using <strong>{formatBytes(limits.used_bytes)}</strong>
          {limits.storage_quota_bytes === null ? ' (no storage quota)' : <> of <strong>{formatBytes(limits.storage_quota_bytes)}</strong></>}.
          {' '}Estimated this month: <strong><Money amount={limits.estimated_monthly_cost} currency={limits.currency} /></strong>.
        </p>
        {limits.storage_quota_bytes ? <progress max={limits.storage_quota_bytes} value={limits.used_bytes} aria-label="Storage quota used" /> : null}
        <capper.Form method="post" style={{ maxWidth: '24rem', marginTop: '1rem' }}>
          <input type="hidden" name="intent" value="spend-cap" />
          {capErrors?.form ? <p className="alert" role="alert">{capErrors.form}</p> : null}
          <Field
            label={`Monthly spend cap (${limits.currency.toUpperCase()})`}
            name="monthly_spend_cap"
            inputMode="decimal"
            pattern="\d{1,9}(\.\d{1,6})?"
            defaultValue={limits.monthly_spend_cap ?? ''}
            placeholder="No cap"
            hint={limits.max_monthly_spend_cap ? `Up to ${formatMoney(limits.max_monthly_spend_cap, limits.currency)}. Empty means the highest allowed.` : 'Empty means no cap. Uploads that would pass the cap are refused.'}
            error={capErrors?.fields.monthly_spend_cap}
          />
          <button type="submit" disabled={capper.state !== 'idle'}>{capper.state !== 'idle' ? 'Saving…' : 'Save cap'}</button>
          {capper.state === 'idle' && capper.data?.ok ? <span className="ok" role="status" style={{ marginLeft: '.5rem' }}>Saved</span> : null}
        </capper.Form>
      </section>
      <DangerZone />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError what="your settings" />;
}
