// Compares, per subscription, the exact byte-time with what the reporter recorded and sent: over the
// whole subscription so far (where late usage must have been corrected, so the two agree exactly) and
// within one calendar month (UTC), with Stripe's own meter event summaries when a key is given.
import type { BillingProvider } from '@baketsu/billing';
import { meterUnit, wholeUnits, type MeterUnitName } from '@baketsu/billing-core';
import { cumulativeByteMs } from '#src/read-model/byte-time.js';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

export interface ReconciliationRow {
  accountId: string;
  subscriptionId: string;
  customerId: string;
  /** Whole units of exact usage from the subscription's start up to its cursor. */
  exactTotal: bigint;
  /** Net units recorded for the subscription (every report, signed). */
  reportedTotal: bigint;
  /** exactTotal − reportedTotal: usage still to correct (positive) or reported too much (negative). */
  difference: bigint;
  periodStart: number;
  /** Reported up to here within the month (the cursor, or the month's end if that is earlier). */
  coveredUntil: number;
  byteMs: bigint;
  expectedUnits: bigint;
  sent: bigint;
  pending: bigint;
  failed: bigint;
  expired: bigint;
  stripe: bigint | null;
  differences: string[];
  /** Worth knowing, not wrong: e.g. a correction that landed in another month than its usage. */
  notes: string[];
}

const subscriptionRow = z.object({
  account_id: z.string(),
  subscription_id: z.string(),
  stripe_customer_id: z.string(),
  report_from_ms: z.number(),
  reported_through_ms: z.number(),
  reported_total: z.string(),
});
const sumsRow = z.object({ status: z.string(), units: z.string() });

export async function reconcile(
  pool: DatabasePool,
  options: { month: { startMs: number; endMs: number }; unit: MeterUnitName; provider?: BillingProvider; meterId?: string },
): Promise<ReconciliationRow[]> {
  const unit = meterUnit(options.unit);
  const subscriptions = await pool.any(sql.type(subscriptionRow)`
    select s.account_id, s.subscription_id, s.stripe_customer_id, s.report_from_ms, c.reported_through_ms,
           coalesce((select sum(r.value) from billing_meter_reports r where r.subscription_id = s.subscription_id), 0)::text as reported_total
    from billing_subscriptions s join billing_report_cursors c using (subscription_id)
    where s.report_from_ms < ${options.month.endMs}
    order by s.account_id, s.report_from_ms, s.subscription_id`);
  const rows: ReconciliationRow[] = [];
  for (const subscription of subscriptions) {
    const units = async (t: number) => wholeUnits(await cumulativeByteMs(pool, subscription.account_id, t), unit);
    const exactTotal = (await units(subscription.reported_through_ms)) - (await units(subscription.report_from_ms));
    const from = Math.max(options.month.startMs, subscription.report_from_ms);
    const until = Math.max(from, Math.min(options.month.endMs, subscription.reported_through_ms));
    const [atFrom, atUntil] = [await cumulativeByteMs(pool, subscription.account_id, from), await cumulativeByteMs(pool, subscription.account_id, until)];
    const sums = await pool.any(sql.type(sumsRow)`
      select status, sum(value)::text as units from billing_meter_reports
      where subscription_id = ${subscription.subscription_id} and hour_start_ms >= ${from} and hour_start_ms < ${until}
      group by status`);
    const byStatus = (status: string) => BigInt(sums.find((row) => row.status === status)?.units ?? '0');
    const reportedTotal = BigInt(subscription.reported_total);
    const row: ReconciliationRow = {
      accountId: subscription.account_id,
      subscriptionId: subscription.subscription_id,
      customerId: subscription.stripe_customer_id,
      exactTotal,
      reportedTotal,
      difference: exactTotal - reportedTotal,
      periodStart: options.month.startMs,
      coveredUntil: until,
      byteMs: atUntil - atFrom,
      expectedUnits: wholeUnits(atUntil, unit) - wholeUnits(atFrom, unit),
      sent: byStatus('sent'),
      pending: byStatus('pending'),
      failed: byStatus('failed'),
      expired: byStatus('expired'),
      stripe:
        options.provider && options.meterId && until > from
          ? await options.provider.meterEventTotal({ meterId: options.meterId, customerId: subscription.stripe_customer_id, startMs: from, endMs: until })
          : null,
      differences: [],
      notes: [],
    };
    // Each hour carries what is due minus what was reported before, so the net total telescopes to
    // the exact units at the cursor, late usage included, once the pass after it has run.
    if (row.difference !== 0n) row.differences.push(`reported ${reportedTotal} units net since the subscription started, exact usage is ${exactTotal} (difference ${row.difference})`);
    if (row.pending > 0n) row.differences.push(`${row.pending} units still pending`);
    if (row.failed !== 0n) row.differences.push(`${row.failed} units refused by Stripe`);
    if (row.expired !== 0n) row.differences.push(`${row.expired} units older than Stripe accepts, never sent`);
    if (row.stripe !== null && row.stripe !== row.sent) row.differences.push(`Stripe summarises ${row.stripe} units, ${row.sent} were sent`);
    const recorded = row.sent + row.pending + row.failed + row.expired;
    if (recorded !== row.expectedUnits) {
      row.notes.push(`this month recorded ${recorded} units for ${row.expectedUnits} of exact usage: late usage is corrected in the hour after it was folded`);
    }
    rows.push(row);
  }
  return rows;
}

export function formatReconciliation(rows: readonly ReconciliationRow[]): string {
  const lines = ['account                               subscription           covered until         byte-ms                  exact   sent   pending failed expired stripe | total: exact reported difference'];
  for (const row of rows) {
    lines.push(
      [
        row.accountId.padEnd(37),
        row.subscriptionId.slice(0, 22).padEnd(22),
        new Date(row.coveredUntil).toISOString().slice(0, 16).padEnd(21),
        row.byteMs.toString().padStart(24),
        row.expectedUnits.toString().padStart(7),
        row.sent.toString().padStart(6),
        row.pending.toString().padStart(9),
        row.failed.toString().padStart(6),
        row.expired.toString().padStart(7),
        (row.stripe?.toString() ?? '-').padStart(6),
        '|',
        row.exactTotal.toString().padStart(12),
        row.reportedTotal.toString().padStart(8),
        row.difference.toString().padStart(10),
      ].join(' '),
    );
    for (const difference of row.differences) lines.push(`  ! ${difference}`);
    for (const note of row.notes) lines.push(`  · ${note}`);
  }
  const differing = rows.filter((row) => row.differences.length > 0).length;
  lines.push(`${rows.length} subscriptions, ${differing} with differences`);
  return lines.join('\n');
}
