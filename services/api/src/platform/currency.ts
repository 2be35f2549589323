// Stripe's zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal): amounts in them
// have no minor unit. One list for every place that formats or converts money, so the dashboard's
// estimate and Stripe's invoices always agree on the decimals.
const ZERO_DECIMAL_CURRENCIES = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/** Digits after the decimal point in the currency's minor unit: 0 or 2. */
export function minorUnitDigits(currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toLowerCase()) ? 0 : 2;
}
