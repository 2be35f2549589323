import { booleanFlag } from '@baketsu/platform/config';
import { z } from 'zod';

// Settings of developer webhooks, spread into the API's config schema (see platform/config.ts).
export const webhookConfigShape = {
  // Lets endpoints resolve to loopback, private and other internal addresses. Unset: on in embedded
  // mode (no DATABASE_URL) and tests, where receivers run on localhost; off otherwise (SSRF safety).
  WEBHOOKS_ALLOW_PRIVATE_URLS: booleanFlag.optional(),
  // Run the webhook dispatcher in this process. Off for API instances when it runs as its own
  // process (`npm run webhooks -w @baketsu/api`); several dispatchers may run at once either way.
  WEBHOOK_DISPATCHER: booleanFlag.default('true'),
  // One attempt's whole budget: connect, send, and read the answer's head.
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOK_MAX_ENDPOINTS: z.coerce.number().int().min(1).max(1000).default(20),
  // An endpoint whose every attempt failed for this long is disabled (5 days).
  WEBHOOK_DISABLE_AFTER_SECONDS: z.coerce.number().int().min(60).default(5 * 86_400),
  // Attempts one dispatcher has under way at once (sending, or waiting for their batch to be
  // recorded). Connections per receiver are capped at 64 and reused.
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(512),
  // How often an idle dispatcher looks for new events and due retries.
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(100),
  // Finished deliveries (delivered, or failed for good) are deleted this many days after their last
  // attempt (delivery-retention.ts). The events stay in the outbox, so replay still reaches them.
  WEBHOOK_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
};

/** The private-URL setting after its mode-dependent default (see parseConfig). */
export function allowPrivateUrls(config: { WEBHOOKS_ALLOW_PRIVATE_URLS?: boolean | undefined; NODE_ENV: string; DATABASE_URL?: string | undefined }): boolean {
  return config.WEBHOOKS_ALLOW_PRIVATE_URLS ?? (config.NODE_ENV === 'test' || config.DATABASE_URL === undefined);
}
