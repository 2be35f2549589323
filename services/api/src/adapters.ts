// The API's clients of other systems (Stripe, S3, SQS, SMTP), built from the config. Only the composition
// root (compose-api.ts) calls these; everything else receives what they return.
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { stripeBillingProvider, stripeClient, type BillingProvider } from '@baketsu/billing';
import { ledgerOnlyBillingProvider } from '#src/billing/ledger-billing-provider.js';
import { devMailboxEnabled } from '#src/mail/mail-config.js';
import { devMailboxTransport, smtpMailTransport, type MailTransport } from '#src/mail/mail-transport.js';
import type { Config } from '#src/platform/config.js';
import type { Logger } from '#src/platform/logger.js';

/** Stripe when a secret key is configured, otherwise ledger-only. */
export function billingProviderFromConfig(config: Config): BillingProvider {
  return config.STRIPE_SECRET_KEY ? stripeBillingProvider(stripeClient(config)) : ledgerOnlyBillingProvider;
}

export function s3ClientFromConfig(config: Config, endpoint = config.S3_ENDPOINT): S3Client {
  return new S3Client({
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(endpoint ? { endpoint } : {}),
    ...(config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } }
      : {}),
    // Without these the SDK bakes a checksum of an empty body into presigned URLs.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The object store's clients: one for requests, one signing URLs for the address clients reach (S3_PUBLIC_ENDPOINT). */
export interface S3Clients {
  client: S3Client;
  presignClient: S3Client;
}

export function s3ClientsFromConfig(config: Config): S3Clients {
  const client = s3ClientFromConfig(config);
  return { client, presignClient: config.S3_PUBLIC_ENDPOINT ? s3ClientFromConfig(config, config.S3_PUBLIC_ENDPOINT) : client };
}

export function destroyS3Clients({ client, presignClient }: S3Clients): void {
  client.destroy();
  if (presignClient !== client) presignClient.destroy();
}

/** The queue S3 notifies of created and removed objects, when one is configured (scaled mode). */
export function sqsClientFromConfig(config: Config): SQSClient | undefined {
  if (config.STORAGE_DRIVER !== 's3' || !config.SQS_QUEUE_URL) return undefined;
  return new SQSClient({
    region: config.S3_REGION,
    ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
    ...(config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } }
      : {}),
  });
}

/**
 * SMTP when SMTP_URL is set; the dev mailbox outside production; otherwise none: mail waits in the
 * database (nothing is lost) until the API runs with SMTP_URL, and the operator is told once.
 */
export function mailTransportFromConfig(config: Config, logger: Logger): MailTransport | undefined {
  if (config.SMTP_URL) return smtpMailTransport(config.SMTP_URL, config.MAIL_FROM);
  if (devMailboxEnabled(config)) return devMailboxTransport(logger);
  logger.warn({ event: 'mail_not_configured' }, 'SMTP_URL is not set: mail (password resets, address checks) is queued in mail_outbox and sent once SMTP_URL is set');
  return undefined;
}
