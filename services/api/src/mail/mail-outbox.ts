// The one way to send mail: write it to mail_outbox in the transaction of the change that causes it.
// The mail worker (mail-worker.ts) delivers it later, with retries, so the change and its mail
// commit or roll back together and no request waits on SMTP.
import { sql, type CommonQueryMethods } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { renderMail, type MailTemplateName, type MailTemplates } from './mail-templates.js';

/** A mail to send: one template with exactly its data. */
export interface MailRequest<Name extends MailTemplateName> {
  /** The recipient's address. */
  to: string;
  template: Name;
  data: MailTemplates[Name];
  /** The account the mail is about (pending mail goes with the account); null for mail that must outlive it. */
  accountId: string | null;
}

/**
 * Queues `mail` in `transaction`; returns its id. `at` is when it was written (the clock of the
 * caller), and the mail is due at once.
 */
export async function enqueueMail<Name extends MailTemplateName>(transaction: CommonQueryMethods, mail: MailRequest<Name>, at: Date): Promise<string> {
  const id = uuidv7();
  const rendered = renderMail(mail.template, mail.data);
  await transaction.query(sql.unsafe`
    insert into mail_outbox (id, account_id, recipient, template, subject, text_body, html_body, created_at, next_attempt_at)
    values (${id}, ${mail.accountId}, ${mail.to}, ${mail.template}, ${rendered.subject}, ${rendered.text}, ${rendered.html},
            ${sql.timestamp(at)}, ${sql.timestamp(at)})`);
  return id;
}
