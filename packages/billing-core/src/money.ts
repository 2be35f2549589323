// The one parser and formatter of decimal amounts (prices, spend caps) as integer micro-units.
import type { Micros } from './units.js';

const MICROS_PER_UNIT = 1_000_000n;
const DECIMAL_AMOUNT = /^(\d+)(?:\.(\d{1,6}))?$/;

/**
 * A non-negative decimal amount with at most six places, e.g. '25.5' → 25_500_000n. Anything else
 * (a sign, an exponent, a seventh place) is a RangeError: config schemas check the shape first, so
 * reaching it here is a programming error, not bad input.
 */
export function parseMicros(amount: string): Micros {
  const match = DECIMAL_AMOUNT.exec(amount);
  if (!match) throw new RangeError(`not a decimal amount with at most 6 places: ${JSON.stringify(amount)}`);
  return BigInt(match[1]!) * MICROS_PER_UNIT + BigInt((match[2] ?? '').padEnd(6, '0'));
}

/** `PRICE_PER_GIB_MONTH` in micro-units, e.g. '0.02' → 20_000n. */
export function pricePerGibMonthMicros(config: { PRICE_PER_GIB_MONTH: string }): Micros {
  return parseMicros(config.PRICE_PER_GIB_MONTH);
}

/** 1234567n → '1.234567'; always six places so amounts sort and compare as strings of one shape. */
export function formatMicros(micros: Micros): string {
  const negative = micros < 0n;
  const absolute = negative ? -micros : micros;
  const whole = absolute / MICROS_PER_UNIT;
  const fraction = (absolute % MICROS_PER_UNIT).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
