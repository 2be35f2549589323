import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { Field } from '#app/components/field.js';
import { devMailbox } from '#app/lib/account-mail.server.js';
import { anonymousClient } from '#app/lib/api.server.js';
import { redirectIfSignedIn } from '#app/lib/auth.server.js';
import { formErrorsFrom } from '#app/lib/problems.server.js';

export const meta: MetaFunction = () => [{ title: 'Forgot password · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await redirectIfSignedIn(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get('email') ?? '').trim();
  try {
    await anonymousClient().auth.requestPasswordReset(email);
  } catch (error) {
    return data({ sent: false as const, errors: formErrorsFrom(error), email }, { status: 400 });
  }
  // Without SMTP (npm start) the mail is in the dev mailbox; say where, there and only there.
  const devMail = (await devMailbox(email)) !== null;
  return data({ sent: true as const, email, devMail });
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  return (
    <main className="centered">
      <div className="card">
        <h1>Forgot your password?</h1>
        {result?.sent ? (
          <div role="status" className="stack" style={{ gap: '.5rem' }}>
            <p>
              If an account has the address <strong>{result.email}</strong>, a link to choose a new password is on its way. It works
              once, for one hour.
            </p>
            {result.devMail ? (
              <p className="notice">
                This Baketsu sends no mail (no SMTP server is set up): the message is in the <Link to="/dev/mailbox">dev mailbox</Link>.
              </p>
            ) : null}
          </div>
        ) : (
          <Form method="post">
            <p className="muted">Enter the address you signed up with; we will mail you a link to choose a new password.</p>
            {result?.errors.form ? <p className="alert" role="alert">{result.errors.form}</p> : null}
            <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus defaultValue={result?.email} error={result?.errors.fields.email} />
            <button type="submit" disabled={busy}>{busy ? 'Sending…' : 'Send the link'}</button>
          </Form>
        )}
        <p className="muted">
          <Link to="/login">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
