import { describe, expect, it } from 'vitest';
import { formatMicros } from './money.js';
import { exceedsCap, monthlyCostMicros } from './pricing.js';
import { GIB } from './units.js';

describe('pricing', () => {
  it('prices a GiB-month exactly and rounds half up once', () => {
    expect(monthlyCostMicros(GIB, 20_000n)).toBe(20_000n);
    expect(monthlyCostMicros(GIB / 2n, 1n)).toBe(1n); // 0.5 micro rounds up
    expect(monthlyCostMicros(GIB / 2n - 1n, 1n)).toBe(0n);
    expect(monthlyCostMicros(1024n ** 4n * 5n, 20_000n)).toBe(102_400_000n); // 5 TiB at 0.02
  });
  it('compares against a cap without rounding', () => {
    expect(exceedsCap(GIB, 20_000n, 20_000n)).toBe(false);
    expect(exceedsCap(GIB + 1n, 20_000n, 20_000n)).toBe(true);
  });
  it('formats micro-units as a six-place decimal', () => {
    expect(formatMicros(0n)).toBe('0.000000');
    expect(formatMicros(20n)).toBe('0.000020');
    expect(formatMicros(1_234_567n)).toBe('1.234567');
  });
});
