// Usage alerts against PostgreSQL, the real metering fold and a real SMTP server (mailpit):
// thresholds are validated with their own codes, each one crossed is recorded once per month with
// one usage.alert event and one mail, even with the evaluator killed mid-way and restarted or two
// running at once, and no account sees another's.
import { startEmbeddedMetering, type EmbeddedMetering } from '@baketsu/metering/embedded';
import { fileEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { GIB } from '@baketsu/billing-core';
import pino from 'pino';
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { mailTo, testSmtpUrl, uniqueAddress, waitForMail } from '#src/platform/testing/mailpit.js';
import { evaluateUsageAlerts, type UsageAlertDeps } from './usage-alert-evaluator.js';
import { mailOutboxUsageAlertMailer, type UsageAlertMailer } from './usage-alert-mail.js';

// Half of November left: 10 GiB stored now, at 2 a GiB-month, projects exactly 10.000000.
let nowMs = Date.parse('2026-11-16T00:00:00.000Z');
const clock = { now: () => new Date(nowMs) };

let api: TestApi;
let metering: EmbeddedMetering;

// The one the API process uses: the mail outbox, in the alert's transaction.
const outboxMailer = mailOutboxUsageAlertMailer('http://dashboard.test');
const deps = (mailer: UsageAlertMailer = outboxMailer): UsageAlertDeps => ({
  pool: api.database.pool,
  clock,
  config: api.config,
  logger: pino({ level: 'silent' }),
  mailer,
});

beforeAll(async () => {
  // The mail worker delivers to mailpit; its retry clock is the test's, so nothing waits on it.
  api = await startTestApi({ clock, env: { PRICE_PER_GIB_MONTH: '2', CURRENCY: 'usd', SMTP_URL: testSmtpUrl(), MAIL_POLL_INTERVAL_MS: '50' } });
  metering = startEmbeddedMetering({ pool: api.database.pool, logger: pino({ level: 'silent' }), poll: false });
});
afterAll(async () => {
  await metering?.stop();
  await api?.stop();
});

async function accountWithStoredGib(gib: number): Promise<{ client: Client; id: string; email: string }> {
  const email = uniqueAddress('alerts');
  const client = await signUp(api.url, email);
  const id = (await client.call('GET', '/v1/me')).body.id as string;
  if (gib > 0) {
    await api.database.pool.transaction((tx) =>
      appendToOutbox(tx, fileEvent('file.stored', uuidv7(), {
        file_id: uuidv7(), account_id: id, size_bytes: Number(GIB) * gib, content_type: 'application/octet-stream', stored_at: new Date(nowMs).toISOString(),
      })));
    await metering.drain();
  }
  return { client, id, email };
}

const counts = async (accountId: string) => ({
  alerts: await api.database.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from usage_alerts where account_id = ${accountId}`),
  events: await api.database.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from outbox where account_id = ${accountId} and event_type = 'usage.alert'`),
  mails: await api.database.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    select count(*)::int as n from mail_outbox where account_id = ${accountId} and template = 'usage_alert'`),
});

/** Until the mail worker has handed the account's mail to SMTP (an event to wait for, not a sleep). */
async function waitForSent(accountId: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; ; ) {
    const unsent = await api.database.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from mail_outbox where account_id = ${accountId} and sent_at is null`);
    if (unsent === 0) return;
    if (Date.now() > deadline) throw new Error('mail not sent');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('alert thresholds', () => {
  it('are validated with their own codes', async () => {
    const { client } = await accountWithStoredGib(0);
    const put = (thresholds: unknown) => client.call('PUT', '/v1/usage/alert-thresholds', { thresholds });

    expect((await put([{ percent_of_cap: 80 }])).body).toMatchObject({ status: 409, code: 'spend_cap_required' });
    expect((await put([{ amount: '0.00' }])).body).toMatchObject({ status: 422, code: 'invalid_alert_threshold' });
    expect((await put([{ amount: '1.5' }, { amount: '1.50' }])).body).toMatchObject({ status: 422, code: 'invalid_alert_threshold' });
    expect((await put([{ percent_of_cap: 0 }])).body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((await put([{ amount: '-1' }])).body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((await put(Array.from({ length: 11 }, (_, i) => ({ amount: `${i + 1}` })))).body).toMatchObject({ status: 400, code: 'validation_failed' });

    expect((await client.call('PATCH', '/v1/me/limits', { monthly_spend_cap: '12.00' })).status).toBe(200);
    const saved = await put([{ percent_of_cap: 80 }, { amount: '5' }]);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ thresholds: [{ percent_of_cap: 80 }, { amount: '5.000000' }], monthly_spend_cap: '12.000000', currency: 'usd' });
    expect((await client.call('GET', '/v1/usage/alert-thresholds')).body).toEqual(saved.body);
  });
});

describe('evaluating the projected month', () => {
  it('records each threshold crossed once per month, exactly at the threshold, with one event and one mail each', async () => {
    const { client, id } = await accountWithStoredGib(10);
    await client.call('PATCH', '/v1/me/limits', { monthly_spend_cap: '12.00' });
    // Crossed: 5.00, 80 % of 12.00 (9.60), 10.00 (reached exactly). Not: 100 % (12.00), 10.000001.
    const thresholds = [{ amount: '5.00' }, { percent_of_cap: 80 }, { amount: '10.00' }, { percent_of_cap: 100 }, { amount: '10.000001' }];
    expect((await client.call('PUT', '/v1/usage/alert-thresholds', { thresholds })).status).toBe(200);
    expect((await client.call('GET', '/v1/dashboard/usage')).body.estimated_monthly_cost).toEqual({ amount: '10.00', currency: 'usd' });

    await evaluateUsageAlerts(deps());
    await evaluateUsageAlerts(deps());
    expect(await counts(id)).toEqual({ alerts: 3, events: 3, mails: 3 });

    const first = await client.call('GET', '/v1/usage/alerts?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const rest = await client.call('GET', `/v1/usage/alerts?limit=2&cursor=${first.body.next_cursor}`);
    expect(rest.body.next_cursor).toBeUndefined();
    const listed = [...first.body.items, ...rest.body.items];
    expect(listed.map((alert: { threshold: unknown }) => alert.threshold)).toEqual(expect.arrayContaining([{ amount: '5.000000' }, { percent_of_cap: 80 }, { amount: '10.000000' }]));
    expect(listed.find((alert: { threshold: unknown }) => JSON.stringify(alert.threshold) === '{"percent_of_cap":80}')).toMatchObject({
      month: '2026-11', threshold_amount: '9.600000', projected_cost: '10.000000', currency: 'usd', crossed_at: new Date(nowMs).toISOString(),
    });
    const event = await api.database.pool.oneFirst(sql.type(z.object({ event: z.record(z.string(), z.unknown()) }))`
      select event from outbox where account_id = ${id} and event_type = 'usage.alert' order by position limit 1`);
    expect(event).toMatchObject({ specversion: '1.0', type: 'usage.alert', subject: id, dataschema: 'https://baketsu.dev/schemas/events/usage.alert/v1' });

    // Metering reads past usage.alert: the usage is what it was.
    await metering.drain();
    expect((await client.call('GET', '/v1/dashboard/usage')).body.stored_bytes).toBe(Number(GIB) * 10);

    // A new month: the same thresholds may alert again, once.
    nowMs = Date.parse('2026-12-20T00:00:00.000Z');
    try {
      await evaluateUsageAlerts(deps());
      await evaluateUsageAlerts(deps());
      // December: 10 GiB all month at 2 = 20.00, so all five thresholds are crossed.
      expect(await counts(id)).toEqual({ alerts: 8, events: 8, mails: 8 });
    } finally {
      nowMs = Date.parse('2026-11-16T00:00:00.000Z');
    }
  });

  it('records one alert, one event and one mail when the evaluator is killed mid-way and restarted, or two run at once', async () => {
    const { client, id, email } = await accountWithStoredGib(10);
    expect((await client.call('PUT', '/v1/usage/alert-thresholds', { thresholds: [{ amount: '1.00' }] })).status).toBe(200);

    // The evaluator is killed inside the alert's transaction, after the row, the event and the mail
    // were written: its database session ends as a crashed process's would, and all of it rolls back.
    // The pool runs a transaction whose connection was lost again from the start (decision 021), so
    // every attempt is killed the same way until it gives up.
    const inside: number[] = [];
    const stalling: UsageAlertMailer = {
      async enqueue(tx: DatabaseTransactionConnection, mail, at) {
        await outboxMailer.enqueue(tx, mail, at);
        inside.push(await tx.oneFirst(sql.type(z.object({ pid: z.number() }))`select pg_backend_pid() as pid`));
        await tx.query(sql.unsafe`select pg_sleep(30)`);
      },
    };
    let finished = false;
    const killed = evaluateUsageAlerts(deps(stalling)).finally(() => (finished = true));
    for (let terminated = 0; !finished; ) {
      const pid = inside[terminated];
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      else {
        await api.database.pool.query(sql.unsafe`select pg_terminate_backend(${pid})`);
        terminated += 1;
      }
    }
    // The pass logs the failure and goes on with other accounts; this one's alert is not recorded.
    expect(await killed).toBe(0);
    expect(inside).toHaveLength(3);
    expect(await counts(id)).toEqual({ alerts: 0, events: 0, mails: 0 });

    // Restarted, twice at once (two API instances): exactly one of everything.
    await Promise.all([evaluateUsageAlerts(deps()), evaluateUsageAlerts(deps())]);
    await evaluateUsageAlerts(deps());
    expect(await counts(id)).toEqual({ alerts: 1, events: 1, mails: 1 });

    // …and one mail arrives over SMTP, once the worker has sent it (beside the address's
    // confirmation link, mailed on registration).
    await waitForSent(id);
    await waitForMail(email, { count: 2 });
    const alertMails = (await mailTo(email)).filter((message) => message.subject.startsWith('Baketsu: your estimated cost'));
    expect(alertMails).toHaveLength(1);
    expect(alertMails[0]!.subject).toBe('Baketsu: your estimated cost for 2026-11 reached 1.00 USD');
    expect(alertMails[0]!.text).toContain('2026-11 will cost about 10.00 USD');
    expect(alertMails[0]!.text).toContain('http://dashboard.test/dashboard');
  });

  it('keeps each account to its own thresholds and alerts', async () => {
    const alice = await accountWithStoredGib(10);
    const bob = await accountWithStoredGib(0);
    await alice.client.call('PUT', '/v1/usage/alert-thresholds', { thresholds: [{ amount: '2.00' }] });
    await evaluateUsageAlerts(deps());
    expect((await alice.client.call('GET', '/v1/usage/alerts')).body.items).toHaveLength(1);
    expect((await bob.client.call('GET', '/v1/usage/alerts')).body.items).toEqual([]);
    expect((await bob.client.call('GET', '/v1/usage/alert-thresholds')).body.thresholds).toEqual([]);
    expect(await counts(bob.id)).toEqual({ alerts: 0, events: 0, mails: 0 });
    expect((await bob.client.call('GET', '/v1/usage/alerts?cursor=garbled')).body).toMatchObject({ status: 400, code: 'invalid_cursor' });
  });
});
