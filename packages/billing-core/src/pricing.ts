// Money is integer micro-units (millionths of the currency unit) until the very last step.
import { GIB } from './units.js';

/** What keeping `bytes` for a whole calendar month costs, in micro-units, rounded half up once. */
export function monthlyCostMicros(bytes: bigint, pricePerGibMonthMicros: bigint): bigint {
  return (2n * bytes * pricePerGibMonthMicros + GIB) / (2n * GIB);
}

/** Whether keeping `bytes` for a month would cost more than `capMicros`, compared exactly (no rounding). */
export function exceedsCap(bytes: bigint, pricePerGibMonthMicros: bigint, capMicros: bigint): boolean {
  return bytes * pricePerGibMonthMicros > capMicros * GIB;
}

/** The most bytes `capMicros` pays for a month of, so "over by" can be said in bytes too. */
export function bytesAffordable(pricePerGibMonthMicros: bigint, capMicros: bigint): bigint {
  if (pricePerGibMonthMicros === 0n) return -1n;
  return (capMicros * GIB) / pricePerGibMonthMicros;
}
