import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { systemClock } from '@baketsu/platform/clock';
import { pruneIdempotencyKeys } from '#src/platform/idempotency.js';
import { signUp, type Client } from './testing/files-test-kit.js';

describe('Idempotency-Key on presign', () => {
  let api: TestApi;
  let alice: Client;
  beforeAll(async () => {
    api = await startTestApi({ env: { DEFAULT_STORAGE_QUOTA_BYTES: '1000' } });
    alice = await signUp(api.url);
  });
  afterAll(() => api?.stop());

  const presign = (key: string | undefined, body: unknown, client = alice) =>
    fetch(`${api.url}/v1/files/presign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      body: JSON.stringify(body),
    });
  const uploadsOf = async (accountName: string) =>
    api.database.pool.oneFirst(sql.unsafe`
      select count(*)::int from uploads u join accounts a on a.id = u.account_id where a.email = ${accountName}`);
  const reserved = async () => (await alice.call('GET', '/v1/me/limits')).body.used_bytes as number;
  const file = { name: 'once.txt', size: 100, content_type: 'text/plain' };

  it('a retry with the same key gets the first answer and reserves nothing more', async () => {
    const before = await reserved();
    const first = await presign('retry-1', file);
    expect(first.status).toBe(201);
    const firstBody = (await first.json()) as { upload_id: string };

    const retries = await Promise.all([presign('retry-1', file), presign('retry-1', file)]);
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.headers.get('location')).toBe(`/v1/uploads/${firstBody.upload_id}`);
      expect(((await retry.json()) as { upload_id: string }).upload_id).toBe(firstBody.upload_id);
    }
    expect(await reserved()).toBe(before + 100);
    // Without a key every call is a new upload.
    const [a, b] = await Promise.all([presign(undefined, file), presign(undefined, file)]);
    expect(((await a.json()) as { upload_id: string }).upload_id).not.toBe(((await b.json()) as { upload_id: string }).upload_id);
    expect(await reserved()).toBe(before + 300);
  });

  it('concurrent requests with one key reserve once: the others replay it or are told to retry', async () => {
    const before = await reserved();
    const answers = await Promise.all(Array.from({ length: 6 }, () => presign('racing', file)));
    const fresh = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect(answer.status).toBe(409);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(((await answer.json()) as { code: string }).code).toBe('idempotency_key_in_use');
    }
    expect(await reserved()).toBe(before + 100);
  });

  it('the same key for a different request is refused; keys are per account', async () => {
    await presign('shared-key', file);
    const different = await presign('shared-key', { ...file, size: 101 });
    expect(different.status).toBe(422);
    expect(await different.json()).toMatchObject({ code: 'idempotency_key_reused' });

    const bob = await signUp(api.url);
    const bobs = await presign('shared-key', file, bob);
    expect(bobs.status).toBe(201);
    expect(bobs.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a refused request keeps nothing, so a retry after freeing space succeeds', async () => {
    const tooBig = { name: 'big.txt', size: 2000, content_type: 'text/plain' };
    const refused = await presign('after-cleanup', tooBig);
    expect(refused.status).toBe(403);
    await api.database.pool.query(sql.unsafe`update accounts set storage_quota_bytes = 10000 where email = ${(await alice.call('GET', '/v1/me')).body.email}`);
    const retried = await presign('after-cleanup', tooBig);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses malformed keys, and forgets keys after a day', async () => {
    expect((await presign('', file)).status).toBe(400);
    const tooLong = await presign('k'.repeat(256), file);
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { code: string }).code).toBe('invalid_idempotency_key');
    // openapi.yaml's pattern refuses it before the route; the answer keeps the key's own code.
    const notVisible = await presign('caf\u00e9', file);
    expect(notVisible.status).toBe(400);
    expect(((await notVisible.json()) as { code: string }).code).toBe('invalid_idempotency_key');

    const email = (await alice.call('GET', '/v1/me')).body.email as string;
    const ageKey = () => api.database.pool.query(sql.unsafe`update idempotency_keys set created_at = created_at - interval '25 hours' where key = 'daily'`);
    const first = (await (await presign('daily', file)).json()) as { upload_id: string };
    const countBefore = await uploadsOf(email);
    await ageKey();
    const nextDayResponse = await presign('daily', file);
    const nextDay = (await nextDayResponse.json()) as { upload_id: string };
    expect(nextDayResponse.status, JSON.stringify(nextDay)).toBe(201);
    expect(nextDay.upload_id).not.toBe(first.upload_id);
    expect(await uploadsOf(email)).toBe(countBefore + 1);
    await ageKey();
    expect(await pruneIdempotencyKeys({ pool: api.database.pool, clock: systemClock })).toBe(1);
  });
});

describe('a presign whose URL cannot be signed', () => {
  let api: TestApi;
  let signing: 'fail' | 'work' = 'fail';
  beforeAll(async () => {
    api = await startTestApi({
      env: { DEFAULT_STORAGE_QUOTA_BYTES: '1000' },
      wrapObjectStore: (store) => ({
        ...store,
        presignPut: (key, options) => (signing === 'fail' ? Promise.reject(new Error('signer unavailable')) : store.presignPut(key, options)),
      }),
    });
  });
  afterAll(() => api?.stop());

  it('frees its reservation, so a retry with the same key reserves once', async () => {
    const alice = await signUp(api.url);
    const presign = () =>
      fetch(`${api.url}/v1/files/presign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}`, 'idempotency-key': 'sign-fails-once' },
        body: JSON.stringify({ name: 'retry.txt', size: 100, content_type: 'text/plain' }),
      });
    const failed = await presign();
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect((await alice.call('GET', '/v1/me/limits')).body.used_bytes).toBe(0);
    signing = 'work';
    expect((await presign()).status).toBe(201);
    expect((await alice.call('GET', '/v1/me/limits')).body.used_bytes).toBe(100);
  });
});
