import type { Problem } from '@baketsu/sdk';
import { describe, expect, it } from 'vitest';
import { problemDetail } from './problem-text.js';

describe('problemDetail', () => {
  it('words spend-cap amounts by the dashboard rule, exact values alongside', () => {
    const problem = {
      type: 'about:blank', title: 'The upload would exceed the monthly spend cap', status: 403, code: 'spend_cap_exceeded',
      detail: 'The cap is 5.000000 USD a month; with this upload the estimate is 5.000001, over by 0.000001.',
      monthly_spend_cap: '5.000000', estimated_monthly_cost: '5.000001', over_by: '0.000001', currency: 'usd',
    } as Problem;
    expect(problemDetail(problem)).toBe('The cap is $5.00 a month; with this upload the estimate is $5.00 ($5.000001), over by < $0.01 ($0.000001).');
  });

  it('words the unverified storage limit in sizes, not byte counts', () => {
    const problem = {
      type: 'about:blank', title: 'Confirm your email address to store more', status: 403, code: 'email_verification_required',
      detail: 'Until its address is confirmed an account stores at most 104857600 bytes; 1048576 are in use or being uploaded and this upload adds 104857600.',
      limit_bytes: 104_857_600, used_bytes: 1_048_576, requested_bytes: 104_857_600,
    } as Problem;
    const text = problemDetail(problem) ?? '';
    expect(text).toContain('at most 100 MiB');
    expect(text).toContain('1.00 MiB are in use');
    expect(text).not.toMatch(/\d{6,}/);
  });

  it('keeps other details as the API wrote them', () => {
    const problem: Problem = { type: 'about:blank', title: 'No such file', status: 404, code: 'file_not_found', detail: 'There is no file x.' };
    expect(problemDetail(problem)).toBe('There is no file x.');
  });
});
