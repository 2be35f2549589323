import { expect, it } from 'vitest';
import { backoffMs, INITIAL_DELAY_MS, MAX_DELAY_MS, withRetries } from './retry.js';

it('uses full jitter under an exponential cap', () => {
  expect(backoffMs(0, undefined, () => 0.999)).toBeLessThan(INITIAL_DELAY_MS);
  expect(backoffMs(3, undefined, () => 1)).toBe(INITIAL_DELAY_MS * 8);
  expect(backoffMs(20, undefined, () => 1)).toBe(MAX_DELAY_MS);
  expect(backoffMs(2, undefined, () => 0)).toBe(0);
  expect(backoffMs(5, 1234)).toBe(1234);
});

it('stops at maxRetries and when the error is not retryable', async () => {
  let runs = 0;
  await expect(withRetries(async () => { runs++; throw new Error('x'); }, { maxRetries: 5, retryable: () => false })).rejects.toThrow('x');
  expect(runs).toBe(1);
  runs = 0;
  await expect(withRetries(async () => { runs++; throw new Error('y'); }, { maxRetries: 2, retryable: () => true })).rejects.toThrow('y');
  expect(runs).toBe(3);
});
