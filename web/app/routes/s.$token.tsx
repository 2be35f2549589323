// The public page of a share link: no session, no account. It shows what the link offers, asks for
// the password when there is one, and answers a link that no longer works with a clear page and
// its HTTP status (410, or 404 for a token that never existed), never the file.
import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Field } from '#app/components/field.js';
import { SharedFolder } from '#app/components/shared-folder.js';
import { clientAddress } from '#app/lib/client-address.js';
import { fileTypeLabel } from '#app/lib/file-types.js';
import { formatBytes, formatDate } from '#app/lib/format.js';
import { downloadThroughLink, filesThroughLink, publicPage, type FilesAttempt, type PublicPage } from '#app/lib/shares.server.js';

// The token is in the URL: nothing here may be cached or indexed.
const PRIVATE = { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' };

export const headers: HeadersFunction = () => PRIVATE;

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => {
  const share = loaded?.page.state === 'ready' ? loaded.page.share : undefined;
  const fallback = share?.type === 'folder' ? 'Shared folder · Baketsu' : 'Shared file · Baketsu';
  return [{ title: share?.name ? `${share.name} · Baketsu` : fallback }, { name: 'robots', content: 'noindex' }];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = params.token ?? '';
  const { page, status } = await publicPage(token);
  // An open folder link lists its files at once; a protected one waits for the password.
  if (page.state === 'ready' && page.share.type === 'folder' && !page.share.password_required) {
    const cursor = new URL(request.url).searchParams.get('cursor') ?? undefined;
    const files: FilesAttempt = await filesThroughLink(token, undefined, clientAddress(request), cursor);
    if (!files.ok) return data({ page: files.page ?? page, files: undefined }, { status: files.status, headers: PRIVATE });
    return data({ page, files }, { status, headers: PRIVATE });
  }
  return data({ page, files: undefined }, { status, headers: PRIVATE });
}

const text = (value: FormDataEntryValue | null) => (typeof value === 'string' && value !== '' ? value : undefined);

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const token = params.token ?? '';
  const password = text(form.get('password'));
  if (form.get('intent') === 'unlock') {
    const files = await filesThroughLink(token, password, clientAddress(request));
    return data({ ...files, unlocked: files.ok ? files : undefined }, { status: files.ok ? 200 : files.status, headers: PRIVATE });
  }
  const attempt = await downloadThroughLink(token, password, clientAddress(request), text(form.get('file_id')));
  // See Other: the browser GETs the short-lived storage URL, which answers as an attachment.
  if (attempt.ok) return redirect(attempt.url, { status: 303, headers: PRIVATE });
  return data({ ...attempt, unlocked: undefined }, { status: attempt.status, headers: PRIVATE });
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
            <p className="muted">Nothing is available through this link any more.</p>
          </>
        ) : (
          <>
            <p className="muted" style={{ margin: 0 }}>Shared with you through Baketsu</p>
            {page.share.type === 'folder' ? (
              <SharedFolder
                name={page.share.name}
                passwordRequired={page.share.password_required}
                files={(attempt && 'unlocked' in attempt ? attempt.unlocked?.files : undefined) ?? (loaded.files?.ok ? loaded.files.files : undefined)}
                nextCursor={loaded.files?.ok ? loaded.files.nextCursor : undefined}
                passwordError={attempt && !attempt.ok ? attempt.passwordError : undefined}
                busy={busy}
              />
            ) : page.share.password_required ? (
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
            {page.share.type === 'file' ? (
              // A document form: the answer is a redirect to the file, which the browser saves.
              <Form method="post" reloadDocument>
                {page.share.password_required ? (
                  <Field label="Password" name="password" type="password" autoComplete="off" required autoFocus maxLength={256}
                    error={attempt && !attempt.ok ? attempt.passwordError : undefined} />
                ) : null}
                <button type="submit" disabled={busy}>Download</button>
              </Form>
            ) : null}
          </>
        )}
      </div>
    </main>
  );
}
