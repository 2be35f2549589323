import { BaketsuError, ConnectionError } from '@baketsu/sdk/browser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeUploadsRoute } from './testing/fake-browser.js';
import { callUploads } from './uploads-route.js';

afterEach(() => vi.unstubAllGlobals());

describe('callUploads', () => {
  it('posts the intent and its fields, and answers the route’s JSON', async () => {
    const seen: Array<[string, Record<string, unknown>]> = [];
    vi.stubGlobal('fetch', fakeUploadsRoute((intent, body) => (seen.push([intent, body]), { body: { upload_id: 'u1' } })).fetch);
    expect(await callUploads('status', { upload_id: 'u1' })).toEqual({ upload_id: 'u1' });
    expect(seen).toEqual([['status', { upload_id: 'u1' }]]);
  });

  it('fails with the SDK’s errors, carrying status, code and Retry-After, so the SDK’s retry can judge them', async () => {
    vi.stubGlobal('fetch', fakeUploadsRoute(() => ({ status: 429, body: { error: 'Too many requests', code: 'rate_limited' }, headers: { 'retry-after': '4' } })).fetch);
    const error = await callUploads('complete', { upload_id: 'u1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BaketsuError);
    expect(error).toMatchObject({ message: 'Too many requests', status: 429, code: 'rate_limited' });
    expect((error as BaketsuError).headers?.get('retry-after')).toBe('4');
  });

  it('says the session ended when the route answers 401 or redirects to sign-in', async () => {
    vi.stubGlobal('fetch', async () => Object.defineProperty(new Response('<html>', { status: 200 }), 'redirected', { value: true }));
    await expect(callUploads('presign', {})).rejects.toMatchObject({ status: 401, message: 'Your session has ended; sign in again' });
  });

  it('tells an unreachable dashboard apart from a cancelled call', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(callUploads('parts', {})).rejects.toBeInstanceOf(ConnectionError);
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    vi.stubGlobal('fetch', fakeUploadsRoute(() => ({ body: {} })).fetch);
    await expect(callUploads('parts', {}, controller.signal)).rejects.toThrow('cancelled');
  });
});
