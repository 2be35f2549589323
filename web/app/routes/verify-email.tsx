import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { linkProblem } from '#app/lib/account-mail.server.js';
import { anonymousClient } from '#app/lib/api.server.js';
import { optionalUser } from '#app/lib/auth.server.js';
import { formErrorsFrom } from '#app/lib/problems.server.js';

export const meta: MetaFunction = () => [{ title: 'Confirm your address · Baketsu' }];

export const headers: HeadersFunction = () => ({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });

export async function loader({ request }: LoaderFunctionArgs) {
  return { token: new URL(request.url).searchParams.get('token') ?? '', signedIn: (await optionalUser(request)) !== null };
}

// Confirming is a button, not the page load: mail scanners open links, and must not use them up
// (or move an account to a new address) on the person's behalf.
export async function action({ request }: ActionFunctionArgs) {
  const token = String((await request.formData()).get('token') ?? '');
  try {
    const account = await anonymousClient().auth.verifyEmail(token);
    return data({ ok: true as const, email: account.email });
  } catch (error) {
    const gone = linkProblem(error);
    if (gone) return data({ ok: false as const, message: gone }, { status: 400 });
    const errors = formErrorsFrom(error);
    return data({ ok: false as const, message: errors.form ?? Object.values(errors.fields)[0] ?? 'The address could not be confirmed.' }, { status: 400 });
  }
}

export default function VerifyEmail() {
  const { token, signedIn } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const onward = signedIn ? <Link to="/dashboard">Go to the dashboard</Link> : <Link to="/login">Sign in</Link>;
  return (
    <main className="centered">
      <div className="card">
        <h1>Confirm your email address</h1>
        {result?.ok ? (
          <p role="status" className="ok">
            <strong>{result.email}</strong> is confirmed. {onward}
          </p>
        ) : token === '' ? (
          <p className="alert" role="alert">This page needs the link from the mail we sent you.</p>
        ) : (
          <Form method="post">
            {result && !result.ok ? <p className="alert" role="alert">{result.message}</p> : null}
            <input type="hidden" name="token" value={token} />
            <button type="submit" disabled={busy}>{busy ? 'Confirming…' : 'Confirm my address'}</button>
          </Form>
        )}
      </div>
    </main>
  );
}
