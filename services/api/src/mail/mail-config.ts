import { z } from 'zod';
import type { MailWorkerSettings } from './mail-worker.js';

// Settings of outgoing mail, spread into the API's config schema (see platform/config.ts).
export const mailConfigShape = {
  // smtp://user:password@host:port (STARTTLS when offered) or smtps://… (TLS). Unset: mail is kept in
  // the database; outside production it shows in the dev mailbox (GET /v1/dev/mailbox, dashboard /dev/mailbox).
  SMTP_URL: z
    .string()
    .url()
    .refine((value) => /^smtps?:\/\//.test(value), 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Baketsu <no-reply@baketsu.localhost>'),
  MAIL_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  // The first retry waits about this long, each later one twice as long, up to MAIL_RETRY_MAX_MS.
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).default(10_000),
  MAIL_RETRY_MAX_MS: z.coerce.number().int().min(10).default(3_600_000),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(20),
  // Requests that mail a link (password reset, verification again), per address and per client address, per window.
  MAIL_LINK_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(5),
  MAIL_LINK_LIMIT_PER_IP: z.coerce.number().int().min(1).default(20),
  MAIL_LINK_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  // What an account whose address is not yet confirmed may store (stored plus uploading); 0: no limit.
  UNVERIFIED_STORAGE_LIMIT_BYTES: z.coerce.number().int().min(0).default(100 * 1024 * 1024),
};

type MailConfig = z.infer<z.ZodObject<typeof mailConfigShape>> & { NODE_ENV: string };

export function mailWorkerSettings(config: MailConfig): MailWorkerSettings {
  return {
    pollIntervalMs: config.MAIL_POLL_INTERVAL_MS,
    retryBaseMs: config.MAIL_RETRY_BASE_MS,
    retryMaxMs: config.MAIL_RETRY_MAX_MS,
    maxAttempts: config.MAIL_MAX_ATTEMPTS,
    leaseMs: 120_000,
    batchSize: 20,
  };
}

/**
 * The dev mailbox (mail kept in the database, shown by GET /v1/dev/mailbox, links logged) serves
 * `npm start` and tests without SMTP. Never in production: it shows anyone every reset link.
 */
export function devMailboxEnabled(config: Pick<MailConfig, 'SMTP_URL' | 'NODE_ENV'>): boolean {
  return config.SMTP_URL === undefined && config.NODE_ENV !== 'production';
}
