// The public page of a share link: no session, no account. It shows what the link offers, asks for
// the password when there is one, and answers a link that no longer works with a clear page and
// its HTTP status (410, or 404 for a token that never existed), never the file.
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Field } from '#app/components/field.js';
import { clientAddress } from '#app/lib/client-address.js';
import { fileTypeLabel } from '#app/lib/file-types.js';
import { formatBytes, formatDate } from '#app/lib/format.js';
import { downloadThroughLink, publicPage, type PublicPage } from '#app/lib/shares.server.js';

// The token is in the URL: nothing here may be cached or indexed.
const PRIVATE = { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' };

export const headers: HeadersFunction = () => PRIVATE;

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => {
  const share = loaded?.page.state === 'ready' ? loaded.page.share : undefined;
  return [{ title: share?.name ? `${share.name} · Baketsu` : 'Shared file · Baketsu' }, { name: 'robots', content: 'noindex' }];
};

export async function loader({ params }: LoaderFunctionArgs) {
  const { page, status } = await publicPage(params.token ?? '');
  return data({ page }, { status, headers: PRIVATE });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const password = form.get('password');
  const attempt = await downloadThroughLink(params.token ?? '', typeof password === 'string' ? password : undefined, clientAddress(request));
  // See Other: the browser GETs the short-lived storage URL, which answers as an attachment.
  if (attempt.ok) return redirect(attempt.url, { status: 303, headers: PRIVATE });
  return data(attempt, { status: attempt.status, headers: PRIVATE });
}

export default function SharedFile() {
  const loaded = useLoaderData<typeof loader>();
  const attempt = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const page: PublicPage = (attempt && !attempt.ok && attempt.page) || loaded.page;

  return (
    <main className="centered">
      <div className="card" data-share-state={page.state}>
        {page.state === 'unknown' ? (
          <>
            <h1>This link does not exist</h1>
            <p className="muted">Check that it was copied whole, or ask whoever sent it for a new one.</p>
          </>
        ) : page.state === 'gone' ? (
          <>
            <h1>{page.title}</h1>
            <p className="muted" data-code={page.code}>{page.detail}</p>
            <p className="muted">The file is not available through this link any more.</p>
          </>
        ) : (
          <>
            <p className="muted" style={{ margin: 0 }}>Shared with you through Baketsu</p>
            {page.share.password_required ? (
              <h1>This file is protected by a password</h1>
            ) : (
              <>
                <h1 className="file-name" style={{ overflowWrap: 'anywhere' }}>{page.share.name}</h1>
                <p className="muted" data-size={page.share.size}>
                  {formatBytes(page.share.size ?? 0)} · {fileTypeLabel(page.share.content_type ?? '')}
                </p>
              </>
            )}
            {page.share.expires_at ? <p className="muted">Available until {formatDate(page.share.expires_at)} (UTC).</p> : null}
            {page.share.downloads_remaining !== null ? (
              <p className="muted">{page.share.downloads_remaining} download{page.share.downloads_remaining === 1 ? '' : 's'} left.</p>
            ) : null}
            {attempt && !attempt.ok && attempt.message ? <p className="alert" role="alert">{attempt.message}</p> : null}
            {/* A document form: the answer is a redirect to the file, which the browser saves. */}
            <Form method="post" reloadDocument>
              {page.share.password_required ? (
                <Field label="Password" name="password" type="password" autoComplete="off" required autoFocus maxLength={256}
                  error={attempt && !attempt.ok ? attempt.passwordError : undefined} />
              ) : null}
              <button type="submit" disabled={busy}>Download</button>
            </Form>
          </>
        )}
      </div>
    </main>
  );
}
