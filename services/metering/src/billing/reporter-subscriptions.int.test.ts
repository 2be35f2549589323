// Per-subscription reporting: a resubscribe keeps the previous subscription's last hours, a duplicate
// subscription is never reported on, the unit cannot change under live cursors, and no value sent
// reaches 15 significant digits.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stripeBillingProvider, type MeterEventReport } from '@baketsu/billing';
import { HOUR_MS, meterUnit } from '@baketsu/billing-core';
import { insertAccount, insertInterval, insertSubscription, stripeMock, testClock } from '@baketsu/billing/testing';
import { createTestDatabase, type TestDatabase } from '#test/database.js';
import { pino } from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { z } from 'zod';
import { MAX_METER_VALUE } from './report-plan.js';
import { assertMeterUnitUnchanged, runReportingPass, type ReporterDeps } from './reporter.js';

const MiB = 1n << 20n;
const T0 = Date.UTC(2026, 10, 2, 0);
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
});
afterAll(async () => {
  await database?.drop();
});
beforeEach(async () => {
  await database.pool.query(sql.unsafe`
    truncate billing_meter_reports, billing_report_cursors, billing_subscriptions, billing_accounts, metering.file_intervals,
             billing_fold_watermark, billing_fold_checkpoints, outbox`);
});

const stripe = stripeBillingProvider(stripeMock());
function reporter(clock: { now(): Date }, sent: MeterEventReport[], extra: Partial<ReporterDeps> = {}): ReporterDeps {
  return {
    pool: database.pool,
    sink: { send: async (report) => (await stripe.sendMeterEvent(report), void sent.push(report)) },
    clock,
    logger: pino({ level: 'silent' }),
    unit: 'MiB-hour',
    graceSeconds: 900,
    concurrency: 4,
    ...extra,
  };
}
const reports = () =>
  database.pool.any(sql.type(z.object({ subscription_id: z.string(), hour_start_ms: z.number(), value: z.string() }))`
    select subscription_id, hour_start_ms, value::text as value from billing_meter_reports order by hour_start_ms`);

test('a resubscribe before the previous subscription\'s last hours were reported keeps those hours, and bills the new one from its start', async () => {
  const accountId = await insertAccount(database.pool);
  await insertSubscription(database.pool, { accountId, customerId: 'cus_again', subscriptionId: 'sub_first', reportFromMs: T0 });
  await insertInterval(database.pool, { accountId, size: 6n * MiB, storedAt: T0 - HOUR_MS });
  const clock = testClock(new Date(T0 + HOUR_MS + 900_000));
  const sent: MeterEventReport[] = [];
  await runReportingPass(reporter(clock, sent));
  expect(sent.map((report) => report.timestampMs)).toEqual([T0]);

  // Cancelled at 02:20 and subscribed again at 02:40, both before 01:00-02:00 was reported. The new
  // subscription is reported from 03:00 (its start rounded up); what the webhooks write, here by hand.
  await database.pool.query(sql.unsafe`
    update billing_subscriptions set status = 'canceled', report_until_ms = ${T0 + 2 * HOUR_MS + 20 * 60_000} where subscription_id = 'sub_first'`);
  await database.pool.query(sql.unsafe`
    insert into billing_subscriptions (subscription_id, account_id, stripe_customer_id, status, event_at, report_from_ms)
    values ('sub_second', ${accountId}, 'cus_again', 'active', 2, ${T0 + 3 * HOUR_MS})`);
  clock.set(new Date(T0 + 5 * HOUR_MS + 900_000));
  await runReportingPass(reporter(clock, sent));
  expect((await reports()).map((row) => [row.subscription_id, (row.hour_start_ms - T0) / HOUR_MS, row.value])).toEqual([
    ['sub_first', 0, '6'],
    ['sub_first', 1, '6'],
    ['sub_first', 2, '2'], // 02:00-02:20
    ['sub_second', 3, '6'],
    ['sub_second', 4, '6'],
  ]);
});

test('a duplicate subscription of the same customer is never reported on: each hour goes to Stripe once', async () => {
  const accountId = await insertAccount(database.pool);
  await insertSubscription(database.pool, { accountId, customerId: 'cus_twice', subscriptionId: 'sub_ours', reportFromMs: T0 });
  await database.pool.query(sql.unsafe`
    insert into billing_subscriptions (subscription_id, account_id, stripe_customer_id, status, event_at, report_from_ms, duplicate_of)
    values ('sub_dashboard', ${accountId}, 'cus_twice', 'active', 2, ${T0}, 'sub_ours')`);
  await insertInterval(database.pool, { accountId, size: 3n * MiB, storedAt: T0 });
  const sent: MeterEventReport[] = [];
  await runReportingPass(reporter(testClock(new Date(T0 + 2 * HOUR_MS + 900_000)), sent));
  expect(sent.map((report) => [report.timestampMs, report.value])).toEqual([[T0, '3'], [T0 + HOUR_MS, '3']]);
  expect(await database.pool.anyFirst(sql.unsafe`select subscription_id from billing_report_cursors`)).toEqual(['sub_ours']);
});

test('changing BILLING_METER_UNIT under subscriptions still reported is refused, naming the setting; nothing is mixed', async () => {
  const accountId = await insertAccount(database.pool);
  await insertSubscription(database.pool, { accountId, customerId: 'cus_unit', subscriptionId: 'sub_unit', reportFromMs: T0 });
  await insertInterval(database.pool, { accountId, size: MiB, storedAt: T0 });
  const clock = testClock(new Date(T0 + 2 * HOUR_MS + 900_000));
  const sent: MeterEventReport[] = [];
  await runReportingPass(reporter(clock, sent));
  await expect(assertMeterUnitUnchanged(database.pool, 'MiB-hour')).resolves.toBeUndefined();
  await expect(assertMeterUnitUnchanged(database.pool, 'KiB-hour')).rejects.toThrow(/BILLING_METER_UNIT is KiB-hour, but .*1 in MiB-hour/);

  clock.advance(2 * HOUR_MS);
  await expect(runReportingPass(reporter(clock, sent, { unit: 'KiB-hour' }))).rejects.toThrow(/BILLING_METER_UNIT/);
  expect(await database.pool.anyFirst(sql.unsafe`select distinct meter_event_name from billing_meter_reports`)).toEqual(['baketsu_storage_mib_hours']);

  // At start, the CLI (as metering) exits 78 with the setting's name before it sends anything.
  const cli = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./billing-main.ts', import.meta.url)), 'report', '--once'], {
      env: { NODE_ENV: 'test', PATH: process.env.PATH, DATABASE_URL: database.connectionUrl, BILLING_METER_UNIT: 'KiB-hour', STRIPE_SECRET_KEY: 'sk_test_123', LOG_LEVEL: 'silent' },
    }, (error, _stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? null : 0, stderr }));
  });
  expect(cli).toEqual({ code: 78, stderr: expect.stringContaining('BILLING_METER_UNIT is KiB-hour') });

  // Once the subscription has ended and is reported to its end, another unit is allowed.
  await database.pool.query(sql.unsafe`update billing_subscriptions set status = 'canceled', report_until_ms = ${T0 + 3 * HOUR_MS}`);
  await runReportingPass(reporter(clock, sent));
  await expect(assertMeterUnitUnchanged(database.pool, 'KiB-hour')).resolves.toBeUndefined();
});

test('the largest account the service takes (2^53 − 1 bytes) is sent in KiB-hours under 15 digits, even a correction of weeks', async () => {
  const kib = meterUnit('KiB-hour');
  const largest = BigInt(Number.MAX_SAFE_INTEGER);
  const start = T0 - 30 * 24 * HOUR_MS;
  const accountId = await insertAccount(database.pool);
  await insertSubscription(database.pool, { accountId, customerId: 'cus_huge', subscriptionId: 'sub_huge', reportFromMs: start });
  await insertInterval(database.pool, { accountId, size: largest, storedAt: T0 - HOUR_MS });
  const clock = testClock(new Date(T0 + 900_000));
  const sent: MeterEventReport[] = [];
  await runReportingPass(reporter(clock, sent, { unit: 'KiB-hour' }));
  const hourOfLargest = (largest * BigInt(HOUR_MS)) / kib.byteMs;
  expect(hourOfLargest.toString()).toHaveLength(13);
  expect(sent.map((report) => report.value)).toEqual([hourOfLargest.toString()]);

  // Another such file, kept since the subscription started, whose event was folded only now: 720
  // hours (6.3 × 10^15 KiB-hours) owed at once. The next hours carry it, none more than 10^15 − 1,
  // and Stripe (stripe-mock) takes each.
  await insertInterval(database.pool, { accountId, size: largest, storedAt: start });
  clock.advance(10 * HOUR_MS);
  await runReportingPass(reporter(clock, sent, { unit: 'KiB-hour' }));
  expect(sent.slice(1).map((report) => BigInt(report.value))).toContain(MAX_METER_VALUE);
  expect(sent.every((report) => BigInt(report.value) <= MAX_METER_VALUE && report.value.length <= 15)).toBe(true);
  const exact = (largest * BigInt(T0 + 10 * HOUR_MS - start) + largest * BigInt(11 * HOUR_MS)) / kib.byteMs;
  expect(sent.reduce((sum, report) => sum + BigInt(report.value), 0n)).toBe(exact);
});
