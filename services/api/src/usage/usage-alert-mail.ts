// The port through which a crossed threshold becomes an email. It takes the transaction that records
// the alert, so the alert, its usage.alert event and its mail commit (or roll back) together.
import type { DatabaseTransactionConnection } from 'slonik';

export interface UsageAlertMail {
  accountId: string;
  to: string;
  month: string;
  /** Decimal amounts with six places, as the API shows them. */
  thresholdAmount: string;
  projectedCost: string;
  currency: string;
  /** The threshold as the account set it: "80 % of the monthly spend cap" or "25.000000 USD". */
  thresholdLabel: string;
}

export interface UsageAlertMailer {
  enqueue(tx: DatabaseTransactionConnection, mail: UsageAlertMail, at: Date): Promise<void>;
}

/**
 * Until the mail outbox is wired in, an alert is logged (no address) instead of mailed; the alert
 * row and its usage.alert event are recorded either way.
 */
export function loggedUsageAlertMailer(logger: { info(details: object, message: string): void }): UsageAlertMailer {
  return {
    async enqueue(_tx, mail) {
      logger.info({ accountId: mail.accountId, month: mail.month, threshold: mail.thresholdLabel }, 'usage alert (no mail outbox configured)');
    },
  };
}
