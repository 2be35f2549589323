import { billingConfigShape, configSchema } from '@baketsu/api/config';
import { z } from 'zod';
import { ConfigError } from '#src/platform/config.js';

// The billing settings the API has, plus what the reporter process needs to run on its own.
const shared = configSchema.innerType().shape;
export const billingProcessConfigSchema = z.object({
  DATABASE_URL: z.string().url(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(8),
  LOG_LEVEL: shared.LOG_LEVEL,
  PRICE_PER_GIB_MONTH: shared.PRICE_PER_GIB_MONTH,
  CURRENCY: shared.CURRENCY,
  ...billingConfigShape,
  // How long past its grace period an hour waits for metering to fold everything committed before
  // its end; then it is billed as the projection stands and late usage follows as a correction.
  BILLING_REPORT_MAX_WAIT_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(3600),
});
export type BillingProcessConfig = Readonly<z.infer<typeof billingProcessConfigSchema>>;

export function parseBillingProcessConfig(environment: Record<string, string | undefined>): BillingProcessConfig {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const result = billingProcessConfigSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration:\n${result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  }
  return Object.freeze(result.data);
}
