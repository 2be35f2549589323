import { GIB as GIB_BYTES } from '@baketsu/billing-core';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { signUp, uploadFile, type Client } from './testing/files-test-kit.js';

const GIB = Number(GIB_BYTES);

describe('quotas and spend caps', () => {
  let api: TestApi;
  let alice: Client;

  beforeAll(async () => {
    api = await startTestApi({
      env: { DEFAULT_STORAGE_QUOTA_BYTES: '1000', DEFAULT_MONTHLY_SPEND_CAP: '5.00', PRICE_PER_GIB_MONTH: '0.02', MAX_FILE_SIZE_BYTES: String(1024 * GIB) },
    });
    alice = await signUp(api.url);
  });
  afterAll(() => api?.stop());

  it('shows the limits and what is used, counting uploads in flight', async () => {
    await uploadFile(alice, 'a.txt', 'x'.repeat(400));
    await alice.call('POST', '/v1/files/presign', { name: 'pending.txt', size: 100, content_type: 'text/plain' });
    const limits = await alice.call('GET', '/v1/me/limits');
    expect(limits.body).toEqual({
      storage_quota_bytes: 1000,
      used_bytes: 500,
      monthly_spend_cap: '5.000000',
      max_monthly_spend_cap: '5.000000',
      estimated_monthly_cost: '0.000000',
      currency: 'usd',
    });
  });

  it('refuses an upload over the quota and says by how much', async () => {
    const refused = await alice.call('POST', '/v1/files/presign', { name: 'big.txt', size: 600, content_type: 'text/plain' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'storage_quota_exceeded', quota_bytes: 1000, used_bytes: 500, requested_bytes: 600, over_by_bytes: 100 });
    expect((await alice.call('POST', '/v1/files/presign', { name: 'fits.txt', size: 500, content_type: 'text/plain' })).status).toBe(201);
    // Deleting frees quota at once.
    const stored = (await alice.call('GET', '/v1/files')).body.items[0];
    expect((await alice.call('DELETE', `/v1/files/${stored.id}`)).status).toBe(204);
    expect((await alice.call('GET', '/v1/me/limits')).body.used_bytes).toBe(600);
  });

  it('never lets concurrent presigns together exceed the quota', async () => {
    const carol = await signUp(api.url);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => carol.call('POST', '/v1/files/presign', { name: `p${i}.bin`, size: 300, content_type: 'text/plain' })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 403).every((r) => r.body.code === 'storage_quota_exceeded')).toBe(true);
    expect((await carol.call('GET', '/v1/me/limits')).body.used_bytes).toBe(900);
    // Aborting releases the reservation.
    await carol.call('DELETE', `/v1/uploads/${results.find((r) => r.status === 201)!.body.upload_id}`);
    expect((await carol.call('GET', '/v1/me/limits')).body.used_bytes).toBe(600);
  });

  it('lets the account lower (never raise) its spend cap, and enforces it', async () => {
    const bobEmail = `bob-${Date.now()}@example.com`;
    const bob = await signUp(api.url, bobEmail);
    // Over the operator's 5.00 ceiling:
    const raise = await bob.call('PATCH', '/v1/me/limits', { monthly_spend_cap: '6' });
    expect(raise.status).toBe(400);
    expect(raise.body.code).toBe('spend_cap_above_limit');
    expect((await bob.call('PATCH', '/v1/me/limits', { monthly_spend_cap: 'lots' })).status).toBe(400);

    const lowered = await bob.call('PATCH', '/v1/me/limits', { monthly_spend_cap: '1.00' });
    expect(lowered.status).toBe(200);
    expect(lowered.body.monthly_spend_cap).toBe('1.000000');
    // The quota would refuse this first; lift it for bob to reach the cap check.
    await api.database.pool.query(sql.unsafe`update accounts set storage_quota_bytes = ${1024 * GIB} where email = ${bobEmail}`);
    // 100 GiB at 0.02 a month is 2.00: over the 1.00 cap by 1.00.
    const refused = await bob.call('POST', '/v1/files/presign', { name: 'huge.bin', size: 100 * GIB, content_type: 'application/octet-stream' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'spend_cap_exceeded', monthly_spend_cap: '1.000000', estimated_monthly_cost: '2.000000', over_by: '1.000000' });
    const fits = await bob.call('POST', '/v1/files/presign', { name: 'half.bin', size: 50 * GIB, content_type: 'application/octet-stream' });
    expect(fits.status, JSON.stringify(fits.body)).toBe(201);
    expect(fits.body.quote).toEqual({ added_monthly_cost: '1.000000', estimated_monthly_cost: '1.000000', currency: 'usd' });

    const reset = await bob.call('PATCH', '/v1/me/limits', { monthly_spend_cap: null });
    expect(reset.body.monthly_spend_cap).toBe('5.000000');
  });
});

describe('spend cap through an API key', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ env: { DEFAULT_MONTHLY_SPEND_CAP: '5.00', PRICE_PER_GIB_MONTH: '0.02' } });
  });
  afterAll(() => api?.stop());

  it('a key can lower the cap, but only a signed-in person can raise or remove it', async () => {
    const owner = await signUp(api.url);
    const created = await owner.call('POST', '/v1/api-keys', { name: 'uploader', scopes: ['read', 'write'] });
    const keyCall = (body: unknown) =>
      fetch(`${api.url}/v1/me/limits`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${created.body.secret}` },
        body: JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, body: await response.json() }));
    expect((await owner.call('PATCH', '/v1/me/limits', { monthly_spend_cap: '1.00' })).status).toBe(200);

    const lowered = await keyCall({ monthly_spend_cap: '0.50' });
    expect(lowered.status).toBe(200);
    expect(lowered.body.monthly_spend_cap).toBe('0.500000');
    for (const loosening of [{ monthly_spend_cap: '0.75' }, { monthly_spend_cap: null }]) {
      const refused = await keyCall(loosening);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('session_required');
    }
    expect((await owner.call('GET', '/v1/me/limits')).body.monthly_spend_cap).toBe('0.500000');
    expect((await owner.call('PATCH', '/v1/me/limits', { monthly_spend_cap: null })).body.monthly_spend_cap).toBe('5.000000');

    // An own cap equal to the operator's ceiling is hidden by it, but still the owner's: a key cannot erase it.
    expect((await owner.call('PATCH', '/v1/me/limits', { monthly_spend_cap: '5.00' })).status).toBe(200);
    expect((await keyCall({ monthly_spend_cap: null })).status).toBe(403);
    const ownerId = (await owner.call('GET', '/v1/me')).body.id as string;
    expect(await api.database.pool.oneFirst(sql.unsafe`select spend_cap_micros::text from accounts where id = ${ownerId}`)).toBe('5000000');
  });
});
