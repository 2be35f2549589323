// An account's usage alert thresholds: a percentage of the monthly spend cap in force, or an amount
// per month. Money is integer micro-units, as every other amount in billing.
import { sql, type CommonQueryMethods, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { formatMicros, parseMicros } from '@baketsu/billing-core';
import { accountErrors } from '#src/accounts/account-errors.js';
import type { components } from '#src/platform/contract-types.js';

export type ThresholdJson = components['schemas']['UsageAlertThreshold'];

export interface Threshold {
  /** Names the threshold by its value, so the same value set again is the same threshold. */
  key: string;
  percentOfCap: number | null;
  amountMicros: bigint | null;
}

const thresholdRow = z.object({ threshold_key: z.string(), percent_of_cap: z.number().nullable(), amount_micros: z.string().nullable() });

const fromRow = (row: z.infer<typeof thresholdRow>): Threshold => ({
  key: row.threshold_key,
  percentOfCap: row.percent_of_cap,
  amountMicros: row.amount_micros === null ? null : BigInt(row.amount_micros),
});

/** Refuses what the schema cannot: an amount of zero, and two thresholds of one value ("1.5" and "1.50"). */
export function parseThresholds(input: readonly ThresholdJson[]): Threshold[] {
  const seen = new Set<string>();
  return input.map((item, index) => {
    const threshold: Threshold =
      'percent_of_cap' in item
        ? { key: `percent:${item.percent_of_cap}`, percentOfCap: item.percent_of_cap, amountMicros: null }
        : { key: `amount:${parseMicros(item.amount)}`, percentOfCap: null, amountMicros: parseMicros(item.amount) };
    if (threshold.amountMicros === 0n) throw accountErrors.invalidAlertThreshold(`/body/thresholds/${index}/amount`, 'An amount threshold must be more than zero.');
    if (seen.has(threshold.key)) throw accountErrors.invalidAlertThreshold(`/body/thresholds/${index}`, 'Two thresholds name the same value.');
    seen.add(threshold.key);
    return threshold;
  });
}

export function thresholdJson(threshold: Pick<Threshold, 'percentOfCap' | 'amountMicros'>): ThresholdJson {
  return threshold.percentOfCap !== null ? { percent_of_cap: threshold.percentOfCap } : { amount: formatMicros(threshold.amountMicros ?? 0n) };
}

/**
 * The threshold as a fraction of micro-units (numerator, denominator), so a percentage of a cap is
 * compared without rounding; null when it is a percentage and no cap is in force.
 */
export function thresholdFraction(threshold: Threshold, capMicros: bigint | null): { micros: bigint; scale: bigint } | null {
  if (threshold.amountMicros !== null) return { micros: threshold.amountMicros, scale: 1n };
  if (capMicros === null || threshold.percentOfCap === null) return null;
  return { micros: capMicros * BigInt(threshold.percentOfCap), scale: 100n };
}

export const thresholdRepository = {
  read: async (db: CommonQueryMethods, accountId: string): Promise<Threshold[]> =>
    (await db.any(sql.type(thresholdRow)`
      select threshold_key, percent_of_cap, amount_micros::text from usage_alert_thresholds
      where account_id = ${accountId} order by position`)).map(fromRow),

  async replace(tx: DatabaseTransactionConnection, accountId: string, thresholds: readonly Threshold[]): Promise<void> {
    await tx.query(sql.unsafe`delete from usage_alert_thresholds where account_id = ${accountId}`);
    if (thresholds.length === 0) return;
    await tx.query(sql.unsafe`
      insert into usage_alert_thresholds (account_id, threshold_key, percent_of_cap, amount_micros, position)
      select ${accountId}, t.key, t.percent, t.amount, t.position::smallint
      from unnest(${sql.array(thresholds.map((t) => t.key), 'text')},
                  ${sql.array(thresholds.map((t) => t.percentOfCap), 'int4')},
                  ${sql.array(thresholds.map((t) => t.amountMicros?.toString() ?? null), 'int8')},
                  ${sql.array(thresholds.map((_, position) => position), 'int4')}) as t(key, percent, amount, position)`);
  },
};
