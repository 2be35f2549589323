// Storage quota and monthly spend cap. The spend estimate is what the account's bytes (stored, plus
// uploads in flight, plus this one) would cost kept for a whole month at the configured price.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { Config } from '#src/platform/config.js';
import { errors } from '#src/platform/errors.js';
import { accountMailErrors } from '#src/auth/account-mail-errors.js';
import { parseMicros, exceedsCap, formatMicros, monthlyCostMicros, pricePerGibMonthMicros } from '@baketsu/billing-core';

const limitsRow = z.object({
  used_bytes: z.number(),
  storage_quota_bytes: z.number().nullable(),
  spend_cap_ceiling_micros: z.number().nullable(),
  spend_cap_micros: z.number().nullable(),
  email_verified: z.boolean(),
});
type LimitsRow = Omit<z.infer<typeof limitsRow>, 'used_bytes'>;

export interface EffectiveLimits {
  quotaBytes: number | null;
  /** Until the address is confirmed: what the account may store, when that is below the quota (decision 016). */
  unverifiedLimitBytes: number | null;
  /** The highest cap the account may set (operator's); null: uncapped. */
  ceilingMicros: bigint | null;
  /** The cap in force: the account's own, or the ceiling. */
  capMicros: bigint | null;
}

type LimitsConfig = Pick<Config, 'DEFAULT_STORAGE_QUOTA_BYTES' | 'DEFAULT_MONTHLY_SPEND_CAP' | 'UNVERIFIED_STORAGE_LIMIT_BYTES'>;

export function effectiveLimits(row: LimitsRow, config: LimitsConfig): EffectiveLimits {
  const quotaBytes = row.storage_quota_bytes ?? (config.DEFAULT_STORAGE_QUOTA_BYTES > 0 ? config.DEFAULT_STORAGE_QUOTA_BYTES : null);
  const ceilingMicros =
    row.spend_cap_ceiling_micros !== null
      ? BigInt(row.spend_cap_ceiling_micros)
      : config.DEFAULT_MONTHLY_SPEND_CAP !== undefined
        ? parseMicros(config.DEFAULT_MONTHLY_SPEND_CAP)
        : null;
  const own = row.spend_cap_micros === null ? null : BigInt(row.spend_cap_micros);
  const capMicros = own === null ? ceilingMicros : ceilingMicros === null || own < ceilingMicros ? own : ceilingMicros;
  const unverifiedLimit = !row.email_verified && config.UNVERIFIED_STORAGE_LIMIT_BYTES > 0 ? config.UNVERIFIED_STORAGE_LIMIT_BYTES : null;
  const unverifiedLimitBytes = unverifiedLimit !== null && (quotaBytes === null || unverifiedLimit < quotaBytes) ? unverifiedLimit : null;
  return { quotaBytes, unverifiedLimitBytes, ceilingMicros, capMicros };
}

/** Parameters of the same rules for the check inside `admit_uploads` (`uploadRepository.admit`). */
export function sqlLimits(config: LimitsConfig & Pick<Config, 'PRICE_PER_GIB_MONTH'>) {
  return {
    defaultQuotaBytes: config.DEFAULT_STORAGE_QUOTA_BYTES > 0 ? config.DEFAULT_STORAGE_QUOTA_BYTES : null,
    defaultCeilingMicros: config.DEFAULT_MONTHLY_SPEND_CAP === undefined ? null : parseMicros(config.DEFAULT_MONTHLY_SPEND_CAP).toString(),
    priceMicros: pricePerGibMonthMicros(config).toString(),
    unverifiedLimitBytes: config.UNVERIFIED_STORAGE_LIMIT_BYTES > 0 ? config.UNVERIFIED_STORAGE_LIMIT_BYTES : null,
  };
}

export interface UploadCheck {
  limits: EffectiveLimits;
  usedBytes: number;
  size: number;
  priceMicros: bigint;
  currency: string;
}

/** Throws a problem that says by how much the upload is over; returns the estimate otherwise. */
export function checkUploadAllowed(check: UploadCheck): { addedMicros: bigint; estimatedMicros: bigint } {
  const { limits, usedBytes, size, priceMicros } = check;
  if (limits.unverifiedLimitBytes !== null && usedBytes + size > limits.unverifiedLimitBytes) {
    throw accountMailErrors.emailVerificationRequired(limits.unverifiedLimitBytes, usedBytes, size);
  }
  if (limits.quotaBytes !== null && usedBytes + size > limits.quotaBytes) {
    throw errors.storageQuotaExceeded(limits.quotaBytes, usedBytes, size);
  }
  const total = BigInt(usedBytes) + BigInt(size);
  const estimatedMicros = monthlyCostMicros(total, priceMicros);
  if (limits.capMicros !== null && exceedsCap(total, priceMicros, limits.capMicros)) {
    // Rounded estimate can equal the cap while the exact one is above it: say "over by" at least one micro.
    const overBy = estimatedMicros - limits.capMicros > 0n ? estimatedMicros - limits.capMicros : 1n;
    throw errors.spendCapExceeded(formatMicros(limits.capMicros), formatMicros(estimatedMicros), formatMicros(overBy), check.currency);
  }
  return { addedMicros: monthlyCostMicros(BigInt(size), priceMicros), estimatedMicros };
}

export const readAccountLimits = (db: CommonQueryMethods, accountId: string) =>
  db.one(sql.type(limitsRow)`
    select (stored_bytes + reserved_bytes)::int8 as used_bytes, storage_quota_bytes, spend_cap_ceiling_micros, spend_cap_micros,
           email_verified_at is not null as email_verified
    from accounts where id = ${accountId}`);

export async function setOwnSpendCap(db: CommonQueryMethods, accountId: string, capMicros: bigint | null): Promise<void> {
  await db.query(sql.unsafe`
    update accounts set spend_cap_micros = ${capMicros === null ? null : capMicros.toString()}, updated_at = now()
    where id = ${accountId}`);
}
