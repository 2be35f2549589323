import { describe, expect, test } from 'vitest';
import { formatMicros, parseMicros, pricePerGibMonthMicros } from './money.js';

describe('the one decimal-amount parser', () => {
  test.each([
    ['0', 0n],
    ['0.02', 20_000n],
    ['25.5', 25_500_000n],
    ['1.000001', 1_000_001n],
    ['999999999.999999', 999_999_999_999_999n],
  ])('%s is %s micro-units', (text, micros) => {
    expect(parseMicros(text)).toBe(micros);
    expect(parseMicros(formatMicros(micros))).toBe(micros);
  });

  test.each(['', '.5', '1.', '-1', '1e3', '0.0000001', '1,5', ' 1'])('%j is refused rather than misread', (text) => {
    expect(() => parseMicros(text)).toThrow(RangeError);
  });

  test('the price setting goes through it', () => {
    expect(pricePerGibMonthMicros({ PRICE_PER_GIB_MONTH: '0.023' })).toBe(23_000n);
  });
});
