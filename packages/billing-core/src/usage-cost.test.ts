import { describe, expect, test } from 'vitest';
import { utcMonth, utcMonthOf } from './month.js';
import { DAY_MS, GIB } from './units.js';
import { dailySeries, estimateMonthlyCost } from './usage-cost.js';

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
