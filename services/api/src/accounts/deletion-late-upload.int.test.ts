// An upload admitted for an account being deleted after the deletion job's last batch looked (an
// admission that authenticated before the request and committed late: unlimited accounts are
// admitted without their row lock) must not outlive the account: its bytes, arriving later through
// the presigned URL, would otherwise be adopted as a stored, billed file of a deleted account.
import type { BillingProvider } from '@baketsu/billing';
import pino from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerOnlyBillingProvider } from '#src/billing/ledger-billing-provider.js';
import { objectCreated } from '#src/files/storage-events.js';
import { signUp } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { runAccountDeletions, type DeletionJobDeps } from './deletion-job.js';

let api: TestApi;
let deps: DeletionJobDeps;
/** Run while the job cancels the subscription: after its last batch, before it marks the account deleted. */
let duringCancel: (() => Promise<void>) | undefined;
const provider: BillingProvider = {
  ...ledgerOnlyBillingProvider,
  async cancelSubscription() {
    const late = duringCancel;
    duringCancel = undefined;
    await late?.();
  },
};

beforeAll(async () => {
  api = await startTestApi({ billingProvider: provider, env: { ADOPT_AFTER_SECONDS: '3600', ACCOUNT_DELETION_INTERVAL_SECONDS: '0' } });
  deps = { pool: api.database.pool, store: api.objectStore, clock: { now: () => new Date() }, config: api.config, logger: pino({ level: 'silent' }), billingProvider: provider };
});
afterAll(async () => {
  await api?.stop();
});

describe('an upload admitted after the deletion job looked', () => {
  it('is aborted before the account is marked deleted, and its late bytes make no file', async () => {
    const person = await signUp(api.url);
    const accountId = (await person.call('GET', '/v1/me')).body.id as string;
    const subscriptionId = `sub_${crypto.randomUUID().replaceAll('-', '')}`;
    await api.database.pool.query(sql.unsafe`
      insert into billing_subscriptions (subscription_id, account_id, stripe_customer_id, status, event_at, report_from_ms)
      values (${subscriptionId}, ${accountId}, ${`cus_${accountId}`}, 'active', ${Math.floor(Date.now() / 1000) - 60}, ${Date.now() - 3_600_000})`);
    const deleted = await fetch(`${api.url}/v1/me/delete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${person.token}` },
      body: JSON.stringify({ password: 'correct horse battery staple' }),
    });
    expect(deleted.status).toBe(202);

    const uploadId = crypto.randomUUID();
    const key = `${accountId}/${uploadId}`;
    duringCancel = async () => {
      await api.database.pool.query(sql.unsafe`
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, created_at)
        values (${uploadId}, ${accountId}, ${key}, 'late.txt', 4, 'text/plain', now())`);
    };
    for (let pass = 0; pass < 3 && (await runAccountDeletions(deps)).length === 0; pass++);
    const status = await api.database.pool.oneFirst(sql.type(z.object({ status: z.string() }))`select status from uploads where id = ${uploadId}`);
    expect(status).toBe('aborted');
    expect(await api.database.pool.oneFirst(sql.unsafe`select deleted_at is not null from accounts where id = ${accountId}`)).toBe(true);

    // The client's PUT through the URL it was given, after all that.
    const put = await api.objectStore.presignPut(key, { size: 4, contentType: 'text/plain', expiresInSeconds: 60 });
    expect((await fetch(put.url, { method: 'PUT', headers: put.headers, body: 'late' })).status).toBe(200);
    expect(await objectCreated(deps, key)).toBe('discarded');
    expect(await api.database.pool.oneFirst(sql.unsafe`select count(*)::int from files where account_id = ${accountId}`)).toBe(0);
    expect(await api.objectStore.headObject(key)).toBeNull();
  });
});
