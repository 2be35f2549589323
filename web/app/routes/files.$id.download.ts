import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { requireUser } from '#app/lib/auth.server.js';

// A short-lived URL made on demand, so a download link on the page never goes stale.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { api } = await requireUser(request);
  const { url } = await api.files.downloadUrl(params.id ?? '');
  return redirect(url);
}
