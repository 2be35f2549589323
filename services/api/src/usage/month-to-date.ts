// What the month's cost projection is made of, read one way for everyone who shows or acts on it:
// the dashboard's usage (GET /v1/dashboard/usage and its live stream) and the usage alerts. One
// statement of metering's read model (`snapshot`).
import { dailySeries, utcMonth, type MonthToDate } from '@baketsu/billing-core';
import type { UsageRepository } from '@baketsu/metering/read-model';

export type MonthToDateUsage = MonthToDate & {
  fileCount: number;
  families: Awaited<ReturnType<UsageRepository['snapshot']>>['families'];
};

export async function readMonthToDate(repository: Pick<UsageRepository, 'snapshot'>, accountId: string, now: number): Promise<MonthToDateUsage> {
  const { startMs: start } = utcMonth(now);
  const { totals, families, days } = await repository.snapshot(accountId, start, now);
  const byteMsMonthToDate = dailySeries({ ...days, firstDay: start, now }).reduce((sum, day) => sum + day.byteMs, 0n);
  return { byteMsMonthToDate, storedBytes: totals.storedBytes, fileCount: totals.fileCount, families, now };
}
