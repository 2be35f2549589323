import { describe, expect, it } from 'vitest';
import { Baketsu } from '../client.js';
import { AuthenticationError } from '../errors.js';
import type { Usage } from '../types.js';

const usage = (files: number): Usage => ({
  stored_bytes: files * 10,
  file_count: files,
  by_type: [],
  byte_ms_month_to_date: '0',
  cost_month_to_date: { amount: '0.000000', currency: 'usd' },
  estimated_monthly_cost: { amount: '0.00', currency: 'usd' },
  as_of: '2026-11-20T12:00:00.000Z',
});

const event = (id: string, files: number) => `id: ${id}\nevent: usage\ndata: ${JSON.stringify(usage(files))}\n\n`;

/** A fetch that answers each connection with the next script: a stream of chunks, then an end (or a hang). */
function scriptedFetch(scripts: Array<{ status?: number; chunks?: string[]; hang?: boolean; headers?: Record<string, string> }>) {
  const requests: Array<{ url: string; headers: Headers }> = [];
  const fetch = (async (input: string | URL, init?: RequestInit) => {
    requests.push({ url: String(input), headers: new Headers(init?.headers) });
    const script = scripts.shift() ?? { hang: true, chunks: [] };
    if (script.status && script.status !== 200) {
      return new Response(JSON.stringify({ status: script.status, code: script.status === 401 ? 'invalid_token' : 'too_many_streams', title: 'no' }), {
        status: script.status,
        headers: { 'content-type': 'application/problem+json', ...script.headers },
      });
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of script.chunks ?? []) controller.enqueue(new TextEncoder().encode(chunk));
        if (!script.hang) controller.close();
        init?.signal?.addEventListener('abort', () => controller.error(init.signal?.reason));
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

describe('usage.watch', () => {
  it('yields updates, reconnects with Last-Event-ID when the stream ends, and finishes when the signal aborts', async () => {
    const { fetch, requests } = scriptedFetch([
      // Split mid-event: the parser joins chunks.
      { chunks: ['retry: 10\n\n', event('a-1', 1).slice(0, 20), event('a-1', 1).slice(20), ': heartbeat\n\n', event('a-2', 2)] },
      { chunks: [event('b-1', 3)], hang: true },
    ]);
    const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch });
    const controller = new AbortController();
    const seen: Array<[string, number]> = [];
    for await (const update of client.usage.watch({ signal: controller.signal })) {
      seen.push([update.id, update.usage.file_count]);
      if (seen.length === 3) controller.abort();
    }
    expect(seen).toEqual([['a-1', 1], ['a-2', 2], ['b-1', 3]]);
    expect(requests.map((request) => request.url)).toEqual(['http://api/v1/dashboard/usage/stream', 'http://api/v1/dashboard/usage/stream']);
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer bk_x');
    expect(requests[0]!.headers.get('accept')).toBe('text/event-stream');
    expect(requests[0]!.headers.has('last-event-id')).toBe(false);
    expect(requests[1]!.headers.get('last-event-id')).toBe('a-2');
  });

  it('waits out a 429 as Retry-After says, then resumes from the id it was given', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 429, headers: { 'retry-after': '0' } }, { chunks: [event('c-1', 1)], hang: true }]);
    const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch });
    const controller = new AbortController();
    for await (const update of client.usage.watch({ signal: controller.signal, lastEventId: 'before' })) {
      expect(update.id).toBe('c-1');
      controller.abort();
    }
    expect(requests.map((request) => request.headers.get('last-event-id'))).toEqual(['before', 'before']);
  });

  it('reopens a connection that goes silent for idleTimeout', async () => {
    const { fetch, requests } = scriptedFetch([{ chunks: [event('d-1', 1)], hang: true }, { chunks: [event('d-2', 2)], hang: true }]);
    const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch });
    const controller = new AbortController();
    const ids: string[] = [];
    for await (const update of client.usage.watch({ signal: controller.signal, idleTimeout: 50 })) {
      ids.push(update.id);
      if (ids.length === 2) controller.abort();
    }
    expect(ids).toEqual(['d-1', 'd-2']);
    expect(requests[1]!.headers.get('last-event-id')).toBe('d-1');
  });

  it('ends with the typed error when the credentials are refused, and refuses unknown options at once', async () => {
    const { fetch } = scriptedFetch([{ status: 401 }]);
    const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch });
    const watch = client.usage.watch();
    await expect(watch.next()).rejects.toBeInstanceOf(AuthenticationError);
    expect(() => client.usage.watch({ signall: undefined } as never)).toThrow(/unknown watch option "signall"/);
  });
});
