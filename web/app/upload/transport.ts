// Browser side of uploads: talks to the dashboard's own /api/uploads route (which presigns through
// the SDK with the person's session) and PUTs bytes straight to storage with XHR, the one browser
// API that reports upload progress.

export class UploadError extends Error {
  constructor(message: string, readonly status?: number, readonly retryable = false) {
    super(message);
  }
}

export async function callUploads<T>(intent: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/api/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ intent, ...body }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new UploadError('The dashboard could not be reached', undefined, true);
  }
  if (response.redirected || response.status === 401) throw new UploadError('Your session has ended; sign in again', 401);
  const payload = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new UploadError(payload.error ?? `Upload request failed (${response.status})`, response.status, response.status >= 500);
  return payload;
}

// Set by the browser itself; sending them would make XHR throw.
const FORBIDDEN_HEADERS = new Set(['content-length', 'host', 'connection', 'expect']);

export function putBytes(
  url: string,
  headers: Record<string, string>,
  body: Blob,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // A listener added to a signal that has already fired never runs: check first, or the PUT would
    // go ahead after the person pressed Cancel.
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) {
      if (!FORBIDDEN_HEADERS.has(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size);
        resolve();
      } else {
        // 403 is usually an expired signature: worth re-signing and retrying.
        reject(new UploadError(`Storage refused the upload (${xhr.status})`, xhr.status, xhr.status === 403 || xhr.status >= 500));
      }
    };
    xhr.onerror = () => reject(new UploadError('The connection to storage failed', undefined, true));
    const abort = () => xhr.abort();
    signal.addEventListener('abort', abort, { once: true });
    xhr.onabort = () => reject(abortReason(signal));
    xhr.onloadend = () => signal.removeEventListener('abort', abort);
    xhr.send(body);
  });
}

export async function withRetry<T>(attempt: () => Promise<T>, signal: AbortSignal, tries = 4): Promise<T> {
  for (let round = 1; ; round += 1) {
    if (signal.aborted) throw abortReason(signal);
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof UploadError && error.retryable;
      if (!retryable || round >= tries || signal.aborted) throw error;
      const delay = Math.min(8_000, 500 * 2 ** round) * (0.5 + Math.random() / 2);
      await sleep(delay, signal);
    }
  }
}

/** Waits `ms`, or rejects as soon as `signal` aborts: a cancelled upload must not wait out a backoff. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}
