// One account's usage as `GET /v1/dashboard/usage` answers it and every live stream update carries
// it: one read of metering's read model (`snapshot`, a single statement), priced here.
import { byteMsCostMicros, estimateMonthlyCost, formatMicros, parseMicros, utcMonth, type UsagePrice } from '@baketsu/billing-core';
import type { UsageRepository } from '@baketsu/metering/read-model';
import type { components } from '#src/platform/contract-types.js';
import { readMonthToDate } from './month-to-date.js';

export type UsageBody = components['schemas']['Usage'];

export async function usageSnapshot(repository: Pick<UsageRepository, 'snapshot'>, accountId: string, now: number, price: UsagePrice): Promise<UsageBody> {
  const month = utcMonth(now);
  const { byteMsMonthToDate, storedBytes, fileCount, families } = await readMonthToDate(repository, accountId, now);
  return {
    stored_bytes: safeNumber(storedBytes),
    file_count: fileCount,
    by_type: families.map((family) => ({ type: family.family, bytes: safeNumber(BigInt(family.bytes)), files: family.files })),
    byte_ms_month_to_date: byteMsMonthToDate.toString(),
    // Priced as the billing overview prices it (micro-units, exact), not rounded to cents.
    cost_month_to_date: {
      amount: formatMicros(byteMsCostMicros(byteMsMonthToDate, parseMicros(price.perGibMonth), month.lengthMs)),
      currency: price.currency,
    },
    estimated_monthly_cost: estimateMonthlyCost({ byteMsMonthToDate, storedBytes, now, price }),
    as_of: new Date(now).toISOString(),
  };
}

// Bytes stay exact as JSON numbers up to 8 PiB; beyond that a silent float would be wrong.
export function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`${value} is not a safe integer`);
  return Number(value);
}
