// Compares, per account and calendar month (UTC), the exact byte-time, what the reporter recorded and
// sent, and (with a real Stripe key) Stripe's own meter event summaries. Prints every difference.
import type { BillingProvider } from '@baketsu/billing';
import { meterUnit, wholeUnits, type MeterUnitName } from '@baketsu/billing-core';
import { cumulativeByteMs } from '#src/read-model/byte-time.js';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

export interface ReconciliationRow {
  accountId: string;
  customerId: string;
  periodStart: number;
  /** Reported up to here (the cursor), or the period's end if that is earlier. */
  coveredUntil: number;
  byteMs: bigint;
  expectedUnits: bigint;
  sent: bigint;
  pending: bigint;
  failed: bigint;
  expired: bigint;
  stripe: bigint | null;
  differences: string[];
}

const accountRow = z.object({ account_id: z.string(), stripe_customer_id: z.string(), report_from_ms: z.number(), reported_through_ms: z.number() });
const sumsRow = z.object({ status: z.string(), units: z.string() });

export async function reconcile(
  pool: DatabasePool,
  options: { month: { startMs: number; endMs: number }; unit: MeterUnitName; provider?: BillingProvider; meterId?: string },
): Promise<ReconciliationRow[]> {
  const unit = meterUnit(options.unit);
  const accounts = await pool.any(sql.type(accountRow)`
    select b.account_id, b.stripe_customer_id, b.report_from_ms, c.reported_through_ms
    from billing_accounts b join billing_report_cursors c using (account_id)
    where b.stripe_customer_id is not null and b.report_from_ms < ${options.month.endMs}
    order by b.account_id`);
  const rows: ReconciliationRow[] = [];
  for (const account of accounts) {
    const from = Math.max(options.month.startMs, account.report_from_ms);
    const until = Math.max(from, Math.min(options.month.endMs, account.reported_through_ms));
    const [atFrom, atUntil] = [await cumulativeByteMs(pool, account.account_id, from), await cumulativeByteMs(pool, account.account_id, until)];
    const sums = await pool.any(sql.type(sumsRow)`
      select status, sum(value)::text as units from billing_meter_reports
      where account_id = ${account.account_id} and hour_start_ms >= ${from} and hour_start_ms < ${until}
      group by status`);
    const byStatus = (status: string) => BigInt(sums.find((row) => row.status === status)?.units ?? '0');
    const row: ReconciliationRow = {
      accountId: account.account_id,
      customerId: account.stripe_customer_id,
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
          ? await options.provider.meterEventTotal({ meterId: options.meterId, customerId: account.stripe_customer_id, startMs: from, endMs: until })
          : null,
      differences: [],
    };
    const recorded = row.sent + row.pending + row.failed + row.expired;
    // Hours are whole and months start on hour boundaries, so the reporter's sum telescopes to exactly this.
    if (recorded !== row.expectedUnits) row.differences.push(`recorded ${recorded} units, exact usage is ${row.expectedUnits}`);
    if (row.pending > 0n) row.differences.push(`${row.pending} units still pending`);
    if (row.failed > 0n) row.differences.push(`${row.failed} units refused by Stripe`);
    if (row.expired > 0n) row.differences.push(`${row.expired} units older than Stripe accepts, never sent`);
    if (row.stripe !== null && row.stripe !== row.sent) row.differences.push(`Stripe summarises ${row.stripe} units, ${row.sent} were sent`);
    rows.push(row);
  }
  return rows;
}

export function formatReconciliation(rows: readonly ReconciliationRow[]): string {
  const lines = ['account                               customer               covered until         byte-ms                  exact   sent   pending failed expired stripe'];
  for (const row of rows) {
    lines.push(
      [
        row.accountId.padEnd(37),
        row.customerId.slice(0, 22).padEnd(22),
        new Date(row.coveredUntil).toISOString().slice(0, 16).padEnd(21),
        row.byteMs.toString().padStart(24),
        row.expectedUnits.toString().padStart(7),
        row.sent.toString().padStart(6),
        row.pending.toString().padStart(9),
        row.failed.toString().padStart(6),
        row.expired.toString().padStart(7),
        (row.stripe?.toString() ?? '-').padStart(6),
      ].join(' '),
    );
    for (const difference of row.differences) lines.push(`  ! ${difference}`);
  }
  const differing = rows.filter((row) => row.differences.length > 0).length;
  lines.push(`${rows.length} accounts, ${differing} with differences`);
  return lines.join('\n');
}
