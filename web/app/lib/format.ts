// Sizes and money as people read them. Binary units (KiB = 1024 B), matching the pricing (per GiB).
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

// Building an Intl formatter costs far more than using one, and a page formats dozens of values.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatBytes(bytes: number | bigint | string): string {
  let value = Number(bytes);
  if (!Number.isFinite(value) || value < 0) return '—';
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/**
 * Money from the API's decimal strings, with the currency's own minor unit (2 for USD, 0 for JPY).
 * Amounts under one minor unit keep enough digits to be non-zero, because storage bills start tiny
 * and "$0.00" would hide that anything is billed at all.
 */
export function formatMoney(amount: string | number, currency = 'usd', locale = 'en-US'): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) return '—';
  const code = currency.toUpperCase();
  const standard = cached(`currency:${locale}:${code}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: code }));
  const digits = standard.resolvedOptions().minimumFractionDigits ?? 2;
  const small = value !== 0 && Math.abs(value) < 10 ** -digits;
  const max = small ? Math.max(6, digits) : digits;
  return cached(`money:${locale}:${code}:${max}`, () =>
    new Intl.NumberFormat(locale, { style: 'currency', currency: code, minimumFractionDigits: digits, maximumFractionDigits: max }),
  ).format(value);
}

export function formatDate(iso: string, locale = 'en-US'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return cached(`date:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })).format(date);
}

export function formatDay(iso: string, locale = 'en-US'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return cached(`day:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })).format(date);
}

export function formatCount(value: number, locale = 'en-US'): string {
  return cached(`count:${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}

/** Byte-milliseconds (an integer string) as GiB-hours, the unit people can picture. */
export function formatByteTime(byteMs: string): string {
  let gibHours: number;
  try {
    // Integer division first keeps precision for totals far beyond 2^53.
    gibHours = Number(BigInt(byteMs) / 1_000_000n) / (1024 ** 3 * 3600) * 1_000;
  } catch {
    return '—';
  }
  return `${gibHours < 10 ? gibHours.toFixed(3) : gibHours.toFixed(1)} GiB·h`;
}

export function fileKind(contentType: string): string {
  const [family = '', subtype = ''] = contentType.split(';')[0]!.trim().split('/');
  if (family === 'application') return subtype.replace(/^(x-|vnd\.)/, '').split(/[.+]/)[0] || 'binary';
  return family || 'unknown';
}
