import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, startTestApi, type TestApi, type TestDatabase } from '#src/platform/testing/index.js';
import { assertAccountInGoodStanding } from './standing.js';
import { insertInterval, postWebhook, stripeEvent, stripeMock, stripeMockEnv, testClock } from '@baketsu/billing/testing';
import { type BillingProvider, stripeBillingProvider } from '@baketsu/billing';
import { GIB } from '@baketsu/billing-core';

const clock = testClock(new Date('2026-11-15T12:00:00Z'));
let database: TestDatabase;
let api: TestApi;
beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi({ database, clock, env: { ...stripeMockEnv(), DASHBOARD_URL: 'https://dash.example.com/' } });
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

async function signIn(): Promise<{ token: string; accountId: string; signInAgain: () => Promise<string> }> {
  const credentials = { email: `billing-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' };
  const post = (path: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  const account = (await (await post('/v1/auth/register')).json()) as { id: string };
  const signInAgain = async () => ((await (await post('/v1/auth/login')).json()) as { access_token: string }).access_token;
  return { token: await signInAgain(), accountId: account.id, signInAgain };
}

const call = (path: string, token: string, method = 'GET') => fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
const customerOf = (accountId: string) =>
  database.pool.maybeOneFirst(sql.type(z.object({ c: z.string().nullable() }))`
    select stripe_customer_id as c from billing_accounts where account_id = ${accountId}`);

describe('checkout and portal (stripe-mock)', () => {
  test('checkout creates the catalog and the customer on first need and returns a Checkout URL', async () => {
    const { token, accountId } = await signIn();
    const response = await call('/v1/billing/checkout', token, 'POST');
    expect(response.status).toBe(201);
    const body = (await response.json()) as { url: string; session_id: string };
    expect(body.url).toMatch(/^https?:\/\//);
    expect(body.session_id).toMatch(/^cs_/);
    const customer = await customerOf(accountId);
    expect(customer).toMatch(/^cus_/);
    const catalog = await database.pool.one(sql.type(z.object({ price_id: z.string(), meter_event_name: z.string() }))`
      select price_id, meter_event_name from billing_catalog`);
    expect(catalog.meter_event_name).toBe('baketsu_storage_mib_hours');

    expect((await call('/v1/billing/portal', token, 'POST')).status).toBe(201);
    expect(await customerOf(accountId)).toBe(customer);
  });

  test('checkout asked again while a session is open gets that session, so one person cannot pay for two subscriptions', async () => {
    const stripe = stripeBillingProvider(stripeMock());
    const keys: string[] = [];
    const expired: string[] = [];
    // Stands in for Stripe's idempotency: the same key gives back the same session.
    const byKey = new Map<string, Promise<{ id: string; url: string }>>();
    const counting: BillingProvider = {
      ...stripe,
      createCheckoutSession: (input) => {
        keys.push(input.idempotencyKey);
        if (!byKey.has(input.idempotencyKey)) {
          byKey.set(input.idempotencyKey, stripe.createCheckoutSession(input).then((session) => ({ ...session, id: `${session.id}_${byKey.size}` })));
        }
        return byKey.get(input.idempotencyKey)!;
      },
      expireCheckoutSession: async (id) => {
        expired.push(id);
        await stripe.expireCheckoutSession(id);
      },
    };
    const counted = await startTestApi({ database, clock, billingProvider: counting, env: { ...stripeMockEnv(), DASHBOARD_URL: 'https://dash.example.com/' } });
    try {
      const { token: firstToken, accountId, signInAgain } = await signIn();
      let token = firstToken;
      const checkout = () => fetch(`${counted.url}/v1/billing/checkout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const answers = await Promise.all([checkout(), checkout(), checkout()]);
      const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as Array<{ session_id: string; url: string }>;
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
      // Concurrent requests ask Stripe with one key, so they get one session.
      expect(new Set(keys).size).toBe(1);
      expect(new Set(bodies.map((body) => body.session_id)).size).toBe(1);
      // Later requests get the remembered session without asking Stripe.
      const asked = keys.length;
      expect(((await (await checkout()).json()) as { session_id: string }).session_id).toBe(bodies[0]!.session_id);
      expect(keys).toHaveLength(asked);

      // Close to its expiry a session is not handed out again: a fresh one is made and the old one closed.
      await database.pool.query(sql.unsafe`
        update billing_accounts set checkout_session_expires_at = ${sql.timestamp(new Date(clock.now().getTime() + 10 * 60_000))}
        where account_id = ${accountId}`);
      clock.advance(20 * 60_000);
      try {
        token = await signInAgain();
        const renewed = await checkout();
        expect(renewed.status).toBe(201);
        const renewedId = ((await renewed.json()) as { session_id: string }).session_id;
        expect(renewedId).not.toBe(bodies[0]!.session_id);
        expect(expired).toEqual([bodies[0]!.session_id]);
        // A late completion of the replaced session does not forget the new one; its own does.
        const customer = await customerOf(accountId);
        const completion = (id: string) =>
          stripeEvent('checkout.session.completed', { id, object: 'checkout.session', mode: 'subscription', customer, subscription: 'sub_once', client_reference_id: accountId }, clock.now());
        const remembered = () => database.pool.oneFirst(sql.unsafe`select checkout_session_id from billing_accounts where account_id = ${accountId}`);
        expect((await postWebhook(counted.url, completion(bodies[0]!.session_id), { at: clock.now() })).status).toBe(200);
        expect(await remembered()).toBe(renewedId);
        expect((await postWebhook(counted.url, completion(renewedId), { at: clock.now() })).status).toBe(200);
        expect(await remembered()).toBeNull();
      } finally {
        clock.advance(-20 * 60_000);
      }
    } finally {
      await counted.stop();
    }
  });

  test('an API key may read billing but not start a subscription', async () => {
    const { token } = await signIn();
    const created = await fetch(`${api.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'app', scopes: ['read', 'write'] }),
    });
    const { secret } = (await created.json()) as { secret: string };
    const refused = await call('/v1/billing/checkout', secret, 'POST');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'session_required' });
    expect((await call('/v1/billing', secret)).status).toBe(200);
    expect((await call('/v1/billing', 'nonsense')).status).toBe(401);
  });
});

describe('webhooks', () => {
  test('subscription, failed payment (402 standing) and payment are applied once each, in any order', async () => {
    const { token, accountId } = await signIn();
    expect((await call('/v1/billing/checkout', token, 'POST')).status).toBe(201);
    const customer = (await customerOf(accountId))!;
    const at = clock.now();

    const completed = stripeEvent('checkout.session.completed', { id: 'cs_1', object: 'checkout.session', mode: 'subscription', customer, subscription: 'sub_A', client_reference_id: accountId }, at);
    const first = await postWebhook(api.url, completed, { at });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, outcome: 'applied' });
    expect(await (await postWebhook(api.url, completed, { at })).json()).toEqual({ received: true, outcome: 'duplicate' });

    const period = { current_period_start: 1_763_000_000, current_period_end: 1_765_600_000 };
    const updated = (status: string, seconds: number) =>
      stripeEvent('customer.subscription.updated', { id: 'sub_A', object: 'subscription', customer, status, start_date: 1_763_000_000, items: { data: [period] } }, new Date(seconds * 1000));
    const t = Math.floor(at.getTime() / 1000);
    expect((await postWebhook(api.url, updated('past_due', t + 10), { at })).status).toBe(200);
    // Older than the last applied: ignored.
    expect((await postWebhook(api.url, updated('incomplete', t + 5), { at })).status).toBe(200);

    const failed = stripeEvent('invoice.payment_failed', { id: 'in_1', object: 'invoice', customer, status: 'open', currency: 'usd', amount_due: 1234, amount_paid: 0, created: t }, at);
    expect((await postWebhook(api.url, failed, { at })).status).toBe(200);
    await expect(assertAccountInGoodStanding(database.pool, accountId)).rejects.toMatchObject({ status: 402, code: 'payment_past_due' });

    let billing = (await (await call('/v1/billing', token)).json()) as Record<string, any>;
    expect(billing.plan).toEqual({ status: 'past_due', subscription_id: 'sub_A', current_period: { start: '2025-11-13T02:13:20.000Z', end: '2025-12-13T04:26:40.000Z' } });
    expect(billing.past_due).toBe(true);
    expect((await call('/v1/billing/checkout', token, 'POST')).status).toBe(409);

    const paid = stripeEvent('invoice.paid', { id: 'in_1', object: 'invoice', customer, status: 'paid', currency: 'usd', amount_due: 1234, amount_paid: 1234, created: t }, at);
    expect((await postWebhook(api.url, paid, { at })).status).toBe(200);
    await expect(assertAccountInGoodStanding(database.pool, accountId)).resolves.toBeUndefined();
    // A late copy of the failure (new event id) does not make a paid invoice unpaid again.
    const lateFailure = stripeEvent('invoice.payment_failed', { ...failed.data.object }, at);
    expect((await postWebhook(api.url, lateFailure, { at })).status).toBe(200);
    await expect(assertAccountInGoodStanding(database.pool, accountId)).resolves.toBeUndefined();

    billing = (await (await call('/v1/billing', token)).json()) as Record<string, any>;
    expect(billing.past_due).toBe(false);
    expect(billing.invoices.find((invoice: { id: string }) => invoice.id === 'in_1')).toMatchObject({ status: 'paid', amount_due: '12.34', amount_paid: '12.34' });

    // An invoice that failed and was then voided is owed no more: uploads are allowed again at once.
    const secondFailure = stripeEvent('invoice.payment_failed', { id: 'in_2', object: 'invoice', customer, status: 'open', currency: 'usd', amount_due: 500, amount_paid: 0, created: t }, at);
    expect((await postWebhook(api.url, secondFailure, { at })).status).toBe(200);
    await expect(assertAccountInGoodStanding(database.pool, accountId)).rejects.toMatchObject({ status: 402 });
    const voided = stripeEvent('invoice.voided', { ...secondFailure.data.object, status: 'void' }, at);
    expect((await postWebhook(api.url, voided, { at })).status).toBe(200);
    await expect(assertAccountInGoodStanding(database.pool, accountId)).resolves.toBeUndefined();
    // A late copy of the failure (Stripe redelivers for days) does not undo the void.
    expect((await postWebhook(api.url, stripeEvent('invoice.payment_failed', { ...secondFailure.data.object }, at), { at })).status).toBe(200);
    await expect(assertAccountInGoodStanding(database.pool, accountId)).resolves.toBeUndefined();

    const deleted = stripeEvent('customer.subscription.deleted', { id: 'sub_A', object: 'subscription', customer, status: 'canceled', items: { data: [period] } }, new Date((t + 20) * 1000));
    expect((await postWebhook(api.url, deleted, { at })).status).toBe(200);
    billing = (await (await call('/v1/billing', token)).json()) as Record<string, any>;
    expect(billing.plan.status).toBe('canceled');
    // Its usage is still reported up to the end it was given (here: when Stripe said so).
    expect(await database.pool.oneFirst(sql.unsafe`select report_until_ms from billing_accounts where account_id = ${accountId}`)).toBe((t + 20) * 1000);
    // Cancelled is final: a late 'active' of the same subscription, stamped in the same second, changes nothing.
    const revived = stripeEvent('customer.subscription.updated', { id: 'sub_A', object: 'subscription', customer, status: 'active', items: { data: [period] } }, new Date((t + 20) * 1000));
    expect((await postWebhook(api.url, revived, { at })).status).toBe(200);
    billing = (await (await call('/v1/billing', token)).json()) as Record<string, any>;
    expect(billing.plan.status).toBe('canceled');
    expect(await database.pool.oneFirst(sql.unsafe`select report_until_ms from billing_accounts where account_id = ${accountId}`)).toBe((t + 20) * 1000);

    // Subscribing again bills from the new start, never across the gap; the first subscription's
    // reporting state stays, so its last hours are still reported.
    await database.pool.query(sql.unsafe`
      insert into billing_report_cursors (subscription_id, account_id, reported_through_ms, reported_units) values ('sub_A', ${accountId}, 0, 5)`);
    const again = stripeEvent('customer.subscription.created', { id: 'sub_B', object: 'subscription', customer, status: 'active', start_date: t + 3_000, items: { data: [period] } }, new Date((t + 3_000) * 1000));
    expect((await postWebhook(api.url, again, { at })).status).toBe(200);
    const state = await database.pool.one(sql.type(z.object({ report_from_ms: z.number().nullable(), subscription_id: z.string(), cursors: z.number() }))`
      select report_from_ms, subscription_id, (select count(*)::int from billing_report_cursors where account_id = ${accountId}) as cursors
      from billing_accounts where account_id = ${accountId}`);
    expect(state).toEqual({ report_from_ms: Math.ceil(((t + 3_000) * 1000) / 3_600_000) * 3_600_000, subscription_id: 'sub_B', cursors: 1 });
    const subscriptions = await database.pool.any(sql.type(z.object({ subscription_id: z.string(), status: z.string(), report_until_ms: z.number().nullable() }))`
      select subscription_id, status, report_until_ms from billing_subscriptions where account_id = ${accountId} order by subscription_id`);
    expect(subscriptions).toEqual([
      { subscription_id: 'sub_A', status: 'canceled', report_until_ms: (t + 20) * 1000 },
      { subscription_id: 'sub_B', status: 'active', report_until_ms: null },
    ]);
  });

  test('events for unknown customers and of unhandled types are acknowledged and ignored', async () => {
    const at = clock.now();
    const unknown = stripeEvent('invoice.paid', { id: 'in_x', object: 'invoice', customer: 'cus_not_ours', status: 'paid' }, at);
    expect(await (await postWebhook(api.url, unknown, { at })).json()).toEqual({ received: true, outcome: 'ignored' });
    const other = stripeEvent('charge.refunded', { id: 'ch_1' }, at);
    expect(await (await postWebhook(api.url, other, { at })).json()).toEqual({ received: true, outcome: 'ignored' });
  });

  test.each([
    ['unsigned', { header: null }, 'webhook_signature_missing'],
    ['forged', { secret: 'whsec_someone_else' }, 'webhook_signature_invalid'],
    ['garbage header', { header: 'v1=abc' }, 'webhook_signature_invalid'],
    ['stale', { at: new Date(Date.parse('2026-11-15T12:00:00Z') - 301_000) }, 'webhook_timestamp_out_of_tolerance'],
    ['from the future', { at: new Date(Date.parse('2026-11-15T12:00:00Z') + 301_000) }, 'webhook_timestamp_out_of_tolerance'],
    ['signed non-JSON', { rawBody: 'not json' }, 'webhook_payload_invalid'],
    ['signed non-event', { rawBody: '{"hello":"world"}' }, 'webhook_payload_invalid'],
  ] as const)('a %s delivery is a 400 problem', async (_name, options, code) => {
    const event = stripeEvent('invoice.paid', { id: 'in_2', customer: 'cus_x' }, clock.now());
    const response = await postWebhook(api.url, event, { at: clock.now(), ...options });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code });
  });
});

describe('GET /v1/billing', () => {
  test('month-to-date byte-time is exact and priced once; invoices come from Stripe', async () => {
    const { token, accountId } = await signIn();
    const monthStart = Date.UTC(2026, 10, 1);
    // 1 GiB kept all month so far (from before the month), 3 bytes for one hour, one deleted before the month.
    await insertInterval(database.pool, { accountId, size: GIB, storedAt: monthStart - 86_400_000 });
    await insertInterval(database.pool, { accountId, size: 3n, storedAt: monthStart + 3_600_000, deletedAt: monthStart + 7_200_000 });
    await insertInterval(database.pool, { accountId, size: 99n, storedAt: monthStart - 7_200_000, deletedAt: monthStart - 3_600_000 });
    await call('/v1/billing/portal', token, 'POST'); // links a customer, so invoices are fetched
    // stripe-mock answers every listing with the same fixture invoice, which an earlier test cached for its account.
    await database.pool.query(sql.unsafe`delete from billing_invoices where id like 'in_1Pgc%'`);
    const response = await call('/v1/billing', token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, any>;
    const elapsed = BigInt(clock.now().getTime() - monthStart);
    expect(body.month_to_date.byte_ms).toBe((GIB * elapsed + 3n * 3_600_000n).toString());
    // 14.5 of 30 days of 1 GiB at 0.02 → 0.009666…; the 3 bytes add nothing visible.
    expect(body.month_to_date).toMatchObject({ estimated_cost: '0.009667', currency: 'usd', period_start: '2026-11-01T00:00:00.000Z' });
    expect(body.mode).toBe('stripe');
    expect(body.invoices).toEqual([expect.objectContaining({ id: expect.stringMatching(/^in_/), currency: 'usd', amount_due: '10.00' })]);
  });
});
