import { billingConfigShape, priceConfigShape } from '@baketsu/billing';
import { workerProcessShape } from '@baketsu/platform/config';
import { z } from 'zod';

/** What only the Stripe reporter reads, wherever it runs (beside the fold or as `npm run billing`). */
export const reporterConfigShape = {
  // How long past its grace period an hour waits for metering to fold everything committed before
  // its end; then it is billed as the projection stands and late usage follows as a correction.
  BILLING_REPORT_MAX_WAIT_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(3600),
};

// The billing settings the API has, plus what the reporter process needs to run on its own.
export const billingProcessConfigSchema = z.object({
  ...workerProcessShape,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(8),
  ...priceConfigShape,
  ...billingConfigShape,
  ...reporterConfigShape,
});
export type BillingProcessConfig = Readonly<z.output<typeof billingProcessConfigSchema>>;
