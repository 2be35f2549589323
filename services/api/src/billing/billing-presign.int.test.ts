import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, startTestApi, type TestApi, type TestDatabase } from '#src/platform/testing/index.js';
import { postWebhook, stripeEvent, stripeMockEnv, testClock } from '@baketsu/billing/testing';

const clock = testClock(new Date());
let database: TestDatabase;
let api: TestApi;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi({ database, clock, env: stripeMockEnv() });
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

test('a failed payment refuses new uploads with 402 until the invoice is paid', async () => {
  const credentials = { email: `presign-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' };
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  await post('/v1/auth/register', credentials);
  const { access_token: token } = (await (await post('/v1/auth/login', credentials)).json()) as { access_token: string };
  expect((await post('/v1/billing/portal', {}, token)).status).toBe(201); // links a Stripe customer
  const customer = await database.pool.oneFirst(sql.unsafe`select stripe_customer_id from billing_accounts limit 1`);
  const presign = () => post('/v1/files/presign', { name: 'a.txt', size: 5, content_type: 'text/plain' }, token);
  expect((await presign()).status).toBe(201);

  const invoice = { id: 'in_presign', object: 'invoice', customer, status: 'open', currency: 'usd', amount_due: 100, amount_paid: 0, created: 1 };
  await postWebhook(api.url, stripeEvent('invoice.payment_failed', invoice, clock.now()), { at: clock.now() });
  const refused = await presign();
  expect(refused.status).toBe(402);
  expect(await refused.json()).toMatchObject({ code: 'payment_past_due' });
  // The refusal is decided in the statement that would reserve: it leaves no upload behind.
  expect(await database.pool.oneFirst(sql.unsafe`select count(*)::int from uploads`)).toBe(1);

  await postWebhook(api.url, stripeEvent('invoice.paid', { ...invoice, status: 'paid', amount_paid: 100 }, clock.now()), { at: clock.now() });
  expect((await presign()).status).toBe(201);
});
