import { describe, expect, test } from 'vitest';
import { utcMonth, utcMonthOf } from './month.js';
import { DAY_MS, GIB } from './units.js';
import { dailySeries, estimateMonthlyCost, projectedMonthCostMicros, projectionReaches } from './usage-cost.js';

const usd = { perGibMonth: '0.02', currency: 'USD' };

describe('monthly cost estimate', () => {
  test('one GiB held for the whole month costs exactly the monthly price', () => {
    const { startMs: start, endMs: end, lengthMs } = utcMonth(Date.parse('2026-02-10T00:00:00Z'));
    expect(end - start).toBe(28 * DAY_MS);
    expect(lengthMs).toBe(28 * DAY_MS);
    const now = start + 9 * DAY_MS;
    const cost = estimateMonthlyCost({ byteMsMonthToDate: GIB * BigInt(now - start), storedBytes: GIB, now, price: { perGibMonth: '0.02', currency: 'usd' } });
    expect(cost).toEqual({ amount: '0.02', currency: 'usd' });
  });

  test('rounds once, half up, from the exact integer', () => {
    const now = Date.parse('2026-11-30T23:59:59.999Z');
    const { startMs: start, endMs: end } = utcMonth(now);
    // 0.005 USD exactly: a quarter GiB-month at 0.02.
    const quarter = (GIB * BigInt(end - start)) / 4n;
    expect(estimateMonthlyCost({ byteMsMonthToDate: quarter, storedBytes: 0n, now, price: usd }).amount).toBe('0.01');
    expect(estimateMonthlyCost({ byteMsMonthToDate: quarter - 1n, storedBytes: 0n, now, price: usd }).amount).toBe('0.00');
  });

  test('large accounts stay exact and zero-decimal currencies have no fraction', () => {
    const now = Date.parse('2026-11-15T00:00:00Z');
    const petabyte = 10n ** 15n;
    const cost = estimateMonthlyCost({ byteMsMonthToDate: 0n, storedBytes: petabyte, now, price: { perGibMonth: '3', currency: 'jpy' } });
    // 1e15 B held for the last 16 of November's 30 days: 16/30 × 1e15/2^30 GiB × 3 JPY = 1490116.119… → 1490116
    expect(cost).toEqual({ amount: '1490116', currency: 'jpy' });
  });
});

describe('projected month cost against alert thresholds', () => {
  const now = Date.parse('2026-11-15T00:00:00Z');
  const { startMs: start, lengthMs } = utcMonth(now);
  // One GiB held all month at 0.02 a GiB-month: the projection is exactly 20,000 micros.
  const wholeGib = { byteMsMonthToDate: GIB * BigInt(now - start), storedBytes: GIB, now, pricePerGibMonthMicros: 20_000n };

  test('is the same projection as the estimate, in micros', () => {
    expect(projectedMonthCostMicros(wholeGib)).toBe(20_000n);
    expect(estimateMonthlyCost({ ...wholeGib, price: usd }).amount).toBe('0.02');
  });

  test('reaches a threshold exactly at it, not a byte-millisecond before', () => {
    expect(projectionReaches(wholeGib, 20_000n)).toBe(true);
    expect(projectionReaches(wholeGib, 20_001n)).toBe(false);
    const justShort = { ...wholeGib, byteMsMonthToDate: wholeGib.byteMsMonthToDate - 1n };
    // Rounded, it still shows 20,000 micros; compared exactly, it has not reached them.
    expect(projectedMonthCostMicros(justShort)).toBe(20_000n);
    expect(projectionReaches(justShort, 20_000n)).toBe(false);
    expect(lengthMs).toBe(30 * DAY_MS);
  });

  test('a percentage of a cap is compared as a fraction, without rounding the threshold', () => {
    // 80 % of a 0.025 cap is 0.02 exactly; 81 % (0.02025) is not reached.
    expect(projectionReaches(wholeGib, 25_000n * 80n, 100n)).toBe(true);
    expect(projectionReaches(wholeGib, 25_000n * 81n, 100n)).toBe(false);
  });
});

describe('daily series', () => {
  test('expands difference-encoded rows, today up to now', () => {
    const firstDay = Date.parse('2026-11-01T00:00:00Z');
    const now = firstDay + 2 * DAY_MS + 1000;
    // 10 bytes stored 1 s before the end of day 1; 4 bytes held since before the range.
    const series = dailySeries({
      heldBefore: 4n,
      rows: [{ day: '2026-11-01', bytesDelta: 10n, partialByteMs: 10_000n }],
      firstDay,
      now,
    });
    expect(series).toEqual([
      { date: '2026-11-01', storedBytes: 14n, byteMs: 4n * BigInt(DAY_MS) + 10_000n },
      { date: '2026-11-02', storedBytes: 14n, byteMs: 14n * BigInt(DAY_MS) },
      { date: '2026-11-03', storedBytes: 14n, byteMs: 14_000n },
    ]);
  });
});

describe('month bounds', () => {
  test('years below 100 are those years, not 1900-1999', () => {
    const { startMs: start, endMs: end } = utcMonthOf(99, 11);
    expect(new Date(start).toISOString()).toBe('0099-12-01T00:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('0100-01-01T00:00:00.000Z');
  });
});

describe('currency decimals', () => {
  test('the estimate uses the decimals Stripe invoices in (XOF none, ISK two)', () => {
    const now = Date.parse('2026-11-15T00:00:00Z');
    const estimate = (currency: string) =>
      estimateMonthlyCost({ byteMsMonthToDate: 0n, storedBytes: GIB * 1000n, now, price: { perGibMonth: '3', currency } }).amount;
    expect(estimate('xof')).toMatch(/^\d+$/);
    expect(estimate('isk')).toMatch(/^\d+\.\d{2}$/);
    expect(estimate('kwd')).toMatch(/^\d+\.\d{3}$/);
  });
});
