import { isRouteErrorResponse, useRouteError } from '@remix-run/react';

/** A page-level error state that keeps the navigation around it usable. */
export function RouteError({ what }: { what: string }) {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : '';
  return (
    <div className="card" role="alert">
      <h1>Could not load {what}</h1>
      <p className="muted">The API did not answer as expected. {detail}</p>
      <a className="button" href="">Try again</a>
    </div>
  );
}
