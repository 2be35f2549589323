// What each rule's deletions saved this month, from the usage ledger (decision 020): for every file
// a rule deleted in the month, the byte-time its interval in metering.file_intervals would have
// accrued to the month's end had it stayed (no deletion), less what it did accrue. Both terms use
// the one billable-interval rule (billing-core's intervalByteMs), in exact numeric byte-ms; money
// comes last, rounded once, at the price the usage page uses.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { FILE_INTERVAL_COLUMNS, estimateMonthlyCost, intervalByteMs, utcMonth, type UsagePrice } from '@baketsu/billing-core';

export interface RuleSavings {
  month: string;
  deleted_files: number;
  deleted_bytes: number;
  saved_byte_ms: string;
  saved: { amount: string; currency: string };
}

const savingsRow = z.object({ rule_id: z.string(), files: z.number(), bytes: z.string(), saved_byte_ms: z.string() });

/** Savings of the month holding `now`, per rule id (every id given gets an entry). */
export async function savingsThisMonth(
  db: CommonQueryMethods,
  accountId: string,
  ruleIds: readonly string[],
  now: number,
  price: UsagePrice,
): Promise<Map<string, RuleSavings>> {
  const month = utcMonth(now);
  const from = sql.fragment`${month.startMs}::int8`;
  const to = sql.fragment`${month.endMs}::int8`;
  const kept = intervalByteMs(from, to, { ...FILE_INTERVAL_COLUMNS, deletedAtMs: sql.fragment`null::int8` });
  const actual = intervalByteMs(from, to);
  const rows =
    ruleIds.length === 0
      ? []
      : await db.any(sql.type(savingsRow)`
          select d.rule_id, count(*)::int as files, sum(d.size_bytes)::text as bytes,
            coalesce(sum(case when fi.file_id is null then 0 else ${kept} - ${actual} end), 0)::numeric(40, 0)::text as saved_byte_ms
          from lifecycle_deletions d left join metering.file_intervals fi on fi.file_id = d.file_id and fi.account_id = d.account_id
          where d.account_id = ${accountId} and d.rule_id = any(${sql.array([...ruleIds], 'uuid')})
            and d.deleted_at >= ${sql.timestamp(new Date(month.startMs))} and d.deleted_at < ${sql.timestamp(new Date(month.endMs))}
          group by d.rule_id`);
  const byRule = new Map(rows.map((row) => [row.rule_id, row]));
  const label = new Date(month.startMs).toISOString().slice(0, 7);
  return new Map(
    ruleIds.map((id) => {
      const row = byRule.get(id);
      const savedByteMs = BigInt(row?.saved_byte_ms ?? '0');
      return [
        id,
        {
          month: label,
          deleted_files: row?.files ?? 0,
          deleted_bytes: Number(row?.bytes ?? 0),
          saved_byte_ms: savedByteMs.toString(),
          // Byte-time priced over this month's length, as the usage page prices it.
          saved: estimateMonthlyCost({ byteMsMonthToDate: savedByteMs, storedBytes: 0n, now: month.startMs, price }),
        },
      ];
    }),
  );
}
