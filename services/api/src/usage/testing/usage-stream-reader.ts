// A client of GET /v1/dashboard/usage/stream for tests and the benchmark: raw fetch streaming and
// eventsource-parser, so what is checked is the bytes on the wire, not the SDK's view of them.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { components } from '#src/platform/contract-types.js';

export type UsageDocument = components['schemas']['Usage'];

export interface UsageStreamEvent {
  id: string | undefined;
  event: string | undefined;
  usage: UsageDocument;
  /** performance.now() when it arrived. */
  receivedAt: number;
}

export interface UsageStreamReader {
  status: number;
  headers: Headers;
  /** A refused stream's problem document. */
  problem?: { code: string; status: number };
  events: UsageStreamEvent[];
  /** Comment lines seen (heartbeats). */
  comments: number;
  retryMs?: number;
  /** The first event no earlier `next` returned, within `timeoutMs`. */
  next(options?: { timeoutMs?: number }): Promise<UsageStreamEvent>;
  /**
   * The first event that `matches` among those from index `since` on (default: from now on). Take
   * `since` (`events.length`) before the action whose update is awaited: the update may arrive
   * before the action's own answer has been read.
   */
  waitFor(matches: (usage: UsageDocument) => boolean, options?: { timeoutMs?: number; since?: number }): Promise<UsageStreamEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openUsageStream(baseUrl: string, token: string | undefined, headers: Record<string, string> = {}): Promise<UsageStreamReader> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/v1/dashboard/usage/stream`, {
    headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    signal: abort.signal,
  });
  const events: UsageStreamEvent[] = [];
  const waiters = new Set<() => void>();
  let consumed = 0;
  const reader: UsageStreamReader = {
    status: response.status,
    headers: response.headers,
    events,
    comments: 0,
    ended: Promise.resolve(),
    async next({ timeoutMs = 5_000 } = {}) {
      const index = consumed++;
      return waitUntil(() => events[index], timeoutMs, `no usage event #${index + 1} within ${timeoutMs} ms`);
    },
    waitFor(matches, { timeoutMs = 5_000, since = events.length } = {}) {
      const from = since;
      return waitUntil(() => events.slice(from).find((event) => matches(event.usage)), timeoutMs, `no matching usage event within ${timeoutMs} ms`);
    },
    close: () => abort.abort(),
  };
  if (!response.ok || !response.body) {
    reader.problem = (await response.json()) as { code: string; status: number };
    return reader;
  }
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      events.push({ id: message.id, event: message.event, usage: JSON.parse(message.data) as UsageDocument, receivedAt: performance.now() });
      for (const wake of waiters) wake();
    },
    onComment: () => {
      reader.comments += 1;
    },
    onRetry: (ms) => {
      reader.retryMs = ms;
    },
  });
  const body = response.body.pipeThrough(new TextDecoderStream()).getReader();
  reader.ended = (async () => {
    try {
      for (let chunk = await body.read(); !chunk.done; chunk = await body.read()) parser.feed(chunk.value);
    } catch {
      // aborted by close()
    }
  })();

  function waitUntil<T>(found: () => T | undefined, timeoutMs: number, message: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = found();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(message));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }
  return reader;
}
