import { minorUnitDigits } from './currency.js';

export const GIB = 2n ** 30n;
export const DAY_MS = 86_400_000;

/** From the API config: `PRICE_PER_GIB_MONTH` and `CURRENCY` (any case; answered upper-case). */
export interface UsagePrice {
  /** Decimal string, per GiB (2^30 bytes) held for one calendar month. */
  perGibMonth: string;
  currency: string;
}


/** The UTC calendar month containing `at`: its first millisecond and the first of the next. */
export function monthBounds(at: number): { start: number; end: number } {
  const date = new Date(at);
  return { start: utcMonthStart(date.getUTCFullYear(), date.getUTCMonth()), end: utcMonthStart(date.getUTCFullYear(), date.getUTCMonth() + 1) };
}

/** Epoch ms at the start of a UTC month (`monthIndex` 0-11, overflow rolls the year). Not `Date.UTC`, which reads years 0-99 as 1900-1999. */
export function utcMonthStart(year: number, monthIndex: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, 1);
  return date.getTime();
}

/**
 * Month-to-date byte-time plus the bytes held now kept until the month ends, priced per
 * GiB-month of this month's length. All integer arithmetic; rounded (half up) once, at the end,
 * to the currency's minor unit.
 */
export function estimateMonthlyCost(input: { byteMsMonthToDate: bigint; storedBytes: bigint; now: number; price: UsagePrice }): { amount: string; currency: string } {
  const { start, end } = monthBounds(input.now);
  const projected = input.byteMsMonthToDate + input.storedBytes * BigInt(Math.max(0, end - input.now));
  const [whole = '0', fraction = ''] = input.price.perGibMonth.split('.');
  const priceScaled = BigInt(whole + fraction);
  const priceScale = 10n ** BigInt(fraction.length);
  const currency = input.price.currency;
  const digits = minorUnitDigits(currency);
  const numerator = projected * priceScaled * 10n ** BigInt(digits);
  const denominator = GIB * BigInt(end - start) * priceScale;
  const minor = (2n * numerator + denominator) / (2n * denominator);
  return { amount: formatMinor(minor, digits), currency };
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
