import { describe, expect, test } from 'vitest';
import { BYTE_TIME_CASES } from './byte-time.cases.js';
import { byteMsCostMicros, intervalByteMsBetween } from './byte-time.js';
import { GIB } from './units.js';

describe('the billable-interval rule in TypeScript', () => {
  test.each(BYTE_TIME_CASES)('$name', ({ file, fromMs, toMs, byteMs }) => {
    expect(intervalByteMsBetween(file, fromMs, toMs)).toBe(byteMs);
  });
});

test('a GiB held for a whole month costs the monthly price, rounded half up once', () => {
  const monthMs = 30 * 86_400_000;
  expect(byteMsCostMicros(GIB * BigInt(monthMs), 20_000n, monthMs)).toBe(20_000n);
  expect(byteMsCostMicros((GIB * BigInt(monthMs)) / 40_000n, 1n, monthMs)).toBe(0n);
  expect(byteMsCostMicros((GIB * BigInt(monthMs)) / 2n, 1n, monthMs)).toBe(1n);
});
