import { METER_UNIT_NAMES } from '@baketsu/billing-core';
import { z } from 'zod';

// Settings pieces that the API and the metering/billing processes both read; each process composes
// them into its own schema (parsed by @baketsu/platform/config's parseEnv).

/** The price of storage, read by whoever prices usage (the API's estimates, the Stripe catalog). */
export const priceConfigShape = {
  // Price of keeping one GiB (2^30 bytes) for one calendar month, as a decimal with up to 6 places.
  // Parsed into integer micro-units so that every cost computation stays in integers until the end.
  PRICE_PER_GIB_MONTH: z
    .string()
    .regex(/^\d{1,6}(\.\d{1,6})?$/, 'must be a decimal amount such as 0.02')
    .default('0.02'),
  CURRENCY: z.string().regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code').default('usd'),
};

export const billingConfigShape = {
  // Unset: ledger-only mode, usage is priced locally and nothing is sent to Stripe.
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Point the Stripe client elsewhere, e.g. at stripe-mock (127.0.0.1, 12111, http).
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  // Where Checkout and the customer portal send people back to.
  DASHBOARD_URL: z.string().url().default('http://localhost:3000'),
  // Whole units the Stripe meter counts; the price per unit is derived from PRICE_PER_GIB_MONTH.
  BILLING_METER_UNIT: z.enum(METER_UNIT_NAMES).default('MiB-hour'),
  // Hours are reported this long after they close, so late file events still count in their hour.
  BILLING_REPORT_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(900),
  BILLING_REPORT_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(300),
  // Customers reported in parallel; each customer's own events are always sent one at a time.
  BILLING_REPORT_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  BILLING_INVOICE_CACHE_SECONDS: z.coerce.number().int().min(0).default(300),
};

const billingConfig = z.object({ ...priceConfigShape, ...billingConfigShape });
export type BillingConfig = Readonly<z.output<typeof billingConfig>>;
