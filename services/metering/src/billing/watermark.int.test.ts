// The bill waits for the fold: hours are billed only once metering has folded every outbox row
// committed before their end (or after the maximum wait), and usage folded later is corrected.
import { stripeBillingProvider, type MeterEventReport } from '@baketsu/billing';
import { HOUR_MS, meterUnit } from '@baketsu/billing-core';
import { insertAccount, insertSubscription, stripeMock, testClock } from '@baketsu/billing/testing';
import { fileEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { createTestDatabase, type TestDatabase } from '#test/database.js';
import { pino } from 'pino';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { z } from 'zod';
import { startEmbeddedMetering } from '#src/embedded.js';
import { formatReconciliation, reconcile } from './reconcile.js';
import { runReportingPass, type ReporterDeps } from './reporter.js';

const U = meterUnit('MiB-hour').byteMs;
const MiB = 1n << 20n;
const T0 = Date.UTC(2026, 10, 2, 0);
const GRACE = 900_000;
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
             metering.account_usage, metering.account_families, metering.account_days, metering_cursors,
             billing_fold_watermark, billing_fold_checkpoints, outbox`);
});

const stripe = stripeBillingProvider(stripeMock());
function reporterFor(clock: { now(): Date }, sent: MeterEventReport[], extra: Partial<ReporterDeps> = {}): ReporterDeps {
  return {
    pool: database.pool,
    sink: { send: async (report) => (await stripe.sendMeterEvent(report), void sent.push(report)) },
    clock,
    logger: pino({ level: 'silent' }),
    unit: 'MiB-hour',
    graceSeconds: GRACE / 1000,
    maxWaitSeconds: 6 * 3600,
    concurrency: 4,
    ...extra,
  };
}

async function subscribed(customer: string): Promise<string> {
  const accountId = await insertAccount(database.pool);
  await insertSubscription(database.pool, { accountId, customerId: customer, subscriptionId: `sub_${customer}`, reportFromMs: T0 });
  return accountId;
}

/** A file.stored event committed to the outbox in `tx`, as the API writes it on completion. */
async function stored(tx: Parameters<typeof appendToOutbox>[0], accountId: string, size: bigint, storedAt: number): Promise<string> {
  const fileId = uuidv7();
  await appendToOutbox(tx, fileEvent('file.stored', uuidv7(), { file_id: fileId, account_id: accountId, size_bytes: Number(size), content_type: 'text/plain', stored_at: new Date(storedAt).toISOString() }));
  return fileId;
}

async function deleted(accountId: string, fileId: string, size: bigint, deletedAt: number): Promise<void> {
  await database.pool.transaction((tx) =>
    appendToOutbox(tx, fileEvent('file.deleted', uuidv7(), { file_id: fileId, account_id: accountId, size_bytes: Number(size), deleted_at: new Date(deletedAt).toISOString() })),
  );
}

const metering = () => startEmbeddedMetering({ pool: database.pool, logger: pino({ level: 'silent' }), poll: false });
const reports = () =>
  database.pool.any(sql.type(z.object({ hour_start_ms: z.number(), value: z.string(), status: z.string() }))`
    select hour_start_ms, value::text as value, status from billing_meter_reports order by hour_start_ms`);
const total = (rows: ReadonlyArray<{ value: string }>) => rows.reduce((sum, row) => sum + BigInt(row.value), 0n);

test('an hour is not billed while an event committed before its end is still unfolded; once folded, it is billed with it', async () => {
  const accountId = await subscribed('cus_wait');
  const clock = testClock(new Date(T0 + 2 * HOUR_MS + GRACE + 60_000));
  await database.pool.transaction((tx) => stored(tx, accountId, 10n * MiB, T0 + 30 * 60_000));
  const sent: MeterEventReport[] = [];

  const waiting = await runReportingPass(reporterFor(clock, sent));
  expect(waiting).toMatchObject({ foldedThroughMs: null, eventsPlanned: 0 });
  expect(await reports()).toEqual([]);

  expect(await metering().drain()).toBe(1);
  const folded = await runReportingPass(reporterFor(clock, sent));
  expect(folded!.foldedThroughMs).toBe(clock.now().getTime());
  // 10 MiB from 00:30: 5 MiB-hours in the first hour, 10 in the second.
  expect(sent.map((report) => [report.timestampMs, report.value])).toEqual([[T0, '5'], [T0 + HOUR_MS, '10']]);
});

test('a transaction that commits after a later one was folded (out of position order) holds the watermark until it is folded', async () => {
  const accountId = await subscribed('cus_order');
  const clock = testClock(new Date(T0 + HOUR_MS + GRACE + 60_000));
  const sent: MeterEventReport[] = [];
  let commitEarly!: () => void;
  const early = database.pool.transaction(async (tx) => {
    await stored(tx, accountId, 4n * MiB, T0 + 15 * 60_000);
    await new Promise<void>((resolve) => (commitEarly = resolve));
  });
  await expect.poll(() => commitEarly !== undefined).toBe(true);
  // A later transaction commits first, and its file is in the projection (as a Kafka consumer of
  // another partition might have it), while the earlier one is still open.
  const laterFile = await database.pool.transaction((tx) => stored(tx, accountId, 2n * MiB, T0 + 30 * 60_000));
  await database.pool.query(sql.unsafe`
    insert into metering.file_intervals (file_id, account_id, size_bytes, family, stored_at_ms) values (${laterFile}, ${accountId}, ${(2n * MiB).toString()}, 'text', ${T0 + 30 * 60_000})`);
  await runReportingPass(reporterFor(clock, sent));
  expect(await reports()).toEqual([]);

  commitEarly();
  await early;
  await runReportingPass(reporterFor(clock, sent));
  expect(await reports()).toEqual([]);

  await metering().drain();
  await runReportingPass(reporterFor(clock, sent));
  // 4 MiB for 45 minutes and 2 MiB for 30: 3 + 1 = 4 MiB-hours.
  expect(sent.map((report) => [report.timestampMs, report.value])).toEqual([[T0, '4']]);
});

test('after the maximum wait an hour is billed as it stands, and usage folded later is corrected up and down until reconciliation agrees', async () => {
  const accountId = await subscribed('cus_late');
  const clock = testClock(new Date(T0 + 2 * HOUR_MS + GRACE + 60_000));
  const sent: MeterEventReport[] = [];
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  // Folded in time: 6 MiB all along. Late: 12 MiB stored at 00:00, its event stuck in the outbox.
  await database.pool.transaction((tx) => stored(tx, accountId, 6n * MiB, T0));
  await metering().drain();
  const stuck = await database.pool.transaction((tx) => stored(tx, accountId, 12n * MiB, T0));

  await runReportingPass(reporterFor(clock, sent, { maxWaitSeconds: 3600, logger }));
  expect(sent.map((report) => [report.timestampMs, report.value])).toEqual([[T0, '6']]);
  expect(warnings.join('')).toContain('billed as the projection stands');

  clock.advance(HOUR_MS);
  await metering().drain();
  await runReportingPass(reporterFor(clock, sent, { maxWaitSeconds: 3600 }));
  // Hour 01:00 carries its own 18 and the 12 missed at 00:00; hour 02:00 its 18.
  expect(sent.map((report) => [report.timestampMs, report.value])).toEqual([[T0, '6'], [T0 + HOUR_MS, '30'], [T0 + 2 * HOUR_MS, '18']]);

  // Then a delete stamped 01:00, folded after 01:00-03:00 were billed: the next hour sends its own 6
  // minus the 24 billed too much, a negative correction Stripe takes.
  await deleted(accountId, stuck, 12n * MiB, T0 + HOUR_MS);
  await metering().drain();
  clock.advance(HOUR_MS);
  await runReportingPass(reporterFor(clock, sent, { maxWaitSeconds: 3600 }));
  expect(sent.at(-1)).toMatchObject({ timestampMs: T0 + 3 * HOUR_MS, value: '-18' });

  // Σ reported = floor(exact / unit) for the subscription, and reconciliation says so.
  const exact = (6n * MiB * 4n + 12n * MiB) * BigInt(HOUR_MS) / U;
  expect(total(await reports())).toBe(exact);
  const [row] = await reconcile(database.pool, { month: { startMs: Date.UTC(2026, 10, 1), endMs: Date.UTC(2026, 11, 1) }, unit: 'MiB-hour' });
  expect(row).toMatchObject({ accountId, exactTotal: exact, reportedTotal: exact, difference: 0n, differences: [] });
  expect(formatReconciliation([row!])).toMatch(/1 subscriptions, 0 with differences/);
});
