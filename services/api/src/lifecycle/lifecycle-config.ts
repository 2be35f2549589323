import { z } from 'zod';

// Settings of lifecycle rules, spread into the API's config schema (see platform/config.ts).
export const lifecycleConfigShape = {
  // How often each enabled rule is evaluated (a run); 0 turns the executor off in this process.
  LIFECYCLE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  // How long an executor owns a run without reporting progress; a crashed executor's run is taken
  // over by another once this passes. Each deletion extends it.
  LIFECYCLE_RUN_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
};
