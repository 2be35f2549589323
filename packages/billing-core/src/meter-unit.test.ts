import { expect, test } from 'vitest';
import { ceilHour, floorHour, formatMinorUnits, meterEventIdentifier, meterUnit, unitAmountDecimal, wholeUnits } from './meter-unit.js';

test('a MiB-hour is 2^20 bytes for 3.6e6 ms, and the event name follows the unit', () => {
  const unit = meterUnit('MiB-hour');
  expect(unit.byteMs).toBe(1_048_576n * 3_600_000n);
  expect(unit.eventName).toBe('baketsu_storage_mib_hours');
});

test('the unit price is derived from the GiB-month price over a 730-hour month, in cents, 12 places', () => {
  // 0.02 USD per GiB-month = 2 cents / (1024 MiB × 730 h)
  expect(unitAmountDecimal(20_000n, meterUnit('MiB-hour'), 'usd')).toBe('0.000002675514');
  expect(unitAmountDecimal(20_000n, meterUnit('GiB-hour'), 'usd')).toBe('0.002739726027');
  // Yen has no minor unit: 100 JPY per GiB-month.
  expect(unitAmountDecimal(100_000_000n, meterUnit('GiB-hour'), 'jpy')).toBe('0.136986301370'.replace(/0+$/, ''));
  expect(unitAmountDecimal(0n, meterUnit('MiB-hour'), 'usd')).toBe('0');
  expect(unitAmountDecimal(730n * 1_000_000n, meterUnit('GiB-hour'), 'usd')).toBe('100');
});

test('whole units floor and never go negative', () => {
  const unit = meterUnit('MiB-hour');
  expect(wholeUnits(unit.byteMs * 3n - 1n, unit)).toBe(2n);
  expect(wholeUnits(unit.byteMs * 3n, unit)).toBe(3n);
  expect(wholeUnits(-5n, unit)).toBe(0n);
});

test('identifiers are deterministic per account and hour', () => {
  const at = Date.UTC(2026, 10, 27, 13);
  expect(meterEventIdentifier('0190a5d2-0000-7000-8000-000000000001', at)).toBe('baketsu-0190a5d2-0000-7000-8000-000000000001-2026112713');
  expect(meterEventIdentifier('a', at)).toBe(meterEventIdentifier('a', at + 1));
  expect(meterEventIdentifier('a', at).length).toBeLessThanOrEqual(100);
});

test('hours round and minor units format', () => {
  expect(floorHour(3_600_001)).toBe(3_600_000);
  expect(ceilHour(3_600_001)).toBe(7_200_000);
  expect(ceilHour(3_600_000)).toBe(3_600_000);
  expect(formatMinorUnits(1234, 'usd')).toBe('12.34');
  expect(formatMinorUnits(5, 'usd')).toBe('0.05');
  expect(formatMinorUnits(500, 'jpy')).toBe('500');
});
