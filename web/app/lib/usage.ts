// Cost figures derived from the API's own usage numbers. The API prices the month as
// price × (month-to-date byte-time + bytes held now × time left in the month), so the price per
// byte-millisecond — and from it month-to-date and per-file cost — follows from its answer alone.
// The month is billing-core's (its slonik-free ./month entry), so its bounds are the API's.
import { utcMonth } from '@baketsu/billing-core/month';

export interface UsageNumbers {
  stored_bytes: number;
  byte_ms_month_to_date: string;
  estimated_monthly_cost: { amount: string; currency: string };
  as_of: string;
}

export function msLeftInMonth(asOf: Date): number {
  return Math.max(0, utcMonth(asOf).endMs - asOf.getTime());
}

/** Currency per byte-millisecond implied by the estimate; 0 when nothing is stored or used yet. */
export function pricePerByteMs(usage: UsageNumbers): number {
  const monthByteMs = Number(BigInt(usage.byte_ms_month_to_date)) + usage.stored_bytes * msLeftInMonth(new Date(usage.as_of));
  const estimate = Number(usage.estimated_monthly_cost.amount);
  return monthByteMs > 0 ? estimate / monthByteMs : 0;
}

export function costOf(byteMs: string, price: number): number {
  return Number(BigInt(byteMs)) * price;
}

export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** `amount` split by byte-time: what one file's share of the month's byte-time costs. */
export function shareOf(byteMs: string, totalByteMs: string, amount: number): number {
  const total = BigInt(totalByteMs);
  if (total <= 0n) return 0;
  return (Number((BigInt(byteMs) * 1_000_000_000n) / total) / 1e9) * amount;
}
