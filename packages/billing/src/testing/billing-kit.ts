// Shared by the billing integration tests (API and metering): stripe-mock settings, accounts and
// file intervals written straight into the projection.
import Stripe from 'stripe';
import { sql, type CommonQueryMethods } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { requireTestEnv } from '@baketsu/platform/testing';

export const TEST_WEBHOOK_SECRET = 'whsec_test_baketsu_billing';

/** Environment that points the API's Stripe client at stripe-mock. */
export function stripeMockEnv(): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: 'sk_test_123',
    STRIPE_API_HOST: requireTestEnv('TEST_STRIPE_HOST'),
    STRIPE_API_PORT: requireTestEnv('TEST_STRIPE_PORT'),
    STRIPE_API_PROTOCOL: requireTestEnv('TEST_STRIPE_PROTOCOL'),
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
  };
}

export function stripeMock(): Stripe {
  return new Stripe('sk_test_123', {
    host: requireTestEnv('TEST_STRIPE_HOST'),
    port: Number(requireTestEnv('TEST_STRIPE_PORT')),
    protocol: requireTestEnv('TEST_STRIPE_PROTOCOL') as 'http' | 'https',
    maxNetworkRetries: 0,
  });
}

/** A mutable clock for tests. */
export function testClock(at: Date) {
  let now = at.getTime();
  return { now: () => new Date(now), set: (date: Date) => void (now = date.getTime()), advance: (ms: number) => void (now += ms) };
}

export async function insertAccount(db: CommonQueryMethods, email = `billing-${uuidv7()}@example.com`): Promise<string> {
  const id = uuidv7();
  await db.query(sql.unsafe`insert into accounts (id, email, password_hash) values (${id}, ${email}, 'x')`);
  return id;
}

export async function insertInterval(
  db: CommonQueryMethods,
  file: { accountId: string; size: bigint; storedAt: number; deletedAt?: number | null },
): Promise<void> {
  await db.query(sql.unsafe`
    insert into metering.file_intervals (file_id, account_id, size_bytes, family, stored_at_ms, deleted_at_ms)
    values (${uuidv7()}, ${file.accountId}, ${file.size.toString()}, 'other', ${file.storedAt}, ${file.deletedAt ?? null})`);
}

/** A live subscription as the webhooks record it (billing_subscriptions), mirrored on billing_accounts. */
export async function insertSubscription(
  db: CommonQueryMethods,
  subscription: { accountId: string; customerId: string; subscriptionId: string; reportFromMs: number; status?: string },
): Promise<void> {
  const status = subscription.status ?? 'active';
  await db.query(sql.unsafe`
    insert into billing_accounts (account_id, stripe_customer_id, subscription_id, subscription_status, report_from_ms)
    values (${subscription.accountId}, ${subscription.customerId}, ${subscription.subscriptionId}, ${status}, ${subscription.reportFromMs})
    on conflict (account_id) do update set subscription_id = excluded.subscription_id, subscription_status = excluded.subscription_status,
      report_from_ms = excluded.report_from_ms`);
  await db.query(sql.unsafe`
    insert into billing_subscriptions (subscription_id, account_id, stripe_customer_id, status, event_at, report_from_ms)
    values (${subscription.subscriptionId}, ${subscription.accountId}, ${subscription.customerId}, ${status}, 1, ${subscription.reportFromMs})`);
}

/** Signs `event` as Stripe would at `at` and posts it raw. */
export async function postWebhook(
  url: string,
  event: unknown,
  options: { at: Date; secret?: string; header?: string | null; rawBody?: string },
): Promise<Response> {
  const payload = options.rawBody ?? JSON.stringify(event);
  const header =
    options.header !== undefined
      ? options.header
      : Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? TEST_WEBHOOK_SECRET,
          timestamp: Math.floor(options.at.getTime() / 1000),
        });
  return fetch(`${url}/v1/billing/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'stripe-signature': header }) },
    body: payload,
  });
}

export function stripeEvent(type: string, object: Record<string, unknown>, at: Date, id = `evt_${uuidv7().replaceAll('-', '')}`) {
  return { id, object: 'event', type, created: Math.floor(at.getTime() / 1000), api_version: '2025-10-29.clover', data: { object } };
}
