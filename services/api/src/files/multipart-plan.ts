import { MAX_PART_NUMBER, MIN_PART_SIZE } from '#src/storage/object-store.js';

export interface PartPlan {
  partSize: number;
  partCount: number;
}

const MIB = 1024 * 1024;

/**
 * Parts of the configured size, grown (in whole MiB) when the file would otherwise need more than
 * S3's 10,000 parts. Every part but the last has exactly `partSize` bytes.
 */
export function planParts(size: number, configuredPartSize: number): PartPlan {
  const needed = Math.ceil(size / MAX_PART_NUMBER);
  let partSize = Math.max(configuredPartSize, MIN_PART_SIZE, needed);
  if (partSize % MIB !== 0 && partSize !== configuredPartSize) partSize = Math.ceil(partSize / MIB) * MIB;
  return { partSize, partCount: Math.ceil(size / partSize) };
}

export function partLength(plan: PartPlan, size: number, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}
