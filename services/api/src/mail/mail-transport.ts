// Where the mail worker hands a message: an SMTP server (nodemailer), or, in embedded and development
// mode without SMTP, nowhere but the database, where the dev mailbox shows it.
import nodemailer from 'nodemailer';
import type { Logger } from '#src/platform/logger.js';

export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  /**
   * `smtp`: delivered elsewhere, so the stored bodies are cleared after sending. `dev_mailbox`: the
   * stored message is the delivery, so it is kept.
   */
  kind: 'smtp' | 'dev_mailbox';
  /** Resolves once the message was accepted; throws when it was not (the worker retries). */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

// nodemailer's defaults wait up to two minutes for a server that does not answer; a worker holds a
// claim on its rows meanwhile, so fail sooner and retry later.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** `url`: smtp://user:pass@host:port or smtps://… (nodemailer's connection URL); `from`: the sender. */
export function smtpMailTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS }, { from });
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // One id per outbox row: a mail sent twice (a worker died after SMTP accepted it, before
        // recording it) carries the same Message-ID, which receiving systems use to spot duplicates.
        messageId: `<${mail.id}@baketsu.mail>`,
      });
    },
    close: () => transporter.close(),
  };
}

/**
 * No SMTP server (embedded and development mode): the message stays in the database for the dev
 * mailbox, and one log line carries its link so someone running `npm start` can follow it from the
 * terminal. Only for development: a production log must never hold a working reset link, which is
 * why the config refuses the dev mailbox with NODE_ENV=production.
 */
export function devMailboxTransport(logger: Logger): MailTransport {
  return {
    kind: 'dev_mailbox',
    async send(mail) {
      const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
      logger.info({ event: 'mail_kept', mail_id: mail.id, to: mail.to, ...(link ? { link } : {}) }, `mail kept for the dev mailbox: ${mail.subject}${link ? ` ${link}` : ''}`);
    },
    close() {},
  };
}
