// The whole units Stripe's meter sums, and the price per unit derived from the price per GiB-month.
// Everything is integer arithmetic on bigint; strings only at the edges.
import { minorUnitDigits } from './currency.js';
import { GIB, HOUR_MS } from './units.js';

export const METER_UNIT_NAMES = ['KiB-hour', 'MiB-hour', 'GiB-hour'] as const;
export type MeterUnitName = (typeof METER_UNIT_NAMES)[number];

const UNIT_BYTES: Record<MeterUnitName, bigint> = { 'KiB-hour': 1n << 10n, 'MiB-hour': 1n << 20n, 'GiB-hour': GIB };
/**
 * A Stripe price is one number per unit, but a calendar month is 672 to 744 hours long. The price
 * assumes the average month (8760 h / 12), so a year of invoices costs exactly 12 × the monthly price;
 * the local estimate uses the real month length (DESIGN.md), so they can differ by up to ±2 % in a month.
 */
export const PRICED_MONTH_HOURS = 730n;
// Stripe accepts at most 12 decimal places in unit_amount_decimal.
const PRICE_DECIMALS = 12;

export interface MeterUnit {
  name: MeterUnitName;
  /** One unit in byte-milliseconds. */
  byteMs: bigint;
  /** Meter event name, e.g. baketsu_storage_mib_hours. */
  eventName: string;
}

export function meterUnit(name: MeterUnitName): MeterUnit {
  return {
    name,
    byteMs: UNIT_BYTES[name] * BigInt(HOUR_MS),
    eventName: `baketsu_storage_${name.toLowerCase().replace('-', '_')}s`,
  };
}

/** Whole units in `byteMs` (never negative). */
export function wholeUnits(byteMs: bigint, unit: MeterUnit): bigint {
  return byteMs <= 0n ? 0n : byteMs / unit.byteMs;
}

/**
 * Price of one unit in the currency's minor unit (cents), as Stripe's `unit_amount_decimal`:
 * price/GiB-month × unit bytes / GiB × 1 h / 730 h, rounded half up once at 12 decimals.
 */
export function unitAmountDecimal(pricePerGibMonthMicros: bigint, unit: MeterUnit, currency: string): string {
  const minor = 10n ** BigInt(minorUnitDigits(currency));
  const numerator = pricePerGibMonthMicros * UNIT_BYTES[unit.name] * minor * 10n ** BigInt(PRICE_DECIMALS);
  const denominator = GIB * PRICED_MONTH_HOURS * 1_000_000n;
  const scaled = (2n * numerator + denominator) / (2n * denominator);
  const digits = scaled.toString().padStart(PRICE_DECIMALS + 1, '0');
  const whole = digits.slice(0, -PRICE_DECIMALS);
  const fraction = digits.slice(-PRICE_DECIMALS).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** Minor units (Stripe amounts) as a decimal string in the currency, e.g. 1234 usd → '12.34'. */
export function formatMinorUnits(amount: number, currency: string): string {
  const exponent = minorUnitDigits(currency);
  if (exponent === 0) return String(amount);
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** The deterministic identifier of the meter event for one account's hour. */
export function meterEventIdentifier(accountId: string, hourStartMs: number): string {
  return `baketsu-${accountId}-${new Date(hourStartMs).toISOString().slice(0, 13).replace(/[-T]/g, '')}`;
}

export function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

export function ceilHour(ms: number): number {
  return Math.ceil(ms / HOUR_MS) * HOUR_MS;
}
