import { describe, expect, it } from 'vitest';
import { formatByteTime, formatBytes, formatMoney, formatMoneyExact, formatMoneyInText } from './format.js';

describe('formatBytes', () => {
  it('uses binary units with sensible precision', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(11 * 1024 * 1024)).toBe('11.0 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GiB');
    expect(formatBytes(300 * 1024 ** 4)).toBe('300 TiB');
    expect(formatBytes('2048')).toBe('2.00 KiB');
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('formatMoney', () => {
  it('formats currency and shows amounts below one cent as "< $0.01"', () => {
    expect(formatMoney('12.5', 'usd')).toBe('$12.50');
    expect(formatMoney('0.000020', 'usd')).toBe('< $0.01');
    expect(formatMoney('0.000001', 'usd')).toBe('< $0.01');
    expect(formatMoney('-0.000001', 'usd')).toBe('> -$0.01');
    expect(formatMoney('0.01', 'usd')).toBe('$0.01');
    expect(formatMoney('0', 'usd')).toBe('$0.00');
    expect(formatMoney('3', 'eur')).toBe('€3.00');
    expect(formatMoney('nope')).toBe('—');
  });

  it('uses the currency’s own minor unit', () => {
    expect(formatMoney('1234', 'jpy')).toBe('¥1,234');
    expect(formatMoney('1234.4', 'jpy')).toBe('¥1,234');
    expect(formatMoney('0.25', 'jpy')).toBe('< ¥1');
    expect(formatMoney('0', 'jpy')).toBe('¥0');
    expect(formatMoney('1234', 'usd')).toBe('$1,234.00');
    expect(formatMoney('1234.567', 'usd')).toBe('$1,234.57');
  });
});

describe('formatMoneyExact and formatMoneyInText', () => {
  it('keep every digit the API prices to, for tooltips and sentences', () => {
    expect(formatMoneyExact('0.000001', 'usd')).toBe('$0.000001');
    expect(formatMoneyExact('12.5', 'usd')).toBe('$12.50');
    expect(formatMoneyExact('0.25', 'jpy')).toBe('¥0.25');
    expect(formatMoneyExact('x', 'usd')).toBe('—');
    expect(formatMoneyInText('0.000001', 'usd')).toBe('< $0.01 ($0.000001)');
    expect(formatMoneyInText('5', 'usd')).toBe('$5.00');
  });
});

describe('formatByteTime', () => {
  it('turns byte-milliseconds into GiB-hours', () => {
    expect(formatByteTime(String(1024 ** 3 * 3_600_000))).toBe('1.000 GiB·h');
    expect(formatByteTime('x')).toBe('—');
  });
});
