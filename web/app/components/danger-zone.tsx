import { useFetcher } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { Field } from '#app/components/field.js';

type DeleteResult = { ok: boolean; errors?: { fields: Record<string, string>; form?: string } };

/** Posts `intent=delete-account` to the settings action; on success the action signs out and redirects. */
export function DangerZone() {
  const deleter = useFetcher<DeleteResult>();
  const form = useRef<HTMLFormElement>(null);
  const busy = deleter.state !== 'idle';
  const result = deleter.state === 'idle' ? deleter.data : undefined;
  const errors = result?.ok === false ? result.errors : undefined;

  useEffect(() => {
    if (result?.ok === false) form.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
  }, [result]);

  return (
    <section className="card danger-zone" aria-labelledby="danger-zone">
      <h2 id="danger-zone">Danger zone</h2>
      <p>
        Deleting your account deletes every file, ends every sign-in, API key and share link, and cancels your subscription
        (usage is billed up to this moment). It cannot be undone. Your email address can be used for a new account afterwards.
      </p>
      <deleter.Form method="post" ref={form} className="stack" style={{ gap: '.5rem', maxWidth: '24rem' }}>
        <input type="hidden" name="intent" value="delete-account" />
        {errors?.form ? <p className="alert" role="alert">{errors.form}</p> : null}
        <Field label="Password" name="delete_password" type="password" autoComplete="current-password" required error={errors?.fields.delete_password} />
        <div className="field">
          <label>
            <input type="checkbox" name="confirm" value="yes" required aria-invalid={errors?.fields.confirm ? true : undefined} aria-describedby={errors?.fields.confirm ? 'field-confirm-error' : undefined} />{' '}
            I understand that all my files will be deleted
          </label>
          {errors?.fields.confirm ? <p id="field-confirm-error" className="error" role="alert">{errors.fields.confirm}</p> : null}
        </div>
        <div>
          <button type="submit" className="danger" disabled={busy}>{busy ? 'Deleting…' : 'Delete account'}</button>
        </div>
      </deleter.Form>
    </section>
  );
}
