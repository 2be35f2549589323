// Delivers mail_outbox rows. Several API instances may run it against one database: a row is
// claimed with FOR UPDATE SKIP LOCKED and leased by moving its next attempt past the lease, so no two
// workers send it at once and a worker that dies mid-send leaves it due again after the lease. A
// failed attempt is retried with exponential backoff and jitter; after `maxAttempts` the row is
// marked failed and kept, never dropped.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Clock } from '@baketsu/platform/clock';
import type { Logger } from '#src/platform/logger.js';
import type { MailTransport } from './mail-transport.js';

export interface MailWorkerSettings {
  pollIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  /** How long a claim keeps other workers off a row: longer than one SMTP attempt can take. */
  leaseMs: number;
  batchSize: number;
}

export interface MailWorker {
  /** Claims and sends what is due now; resolves with how many were claimed. */
  deliverDue(): Promise<number>;
  stop(): Promise<void>;
}

const claimedMail = z.object({
  id: z.string(),
  recipient: z.string(),
  subject: z.string(),
  text_body: z.string().nullable(),
  html_body: z.string().nullable(),
  attempts: z.number(),
});

/** Exponential, capped, with half of it jittered so many failed mails do not retry in lockstep. */
export function retryDelayMs(attempts: number, settings: Pick<MailWorkerSettings, 'retryBaseMs' | 'retryMaxMs'>, random = Math.random): number {
  const exponential = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

export function mailDelivery(deps: { pool: DatabasePool; clock: Clock; logger: Logger; transport: MailTransport; settings: MailWorkerSettings }) {
  const { pool, clock, logger, transport, settings } = deps;

  async function claimDue() {
    const now = clock.now();
    return pool.any(sql.type(claimedMail)`
      update mail_outbox m
      set next_attempt_at = ${sql.timestamp(new Date(now.getTime() + settings.leaseMs))}, attempts = m.attempts + 1
      where m.id in (
        select id from mail_outbox
        where sent_at is null and failed_at is null and next_attempt_at <= ${sql.timestamp(now)}
        order by next_attempt_at, id
        limit ${settings.batchSize}
        for update skip locked)
      returning m.id, m.recipient, m.subject, m.text_body, m.html_body, m.attempts`);
  }

  async function deliver(mail: z.infer<typeof claimedMail>): Promise<void> {
    try {
      await transport.send({ id: mail.id, to: mail.recipient, subject: mail.subject, text: mail.text_body ?? '', html: mail.html_body ?? '' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const now = clock.now();
      const givingUp = mail.attempts >= settings.maxAttempts;
      await pool.query(sql.unsafe`
        update mail_outbox
        set last_error = ${message.slice(0, 1000)},
            failed_at = ${givingUp ? sql.timestamp(now) : null},
            next_attempt_at = ${sql.timestamp(new Date(now.getTime() + retryDelayMs(mail.attempts, settings)))}
        where id = ${mail.id}`);
      // The recipient's address is personal data: the id finds the row.
      logger.warn({ event: givingUp ? 'mail_failed' : 'mail_retry', mail_id: mail.id, attempts: mail.attempts, err: message }, givingUp ? 'mail given up' : 'mail not sent; will retry');
      return;
    }
    await pool.query(sql.unsafe`
      update mail_outbox
      set sent_at = ${sql.timestamp(clock.now())}, last_error = null
          ${transport.kind === 'smtp' ? sql.fragment`, text_body = null, html_body = null` : sql.fragment``}
      where id = ${mail.id}`);
  }

  return {
    async deliverDue(): Promise<number> {
      const claimed = await claimDue();
      for (const mail of claimed) await deliver(mail);
      return claimed.length;
    },
  };
}

/** Polls for due mail every `pollIntervalMs` (at once again while batches come back full). */
export function startMailWorker(deps: Parameters<typeof mailDelivery>[0]): MailWorker {
  const delivery = mailDelivery(deps);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();

  const tick = () => {
    current = delivery
      .deliverDue()
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'mail worker pass failed');
        return 0;
      })
      .then((claimed) => {
        if (stopped) return;
        timer = setTimeout(tick, claimed >= deps.settings.batchSize ? 0 : deps.settings.pollIntervalMs);
        timer.unref();
      });
  };
  tick();

  return {
    deliverDue: () => delivery.deliverDue(),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      deps.transport.close();
    },
  };
}
