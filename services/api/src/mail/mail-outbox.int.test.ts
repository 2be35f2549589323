import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { systemClock } from '@baketsu/platform/clock';
import { createTestDatabase, startTestApi, testSmtpUrl, uniqueAddress, waitForMail, mailTo, type TestDatabase } from '#src/platform/testing/index.js';
import { createLogger } from '#src/platform/logger.js';
import { enqueueMail } from './mail-outbox.js';
import { smtpMailTransport } from './mail-transport.js';
import { mailDelivery, type MailWorkerSettings } from './mail-worker.js';

const fastRetries = { MAIL_POLL_INTERVAL_MS: '50', MAIL_RETRY_BASE_MS: '50', MAIL_RETRY_MAX_MS: '200' };
const settings: MailWorkerSettings = { pollIntervalMs: 50, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 5, leaseMs: 120_000, batchSize: 20 };
const logger = createLogger('silent');

const outboxRow = z.object({
  attempts: z.number(),
  last_error: z.string().nullable(),
  sent_at: z.number().nullable(),
  failed_at: z.number().nullable(),
  text_body: z.string().nullable(),
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const rowOf = (id: string) => database.pool.one(sql.type(outboxRow)`select attempts, last_error, sent_at, failed_at, text_body from mail_outbox where id = ${id}`);

async function enqueueReset(to: string): Promise<string> {
  return database.pool.transaction((transaction) =>
    enqueueMail(transaction, { to, accountId: null, template: 'password_reset', data: { link: 'http://localhost:3000/reset-password?token=abc', expiresInMinutes: 60 } }, new Date()),
  );
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mail outbox', () => {
  test('mail written in a transaction is delivered over SMTP by the worker, and its body is not kept', async () => {
    const to = uniqueAddress('kernel');
    const id = await enqueueReset(to);
    const delivery = mailDelivery({ pool: database.pool, clock: systemClock, logger, transport: smtpMailTransport(testSmtpUrl(), 'Baketsu <no-reply@example.com>'), settings });
    await delivery.deliverDue();
    const [message] = await waitForMail(to);
    expect(message?.subject).toBe('Reset your Baketsu password');
    expect(message?.text).toContain('http://localhost:3000/reset-password?token=abc');
    const row = await rowOf(id);
    expect(row.sent_at).not.toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.text_body).toBeNull();
  });

  test('mail of a transaction that rolls back is never sent', async () => {
    const to = uniqueAddress('rollback');
    await expect(
      database.pool.transaction(async (transaction) => {
        await enqueueMail(transaction, { to, accountId: null, template: 'email_changed_notice', data: { newEmail: 'new@example.com' } }, new Date());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const { count } = await database.pool.one(sql.type(z.object({ count: z.number() }))`select count(*)::int as count from mail_outbox where recipient = ${to}`);
    expect(count).toBe(0);
  });

  test('two workers on one database deliver each mail exactly once', async () => {
    const to = uniqueAddress('race');
    for (let index = 0; index < 12; index += 1) await enqueueReset(to);
    const transport = () => smtpMailTransport(testSmtpUrl(), 'no-reply@example.com');
    const workers = [0, 1].map(() => mailDelivery({ pool: database.pool, clock: systemClock, logger, transport: transport(), settings: { ...settings, batchSize: 3 } }));
    const claimed = await Promise.all(workers.map(async (worker) => {
      let total = 0;
      for (let pass = 0; pass < 10; pass += 1) total += await worker.deliverDue();
      return total;
    }));
    expect(claimed[0]! + claimed[1]!).toBe(12);
    await waitForMail(to, { count: 12 });
    // Settle, then count again: a thirteenth copy would be a double send.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await mailTo(to)).toHaveLength(12);
  });

  test('SMTP down, then up: the mail waits in the database and is delivered later, once', async () => {
    const to = uniqueAddress('outage');
    // Nothing listens on port 9 (discard) here: every attempt fails to connect.
    const down = await startTestApi({ database, env: { ...fastRetries, SMTP_URL: 'smtp://127.0.0.1:9' } });
    let id: string;
    try {
      id = await enqueueReset(to);
      const failing = await until(() => rowOf(id), (row) => row.attempts >= 2);
      expect(failing.sent_at).toBeNull();
      expect(failing.failed_at).toBeNull();
      expect(failing.last_error).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await down.stop();
    }
    expect(await mailTo(to)).toHaveLength(0);

    const up = await startTestApi({ database, env: { ...fastRetries, SMTP_URL: testSmtpUrl() } });
    try {
      const [message] = await waitForMail(to);
      expect(message?.subject).toBe('Reset your Baketsu password');
      const delivered = await until(() => rowOf(id), (row) => row.sent_at !== null);
      expect(delivered.last_error).toBeNull();
    } finally {
      await up.stop();
    }
    expect(await mailTo(to)).toHaveLength(1);
  });

  test('a mail that keeps failing is marked failed after the last attempt and kept', async () => {
    const id = await enqueueReset(uniqueAddress('doomed'));
    const delivery = mailDelivery({
      pool: database.pool,
      clock: systemClock,
      logger,
      transport: smtpMailTransport('smtp://127.0.0.1:9', 'no-reply@example.com'),
      settings: { ...settings, maxAttempts: 2, retryBaseMs: 10, retryMaxMs: 10 },
    });
    const row = await until(async () => {
      await delivery.deliverDue();
      return rowOf(id);
    }, (current) => current.failed_at !== null);
    expect(row.attempts).toBe(2);
    expect(row.sent_at).toBeNull();
    expect(row.text_body).not.toBeNull();
  });

  test('without SMTP (development) the mail is kept and the dev mailbox shows it', async () => {
    const api = await startTestApi({ database, env: fastRetries });
    try {
      const to = uniqueAddress('Dev');
      await enqueueReset(to);
      const kept = await until(
        async () => (await (await fetch(`${api.url}/v1/dev/mailbox?to=${encodeURIComponent(to.toUpperCase())}`)).json()) as { items: Array<{ to: string; text: string; template: string }> },
        (body) => body.items.length > 0,
      );
      expect(kept.items).toHaveLength(1);
      expect(kept.items[0]).toMatchObject({ to, template: 'password_reset' });
      expect(kept.items[0]?.text).toContain('/reset-password?token=abc');
      expect(await mailTo(to)).toHaveLength(0);
    } finally {
      await api.stop();
    }
  });

  test('with SMTP configured there is no dev mailbox', async () => {
    const api = await startTestApi({ database, env: { SMTP_URL: testSmtpUrl() } });
    try {
      const response = await fetch(`${api.url}/v1/dev/mailbox`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('route_not_found');
    } finally {
      await api.stop();
    }
  });
});
