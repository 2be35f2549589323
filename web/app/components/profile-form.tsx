import type { Account } from '@baketsu/sdk';
import { useFetcher } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { Field } from '#app/components/field.js';

type ProfileResult = { ok: boolean; intent?: string; errors?: { fields: Record<string, string>; form?: string } };

/** Posts `intent=profile` to the settings action: the display name, and an email change that waits for its link. */
export function ProfileForm({ me }: { me: Account }) {
  const saver = useFetcher<ProfileResult>();
  const result = saver.state === 'idle' ? saver.data : undefined;
  const errors = result?.ok === false ? result.errors : undefined;
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!result) return;
    if (result.ok) {
      // The password must not linger in the page; the address now shows as pending above.
      for (const name of ['email', 'current_password']) {
        const input = form.current?.elements.namedItem(name);
        if (input instanceof HTMLInputElement) input.value = '';
      }
      return;
    }
    form.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
  }, [result]);
  return (
    <section className="card" aria-labelledby="profile">
      <h2 id="profile">Profile</h2>
      <p>
        Email: <strong>{me.email}</strong>{' '}
        {me.email_verified ? <span className="ok">(confirmed)</span> : <span className="muted">(not confirmed yet)</span>}
      </p>
      {me.pending_email ? (
        <p className="notice" role="status">
          Waiting for confirmation of <strong>{me.pending_email}</strong>: open the link we mailed there. Until then you sign in with {me.email}.
        </p>
      ) : null}
      <saver.Form method="post" ref={form} className="stack" style={{ gap: '.5rem', maxWidth: '24rem' }}>
        <input type="hidden" name="intent" value="profile" />
        {errors?.form ? <p className="alert" role="alert">{errors.form}</p> : null}
        <Field id="profile-display_name" label="Display name" name="display_name" maxLength={100} defaultValue={me.display_name ?? ''} placeholder="Not set" error={errors?.fields.display_name} />
        <Field id="profile-email" label="New email address" name="email" type="email" autoComplete="email" hint="Takes effect once you open the link we mail to it." error={errors?.fields.email} />
        <Field id="profile-current_password" label="Current password (needed to change the email)" name="current_password" type="password" autoComplete="current-password" error={errors?.fields.current_password} />
        <div>
          <button type="submit" disabled={saver.state !== 'idle'}>{saver.state !== 'idle' ? 'Saving…' : 'Save profile'}</button>
          {result?.ok ? <span className="ok" role="status" style={{ marginLeft: '.5rem' }}>Saved</span> : null}
        </div>
      </saver.Form>
    </section>
  );
}
