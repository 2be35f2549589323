import { expect, test } from 'vitest';
import { MAX_ATTEMPTS, retryDelayMs } from './retry-schedule.js';

test('waits grow exponentially from 5 s and stop growing at 8 h', () => {
  expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 0))).toEqual([5_000, 20_000, 80_000, 320_000]);
  expect(retryDelayMs(9, 0)).toBe(8 * 3_600_000);
  expect(retryDelayMs(11, 0)).toBe(8 * 3_600_000);
});

test('jitter only lengthens a wait, by at most a fifth', () => {
  expect(retryDelayMs(2, 0.999)).toBeLessThanOrEqual(24_000);
  expect(retryDelayMs(2, 0.5)).toBe(22_000);
});

test('a delivery is retried for more than 24 hours before it is given up, even with no jitter', () => {
  let total = 0;
  for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) total += retryDelayMs(attempt, 0);
  expect(total).toBeGreaterThan(24 * 3_600_000);
});
