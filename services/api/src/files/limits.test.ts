import { GIB as GIB_BYTES } from '@baketsu/billing-core';
import { describe, expect, it } from 'vitest';
import { Problem } from '#src/platform/problem.js';
import { checkUploadAllowed, effectiveLimits } from './limits.js';

const GIB = Number(GIB_BYTES);
const none = { storage_quota_bytes: null, spend_cap_ceiling_micros: null, spend_cap_micros: null };

function refusal(fn: () => unknown): Problem {
  try {
    fn();
  } catch (error) {
    if (error instanceof Problem) return error;
  }
  throw new Error('not refused');
}

describe('limits', () => {
  it('fall back to configured defaults; the account cap can only lower them', () => {
    const config = { DEFAULT_STORAGE_QUOTA_BYTES: 0, DEFAULT_MONTHLY_SPEND_CAP: '10' };
    expect(effectiveLimits(none, config)).toEqual({ quotaBytes: null, ceilingMicros: 10_000_000n, capMicros: 10_000_000n });
    expect(effectiveLimits({ ...none, spend_cap_micros: 2_000_000 }, config).capMicros).toBe(2_000_000n);
    expect(effectiveLimits({ ...none, spend_cap_micros: 20_000_000 }, config).capMicros).toBe(10_000_000n);
  });

  it('refuse an upload over the quota, saying by how much', () => {
    const limits = effectiveLimits(none, { DEFAULT_STORAGE_QUOTA_BYTES: 1000, DEFAULT_MONTHLY_SPEND_CAP: undefined });
    const problem = refusal(() => checkUploadAllowed({ limits, usedBytes: 900, size: 150, priceMicros: 20_000n, currency: 'usd' }));
    expect(problem.code).toBe('storage_quota_exceeded');
    expect(problem.extensions.over_by_bytes).toBe(50);
  });

  it('refuse an upload over the spend cap, saying by how much', () => {
    const limits = effectiveLimits(none, { DEFAULT_STORAGE_QUOTA_BYTES: 0, DEFAULT_MONTHLY_SPEND_CAP: '1.00' });
    // 100 GiB at 0.02 = 2.00 a month
    const problem = refusal(() => checkUploadAllowed({ limits, usedBytes: 0, size: 100 * GIB, priceMicros: 20_000n, currency: 'usd' }));
    expect(problem.code).toBe('spend_cap_exceeded');
    expect(problem.extensions).toMatchObject({ over_by: '1.000000', estimated_monthly_cost: '2.000000', monthly_spend_cap: '1.000000' });
    expect(checkUploadAllowed({ limits, usedBytes: 0, size: 50 * GIB, priceMicros: 20_000n, currency: 'usd' }).addedMicros).toBe(1_000_000n);
  });
});
