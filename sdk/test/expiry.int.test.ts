// Recovery from expired part URLs. The API's clock is moved so that storage really refuses the URLs:
// the local store checks expiry against that clock (the SDK believes the URL valid and learns from
// storage's 403), while versitygw checks real time (the URL arrives already expired and the SDK
// re-signs before using it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Baketsu } from '../src/index.node.js';
import { SMALL_MULTIPART, startSdkTestApi, STORES, type SdkTestApi } from './support/api.js';
import { bytesOf, MIB, sha256 } from './support/data.js';
import { download } from './support/api.js';

describe.each(STORES)('expired part URLs with the %s store', (store) => {
  let t: SdkTestApi;
  let offsetMs = 0;
  beforeAll(async () => {
    t = await startSdkTestApi(store, { env: SMALL_MULTIPART, clock: { now: () => new Date(Date.now() + offsetMs) } });
  });
  afterAll(async () => t?.stop());

  it('re-signs and finishes the upload', async () => {
    const log: string[] = [];
    let firstUrl: string | undefined;
    let shifted = false;
    let presigned = '';
    const watching: typeof fetch = async (input, init) => {
      const url = String(input);
      if (init?.method === 'PUT' && store === 'local' && !shifted) {
        shifted = true;
        offsetMs = 20 * 60_000; // the URLs in hand die in flight
      }
      if (url.includes('/parts')) offsetMs = 0;
      if (init?.method === 'PUT') firstUrl ??= url;
      const response = await fetch(input, init);
      if (url.endsWith('/v1/files/presign')) presigned = ((await response.clone().json()) as { parts: Array<{ url: string }> }).parts[0]!.url;
      log.push(`${init?.method ?? 'GET'} ${url.includes('/v1/') ? new URL(url).pathname.replace(/[0-9a-f-]{36}/, ':id') : 'storage'} ${response.status}`);
      return response;
    };
    if (store === 's3') offsetMs = -20 * 60_000; // signed 20 minutes ago: expired on arrival
    const client = new Baketsu({ baseUrl: t.api.url, apiKey: t.apiKey }, { fetch: watching, uploadConcurrency: 1 });
    const data = bytesOf(11 * MIB);
    const file = await client.files.upload(data, { name: 'late.bin' });

    expect(sha256(await download(t.client, file.id))).toBe(sha256(data));
    expect(log).toContain('POST /v1/uploads/:id/parts 200');
    if (store === 'local') {
      expect(log).toContain('PUT storage 403');
    } else {
      // The URLs from presign were dead on arrival (SigV4: X-Amz-Date + X-Amz-Expires); none was sent.
      expect(log).not.toContain('PUT storage 403');
      expect(sigV4ExpiresAt(presigned)).toBeLessThan(Date.now());
      expect(sigV4ExpiresAt(firstUrl!)).toBeGreaterThan(Date.now());
    }
    expect(log.filter((line) => line === 'PUT storage 200')).toHaveLength(3);
  });
});

function sigV4ExpiresAt(url: string): number {
  const query = new URL(url).searchParams;
  const date = query.get('X-Amz-Date')!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  return Date.parse(date) + Number(query.get('X-Amz-Expires')) * 1000;
}
