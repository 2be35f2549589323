import { stripeBillingProvider } from '@baketsu/billing';
import { HOUR_MS, utcMonth } from '@baketsu/billing-core';
import { insertAccount, insertInterval, insertSubscription, stripeMock, testClock } from '@baketsu/billing/testing';
import { createTestDatabase, type TestDatabase } from '#test/database.js';
import { pino } from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { formatReconciliation, reconcile } from './reconcile.js';
import { runReportingPass } from './reporter.js';

const MiB = 1n << 20n;
const T0 = Date.UTC(2026, 9, 31, 20); // subscribed 4 hours before November
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

test('reconciliation matches exact usage to what was reported, per month, and prints every difference', async () => {
  const accounts: string[] = [];
  for (const customer of ['cus_r1', 'cus_r2']) {
    const accountId = await insertAccount(database.pool);
    accounts.push(accountId);
    await insertSubscription(database.pool, { accountId, customerId: customer, subscriptionId: `sub_${customer}`, reportFromMs: T0 });
    // 1.5 MiB from before the subscription, so the month boundary splits a fraction.
    await insertInterval(database.pool, { accountId, size: (3n * MiB) / 2n, storedAt: T0 - 30 * 60_000 });
  }
  const clock = testClock(new Date(T0 + 10 * HOUR_MS + 900_000));
  const sink = { send: (report: Parameters<ReturnType<typeof stripeBillingProvider>['sendMeterEvent']>[0]) => stripeBillingProvider(stripeMock()).sendMeterEvent(report) };
  await runReportingPass({ pool: database.pool, sink, clock, logger: pino({ level: 'silent' }), unit: 'MiB-hour', graceSeconds: 900, concurrency: 4 });

  const october = await reconcile(database.pool, { month: utcMonth(new Date(T0)), unit: 'MiB-hour' });
  const november = await reconcile(database.pool, { month: utcMonth(clock.now()), unit: 'MiB-hour' });
  // 4 h × 1.5 MiB = 6 MiB-hours in October; 6 h × 1.5 = 9 in November.
  expect(october.map((row) => [row.expectedUnits, row.sent, row.differences])).toEqual([[6n, 6n, []], [6n, 6n, []]]);
  expect(november.map((row) => [row.expectedUnits, row.sent, row.differences])).toEqual([[9n, 9n, []], [9n, 9n, []]]);
  expect(november[0]!.byteMs).toBe(((3n * MiB) / 2n) * 6n * BigInt(HOUR_MS));
  // Over the whole subscription: 10 h × 1.5 MiB = 15, all reported.
  expect(november.map((row) => [row.exactTotal, row.reportedTotal, row.difference])).toEqual([[15n, 15n, 0n], [15n, 15n, 0n]]);

  // A lost report and one Stripe refused are both differences.
  await database.pool.query(sql.unsafe`delete from billing_meter_reports where account_id = ${accounts[0]!} and hour_start_ms = ${T0 + 5 * HOUR_MS}`);
  await database.pool.query(sql.unsafe`update billing_meter_reports set status = 'failed' where account_id = ${accounts[1]!} and hour_start_ms = ${T0 + 6 * HOUR_MS}`);
  const broken = await reconcile(database.pool, { month: utcMonth(clock.now()), unit: 'MiB-hour' });
  const text = formatReconciliation(broken);
  expect(text).toMatch(/reported 1[34] units net since the subscription started, exact usage is 15 \(difference [12]\)/);
  expect(text).toMatch(/units refused by Stripe/);
  expect(text).toMatch(/2 subscriptions, 2 with differences/);

  // With Stripe, its meter event summaries are compared too (stripe-mock answers a fixed summary).
  const withStripe = await reconcile(database.pool, {
    month: utcMonth(clock.now()),
    unit: 'MiB-hour',
    provider: stripeBillingProvider(stripeMock()),
    meterId: 'mtr_test',
  });
  expect(withStripe[0]!.stripe).not.toBeNull();
  expect(withStripe[0]!.differences.some((line) => line.startsWith('Stripe summarises'))).toBe(withStripe[0]!.stripe !== withStripe[0]!.sent);
});
