import { describe, expect, it } from 'vitest';
import { costOf, msLeftInMonth, monthOf, pricePerByteMs, shareOf } from './usage.js';

describe('usage cost arithmetic', () => {
  it('measures the rest of the UTC month', () => {
    expect(msLeftInMonth(new Date('2026-11-30T23:00:00Z'))).toBe(3_600_000);
    expect(monthOf(new Date('2026-02-03T00:00:00Z'))).toBe('2026-02');
  });

  it('recovers the price from the estimate and splits it by byte-time', () => {
    const asOf = '2026-11-30T23:00:00Z';
    const gib = 1024 ** 3;
    // 1 GiB held for the whole 30-day month at 0.02/GiB-month.
    const monthMs = 30 * 24 * 3_600_000;
    const mtd = BigInt(gib) * BigInt(monthMs - 3_600_000);
    const price = pricePerByteMs({ stored_bytes: gib, byte_ms_month_to_date: String(mtd), estimated_monthly_cost: { amount: '0.02', currency: 'USD' }, as_of: asOf });
    expect(costOf(String(mtd), price)).toBeCloseTo(0.02 * (monthMs - 3_600_000) / monthMs, 10);
  });

  it('is zero with nothing stored', () => {
    expect(pricePerByteMs({ stored_bytes: 0, byte_ms_month_to_date: '0', estimated_monthly_cost: { amount: '0', currency: 'USD' }, as_of: new Date().toISOString() })).toBe(0);
  });
});

describe('shareOf', () => {
  it('splits a month-to-date amount by byte-time, exactly for huge integers', () => {
    expect(shareOf('25', '100', 0.4)).toBeCloseTo(0.1, 12);
    expect(shareOf('123456789012345678901234', '246913578024691357802468', 2)).toBeCloseTo(1, 9);
    expect(shareOf('5', '0', 1)).toBe(0);
  });
});
