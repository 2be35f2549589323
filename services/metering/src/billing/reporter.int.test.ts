import { BillingProviderRejected, BillingProviderUnavailable, stripeBillingProvider, type MeterEventReport } from '@baketsu/billing';
import { HOUR_MS, meterUnit } from '@baketsu/billing-core';
import { insertAccount, insertInterval, insertSubscription, stripeMock, testClock } from '@baketsu/billing/testing';
import { createTestDatabase, type TestDatabase } from '#test/database.js';
import { pino } from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { z } from 'zod';
import { runReportingPass, type ReporterDeps } from './reporter.js';
import type { MeterEventSink } from './report-sender.js';

const unit = meterUnit('MiB-hour');
const U = unit.byteMs;
const MiB = 1n << 20n;
const T0 = Date.UTC(2026, 10, 2, 0); // subscription start
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

/** Delegates to the Stripe adapter on stripe-mock (which validates every request) and records what it sent. */
function recordingSink(hooks: { before?: (report: MeterEventReport, call: number) => void; after?: (report: MeterEventReport, call: number) => void } = {}) {
  const stripe = stripeBillingProvider(stripeMock());
  const sent: MeterEventReport[] = [];
  let calls = 0;
  let inFlight = new Map<string, number>();
  let maxInFlightPerCustomer = 0;
  const sink: MeterEventSink = {
    async send(report) {
      calls += 1;
      const call = calls;
      inFlight.set(report.customerId, (inFlight.get(report.customerId) ?? 0) + 1);
      maxInFlightPerCustomer = Math.max(maxInFlightPerCustomer, inFlight.get(report.customerId)!);
      try {
        hooks.before?.(report, call);
        await stripe.sendMeterEvent(report);
        sent.push(report);
        hooks.after?.(report, call);
      } finally {
        inFlight.set(report.customerId, inFlight.get(report.customerId)! - 1);
      }
    },
  };
  return { sink, sent, stats: () => ({ calls, maxInFlightPerCustomer }), reset: () => void (inFlight = new Map()) };
}

async function subscribedAccount(customer: string, startMs = T0): Promise<string> {
  const accountId = await insertAccount(database.pool);
  await insertSubscription(database.pool, { accountId, customerId: customer, subscriptionId: `sub_${customer}`, reportFromMs: startMs });
  return accountId;
}

function reporter(sink: MeterEventSink, clock: { now(): Date }, extra: Partial<ReporterDeps> = {}): ReporterDeps {
  return { pool: database.pool, sink, clock, logger: pino({ level: 'silent' }), unit: 'MiB-hour', graceSeconds: 900, concurrency: 8, sleep: async () => {}, ...extra };
}

const reports = () =>
  database.pool.any(sql.type(z.object({ account_id: z.string(), identifier: z.string(), value: z.string(), status: z.string(), attempts: z.number(), hour_start_ms: z.number() }))`
    select account_id, identifier, value::text as value, status, attempts, hour_start_ms from billing_meter_reports order by account_id, hour_start_ms`);
const total = (rows: ReadonlyArray<{ value: string }>) => rows.reduce((sum, row) => sum + BigInt(row.value), 0n);

/** The exact byte-ms in JS, independently of the SQL. */
function exactCum(files: Array<{ size: bigint; storedAt: number; deletedAt: number | null }>, t: number): bigint {
  return files.reduce((sum, f) => (f.storedAt >= t ? sum : sum + f.size * BigInt(Math.min(f.deletedAt ?? t, t) - f.storedAt)), 0n);
}

test('passes at irregular times send Σ values = floor(total / unit) exactly, each hour once', async () => {
  const accounts = [await subscribedAccount('cus_a'), await subscribedAccount('cus_b')];
  const files = new Map<string, Array<{ size: bigint; storedAt: number; deletedAt: number | null }>>();
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (const accountId of accounts) {
    const list = Array.from({ length: 12 }, () => {
      const storedAt = T0 + Math.floor(random() * 30 * HOUR_MS);
      return { size: BigInt(Math.floor(random() * 900 * Number(MiB))) + 1n, storedAt, deletedAt: random() < 0.5 ? storedAt + Math.floor(random() * 10 * HOUR_MS) : null };
    });
    files.set(accountId, list);
    for (const file of list) await insertInterval(database.pool, { accountId, ...file });
  }
  const clock = testClock(new Date(T0));
  const { sink, sent, stats } = recordingSink();
  for (let step = 0; step < 60; step += 1) {
    clock.advance(37 * 60_000);
    await runReportingPass(reporter(sink, clock));
  }
  const lastBoundary = Math.floor((clock.now().getTime() - 900_000) / HOUR_MS) * HOUR_MS;
  const rows = await reports();
  for (const accountId of accounts) {
    const mine = rows.filter((row) => row.account_id === accountId);
    expect(total(mine)).toBe(exactCum(files.get(accountId)!, lastBoundary) / U);
    expect(mine.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
  }
  expect(new Set(sent.map((report) => report.identifier)).size).toBe(sent.length);
  expect(sent.length).toBe(rows.length);
  expect(stats().maxInFlightPerCustomer).toBe(1);
  // Timestamps are hour starts, and no hour is sent before its grace period is over.
  expect(sent.every((report) => report.timestampMs % HOUR_MS === 0)).toBe(true);
});

test('an ended subscription is reported up to its end, last partial hour included, then never again', async () => {
  const accountId = await subscribedAccount('cus_leaving');
  const files = [{ size: 700n * MiB, storedAt: T0 - HOUR_MS, deletedAt: null }, { size: 300n * MiB, storedAt: T0 + 30 * 60_000, deletedAt: null }];
  for (const file of files) await insertInterval(database.pool, { accountId, ...file });
  const clock = testClock(new Date(T0 + HOUR_MS + 900_000));
  const { sink, sent } = recordingSink();
  await runReportingPass(reporter(sink, clock));
  expect(sent.map((report) => report.timestampMs)).toEqual([T0]);

  // Cancelled at 02:20, with hour 01:00-02:00 closed but still inside its grace period.
  const endedAt = T0 + 2 * HOUR_MS + 20 * 60_000;
  await database.pool.query(sql.unsafe`
    update billing_subscriptions set status = 'canceled', report_until_ms = ${endedAt} where account_id = ${accountId}`);
  clock.set(new Date(T0 + 2 * HOUR_MS + 25 * 60_000));
  await runReportingPass(reporter(sink, clock));
  expect(sent.map((report) => report.timestampMs)).toEqual([T0, T0 + HOUR_MS]);
  // The partial hour as soon as the grace period after the end has passed (02:35), not at the end
  // of its hour: Stripe holds the final invoice in draft for about an hour. Afterwards nothing, ever.
  clock.set(new Date(endedAt + 900_000 + 60_000));
  await runReportingPass(reporter(sink, clock));
  expect(sent.map((report) => report.timestampMs)).toEqual([T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
  for (const hours of [3, 8, 30]) {
    clock.set(new Date(T0 + hours * HOUR_MS));
    await runReportingPass(reporter(sink, clock));
  }
  expect(sent.map((report) => report.timestampMs)).toEqual([T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
  // Exactly the byte-time from the subscription's start to its end, in whole units.
  const baseline = exactCum(files, T0) / U;
  expect(total(await reports())).toBe(exactCum(files, endedAt) / U - baseline);
});

test('an account whose cursor cannot be planned is skipped, loudly, and every other account is still reported', async () => {
  const broken = await subscribedAccount('cus_broken');
  const fine = await subscribedAccount('cus_fine');
  for (const accountId of [broken, fine]) await insertInterval(database.pool, { accountId, size: 2n * MiB, storedAt: T0 - HOUR_MS });
  // Off the hour, with the subscription live: no plan can follow it.
  await database.pool.query(sql.unsafe`
    insert into billing_report_cursors (subscription_id, account_id, reported_through_ms, reported_units) values ('sub_cus_broken', ${broken}, ${T0 + 20 * 60_000}, 0)`);
  const errors: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
  const { sink, sent } = recordingSink();
  await runReportingPass(reporter(sink, testClock(new Date(T0 + 3 * HOUR_MS + 900_000)), { logger }));
  expect(new Set(sent.map((report) => report.customerId))).toEqual(new Set(['cus_fine']));
  expect(errors.join('')).toContain(broken);
});

test('a crash between sending and recording resends the same identifier and value, never a new one', async () => {
  const accountId = await subscribedAccount('cus_crash');
  await insertInterval(database.pool, { accountId, size: 10n * MiB, storedAt: T0 });
  const clock = testClock(new Date(T0 + 6 * HOUR_MS + 900_000));
  let crashed = false;
  const { sink, sent } = recordingSink({
    after: (_report, call) => {
      if (call === 3 && !crashed) {
        crashed = true;
        throw new Error('process killed after Stripe accepted the event');
      }
    },
  });
  await expect(runReportingPass(reporter(sink, clock))).rejects.toThrow(/process killed/);
  let rows = await reports();
  expect(rows.map((row) => row.status)).toEqual(['sent', 'sent', 'pending', 'pending', 'pending', 'pending']);
  expect(rows[2]!.attempts).toBe(1);

  await runReportingPass(reporter(sink, clock));
  rows = await reports();
  expect(rows.every((row) => row.status === 'sent')).toBe(true);
  expect(rows[2]!.attempts).toBe(2);
  const third = sent.filter((report) => report.identifier === rows[2]!.identifier);
  expect(third).toHaveLength(2);
  expect(third[0]).toEqual(third[1]);
  expect(sent).toHaveLength(7);
  expect(total(rows)).toBe((10n * MiB * 6n * BigInt(HOUR_MS)) / U); // 60 MiB-hours
});

test('a lost batch of "sent" records (crash before it was written) resends the same events, nothing new', async () => {
  const accountId = await subscribedAccount('cus_lost');
  await insertInterval(database.pool, { accountId, size: 5n * MiB, storedAt: T0 });
  const clock = testClock(new Date(T0 + 4 * HOUR_MS + 900_000));
  const { sink, sent } = recordingSink();
  await runReportingPass(reporter(sink, clock));
  const before = await reports();
  await database.pool.query(sql.unsafe`update billing_meter_reports set status = 'pending', sent_at = null`);
  await runReportingPass(reporter(sink, clock));
  const after = await reports();
  expect(after.map(({ identifier, value, status }) => [identifier, value, status])).toEqual(before.map(({ identifier, value }) => [identifier, value, 'sent']));
  expect(sent.slice(4)).toEqual(sent.slice(0, 4));
  expect(total(after)).toBe(20n);
});

test('429 and 5xx back off and retry; a refusal is recorded as failed; what is left is sent next pass', async () => {
  const accountId = await subscribedAccount('cus_flaky');
  await insertInterval(database.pool, { accountId, size: 3n * MiB, storedAt: T0 });
  const clock = testClock(new Date(T0 + 3 * HOUR_MS + 900_000));
  const sleeps: number[] = [];
  const failures = [new BillingProviderUnavailable('rate limited', 2_000), new BillingProviderUnavailable('502 bad gateway')];
  const { sink } = recordingSink({
    before: (report) => {
      if (report.timestampMs === T0 && failures.length > 0) throw failures.shift();
      if (report.timestampMs === T0 + HOUR_MS) throw new BillingProviderRejected('No such customer', 400);
    },
  });
  const first = await runReportingPass(reporter(sink, clock, { sleep: async (ms) => void sleeps.push(ms) }));
  expect(first).toMatchObject({ sent: 2, failed: 1, requests: 5 });
  expect(sleeps[0]).toBe(2_000); // Retry-After honoured
  let rows = await reports();
  expect(rows.map((row) => [row.status, row.attempts])).toEqual([['sent', 3], ['failed', 1], ['sent', 1]]);

  // Down for good within the pass: deferred, the customer's later hours wait, the next pass sends them in order.
  clock.advance(2 * HOUR_MS);
  let down = true;
  const { sink: flaky, sent } = recordingSink({ before: () => { if (down) throw new BillingProviderUnavailable('503'); } });
  const second = await runReportingPass(reporter(flaky, clock, { maxTries: 2 }));
  expect(second).toMatchObject({ sent: 0, deferred: 2, requests: 2 });
  down = false;
  await runReportingPass(reporter(flaky, clock));
  expect(sent.map((report) => report.timestampMs)).toEqual([T0 + 3 * HOUR_MS, T0 + 4 * HOUR_MS]);
  rows = await reports();
  expect(rows.filter((row) => row.status === 'sent')).toHaveLength(4);
});

test('a key Stripe refuses (401/403) stops the pass and fails nothing: the next pass with a good key sends everything', async () => {
  const accountId = await subscribedAccount('cus_rotated_key');
  await insertInterval(database.pool, { accountId, size: 3n * MiB, storedAt: T0 });
  const clock = testClock(new Date(T0 + 3 * HOUR_MS + 900_000));
  let refusal: number | null = 401;
  const { sink, sent } = recordingSink({
    before: () => {
      if (refusal !== null) throw new BillingProviderRejected('Invalid API Key provided', refusal);
    },
  });
  await expect(runReportingPass(reporter(sink, clock))).rejects.toThrow(/Invalid API Key/);
  refusal = 403;
  await expect(runReportingPass(reporter(sink, clock))).rejects.toThrow(/Invalid API Key/);
  expect((await reports()).map((row) => row.status)).toEqual(['pending', 'pending', 'pending']);
  refusal = null;
  await runReportingPass(reporter(sink, clock));
  expect(sent.map((report) => report.timestampMs)).toEqual([T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
  expect((await reports()).every((row) => row.status === 'sent')).toBe(true);
});

test('after downtime it catches up within 35 days and records older hours as expired, not dropped', async () => {
  const startMs = T0 - 41 * 24 * HOUR_MS;
  const accountId = await subscribedAccount('cus_late', startMs);
  await insertInterval(database.pool, { accountId, size: MiB, storedAt: startMs });
  const clock = testClock(new Date(T0 + 900_000));
  const { sink, sent } = recordingSink();
  const pass = (await runReportingPass(reporter(sink, clock)))!;
  // One pass reads at most 40 days of boundaries per account; the next one finishes the gap.
  expect((await runReportingPass(reporter(sink, clock)))!.eventsPlanned).toBe(24);
  const rows = await reports();
  const expired = rows.filter((row) => row.status === 'expired');
  expect(pass.expiredPlanned).toBe(expired.length);
  expect(expired.length).toBeGreaterThanOrEqual(6 * 24 - 1);
  expect(expired.every((row) => row.hour_start_ms < clock.now().getTime() - 35 * 24 * HOUR_MS + HOUR_MS)).toBe(true);
  expect(sent.length).toBe(rows.length - expired.length);
  expect(sent.every((report) => report.timestampMs >= T0 - 35 * 24 * HOUR_MS)).toBe(true);
  // Nothing lost: sent + expired is the exact total (1 MiB for 41 days = 984 MiB-hours).
  expect(total(rows)).toBe(984n);
});

test('a second reporter waits for the pass of the first', async () => {
  const accountId = await subscribedAccount('cus_two');
  await insertInterval(database.pool, { accountId, size: MiB, storedAt: T0 });
  const clock = testClock(new Date(T0 + 2 * HOUR_MS + 900_000));
  const { sink, sent } = recordingSink();
  const [a, b] = await Promise.all([runReportingPass(reporter(sink, clock)), runReportingPass(reporter(sink, clock))]);
  expect([a, b].filter((result) => result === null).length).toBeLessThanOrEqual(1);
  expect(sent).toHaveLength(2);
});
