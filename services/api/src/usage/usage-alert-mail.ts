// The port through which a crossed threshold becomes an email. It takes the transaction that records
// the alert, so the alert, its usage.alert event and its mail commit (or roll back) together.
import type { DatabaseTransactionConnection } from 'slonik';
import { enqueueMail } from '#src/mail/mail-outbox.js';

export interface UsageAlertMail {
  accountId: string;
  to: string;
  /** YYYY-MM. */
  month: string;
  /** The threshold as the account set it: "80 % of your monthly spend cap (9.60 USD)" or "25.00 USD". */
  thresholdLabel: string;
  /** "10.00 USD". */
  projectedCost: string;
}

export interface UsageAlertMailer {
  enqueue(tx: DatabaseTransactionConnection, mail: UsageAlertMail, at: Date): Promise<void>;
}

/** Through the mail outbox (decision 016): the mail worker delivers it, with retries. */
export function mailOutboxUsageAlertMailer(dashboardUrl: string): UsageAlertMailer {
  const link = new URL('/dashboard', dashboardUrl).toString();
  return {
    async enqueue(tx, mail, at) {
      const threshold = mail.thresholdLabel;
      await enqueueMail(tx, {
        to: mail.to,
        accountId: mail.accountId,
        template: 'usage_alert',
        data: { month: mail.month, threshold, projectedCost: mail.projectedCost, link },
      }, at);
    },
  };
}
