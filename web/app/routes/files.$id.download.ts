import type { LoaderFunctionArgs } from '@remix-run/node';
import { downloadRedirect } from '#app/lib/files.server.js';

// A short-lived URL made on demand, so a download link on the page never goes stale.
export async function loader({ request, params }: LoaderFunctionArgs) {
  return downloadRedirect(request, params.id ?? '');
}
