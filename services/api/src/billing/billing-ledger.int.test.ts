import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, startTestApi, type TestApi, type TestDatabase } from '#src/platform/testing/index.js';
import { insertInterval, postWebhook, stripeEvent, testClock } from '@baketsu/billing/testing';

// No STRIPE_SECRET_KEY: the embedded default.
const clock = testClock(new Date('2026-02-15T00:00:00Z'));
let database: TestDatabase;
let api: TestApi;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi({ database, clock });
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

async function signIn(): Promise<{ token: string; accountId: string }> {
  const credentials = { email: `ledger-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' };
  const post = (path: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  const account = (await (await post('/v1/auth/register')).json()) as { id: string };
  return { token: ((await (await post('/v1/auth/login')).json()) as { access_token: string }).access_token, accountId: account.id };
}
const call = (path: string, token: string, method = 'GET') => fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

test('checkout and portal answer billing_not_configured, not a 500', async () => {
  const { token } = await signIn();
  for (const path of ['/v1/billing/checkout', '/v1/billing/portal']) {
    const response = await call(path, token, 'POST');
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'billing_not_configured', title: 'Billing is not configured' });
  }
});

test('GET /v1/billing prices the month locally and previews its invoice', async () => {
  const { token, accountId } = await signIn();
  // 2 GiB kept for the first half of February (28 days): 14/28 × 2 × 0.02 = 0.02.
  await insertInterval(database.pool, { accountId, size: 2n << 30n, storedAt: Date.UTC(2026, 1, 1) });
  const body = (await (await call('/v1/billing', token)).json()) as Record<string, any>;
  expect(body).toMatchObject({
    mode: 'ledger_only',
    plan: { status: 'none', subscription_id: null, current_period: null },
    past_due: false,
    month_to_date: { estimated_cost: '0.020000', byte_ms: ((2n << 30n) * 14n * 86_400_000n).toString() },
  });
  expect(body.invoices).toEqual([
    expect.objectContaining({ id: 'preview-2026-02', status: 'preview', amount_due: '0.020000', period_end: '2026-03-01T00:00:00.000Z' }),
  ]);
});

test('the webhook endpoint without a signing secret refuses clearly', async () => {
  const response = await postWebhook(api.url, stripeEvent('invoice.paid', {}, clock.now()), { at: clock.now() });
  expect(response.status).toBe(409);
  expect(await response.json()).toMatchObject({ code: 'billing_not_configured' });
});

test('without metering\'s tables (e.g. a half-applied deploy), GET /v1/billing is a 503 not_ready, not a 500', async () => {
  const bare = await startTestApi({ clock });
  try {
    await bare.database.pool.query(sql.unsafe`drop schema metering cascade`);
    const credentials = { email: `bare-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' };
    const post = (path: string) =>
      fetch(`${bare.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    await post('/v1/auth/register');
    const { access_token: token } = (await (await post('/v1/auth/login')).json()) as { access_token: string };
    const response = await fetch(`${bare.url}/v1/billing`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'not_ready' });
  } finally {
    await bare.stop();
  }
});
