import { HOUR_MS, meterUnit } from '@baketsu/billing-core';
import { describe, expect, test } from 'vitest';
import { lastReportableBoundary, MAX_METER_VALUE, oldestSendableHour, planHours, STRIPE_WINDOW_MS } from './report-plan.js';
import { reportHorizon } from './reporter.js';

const unit = meterUnit('MiB-hour');
const kib = meterUnit('KiB-hour');
const U = unit.byteMs;
const T0 = Date.UTC(2026, 10, 1);
const points = (cums: bigint[], start = T0 + HOUR_MS) => cums.map((cumByteMs, index) => ({ t: start + index * HOUR_MS, cumByteMs }));
const fresh = { reportedThroughMs: T0, reportedUnits: 0n };

describe('planHours', () => {
  test('given a new cursor, usage before the start is the baseline and each hour sends its whole units', () => {
    const { reports, cursor } = planHours(fresh, 5n * U + 7n, points([5n * U + 7n + U / 2n, 7n * U]), unit, 0);
    expect(reports).toEqual([{ hourStartMs: T0 + HOUR_MS, value: 2n, cumByteMs: 7n * U, status: 'pending' }]);
    expect(cursor).toEqual({ reportedThroughMs: T0 + 2 * HOUR_MS, reportedUnits: 2n });
  });

  test('fractions carry over: the sum of values is floor(total / unit) exactly', () => {
    const cums: bigint[] = [];
    let cum = 0n;
    for (let hour = 1; hour <= 200; hour += 1) cums.push((cum += (U * BigInt(hour % 7)) / 3n + 12_345n));
    const { reports } = planHours(fresh, 0n, points(cums), unit, 0);
    expect(reports.reduce((sum, report) => sum + report.value, 0n)).toBe(cums.at(-1)! / U);
    expect(reports.every((report) => report.value > 0n)).toBe(true);
  });

  test('given usage that was folded after its hour was reported, when the next hour is planned, then it carries the signed correction', () => {
    // 10 units reported; a late delete lowers the past to 8 at the next boundary: −2 is sent.
    const lowered = planHours({ reportedThroughMs: T0 + HOUR_MS, reportedUnits: 10n }, 0n, points([8n * U, 9n * U], T0 + 2 * HOUR_MS), unit, 0);
    expect(lowered.reports.map((report) => report.value)).toEqual([-2n, 1n]);
    expect(lowered.cursor.reportedUnits).toBe(9n);
    // A late store before the subscription raises the baseline, and is not billed.
    const raisedBaseline = planHours({ reportedThroughMs: T0 + HOUR_MS, reportedUnits: 3n }, 2n * U, points([5n * U], T0 + 2 * HOUR_MS), unit, 0);
    expect(raisedBaseline.reports).toEqual([]);
    expect(raisedBaseline.cursor.reportedUnits).toBe(3n);
  });

  test('hours older than the Stripe window are planned as expired, not dropped', () => {
    const now = T0 + STRIPE_WINDOW_MS + 10 * HOUR_MS;
    const { reports } = planHours(fresh, 0n, points([U, 2n * U]), unit, oldestSendableHour(now));
    expect(reports.map((report) => report.status)).toEqual(['expired', 'expired']);
    const recent = planHours({ reportedThroughMs: now - 2 * HOUR_MS, reportedUnits: 0n }, 0n, points([U], now - HOUR_MS), unit, oldestSendableHour(now));
    expect(recent.reports[0]?.status).toBe('pending');
  });

  test('a gap in boundaries is a bug, not a silent skip', () => {
    expect(() => planHours(fresh, 0n, points([U], T0 + 2 * HOUR_MS), unit, 0)).toThrow(/does not follow/);
  });

  test('no value reaches 15 significant digits: the largest account fits an hour, a bigger correction is spread over the next hours', () => {
    const largest = BigInt(Number.MAX_SAFE_INTEGER) * BigInt(HOUR_MS); // 2^53 − 1 bytes for an hour
    const hour = planHours(fresh, 0n, points([largest]), kib, 0);
    expect(hour.reports[0]!.value.toString()).toHaveLength(13);
    // 40 days of it folded late (beyond any wait): 8.4 × 10^15 KiB-hours owed at once.
    const owed = largest * 960n;
    const catchUp = planHours(fresh, 0n, points(Array.from({ length: 12 }, (_, i) => owed + largest * BigInt(i))), kib, 0);
    expect(catchUp.reports.every((report) => report.value <= MAX_METER_VALUE && report.value.toString().length <= 15)).toBe(true);
    expect(catchUp.reports.reduce((sum, report) => sum + report.value, 0n)).toBe((owed + largest * 11n) / kib.byteMs);
    const negative = planHours({ reportedThroughMs: T0, reportedUnits: 10n ** 16n }, 0n, points([0n]), kib, 0);
    expect(negative.reports[0]!.value).toBe(-MAX_METER_VALUE);
  });
});

test('the last reportable boundary waits for the grace period', () => {
  expect(lastReportableBoundary(T0 + HOUR_MS + 899_000, 900)).toBe(T0);
  expect(lastReportableBoundary(T0 + HOUR_MS + 900_000, 900)).toBe(T0 + HOUR_MS);
});

test('hours are reported as of the fold watermark, never more than the maximum wait behind the clock', () => {
  const now = T0 + 5 * HOUR_MS + 900_000;
  const deps = { graceSeconds: 900, maxWaitSeconds: 2 * 3600 };
  expect(reportHorizon(deps, now, now)).toMatchObject({ boundary: T0 + 5 * HOUR_MS, waiting: false });
  // Folded through 04:30 only: the hour 04:00-05:00 waits, its grace period notwithstanding.
  expect(reportHorizon(deps, now, T0 + 4 * HOUR_MS + 1_800_000)).toMatchObject({ boundary: T0 + 4 * HOUR_MS, waiting: true, timedOut: false });
  // Never known, or stuck long ago: the clock minus the maximum wait.
  expect(reportHorizon(deps, now, null)).toMatchObject({ boundary: T0 + 3 * HOUR_MS, waiting: true, timedOut: true });
  expect(reportHorizon(deps, now, T0)).toMatchObject({ boundary: T0 + 3 * HOUR_MS, timedOut: true });
});
