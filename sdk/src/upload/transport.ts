// Sends one presigned PUT. fetch everywhere, with the body counted as it is pulled (Node, Deno,
// edge); in browsers fetch cannot stream a request body over HTTP/1.1 nor report upload progress,
// so there XMLHttpRequest sends it when progress is wanted. Each attempt is bounded: by `timeout`
// in all, and by `stallTimeout` without progress (no byte taken by the network, no answer).
import { abortErrorOf, BaketsuError, ConnectionError, StorageError, TimeoutError } from '../errors.js';

export type PutBody = Blob | Uint8Array | ReadableStream<Uint8Array>;

export interface PutRequest {
  url: string;
  headers: Record<string, string>;
  body: PutBody;
  size: number;
  signal: AbortSignal;
  onBytes?: ((sent: number) => void) | undefined;
  /** Milliseconds for the whole attempt; 0 or undefined: no limit. */
  timeout?: number | undefined;
  /** Milliseconds the attempt may go without sending a byte or getting its answer; 0 or undefined: no limit. */
  stallTimeout?: number | undefined;
}

/**
 * A storage PUT that makes no progress for this long is given up (and retried): long enough for a
 * congested link or storage assembling its answer, short enough that a dead connection does not
 * hold an upload for the minutes TCP takes to notice.
 */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

export interface PutResult {
  /** null when storage does not expose it (e.g. a browser without ETag in CORS). */
  etag: string | null;
}

const CHUNK = 64 * 1024;

export async function putObject(fetchImpl: typeof fetch, request: PutRequest): Promise<PutResult> {
  // An already aborted signal fires no 'abort' event, so XMLHttpRequest would send regardless, and a
  // caller's own fetch may not look; neither gets to start.
  if (request.signal.aborted) throw abortErrorOf(request.signal.reason);
  const watch = watchdog(request);
  try {
    if (typeof XMLHttpRequest !== 'undefined' && !(request.body instanceof ReadableStream)) return await xhrPut(request, watch);
    const headers = { ...request.headers, 'content-length': String(request.size) };
    const response = await fetchImpl(request.url, {
      method: 'PUT',
      headers,
      // Always counted: each slice the network takes is progress for the stall detector.
      body: countingStream(request.body, (sent) => {
        watch.progress();
        request.onBytes?.(sent);
      }),
      signal: watch.signal,
      // With redirects followed, fetch clones the request, teeing the body into a branch that is
      // never read and so holds the whole part in memory. Presigned URLs never redirect.
      redirect: 'error',
      duplex: 'half',
    } as RequestInit);
    watch.progress();
    if (!response.ok) throw storageError(response.status, await response.text().catch(() => ''), response.headers);
    await response.body?.cancel();
    return { etag: response.headers.get('etag') };
  } catch (error) {
    throw watch.failure(error);
  } finally {
    watch.dispose();
  }
}

interface Watchdog {
  /** Aborts when the caller's signal does, or when the attempt runs out of time. */
  signal: AbortSignal;
  /** Bytes moved or an answer arrived. */
  progress(): void;
  /** What a failure of this attempt is reported as: the caller's abort, a timeout, or the error. */
  failure(error: unknown): BaketsuError;
  dispose(): void;
}

function watchdog(request: PutRequest): Watchdog {
  const controller = new AbortController();
  let expired: TimeoutError | undefined;
  const expire = (code: 'timeout' | 'stalled', message: string) => {
    expired = new TimeoutError({ message, code });
    controller.abort(expired);
  };
  const onAbort = () => controller.abort(request.signal.reason);
  request.signal.addEventListener('abort', onAbort, { once: true });
  const { timeout, stallTimeout } = request;
  const overall = timeout ? setTimeout(() => expire('timeout', `Storage did not take the PUT within ${timeout} ms`), timeout) : undefined;
  // Re-armed lazily: progress only notes the time, so a 64 KiB slice costs no timer.
  let lastProgress = Date.now();
  let stall: ReturnType<typeof setTimeout> | undefined;
  const arm = (delay: number) => {
    stall = setTimeout(() => {
      const idle = Date.now() - lastProgress;
      if (idle >= stallTimeout!) expire('stalled', `The PUT to storage made no progress for ${stallTimeout} ms`);
      else arm(stallTimeout! - idle);
    }, delay);
  };
  if (stallTimeout) arm(stallTimeout);
  return {
    signal: controller.signal,
    progress: () => void (lastProgress = Date.now()),
    failure(error) {
      if (request.signal.aborted) return abortErrorOf(request.signal.reason);
      if (expired) return expired;
      if (error instanceof BaketsuError) return error;
      return new ConnectionError({ message: `Upload to storage failed: ${(error as Error)?.message ?? String(error)}`, code: 'connection_error', cause: error });
    },
    dispose() {
      clearTimeout(overall);
      clearTimeout(stall);
      request.signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Counts bytes as the request pulls them, in slices of at most 64 KiB: Node's Blob.stream() yields
 * megabytes at once, which would make progress jump.
 */
function countingStream(body: PutBody, onBytes: ((sent: number) => void) | undefined): ReadableStream<Uint8Array> {
  const reader = (body instanceof ReadableStream ? body : body instanceof Blob ? body.stream() : null)?.getReader();
  let current = body instanceof Uint8Array ? body : new Uint8Array(0);
  let offset = 0;
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (offset >= current.byteLength) {
          const next = reader ? await reader.read() : { done: true as const, value: undefined };
          if (next.done) return controller.close();
          current = next.value;
          offset = 0;
        }
        const slice = current.subarray(offset, offset + CHUNK);
        offset += slice.byteLength;
        controller.enqueue(slice);
        sent += slice.byteLength;
        onBytes?.(sent);
      },
      cancel: (reason) => reader?.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

function xhrPut(request: PutRequest, watch: Watchdog): Promise<PutResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', request.url);
    // The browser sets Content-Length itself and refuses to be told.
    for (const [name, value] of Object.entries(request.headers)) if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      watch.progress();
      request.onBytes?.(event.loaded);
    };
    xhr.onprogress = xhr.onreadystatechange = () => watch.progress();
    const onAbort = () => xhr.abort();
    watch.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => watch.signal.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      done();
      const headers = responseHeaders(xhr);
      if (xhr.status >= 200 && xhr.status < 300) resolve({ etag: headers.get('etag') });
      else reject(storageError(xhr.status, xhr.responseText, headers));
    };
    xhr.onerror = () => {
      done();
      reject(new ConnectionError({ message: 'Upload to storage failed: network error', code: 'connection_error' }));
    };
    xhr.onabort = () => {
      done();
      reject(watch.signal.reason);
    };
    xhr.send(request.body as Blob);
  });
}

/**
 * The response headers storage's CORS exposes, as Headers: Retry-After (a 503 SlowDown says how long
 * to back off), the request id and the ETag. getAllResponseHeaders lists only exposed ones, whereas
 * asking getResponseHeader for a hidden one logs an error in the page's console on every PUT.
 */
function responseHeaders(xhr: XMLHttpRequest): Headers {
  const headers = new Headers();
  for (const line of xhr.getAllResponseHeaders().split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * A single upload's PUT is create-only (its signed headers carry `If-None-Match: *`), so storage
 * answers 412 when the key already holds an object: in practice this same PUT, sent before by an
 * attempt whose answer was lost, or by another resume. Then the bytes count as sent: completing
 * checks what storage holds against the declared size (and checksum) and refuses anything else.
 */
export async function putUnlessStored(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!(error instanceof StorageError && error.status === 412)) throw error;
  }
}

/** S3 (and the local store, which mimics it) answer with `<Error><Code>…</Code><Message>…</Message>`. */
function storageError(status: number, text: string, headers: Headers | undefined): StorageError {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  return new StorageError({
    message: `Storage refused the upload: ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
    status,
    code,
    detail: message,
    requestId: headers?.get('x-amz-request-id') ?? undefined,
    headers,
  });
}
