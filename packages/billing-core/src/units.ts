// The one GiB of every price and estimate: 2^30 bytes (a binary gibibyte, as PRICE_PER_GIB_MONTH says).
export const GIB = 1n << 30n;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Integer millionths of the currency unit (0.02 USD = 20_000n); money stays in this until the last step. */
export type Micros = bigint;
/** Byte-time in byte-milliseconds: a byte held for one millisecond is 1n. */
export type ByteMs = bigint;
