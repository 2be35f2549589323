// The page's calls to the dashboard's own /api/uploads route, which presigns, signs parts, reports
// and completes through the SDK with the person's session, so no API token ever reaches the page.
// Failures are the SDK's error types: its retry path judges them and waits as Retry-After says.
import { BaketsuError, ConnectionError } from '@baketsu/sdk/browser';

export type UploadsIntent = 'presign' | 'parts' | 'status' | 'complete' | 'abort';

export async function callUploads<T>(intent: UploadsIntent, body: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/api/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ intent, ...body }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new ConnectionError({ message: 'The dashboard could not be reached', code: 'connection_error', cause: error });
  }
  // An ended session is answered with a redirect to /login, which fetch follows.
  if (response.redirected || response.status === 401) {
    throw new BaketsuError({ message: 'Your session has ended; sign in again', status: 401, code: 'session_ended' });
  }
  const payload = (await response.json().catch(() => ({}))) as T & { error?: string; code?: string };
  if (!response.ok) {
    throw new BaketsuError({
      message: payload.error ?? `Upload request failed (${response.status})`,
      status: response.status,
      code: payload.code,
      headers: response.headers,
    });
  }
  return payload;
}
