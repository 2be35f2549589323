import { useFetcher } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { Field } from '#app/components/field.js';

type ChangeResult = { ok: boolean; errors?: { fields: Record<string, string>; form?: string } };

/** Posts `intent=change-password` to the settings action (app/lib/account.server.ts). */
export function ChangePassword() {
  const changer = useFetcher<ChangeResult>();
  const form = useRef<HTMLFormElement>(null);
  const busy = changer.state !== 'idle';
  const result = changer.state === 'idle' ? changer.data : undefined;
  const errors = result?.ok === false ? result.errors : undefined;

  useEffect(() => {
    if (!result) return;
    if (result.ok) {
      form.current?.reset();
      return;
    }
    // Keyboard and screen-reader users land on the first field to fix.
    form.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
  }, [result]);

  return (
    <section className="card" aria-labelledby="change-password">
      <h2 id="change-password">Change password</h2>
      <p className="muted">Changing it signs out every other browser and app signed in with your password. This one stays signed in.</p>
      <changer.Form method="post" ref={form} className="stack" style={{ gap: '.5rem', maxWidth: '24rem' }}>
        <input type="hidden" name="intent" value="change-password" />
        {errors?.form ? <p className="alert" role="alert">{errors.form}</p> : null}
        <Field
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          error={errors?.fields.current_password}
        />
        <Field
          label="New password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={256}
          hint="At least 8 characters."
          error={errors?.fields.new_password}
        />
        <Field
          label="Confirm new password"
          name="confirm_password"
          type="password"
          autoComplete="new-password"
          required
          error={errors?.fields.confirm_password}
        />
        <div>
          <button type="submit" disabled={busy}>{busy ? 'Changing…' : 'Change password'}</button>
          <span role="status" className="ok" style={{ marginLeft: '.5rem' }}>
            {result?.ok ? 'Password changed. Other sign-ins have been ended.' : ''}
          </span>
        </div>
      </changer.Form>
    </section>
  );
}
