import { minorUnitDigits } from './currency.js';
import { parseMicros } from './money.js';
import { utcMonth } from './month.js';
import { DAY_MS, GIB, type ByteMs } from './units.js';

/** From the API config: `PRICE_PER_GIB_MONTH` and `CURRENCY` (any case; answered upper-case). */
export interface UsagePrice {
  /** Decimal string, per GiB (2^30 bytes) held for one calendar month. */
  perGibMonth: string;
  currency: string;
}

/**
 * Month-to-date byte-time plus the bytes held now kept until the month ends, priced per
 * GiB-month of this month's length. All integer arithmetic; rounded (half up) once, at the end,
 * to the currency's minor unit.
 */
export function estimateMonthlyCost(input: { byteMsMonthToDate: ByteMs; storedBytes: bigint; now: number; price: UsagePrice }): { amount: string; currency: string } {
  const month = utcMonth(input.now);
  const projected = projectedMonthByteMs(input);
  const currency = input.price.currency;
  const digits = minorUnitDigits(currency);
  const numerator = projected * parseMicros(input.price.perGibMonth) * 10n ** BigInt(digits);
  const denominator = GIB * BigInt(month.lengthMs) * 1_000_000n;
  const minor = (2n * numerator + denominator) / (2n * denominator);
  return { amount: formatMinor(minor, digits), currency };
}

export interface MonthToDate {
  byteMsMonthToDate: ByteMs;
  storedBytes: bigint;
  now: number;
}

/** The month's byte-time if nothing changes: month to date plus the bytes held now until the month ends. */
export function projectedMonthByteMs(input: MonthToDate): ByteMs {
  return input.byteMsMonthToDate + input.storedBytes * BigInt(Math.max(0, utcMonth(input.now).endMs - input.now));
}

/** The projected month's cost (the projection above) in micro-units, rounded half up once. */
export function projectedMonthCostMicros(input: MonthToDate & { pricePerGibMonthMicros: bigint }): bigint {
  const denominator = GIB * BigInt(utcMonth(input.now).lengthMs);
  return (2n * projectedMonthByteMs(input) * input.pricePerGibMonthMicros + denominator) / (2n * denominator);
}

/**
 * Whether the projected month's cost reaches `thresholdMicros / scale` micro-units, compared exactly
 * (no rounding): a percentage of a cap is `cap × percent / 100`, passed as (cap × percent, 100).
 */
export function projectionReaches(input: MonthToDate & { pricePerGibMonthMicros: bigint }, thresholdMicros: bigint, scale = 1n): boolean {
  const denominator = GIB * BigInt(utcMonth(input.now).lengthMs);
  return projectedMonthByteMs(input) * input.pricePerGibMonthMicros * scale >= thresholdMicros * denominator;
}

function formatMinor(minor: bigint, digits: number): string {
  if (digits === 0) return minor.toString();
  const text = minor.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export interface DayRow {
  day: string;
  bytesDelta: bigint;
  partialByteMs: bigint;
}

/**
 * Expands the difference-encoded daily rows (see metering's usage-ledger) into a series from
 * `firstDay` to the day of `now`: bytes held at each day's end (at `now` for today) and the
 * byte-time accrued in the day (up to `now` for today).
 */
export function dailySeries(input: { heldBefore: bigint; rows: DayRow[]; firstDay: number; now: number }): Array<{ date: string; storedBytes: bigint; byteMs: bigint }> {
  const byDay = new Map(input.rows.map((row) => [row.day, row]));
  const series: Array<{ date: string; storedBytes: bigint; byteMs: bigint }> = [];
  let held = input.heldBefore;
  for (let dayStart = input.firstDay; dayStart <= input.now; dayStart += DAY_MS) {
    const date = new Date(dayStart).toISOString().slice(0, 10);
    const row = byDay.get(date);
    const delta = row?.bytesDelta ?? 0n;
    const partial = row?.partialByteMs ?? 0n;
    const dayEnd = dayStart + DAY_MS;
    const untilNow = BigInt(Math.max(0, dayEnd - input.now));
    series.push({ date, storedBytes: held + delta, byteMs: held * BigInt(Math.min(DAY_MS, input.now - dayStart)) + partial - delta * untilNow });
    held += delta;
  }
  return series;
}
