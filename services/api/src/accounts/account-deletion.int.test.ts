// Account deletion against PostgreSQL and the real metering fold: everything the account held is
// deleted through the normal path, billed exactly up to the deletion instant, its access ends at
// once, its email is free again, and nobody else notices.
import { startEmbeddedMetering, type EmbeddedMetering } from '@baketsu/metering/embedded';
import { cumulativeByteMs } from '@baketsu/metering/read-model';
import type { BillingProvider } from '@baketsu/billing';
import pino from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerOnlyBillingProvider } from '#src/billing/ledger-billing-provider.js';
import { putTo, signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { mailTo, testSmtpUrl, type MailpitMessage } from '#src/platform/testing/mailpit.js';
import { runAccountDeletions, type DeletionJobDeps } from './deletion-job.js';

const PASSWORD = 'correct horse battery staple';
// Whole milliseconds apart, so an off-by-one anywhere shows.
let nowMs = Math.floor(Date.now() / 1000) * 1000 + 123;
const clock = { now: () => new Date(nowMs) };
const cancelled: string[] = [];
const recordingProvider: BillingProvider = {
  ...ledgerOnlyBillingProvider,
  async cancelSubscription({ subscriptionId }) {
    cancelled.push(subscriptionId);
  },
};

let api: TestApi;
let metering: EmbeddedMetering;
let deps: DeletionJobDeps;

beforeAll(async () => {
  // The test's clock runs ahead of the database's; the notification follower must not adopt the half upload.
  api = await startTestApi({ clock, billingProvider: recordingProvider, env: { ADOPT_AFTER_SECONDS: '3600', SMTP_URL: testSmtpUrl(), MAIL_POLL_INTERVAL_MS: '50' } });
  metering = startEmbeddedMetering({ pool: api.database.pool, logger: pino({ level: 'silent' }), poll: false });
  deps = { pool: api.database.pool, store: api.objectStore, clock, config: api.config, logger: pino({ level: 'silent' }), billingProvider: recordingProvider };
});
afterAll(async () => {
  await metering?.stop();
  await api?.stop();
});

const post = (path: string, body: unknown, token?: string) =>
  fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const get = (path: string, token: string) => fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

async function expectProblem(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject({ status, code });
}

async function account(email = `del-${crypto.randomUUID()}@example.com`): Promise<{ client: Client; id: string; email: string; refreshToken: string }> {
  const client = await signUp(api.url, email);
  const login = (await (await post('/v1/auth/login', { email, password: PASSWORD })).json()) as { refresh_token: string };
  return { client, id: (await client.call('GET', '/v1/me')).body.id, email, refreshToken: login.refresh_token };
}

const fileRows = (accountId: string) =>
  api.database.pool.any(sql.type(z.object({ id: z.string(), status: z.string(), deleted_at: z.number().nullable() }))`
    select id, status, deleted_at from files where account_id = ${accountId} order by id`);
const deletedEvents = (accountId: string) =>
  api.database.pool.any(sql.type(z.object({ file_id: z.string(), deleted_at: z.string() }))`
    select event->'data'->>'file_id' as file_id, event->'data'->>'deleted_at' as deleted_at
    from outbox where account_id = ${accountId} and event_type = 'file.deleted'`);
async function objectKeys(accountId: string): Promise<string[]> {
  return (await api.objectStore.listObjects(`${accountId}/`, { limit: 1000 })).objects.map((object) => object.key);
}

/** Mail arrives asynchronously (the worker sends it): polls mailpit until it is there. */
async function mailWithSubject(address: string, subject: string): Promise<MailpitMessage> {
  for (const deadline = Date.now() + 15_000; ; ) {
    const found = (await mailTo(address)).find((message) => message.subject === subject);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('POST /v1/me/delete', () => {
  it('deletes everything through the normal path, billed to the instant, ends all access, frees the email, leaves others alone', async () => {
    const alice = await account();
    const bob = await account();
    const bobFile = await uploadFile(bob.client, 'bob.txt');

    const stored: Array<{ id: string; size: number; at: number }> = [];
    for (const [name, body] of [['a.txt', 'x'.repeat(1000)], ['docs/b.bin', 'y'.repeat(70_001)], ['c.txt', 'z'.repeat(3)]] as const) {
      const file = await uploadFile(alice.client, name, body);
      stored.push({ id: file.id, size: file.size, at: nowMs });
      nowMs += 60_000 + 7;
    }
    const key = (await alice.client.call('POST', '/v1/api-keys', { name: 'ci', scopes: ['read', 'write', 'delete'] })).body.secret as string;
    const share = (await alice.client.call('POST', `/v1/files/${stored[0]!.id}/shares`, {})).body as { token: string };
    // Within the access token's 15 minutes.
    nowMs += 180_000 + 11;
    // An upload whose bytes arrived but that nobody completed (yet: no time passes before the deletion).
    const presign = await alice.client.call('POST', '/v1/files/presign', { name: 'half.txt', size: 4, content_type: 'text/plain' });
    expect((await putTo(presign.body, 'half')).status).toBe(200);

    await expectProblem(await post('/v1/me/delete', { password: 'not the password' }, alice.client.token), 401, 'invalid_credentials');
    await expectProblem(await post('/v1/me/delete', { password: PASSWORD }, key), 403, 'session_required');

    const deletionInstant = nowMs;
    const response = await post('/v1/me/delete', { password: PASSWORD }, alice.client.token);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'deleting', deletion_requested_at: new Date(deletionInstant).toISOString() });

    // At once: every way in is closed, and the address is free for a new, separate account.
    await expectProblem(await get('/v1/me', alice.client.token), 401, 'invalid_token');
    await expectProblem(await get('/v1/files', key), 401, 'invalid_token');
    await expectProblem(await post('/v1/auth/refresh', { refresh_token: alice.refreshToken }), 401, 'invalid_refresh_token');
    await expectProblem(await post('/v1/auth/login', { email: alice.email, password: PASSWORD }), 401, 'invalid_credentials');
    expect((await post(`/v1/public/shares/${share.token}/download`, {})).status).toBe(410);
    // A goodbye note to the address the account had, over SMTP.
    const goodbye = await mailWithSubject(alice.email, 'Your Baketsu account was deleted');
    expect(goodbye.text).toContain(new Date(deletionInstant).toISOString());

    const again = await post('/v1/auth/register', { email: alice.email, password: PASSWORD });
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).not.toBe(alice.id);

    // The job runs later, in small batches; billing still stops at the request's instant.
    nowMs += 300_000;
    expect(await runAccountDeletions(deps, { batchSize: 2 })).toEqual([alice.id]);

    const rows = await fileRows(alice.id);
    expect(rows.map((row) => row.status)).toEqual(['deleted', 'deleted', 'deleted']);
    expect(rows.every((row) => row.deleted_at === deletionInstant)).toBe(true);
    const events = await deletedEvents(alice.id);
    expect(events.map((event) => event.file_id).sort()).toEqual(stored.map((file) => file.id).sort());
    expect(events.every((event) => event.deleted_at === new Date(deletionInstant).toISOString())).toBe(true);
    expect(await objectKeys(alice.id)).toEqual([]);
    const upload = await api.database.pool.oneFirst(sql.type(z.object({ status: z.string() }))`
      select status from uploads where id = ${presign.body.upload_id as string}`);
    expect(upload).toBe('aborted');

    await metering.drain();
    const expected = stored.reduce((sum, file) => sum + BigInt(file.size) * BigInt(deletionInstant - file.at), 0n);
    expect(await cumulativeByteMs(api.database.pool, alice.id, nowMs + 86_400_000)).toBe(expected);

    const tombstone = await api.database.pool.one(sql.type(z.object({ email: z.string().nullable(), deleted_at: z.number().nullable() }))`
      select email, deleted_at from accounts where id = ${alice.id}`);
    expect(tombstone).toEqual({ email: null, deleted_at: nowMs });

    // Bob noticed nothing.
    expect((await bob.client.call('GET', `/v1/files/${bobFile.id}`)).status).toBe(200);
    expect(await objectKeys(bob.id)).toHaveLength(1);
    expect(await deletedEvents(bob.id)).toEqual([]);
  });

  it('resumes where a stopped pass left off, and two instances at once delete each file once', async () => {
    const carol = await account();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await uploadFile(carol.client, `f${i}.txt`)).id);
    nowMs += 1000;
    expect((await post('/v1/me/delete', { password: PASSWORD }, carol.client.token)).status).toBe(202);

    // A pass that stops after one batch (a process killed, a deploy): some files deleted, the account not.
    expect(await runAccountDeletions(deps, { batchSize: 2, timeBudgetMs: 0 })).toEqual([]);
    expect((await fileRows(carol.id)).filter((row) => row.status === 'deleted')).toHaveLength(2);

    // Two instances pick up the rest together.
    const [first, second] = await Promise.all([runAccountDeletions(deps, { batchSize: 1 }), runAccountDeletions(deps, { batchSize: 1 })]);
    expect([...first, ...second]).toEqual([carol.id]);
    expect((await fileRows(carol.id)).map((row) => row.status)).toEqual(Array(7).fill('deleted'));
    expect((await deletedEvents(carol.id)).map((event) => event.file_id).sort()).toEqual([...ids].sort());
    expect(await objectKeys(carol.id)).toEqual([]);
  });

  it('ends a subscription at the deletion instant, for the reporter, and cancels it with the provider', async () => {
    const dave = await account();
    const subscriptionId = `sub_${crypto.randomUUID().replaceAll('-', '')}`;
    await api.database.pool.query(sql.unsafe`
      insert into billing_accounts (account_id, stripe_customer_id, subscription_id, subscription_status) values (${dave.id}, ${`cus_${dave.id}`}, ${subscriptionId}, 'active')`);
    await api.database.pool.query(sql.unsafe`
      insert into billing_subscriptions (subscription_id, account_id, stripe_customer_id, status, event_at, report_from_ms)
      values (${subscriptionId}, ${dave.id}, ${`cus_${dave.id}`}, 'active', ${Math.floor(nowMs / 1000) - 60}, ${nowMs - 3_600_000})`);
    nowMs += 5_000;
    const deletionInstant = nowMs;
    expect((await post('/v1/me/delete', { password: PASSWORD }, dave.client.token)).status).toBe(202);

    const subscription = await api.database.pool.one(sql.type(z.object({ status: z.string(), report_until_ms: z.number().nullable() }))`
      select status, report_until_ms from billing_subscriptions where subscription_id = ${subscriptionId}`);
    expect(subscription).toEqual({ status: 'canceled', report_until_ms: deletionInstant });
    expect(await runAccountDeletions(deps)).toEqual([dave.id]);
    expect(cancelled).toEqual([subscriptionId]);
  });
});
