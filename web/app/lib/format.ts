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

function moneyValue(amount: string | number): number | null {
  const value = Number(amount);
  return Number.isFinite(value) ? value : null;
}

function currencyFormatter(currency: string, locale: string, maxDigits?: number): Intl.NumberFormat {
  const code = currency.toUpperCase();
  const standard = cached(`currency:${locale}:${code}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: code }));
  if (maxDigits === undefined) return standard;
  const digits = standard.resolvedOptions().minimumFractionDigits ?? 2;
  const max = Math.max(maxDigits, digits);
  return cached(`money:${locale}:${code}:${max}`, () =>
    new Intl.NumberFormat(locale, { style: 'currency', currency: code, minimumFractionDigits: digits, maximumFractionDigits: max }),
  );
}

/**
 * The one rule for showing money: the currency's own minor unit (2 for USD, 0 for JPY). An amount
 * under one minor unit that is not zero reads "< $0.01", never "$0.00" (which would hide that
 * anything is billed) nor "$0.000001" (which would not line up with its neighbours). The exact
 * value goes into a tooltip: see formatMoneyExact and the Money component.
 */
export function formatMoney(amount: string | number, currency = 'usd', locale = 'en-US'): string {
  const value = moneyValue(amount);
  if (value === null) return '—';
  const standard = currencyFormatter(currency, locale);
  const digits = standard.resolvedOptions().minimumFractionDigits ?? 2;
  const minorUnit = 10 ** -digits;
  if (value !== 0 && Math.abs(value) < minorUnit) return `${value < 0 ? '> ' : '< '}${standard.format(value < 0 ? -minorUnit : minorUnit)}`;
  return standard.format(value);
}

/** Every digit the API gave (it prices to millionths), for tooltips and the rare sentence that needs it. */
export function formatMoneyExact(amount: string | number, currency = 'usd', locale = 'en-US'): string {
  const value = moneyValue(amount);
  if (value === null) return '—';
  return currencyFormatter(currency, locale, 6).format(value);
}

/** For sentences (error messages): the displayed amount, with the exact one when they differ. */
export function formatMoneyInText(amount: string | number, currency = 'usd', locale = 'en-US'): string {
  const shown = formatMoney(amount, currency, locale);
  const exact = formatMoneyExact(amount, currency, locale);
  return shown === exact ? shown : `${shown} (${exact})`;
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
