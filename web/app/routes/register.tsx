import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { Field } from '#app/components/field.js';
import { anonymousClient } from '#app/lib/api.server.js';
import { redirectIfSignedIn, signIn } from '#app/lib/auth.server.js';
import { formErrorsFrom, type FormErrors } from '#app/lib/problems.server.js';

export const meta: MetaFunction = () => [{ title: 'Create an account · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await redirectIfSignedIn(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (password !== String(form.get('confirm') ?? '')) {
    return data({ errors: { fields: { confirm: 'The passwords do not match' } } as FormErrors, email }, { status: 400 });
  }
  try {
    await anonymousClient().auth.register({ email, password });
    return await signIn(email, password, '/upload');
  } catch (error) {
    return data({ errors: formErrorsFrom(error), email }, { status: 400 });
  }
}

export default function Register() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const errors = result?.errors;
  return (
    <main className="centered">
      <div className="card">
        <h1>Create your Baketsu account</h1>
        <p className="muted">Pay only for the bytes you keep, for as long as you keep them.</p>
        <Form method="post">
          {errors?.form ? <p className="alert" role="alert">{errors.form}</p> : null}
          <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus defaultValue={result?.email} error={errors?.fields.email} />
          <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 8 characters." error={errors?.fields.password} />
          <Field label="Confirm password" name="confirm" type="password" autoComplete="new-password" required error={errors?.fields.confirm} />
          <button type="submit" disabled={busy}>{busy ? 'Creating account…' : 'Create account'}</button>
        </Form>
        <p className="muted">Already have an account? <Link to="/login">Sign in</Link></p>
      </div>
    </main>
  );
}
