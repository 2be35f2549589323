import { expect, it } from 'vitest';
import { ConflictError, ConnectionError, RateLimitError, ValidationError } from './errors.js';
import { backoffMs, INITIAL_DELAY_MS, isTransient, MAX_DELAY_MS, withRetries } from './retry.js';

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

it('counts as transient: no response, 408, 429, 5xx, and a 409 only for an idempotency key still in use', () => {
  expect(isTransient(new ConnectionError({ message: 'down' }))).toBe(true);
  expect(isTransient(new ValidationError({ message: 't', status: 408 }))).toBe(true);
  expect(isTransient(new RateLimitError({ message: 't', status: 429 }))).toBe(true);
  expect(isTransient(new ConflictError({ message: 't', status: 409, code: 'idempotency_key_in_use' }))).toBe(true);
  expect(isTransient(new ConflictError({ message: 't', status: 409, code: 'upload_not_pending' }))).toBe(false);
  expect(isTransient(new ConflictError({ message: 't', status: 409 }))).toBe(false);
  expect(isTransient(new ValidationError({ message: 't', status: 422, code: 'idempotency_key_reused' }))).toBe(false);
  expect(isTransient(new Error('x'))).toBe(false);
});
