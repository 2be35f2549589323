import { data, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, NavLink, Outlet, isRouteErrorResponse, useFetcher, useLoaderData, useNavigation, useRouteError, useRouteLoaderData } from '@remix-run/react';
import { ThemeToggle } from '#app/components/theme-toggle.js';
import { requireUser } from '#app/lib/auth.server.js';
import type { loader as rootLoader } from '#app/root.js';
import { UploadPanel, UploadsProvider } from '#app/upload/uploads-context.js';

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  // Asked on every page, not kept in the cookie: a confirmation made in another browser shows at once.
  const me = await api.auth.me();
  return data({ account: { email: me.email, displayName: me.display_name, emailVerified: me.email_verified } }, { headers });
}

/** Until the address is confirmed the account's storage is capped; say so, and offer the link again. */
function VerifyBanner({ email }: { email: string }) {
  const resender = useFetcher<{ ok: boolean; errors?: { form?: string; fields?: Record<string, string> } }>();
  const result = resender.state === 'idle' ? resender.data : undefined;
  // A refusal (the per-account limit, typically) is said, not swallowed: the button alone looks as if nothing happened.
  const refusal = result && !result.ok ? result.errors?.form ?? Object.values(result.errors?.fields ?? {})[0] ?? 'The link could not be sent.' : undefined;
  return (
    <div className="notice" role="region" aria-label="Confirm your email address" style={{ marginBottom: '1rem' }}>
      <strong>Confirm your email address.</strong> We mailed a link to {email}. Until you use it, how much this account can store is capped.{' '}
      <resender.Form method="post" action="/settings" style={{ display: 'inline' }}>
        <input type="hidden" name="intent" value="resend-verification" />
        <button type="submit" className="secondary small" disabled={resender.state !== 'idle'}>
          {resender.state !== 'idle' ? 'Sending…' : 'Send the link again'}
        </button>
      </resender.Form>
      {result?.ok ? <span className="ok" role="status" style={{ marginLeft: '.5rem' }}>Sent</span> : null}
      {refusal ? <p className="error" role="alert" style={{ margin: '.5rem 0 0' }}>{refusal}</p> : null}
    </div>
  );
}

const LINKS = [
  ['/dashboard', 'Dashboard'],
  ['/files', 'Files'],
  ['/folders', 'Folders'],
  ['/upload', 'Upload'],
  ['/shares', 'Shared links'],
  ['/lifecycle', 'Lifecycle rules'],
  ['/webhooks', 'Webhooks'],
  ['/settings', 'Settings'],
  ['/billing', 'Billing'],
] as const;

function Shell({ email, children }: { email: string | undefined; children: React.ReactNode }) {
  const root = useRouteLoaderData<typeof rootLoader>('root');
  const navigation = useNavigation();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      {navigation.state === 'loading' ? <div className="progress-bar-global" role="progressbar" aria-label="Loading page" /> : null}
      <aside className="sidebar">
        <a className="brand" href="/dashboard">
          <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true" style={{ verticalAlign: '-4px', marginRight: '.375rem' }}>
            <rect width="32" height="32" rx="7" fill="var(--accent)" />
            <path d="M9 11h14l-2 14H11z" fill="var(--surface)" />
          </svg>
          Baketsu
        </a>
        <nav aria-label="Main">
          {LINKS.map(([to, label]) => (
            <NavLink key={to} to={to} prefetch="intent">{label}</NavLink>
          ))}
        </nav>
        <div className="account">
          {email ? <span className="email muted">{email}</span> : null}
          <div className="row">
            <ThemeToggle theme={root?.theme ?? null} />
            <Form method="post" action="/logout">
              <button type="submit" className="secondary small">Sign out</button>
            </Form>
          </div>
        </div>
      </aside>
      <main className="content" id="main" tabIndex={-1}>{children}</main>
    </div>
  );
}

export default function AppLayout() {
  const { account } = useLoaderData<typeof loader>();
  return (
    // The upload queue outlives page changes: uploads keep running and the panel shows them.
    <UploadsProvider>
      <Shell email={account.displayName ? `${account.displayName} · ${account.email}` : account.email}>
        {account.emailVerified ? null : <VerifyBanner email={account.email} />}
        <Outlet />
        <UploadPanel />
      </Shell>
    </UploadsProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : 'Unknown error';
  return (
    <Shell email={undefined}>
      <div className="card" role="alert">
        <h1>Something went wrong</h1>
        <p className="muted">{message}</p>
        <a className="button" href="">Try again</a>
      </div>
    </Shell>
  );
}
