import { afterEach, describe, expect, it, vi } from 'vitest';
import { putObject, type PutRequest } from './transport.js';

const aborted = () => {
  const controller = new AbortController();
  controller.abort(new Error('stopped'));
  return controller.signal;
};
const request = (signal: AbortSignal, extra: Partial<PutRequest> = {}): PutRequest => ({
  url: 'http://storage/o',
  headers: {},
  body: new Uint8Array([1, 2, 3]),
  size: 3,
  signal,
  ...extra,
});

/** An XMLHttpRequest that succeeds on send, whatever the signal says. */
class FakeXhr {
  static sent = 0;
  status = 0;
  upload = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open() {}
  setRequestHeader() {}
  getResponseHeader() {
    return '"etag"';
  }
  abort() {
    this.onabort?.();
  }
  send() {
    FakeXhr.sent++;
    this.status = 200;
    queueMicrotask(() => this.onload?.());
  }
}

describe('putObject', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeXhr.sent = 0;
  });

  it('sends nothing with fetch when the signal is already aborted, even if that fetch would not look', async () => {
    let calls = 0;
    const fetch = (async () => (calls++, new Response(null, { status: 200 }))) as unknown as typeof globalThis.fetch;
    await expect(putObject(fetch, request(aborted()))).rejects.toThrow('stopped');
    await expect(putObject(fetch, request(aborted(), { onBytes: () => {} }))).rejects.toThrow('stopped');
    expect(calls).toBe(0);
  });

  it('sends nothing with XMLHttpRequest when the signal is already aborted', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const fetch = (async () => new Response(null, { status: 200 })) as unknown as typeof globalThis.fetch;
    expect(await putObject(fetch, request(new AbortController().signal))).toEqual({ etag: '"etag"' });
    expect(FakeXhr.sent).toBe(1);
    await expect(putObject(fetch, request(aborted()))).rejects.toThrow('stopped');
    expect(FakeXhr.sent).toBe(1);
  });
});
