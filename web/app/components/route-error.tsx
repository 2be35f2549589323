import { isRouteErrorResponse, useLocation, useRouteError } from '@remix-run/react';

function problemMessage(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string') return data.message;
  return undefined;
}

/** A page-level error state that keeps the navigation around it usable. */
export function RouteError({ what }: { what: string }) {
  const error = useRouteError();
  const { pathname } = useLocation();
  const refused = isRouteErrorResponse(error) && error.status < 500 ? problemMessage(error.data) : undefined;
  if (refused !== undefined) {
    // The address carried a value the API refused (an old page link, a folder that is gone):
    // say so and offer the same page without it, rather than "try again" with the same link.
    return (
      <div className="card" role="alert">
        <h1>This link does not work any more</h1>
        <p>{refused}</p>
        <a className="button" href={pathname}>Start over</a>
      </div>
    );
  }
  const detail = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : '';
  return (
    <div className="card" role="alert">
      <h1>Could not load {what}</h1>
      <p className="muted">The API did not answer as expected. {detail}</p>
      <a className="button" href="">Try again</a>
    </div>
  );
}
