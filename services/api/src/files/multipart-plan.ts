import { MAX_PART_NUMBER, MIN_PART_SIZE } from '#src/storage/object-store.js';

export interface PartPlan {
  partSize: number;
  partCount: number;
}

const MIB = 1024 * 1024;
/** S3's largest part. */
export const MAX_PART_SIZE = 5 * 1024 * MIB;

/**
 * Parts of the configured size, grown (in whole MiB) when the file would otherwise need more than
 * S3's 10,000 parts. Every part but the last has exactly `partSize` bytes. A part size the client
 * chose (already checked by `validPartSize`) is used as it is.
 */
export function planParts(size: number, configuredPartSize: number, chosenPartSize?: number): PartPlan {
  if (chosenPartSize !== undefined) return { partSize: chosenPartSize, partCount: Math.ceil(size / chosenPartSize) };
  const needed = Math.ceil(size / MAX_PART_NUMBER);
  let partSize = Math.max(configuredPartSize, MIN_PART_SIZE, needed);
  if (partSize % MIB !== 0 && partSize !== configuredPartSize) partSize = Math.ceil(partSize / MIB) * MIB;
  return { partSize, partCount: Math.ceil(size / partSize) };
}

/** Why a client's part size cannot be used for `size` bytes, or null if it can. */
export function partSizeProblem(size: number, partSize: number): string | null {
  if (!Number.isSafeInteger(partSize)) return 'must be an integer';
  if (partSize < MIN_PART_SIZE) return `must be at least ${MIN_PART_SIZE} bytes (5 MiB)`;
  if (partSize > MAX_PART_SIZE) return `must be at most ${MAX_PART_SIZE} bytes (5 GiB)`;
  const parts = Math.ceil(size / partSize);
  if (parts > MAX_PART_NUMBER) {
    return `would split ${size} bytes into ${parts} parts, more than ${MAX_PART_NUMBER}; use at least ${Math.ceil(size / MAX_PART_NUMBER)} bytes`;
  }
  return null;
}

export function partLength(plan: PartPlan, size: number, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : size - plan.partSize * (plan.partCount - 1);
}
