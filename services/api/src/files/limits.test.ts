import { GIB as GIB_BYTES } from '@baketsu/billing-core';
import { describe, expect, it } from 'vitest';
import { Problem } from '#src/platform/problem.js';
import { checkUploadAllowed, effectiveLimits } from './limits.js';

const GIB = Number(GIB_BYTES);
const none = { storage_quota_bytes: null, spend_cap_ceiling_micros: null, spend_cap_micros: null, email_verified: true };

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
    const config = { DEFAULT_STORAGE_QUOTA_BYTES: 0, DEFAULT_MONTHLY_SPEND_CAP: '10', UNVERIFIED_STORAGE_LIMIT_BYTES: 100 };
    expect(effectiveLimits(none, config)).toEqual({ quotaBytes: null, unverifiedLimitBytes: null, ceilingMicros: 10_000_000n, capMicros: 10_000_000n });
    expect(effectiveLimits({ ...none, spend_cap_micros: 2_000_000 }, config).capMicros).toBe(2_000_000n);
    expect(effectiveLimits({ ...none, spend_cap_micros: 20_000_000 }, config).capMicros).toBe(10_000_000n);
  });

  it('refuse an upload over the quota, saying by how much', () => {
    const limits = effectiveLimits(none, { DEFAULT_STORAGE_QUOTA_BYTES: 1000, DEFAULT_MONTHLY_SPEND_CAP: undefined, UNVERIFIED_STORAGE_LIMIT_BYTES: 0 });
    const problem = refusal(() => checkUploadAllowed({ limits, usedBytes: 900, size: 150, priceMicros: 20_000n, currency: 'usd' }));
    expect(problem.code).toBe('storage_quota_exceeded');
    expect(problem.extensions.over_by_bytes).toBe(50);
  });

  it('refuse an upload over the spend cap, saying by how much', () => {
    const limits = effectiveLimits(none, { DEFAULT_STORAGE_QUOTA_BYTES: 0, DEFAULT_MONTHLY_SPEND_CAP: '1.00', UNVERIFIED_STORAGE_LIMIT_BYTES: 0 });
    // 100 GiB at 0.02 = 2.00 a month
    const problem = refusal(() => checkUploadAllowed({ limits, usedBytes: 0, size: 100 * GIB, priceMicros: 20_000n, currency: 'usd' }));
    expect(problem.code).toBe('spend_cap_exceeded');
    expect(problem.extensions).toMatchObject({ over_by: '1.000000', estimated_monthly_cost: '2.000000', monthly_spend_cap: '1.000000' });
    expect(checkUploadAllowed({ limits, usedBytes: 0, size: 50 * GIB, priceMicros: 20_000n, currency: 'usd' }).addedMicros).toBe(1_000_000n);
  });

  it('cap an unverified account at the unverified limit when that is below its quota', () => {
    const unverified = { ...none, email_verified: false };
    const config = { DEFAULT_STORAGE_QUOTA_BYTES: 1000, DEFAULT_MONTHLY_SPEND_CAP: undefined, UNVERIFIED_STORAGE_LIMIT_BYTES: 100 };
    const limits = effectiveLimits(unverified, config);
    expect(limits.unverifiedLimitBytes).toBe(100);
    const problem = refusal(() => checkUploadAllowed({ limits, usedBytes: 60, size: 50, priceMicros: 20_000n, currency: 'usd' }));
    expect(problem.code).toBe('email_verification_required');
    expect(problem.extensions).toMatchObject({ limit_bytes: 100, used_bytes: 60, requested_bytes: 50 });
    expect(() => checkUploadAllowed({ limits, usedBytes: 60, size: 40, priceMicros: 20_000n, currency: 'usd' })).not.toThrow();
    // A smaller quota is the rule that refuses; a verified account or a limit of 0 has no such cap.
    expect(effectiveLimits(unverified, { ...config, DEFAULT_STORAGE_QUOTA_BYTES: 50 }).unverifiedLimitBytes).toBeNull();
    expect(effectiveLimits(none, config).unverifiedLimitBytes).toBeNull();
    expect(effectiveLimits(unverified, { ...config, UNVERIFIED_STORAGE_LIMIT_BYTES: 0 }).unverifiedLimitBytes).toBeNull();
  });
});
