import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError, useRouteLoaderData } from '@remix-run/react';
import { readTheme } from '#app/lib/theme.server.js';
import stylesheet from './styles.css?url';
import { useTheme } from './components/theme-toggle.js';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

// Pages set their own titles; this one is for the error pages only the root renders (a 404).
export const meta: MetaFunction = ({ error }) => {
  if (!error) return [{ title: 'Baketsu' }];
  return [{ title: isRouteErrorResponse(error) && error.status === 404 ? 'Page not found · Baketsu' : 'Something went wrong · Baketsu' }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  return { theme: await readTheme(request) };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const theme = useTheme(data?.theme ?? null);
  return (
    <html lang="en" data-theme={theme ?? undefined}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const title = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : 'Something went wrong';
  return (
    <main className="centered">
      <div className="card">
        <h1>{title}</h1>
        <p className="muted">{isRouteErrorResponse(error) && error.status === 404 ? 'There is no page here.' : 'Please try again in a moment.'}</p>
        <a className="button" href="/dashboard">Back to the dashboard</a>
      </div>
    </main>
  );
}
