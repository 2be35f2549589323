import { afterEach, describe, expect, it, vi } from 'vitest';
import { BaketsuError, ConnectionError } from '../errors.js';
import type { SignedPart } from '../types.js';
import { uploadParts, type PartsContext } from './multipart.js';
import { ProgressTracker, type UploadProgress } from './progress.js';
import { toSource } from './source.js';

const KIB = 1024;
const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
const signed = (n: number, version = 1, expiresInMs = 600_000): SignedPart => ({
  part_number: n,
  size: 0,
  url: `http://storage/part/${n}?v=${version}`,
  headers: {},
  expires_at: soon(expiresInMs),
});

/** Storage that reads every body, records what it got, and answers as `respond` says. */
function fakeStorage(respond: (part: number, version: number, attempt: number) => number = () => 200) {
  const received = new Map<number, Uint8Array>();
  const attempts = new Map<number, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const part = Number(url.pathname.split('/').pop());
    const attempt = (attempts.get(part) ?? 0) + 1;
    attempts.set(part, attempt);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const bytes = new Uint8Array(await new Response(init.body as BodyInit).arrayBuffer());
      // Answer on a later turn of the event loop, so the other workers' parts are in flight alongside.
      await new Promise((resolve) => setImmediate(resolve));
      const status = respond(part, Number(url.searchParams.get('v')), attempt);
      if (status !== 200) return new Response(`<Error><Code>E${status}</Code></Error>`, { status });
      received.set(part, bytes);
      return new Response(null, { status: 200, headers: { etag: `"etag-${part}"` } });
    } finally {
      inFlight--;
    }
  }) as typeof globalThis.fetch;
  return { fetch, received, attempts, maxInFlight: () => maxInFlight };
}

function context(fetch: typeof globalThis.fetch, events: UploadProgress[], total: number, extra: Partial<PartsContext> = {}): PartsContext {
  return { fetch, concurrency: 3, maxRetries: 2, signal: undefined, progress: new ProgressTracker(total, (p) => events.push(p)), ...extra };
}

const data = Uint8Array.from({ length: 100 * KIB + 7 }, (_, i) => i % 251);
const plan = (extra = {}) => ({ size: data.length, partSize: 10 * KIB, partCount: 11, signed: [] as SignedPart[], held: new Set<number>(), ...extra });
const sign = async (numbers: number[]) => numbers.map((n) => signed(n, 2));

/** Runs `work` on the fake clock, so retry backoffs pass at once instead of for real. */
async function onFakeClock<T>(work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers();
  const [outcome] = await Promise.all([Promise.allSettled([work()]), vi.runAllTimersAsync()]);
  if (outcome[0].status === 'rejected') throw outcome[0].reason;
  return outcome[0].value;
}
afterEach(() => vi.useRealTimers());

describe('uploadParts', () => {
  it('sends every part once, at most `concurrency` at a time, with monotonic progress', async () => {
    const storage = fakeStorage();
    const events: UploadProgress[] = [];
    const ctx = context(storage.fetch, events, data.length);
    const parts = await uploadParts(plan({ signed: Array.from({ length: 11 }, (_, i) => signed(i + 1)) }), await toSource(data, undefined, {}), ctx);
    ctx.progress.finish();
    expect(parts.map((p) => p.part_number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(parts[0]!.etag).toBe('"etag-1"');
    expect(storage.maxInFlight()).toBe(3);
    expect(Buffer.concat([...storage.received.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b))).toEqual(Buffer.from(data));
    expect(events.map((e) => e.loaded)).toEqual([...events.map((e) => e.loaded)].sort((a, b) => a - b));
    expect(events.at(-1)!.loaded).toBe(data.length);
  });

  it('retries a failed part, and re-signs a URL storage refuses with 403', async () => {
    const storage = fakeStorage((part, version, attempt) => (part === 2 && attempt === 1 ? 500 : part === 5 && version === 1 ? 403 : 200));
    const signCalls: number[][] = [];
    const source = await toSource(data, undefined, {});
    const parts = await onFakeClock(() =>
      uploadParts(plan({ signed: Array.from({ length: 11 }, (_, i) => signed(i + 1)) }), source, {
        ...context(storage.fetch, [], data.length),
        sign: async (numbers) => (signCalls.push(numbers), sign(numbers)),
      }),
    );
    expect(parts).toHaveLength(11);
    expect(storage.attempts.get(2)).toBe(2);
    expect(storage.attempts.get(5)).toBe(2);
    expect(signCalls[0]![0]).toBe(5);
  });

  it('without a way to re-sign, reports storage’s 403 at once', async () => {
    const storage = fakeStorage((part) => (part === 3 ? 403 : 200));
    const error = await uploadParts(plan({ signed: Array.from({ length: 11 }, (_, i) => signed(i + 1)) }), await toSource(data, undefined, {}), {
      ...context(storage.fetch, [], data.length, { concurrency: 1 }),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StorageError', status: 403, code: 'E403' });
    expect(storage.attempts.get(3)).toBe(1);
  });

  it('reports a re-sign that fails for good once, and retries one that fails for a moment', async () => {
    const storage = fakeStorage((part, version) => (part === 2 && version === 1 ? 403 : 200));
    const signed1 = Array.from({ length: 11 }, (_, i) => signed(i + 1));
    let signCalls = 0;
    const gone = new BaketsuError({ message: 'upload gone', status: 404, code: 'upload_not_found' });
    const source = await toSource(data, undefined, {});
    const error = await onFakeClock(() =>
      uploadParts(plan({ signed: signed1 }), source, {
        ...context(storage.fetch, [], data.length, { concurrency: 1 }),
        sign: async () => {
          signCalls++;
          throw gone;
        },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBe(gone);
    expect(signCalls).toBe(1);

    const storage2 = fakeStorage((part, version) => (part === 2 && version === 1 ? 403 : 200));
    let signCalls2 = 0;
    const parts = await onFakeClock(() =>
      uploadParts(plan({ signed: signed1 }), source, {
        ...context(storage2.fetch, [], data.length, { concurrency: 1, maxRetries: 1 }),
        sign: async (numbers) => {
          if (++signCalls2 === 1) throw new ConnectionError({ message: 'down', code: 'connection_error' });
          return sign(numbers);
        },
      }),
    );
    expect(parts).toHaveLength(11);
    expect(signCalls2).toBe(2);
    // Sent to the refused URL once, then only to the fresh one.
    expect(storage2.attempts.get(2)).toBe(2);
  });

  it('signs missing or nearly expired URLs in batches before using them', async () => {
    const storage = fakeStorage((_part, version) => (version === 1 ? 403 : 200));
    const signCalls: number[][] = [];
    await uploadParts(plan({ signed: [signed(1, 1, 5_000)] }), await toSource(data, undefined, {}), {
      ...context(storage.fetch, [], data.length),
      sign: async (numbers) => (signCalls.push(numbers), sign(numbers)),
    });
    expect(signCalls[0]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect([...storage.attempts.values()].every((n) => n === 1)).toBe(true);
  });

  it('stops the other parts when one fails for good', async () => {
    const storage = fakeStorage((part) => (part === 1 ? 400 : 200));
    const error = await uploadParts(plan(), await toSource(data, undefined, {}), { ...context(storage.fetch, [], data.length, { concurrency: 1 }), sign }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'StorageError', status: 400, code: 'E400' });
    expect(storage.attempts.size).toBe(1);
  });

  it('reads a stream in order, skipping held parts, with bounded read-ahead', async () => {
    const storage = fakeStorage();
    let pulled = 0;
    let maxAhead = 0;
    const chunks = async function* () {
      for (let i = 0; i < data.length; i += 4 * KIB) {
        pulled += Math.min(4 * KIB, data.length - i);
        maxAhead = Math.max(maxAhead, pulled - [...storage.received.values()].reduce((n, b) => n + b.length, 0));
        yield data.subarray(i, i + 4 * KIB);
      }
    };
    const source = await toSource(chunks(), data.length, {});
    const events: UploadProgress[] = [];
    const progress = new ProgressTracker(data.length, (p) => events.push(p));
    progress.start(new Map([[1, 10 * KIB], [4, 10 * KIB]]));
    await uploadParts(plan({ held: new Set([1, 4]) }), source, { ...context(storage.fetch, [], data.length), progress, sign });
    expect([...storage.received.keys()].sort((a, b) => a - b)).toEqual([2, 3, 5, 6, 7, 8, 9, 10, 11]);
    expect(Buffer.from(storage.received.get(5)!)).toEqual(Buffer.from(data.subarray(40 * KIB, 50 * KIB)));
    expect(events[0]!.loaded).toBe(20 * KIB);
    // 3 parts in flight plus the one being read, plus skipped held parts: never the whole stream.
    expect(maxAhead).toBeLessThanOrEqual(6 * 10 * KIB);
  });
});
