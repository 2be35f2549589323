import { HOUR_MS, meterUnit } from '@baketsu/billing-core';
import { describe, expect, test } from 'vitest';
import { lastReportableBoundary, oldestSendableHour, planHours, STRIPE_WINDOW_MS } from './report-plan.js';

const unit = meterUnit('MiB-hour');
const U = unit.byteMs;
const T0 = Date.UTC(2026, 10, 1);
const points = (cums: bigint[], start = T0) => cums.map((cumByteMs, index) => ({ t: start + index * HOUR_MS, cumByteMs }));

describe('planHours', () => {
  test('given a new cursor, the first boundary is the baseline and each hour sends its whole units', () => {
    const { reports, cursor } = planHours({ reportedThroughMs: T0, reportedUnits: null }, points([5n * U + 7n, 5n * U + 7n + U / 2n, 7n * U]), unit, 0);
    expect(reports).toEqual([{ hourStartMs: T0 + HOUR_MS, value: 2n, cumByteMs: 7n * U, status: 'pending' }]);
    expect(cursor).toEqual({ reportedThroughMs: T0 + 2 * HOUR_MS, reportedUnits: 7n });
  });

  test('fractions carry over: the sum of values is floor(total / unit) exactly', () => {
    const cums: bigint[] = [0n];
    for (let hour = 1; hour <= 200; hour += 1) cums.push(cums[hour - 1]! + (U * BigInt(hour % 7)) / 3n + 12_345n);
    const { reports } = planHours({ reportedThroughMs: T0, reportedUnits: null }, points(cums), unit, 0);
    expect(reports.reduce((sum, report) => sum + report.value, 0n)).toBe(cums.at(-1)! / U);
    expect(reports.every((report) => report.value > 0n)).toBe(true);
  });

  test('a lowered past sends nothing negative and later hours absorb the difference', () => {
    const { reports, cursor } = planHours({ reportedThroughMs: T0, reportedUnits: 10n }, points([8n * U, 9n * U, 13n * U], T0 + HOUR_MS), unit, 0);
    expect(reports.map((report) => report.value)).toEqual([3n]);
    expect(cursor.reportedUnits).toBe(13n);
  });

  test('hours older than the Stripe window are planned as expired, not dropped', () => {
    const now = T0 + STRIPE_WINDOW_MS + 10 * HOUR_MS;
    const { reports } = planHours({ reportedThroughMs: T0, reportedUnits: 0n }, points([U, 2n * U], T0 + HOUR_MS), unit, oldestSendableHour(now));
    expect(reports.map((report) => report.status)).toEqual(['expired', 'expired']);
    const recent = planHours({ reportedThroughMs: now - 2 * HOUR_MS, reportedUnits: 0n }, points([U], now - HOUR_MS), unit, oldestSendableHour(now));
    expect(recent.reports[0]?.status).toBe('pending');
  });

  test('a gap in boundaries is a bug, not a silent skip', () => {
    expect(() => planHours({ reportedThroughMs: T0, reportedUnits: 0n }, points([U], T0 + 2 * HOUR_MS), unit, 0)).toThrow(/does not follow/);
  });
});

test('the last reportable boundary waits for the grace period', () => {
  expect(lastReportableBoundary(T0 + HOUR_MS + 899_000, 900)).toBe(T0);
  expect(lastReportableBoundary(T0 + HOUR_MS + 900_000, 900)).toBe(T0 + HOUR_MS);
});
