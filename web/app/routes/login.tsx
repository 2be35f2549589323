import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { Field } from '#app/components/field.js';
import { redirectIfSignedIn, safeRedirect, signIn } from '#app/lib/auth.server.js';
import { formErrorsFrom } from '#app/lib/problems.server.js';

export const meta: MetaFunction = () => [{ title: 'Sign in · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await redirectIfSignedIn(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const redirectTo = safeRedirect(form.get('redirectTo'));
  try {
    return await signIn(email, password, redirectTo);
  } catch (error) {
    return data({ errors: formErrorsFrom(error), email }, { status: 400 });
  }
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== 'idle';
  const errors = result?.errors;
  return (
    <main className="centered">
      <div className="card">
        <h1>Sign in to Baketsu</h1>
        {params.get('deleted') === '1' ? <p className="ok" role="status">Your account was deleted. Its files are being removed.</p> : null}
        <Form method="post" noValidate={false}>
          {errors?.form ? <p className="alert" role="alert">{errors.form}</p> : null}
          <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/dashboard'} />
          <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus defaultValue={result?.email} error={errors?.fields.email} />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors?.fields.password} />
          <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        </Form>
        <p className="muted">
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
        <p className="muted">
          New here? <Link to={{ pathname: '/register', search: params.toString() ? `?${params}` : '' }}>Create an account</Link>
        </p>
      </div>
    </main>
  );
}
