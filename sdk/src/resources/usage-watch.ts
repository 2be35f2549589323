// `usage.watch()`: the live usage stream (Server-Sent Events) read over fetch streaming, so it works
// wherever fetch does (Node, browsers, workers, edge runtimes), with headers EventSource cannot send.
// Parsing is eventsource-parser's; reconnecting (with Last-Event-ID, and backoff) is ours.
import { createParser } from 'eventsource-parser';
import { BaketsuError, ConnectionError, retryAfterMs } from '../errors.js';
import type { HttpClient } from '../http.js';
import { backoffMs, isTransient, sleep } from '../retry.js';
import type { Usage } from '../types.js';

/** One event of the stream: the account's usage when it was read, and the event's id. */
export interface UsageUpdate {
  /** The SSE event id; pass it as `lastEventId` to resume from here in a later watch. */
  id: string;
  usage: Usage;
}

export interface UsageWatchOptions {
  /** Ends the watch: the iteration finishes (no error) and the connection is closed. */
  signal?: AbortSignal;
  /** The id of the last update a previous watch saw (sent as `Last-Event-ID`). */
  lastEventId?: string;
  /**
   * With nothing received for this long (not even a heartbeat), the connection is taken for dead
   * and reopened. Default 45 000 ms: three of the server's default heartbeats.
   */
  idleTimeout?: number;
  /** Sent with every connection. */
  headers?: Record<string, string>;
}

export const WATCH_OPTION_KEYS = ['signal', 'lastEventId', 'idleTimeout', 'headers'] as const;
const STREAM_PATH = '/v1/dashboard/usage/stream';

class IdleTimeout extends Error {
  override readonly name = 'IdleTimeout';
}

/**
 * Yields every usage update until `signal` aborts. A dropped connection, a server restart, a 429 or
 * a 5xx is retried with backoff (a server's Retry-After or `retry:` wins) and resumed with
 * Last-Event-ID; a refusal that retrying cannot fix (401, 403) ends the iteration with its error.
 */
export async function* watchUsage(http: HttpClient, options: UsageWatchOptions = {}): AsyncGenerator<UsageUpdate, void, undefined> {
  const { signal } = options;
  const idleTimeout = options.idleTimeout ?? 45_000;
  let lastEventId = options.lastEventId;
  let failures = 0;
  let serverRetryMs: number | undefined;

  while (!signal?.aborted) {
    const connection = new AbortController();
    const stop = () => connection.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => connection.abort(new IdleTimeout(`nothing received for ${idleTimeout} ms`)), idleTimeout);
    };
    let delay: number | undefined;
    let received = 0;
    try {
      armIdle();
      const headers = { ...options.headers, ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) };
      const response = await http.openStream(STREAM_PATH, { signal: connection.signal, headers });
      const updates: UsageUpdate[] = [];
      const parser = createParser({
        onEvent(message) {
          if (message.event !== 'usage') return;
          updates.push({ id: message.id ?? '', usage: JSON.parse(message.data) as Usage });
        },
        onRetry(ms) {
          serverRetryMs = ms;
        },
      });
      if (!response.body) throw new ConnectionError({ message: 'The usage stream has no body', code: 'connection_error' });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      try {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          armIdle();
          parser.feed(decoder.decode(chunk.value, { stream: true }));
          for (let update = updates.shift(); update; update = updates.shift()) {
            lastEventId = update.id || lastEventId;
            received += 1;
            failures = 0;
            yield update;
          }
        }
      } finally {
        reader.releaseLock();
      }
      // The server ended the stream (its lifetime, a restart): reconnect at once if it was
      // serving, after a backoff if it ends streams before sending anything.
      if (received > 0) delay = 0;
    } catch (error) {
      if (signal?.aborted) return;
      if (!isRetryable(error, connection.signal)) throw error;
      if (error instanceof BaketsuError) delay = retryAfterMs(error.headers, error.problem);
    } finally {
      clearTimeout(idleTimer);
      signal?.removeEventListener('abort', stop);
      connection.abort();
    }
    if (delay === undefined) {
      delay = Math.max(serverRetryMs ?? 0, backoffMs(failures));
      failures += 1;
    }
    if (delay > 0) await sleep(delay, signal).catch(() => undefined);
  }
}

function isRetryable(error: unknown, connection: AbortSignal): boolean {
  if (connection.reason instanceof IdleTimeout) return true;
  if (error instanceof BaketsuError) return isTransient(error);
  // fetch rejects a dropped connection mid-body with a TypeError (or a runtime's own network error).
  return error instanceof TypeError || (error instanceof Error && /terminated|socket|network|ECONN|aborted/i.test(error.message));
}
