// Money is integer micro-units (millionths of the currency unit) until the very last step.
const GIB = 1n << 30n;

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

/** 1234567n → '1.234567'; always six places so amounts sort and compare as strings of one shape. */
export function formatMicros(micros: bigint): string {
  const negative = micros < 0n;
  const absolute = negative ? -micros : micros;
  const whole = absolute / 1_000_000n;
  const fraction = (absolute % 1_000_000n).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** `PRICE_PER_GIB_MONTH` in millionths of the currency unit, e.g. '0.02' → 20000n. */
export function pricePerGibMonthMicros(config: { PRICE_PER_GIB_MONTH: string }): bigint {
  const [whole = '0', fraction = ''] = config.PRICE_PER_GIB_MONTH.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

/** A decimal amount such as '25.5' in millionths of the currency unit. */
export function decimalToMicros(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}
