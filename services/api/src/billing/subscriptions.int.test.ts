import { pino } from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '#src/platform/testing/index.js';
import { billingRepository } from './billing-repository.js';
import { insertAccount, stripeEvent } from '@baketsu/billing/testing';
import { applyWebhookEvent } from './webhook-events.js';

const HOUR = 3_600_000;
const t = Date.parse('2026-11-15T12:10:00Z') / 1000;
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

function capturingLogger() {
  const lines: Array<{ level: number; msg: string; subscriptionId?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const subscriptionEvent = (type: string, id: string, customer: string, status: string, seconds: number, extra: Record<string, unknown> = {}) =>
  stripeEvent(type, { id, object: 'subscription', customer, status, start_date: seconds, items: { data: [] }, ...extra }, new Date(seconds * 1000));

const subscriptions = (accountId: string) =>
  database.pool.any(sql.type(z.object({ subscription_id: z.string(), status: z.string(), report_from_ms: z.number(), duplicate_of: z.string().nullable() }))`
    select subscription_id, status, report_from_ms, duplicate_of from billing_subscriptions where account_id = ${accountId} order by created_at, subscription_id`);
const flag = (accountId: string) =>
  database.pool.one(sql.type(z.object({ subscription_id: z.string().nullable(), duplicate_subscription_id: z.string().nullable(), flagged: z.boolean() }))`
    select subscription_id, duplicate_subscription_id, duplicate_detected_at is not null as flagged from billing_accounts where account_id = ${accountId}`);

test('a second live subscription made outside the dashboard is detected, flagged and logged, never reported; it takes over when the first ends', async () => {
  const accountId = await insertAccount(database.pool);
  await billingRepository.linkCustomer(database.pool, accountId, 'cus_dup');
  const { logger, lines } = capturingLogger();
  const apply = (event: ReturnType<typeof stripeEvent>) => applyWebhookEvent(database.pool, event, logger);

  await apply(subscriptionEvent('customer.subscription.created', 'sub_ours', 'cus_dup', 'active', t));
  expect(await flag(accountId)).toEqual({ subscription_id: 'sub_ours', duplicate_subscription_id: null, flagged: false });

  // Made in Stripe's dashboard for the same customer half an hour later.
  await apply(subscriptionEvent('customer.subscription.created', 'sub_dashboard', 'cus_dup', 'active', t + 1800));
  expect(await subscriptions(accountId)).toEqual([
    { subscription_id: 'sub_ours', status: 'active', report_from_ms: Math.ceil((t * 1000) / HOUR) * HOUR, duplicate_of: null },
    { subscription_id: 'sub_dashboard', status: 'active', report_from_ms: Math.ceil(((t + 1800) * 1000) / HOUR) * HOUR, duplicate_of: 'sub_ours' },
  ]);
  expect(await flag(accountId)).toEqual({ subscription_id: 'sub_ours', duplicate_subscription_id: 'sub_dashboard', flagged: true });
  const alert = lines.find((line) => line.level === 50);
  expect(alert).toMatchObject({ subscriptionId: 'sub_dashboard', msg: expect.stringMatching(/second live subscription/) });
  // An update of the duplicate keeps it a duplicate.
  await apply(subscriptionEvent('customer.subscription.updated', 'sub_dashboard', 'cus_dup', 'past_due', t + 1900));
  expect((await subscriptions(accountId))[1]).toMatchObject({ status: 'past_due', duplicate_of: 'sub_ours' });

  // Ours is cancelled at 15:20: the other is reported from then on (rounded up), and the flag goes.
  const ended = t + 3 * 3600;
  await apply(subscriptionEvent('customer.subscription.deleted', 'sub_ours', 'cus_dup', 'canceled', ended, { ended_at: ended }));
  expect(await subscriptions(accountId)).toEqual([
    { subscription_id: 'sub_ours', status: 'canceled', report_from_ms: Math.ceil((t * 1000) / HOUR) * HOUR, duplicate_of: null },
    { subscription_id: 'sub_dashboard', status: 'past_due', report_from_ms: Math.ceil((ended * 1000) / HOUR) * HOUR, duplicate_of: null },
  ]);
  expect(await flag(accountId)).toEqual({ subscription_id: 'sub_dashboard', duplicate_subscription_id: null, flagged: false });
});

test('a deletion that arrives after the next subscription was created ends the right one, and each keeps its own hours', async () => {
  const accountId = await insertAccount(database.pool);
  await billingRepository.linkCustomer(database.pool, accountId, 'cus_order');
  const { logger, lines } = capturingLogger();
  const apply = (event: ReturnType<typeof stripeEvent>) => applyWebhookEvent(database.pool, event, logger);
  await apply(subscriptionEvent('customer.subscription.created', 'sub_1', 'cus_order', 'active', t));
  // Cancelled at +2 h, resubscribed at +2 h 10 min; Stripe delivers the creation first.
  const cancelledAt = t + 7200;
  await apply(subscriptionEvent('customer.subscription.created', 'sub_2', 'cus_order', 'active', t + 7800));
  await apply(subscriptionEvent('customer.subscription.deleted', 'sub_1', 'cus_order', 'canceled', cancelledAt + 5, { ended_at: cancelledAt }));
  const rows = await subscriptions(accountId);
  // Out of order, the second was first taken for a duplicate; the deletion hands it the reporting
  // from the end of the first, rounded up, so no hour is reported twice or lost.
  expect(rows.map((row) => [row.subscription_id, row.status, row.duplicate_of])).toEqual([['sub_1', 'canceled', null], ['sub_2', 'active', null]]);
  expect(rows[1]!.report_from_ms).toBe(Math.ceil(((t + 7800) * 1000) / HOUR) * HOUR);
  expect(await database.pool.oneFirst(sql.unsafe`select report_until_ms from billing_subscriptions where subscription_id = 'sub_1'`)).toBe(cancelledAt * 1000);
  expect(await flag(accountId)).toEqual({ subscription_id: 'sub_2', duplicate_subscription_id: null, flagged: false });
  expect(lines.some((line) => line.level === 50)).toBe(true);
});
