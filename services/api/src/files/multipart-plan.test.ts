import { describe, expect, it } from 'vitest';
import { MAX_PART_SIZE, partLength, partSizeProblem, planParts } from './multipart-plan.js';

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

describe('a part size the client chose', () => {
  it('is used as it is, even when not a whole MiB', () => {
    expect(planParts(11 * MIB, 16 * MIB, 5 * MIB)).toEqual({ partSize: 5 * MIB, partCount: 3 });
    expect(planParts(20 * MIB, 16 * MIB, 5 * MIB + 1)).toEqual({ partSize: 5 * MIB + 1, partCount: 4 });
  });
  it('may cover the file in one part', () => {
    expect(planParts(20 * MIB, 8 * MIB, 64 * MIB)).toEqual({ partSize: 64 * MIB, partCount: 1 });
  });
  it('is accepted from 5 MiB to 5 GiB', () => {
    expect(partSizeProblem(20 * MIB, 5 * MIB)).toBeNull();
    expect(partSizeProblem(20 * MIB, MAX_PART_SIZE)).toBeNull();
    expect(MAX_PART_SIZE).toBe(5 * 1024 ** 3);
  });
  it.each([
    [5 * MIB - 1, /at least 5242880 bytes/],
    [MAX_PART_SIZE + 1, /at most 5368709120 bytes/],
    [0, /at least/],
    [-5 * MIB, /at least/],
    [5.5 * MIB + 0.5, /integer/],
  ])('refuses %d', (partSize, reason) => {
    expect(partSizeProblem(20 * MIB, partSize)).toMatch(reason);
  });
  it('refuses a size that would need more than 10,000 parts, saying the smallest that fits', () => {
    const size = 10_000 * 5 * MIB + 1;
    expect(partSizeProblem(size, 5 * MIB)).toBe(
      `would split ${size} bytes into 10001 parts, more than 10000; use at least ${Math.ceil(size / 10_000)} bytes`,
    );
    expect(partSizeProblem(size - 1, 5 * MIB)).toBeNull();
  });
});
