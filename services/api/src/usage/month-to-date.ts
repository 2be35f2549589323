// What the month's cost projection is made of, read one way for everyone who shows or acts on it:
// the dashboard's estimate (GET /v1/dashboard/usage) and the usage alerts.
import { dailySeries, utcMonth, type MonthToDate } from '@baketsu/billing-core';
import type { UsageRepository } from '@baketsu/metering/read-model';

export async function readMonthToDate(repository: UsageRepository, accountId: string, now: number): Promise<MonthToDate & { fileCount: number }> {
  const { startMs: start } = utcMonth(now);
  const [totals, days] = await Promise.all([repository.totals(accountId), repository.days(accountId, start, now)]);
  const byteMsMonthToDate = dailySeries({ ...days, firstDay: start, now }).reduce((sum, day) => sum + day.byteMs, 0n);
  return { byteMsMonthToDate, storedBytes: totals.storedBytes, fileCount: totals.fileCount, now };
}
