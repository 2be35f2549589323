import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Field } from '#app/components/field.js';
import { linkProblem } from '#app/lib/account-mail.server.js';
import { anonymousClient } from '#app/lib/api.server.js';
import { startSession } from '#app/lib/auth.server.js';
import { formErrorsFrom, type FormErrors } from '#app/lib/problems.server.js';

export const meta: MetaFunction = () => [{ title: 'Choose a new password · Baketsu' }];

// The token is in this page's address: no Referer may carry it anywhere, and no cache may keep it.
export const headers: HeadersFunction = () => ({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });

export async function loader({ request }: LoaderFunctionArgs) {
  return { token: new URL(request.url).searchParams.get('token') ?? '' };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const token = String(form.get('token') ?? '');
  const password = String(form.get('new_password') ?? '');
  if (password !== String(form.get('confirm_password') ?? '')) {
    return data({ errors: { fields: { confirm_password: 'The two passwords do not match' } } as FormErrors }, { status: 400 });
  }
  try {
    const tokens = await anonymousClient().auth.confirmPasswordReset({ token, new_password: password });
    return await startSession(tokens, '/dashboard');
  } catch (error) {
    const gone = linkProblem(error);
    if (gone) return data({ errors: { fields: {}, form: gone } as FormErrors }, { status: 400 });
    const errors = formErrorsFrom(error);
    // formErrorsFrom files weak_password under sign-up's `password`; here the API names the field.
    if (errors.fields.password && !errors.fields.new_password) errors.fields.new_password = errors.fields.password;
    delete errors.fields.password;
    return data({ errors }, { status: 400 });
  }
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const errors = result?.errors;
  return (
    <main className="centered">
      <div className="card">
        <h1>Choose a new password</h1>
        {token === '' ? (
          <p className="alert" role="alert">This page needs the link from the reset mail. <Link to="/forgot-password">Ask for one</Link>.</p>
        ) : (
          <Form method="post">
            <p className="muted">Every browser and app signed in to your account will be signed out; this one will be signed in.</p>
            {errors?.form ? (
              <p className="alert" role="alert">
                {errors.form} <Link to="/forgot-password">Ask for a new link</Link>
              </p>
            ) : null}
            <input type="hidden" name="token" value={token} />
            <Field label="New password" name="new_password" type="password" autoComplete="new-password" required minLength={8} maxLength={256} autoFocus hint="At least 8 characters." error={errors?.fields.new_password} />
            <Field label="Repeat the new password" name="confirm_password" type="password" autoComplete="new-password" required error={errors?.fields.confirm_password} />
            <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Set the password and sign in'}</button>
          </Form>
        )}
      </div>
    </main>
  );
}
