// The dashboard's live usage for the browser's EventSource, which cannot send an Authorization
// header: the session cookie signs the request in here, and the server watches the API's stream
// with the access token it keeps (the token never reaches the page, and never sits in a URL). Each
// API event is passed on with its id, so the browser's Last-Event-ID resumes through this route.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireUser } from '#app/lib/auth.server.js';
import { usageEventStream } from '#app/lib/usage-stream.server.js';

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const lastEventId = request.headers.get('last-event-id') ?? undefined;
  const body = usageEventStream(api.usage.watch({ signal: request.signal, ...(lastEventId ? { lastEventId } : {}) }));
  headers.set('Content-Type', 'text/event-stream; charset=utf-8');
  headers.set('Cache-Control', 'no-cache, no-transform');
  headers.set('X-Accel-Buffering', 'no');
  return new Response(body, { headers });
}
