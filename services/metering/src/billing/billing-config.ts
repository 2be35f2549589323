import { billingConfigShape, priceConfigShape } from '@baketsu/billing';
import { workerProcessShape } from '@baketsu/platform/config';
import { z } from 'zod';

// The billing settings the API has, plus what the reporter process needs to run on its own.
export const billingProcessConfigSchema = z.object({
  ...workerProcessShape,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(8),
  ...priceConfigShape,
  ...billingConfigShape,
});
export type BillingProcessConfig = Readonly<z.output<typeof billingProcessConfigSchema>>;
