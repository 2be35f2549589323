import type { Baketsu } from '@baketsu/sdk';
import { fileName } from './file-names.server.js';
import { costOf, monthOf, pricePerByteMs, shareOf } from './usage.js';

const COSTLIEST = 5;
const NAME_UNAVAILABLE = '(name unavailable)';

export async function loadDashboard(api: Baketsu, accountId: string) {
  const now = new Date();
  const [usage, trend, month, billing] = await Promise.all([
    api.usage.get(),
    api.usage.trend({ days: 30 }),
    api.usage.files({ month: monthOf(now), limit: COSTLIEST }),
    api.billing.get().catch(() => null),
  ]);
  const currency = usage.estimated_monthly_cost.currency;
  // Billing prices month-to-date exactly (6 decimals); the usage estimate is rounded to cents,
  // so it is only the fallback. Files get their byte-time share of the month-to-date cost.
  const monthToDateCost = billing ? Number(billing.month_to_date.estimated_cost) : costOf(usage.byte_ms_month_to_date, pricePerByteMs(usage));
  const costliest = await Promise.all(
    month.items.slice(0, COSTLIEST).map(async (item) => ({
      id: item.file_id,
      // A name the API could not give just now (a 5xx, a 429) is no reason to fail the whole page:
      // the row shows without it. Sign-in redirects (thrown Responses) still go through.
      name: await fileName(api, accountId, item.file_id).catch((error: unknown) => {
        if (error instanceof Response) throw error;
        return NAME_UNAVAILABLE;
      }),
      type: item.type,
      size: item.size_bytes,
      deleted: item.deleted_at !== null,
      cost: shareOf(item.byte_ms, month.byte_ms_total, monthToDateCost),
    })),
  );
  return {
    storedBytes: usage.stored_bytes,
    fileCount: usage.file_count,
    byType: usage.by_type,
    byteMsMonthToDate: usage.byte_ms_month_to_date,
    monthToDateCost,
    estimatedMonthlyCost: usage.estimated_monthly_cost.amount,
    currency,
    asOf: usage.as_of,
    trend: trend.items.map((day) => ({ date: day.date, storedBytes: day.stored_bytes, byteMs: day.byte_ms })),
    costliest,
  };
}

export type DashboardData = Awaited<ReturnType<typeof loadDashboard>>;
