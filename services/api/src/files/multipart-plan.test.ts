import { describe, expect, it } from 'vitest';
import { partLength, planParts } from './multipart-plan.js';

const MIB = 1024 * 1024;

describe('multipart plan', () => {
  it('uses the configured part size when it fits in 10,000 parts', () => {
    const plan = planParts(100 * MIB + 1, 16 * MIB);
    expect(plan).toEqual({ partSize: 16 * MIB, partCount: 7 });
    expect(partLength(plan, 100 * MIB + 1, 7)).toBe(100 * MIB + 1 - 6 * 16 * MIB);
  });
  it('grows parts (whole MiB) so that no file needs more than 10,000', () => {
    const size = 5 * 1024 ** 4; // 5 TiB
    const plan = planParts(size, 16 * MIB);
    expect(plan.partCount).toBeLessThanOrEqual(10_000);
    expect(plan.partSize % MIB).toBe(0);
    expect(plan.partSize * plan.partCount).toBeGreaterThanOrEqual(size);
  });
  it('never plans parts under 5 MiB', () => {
    expect(planParts(20 * MIB, 1).partSize).toBe(5 * MIB);
  });
});
