// An account whose deletion is requested while a usage alert pass is under way (after the pass
// listed it) gets no alert: no row, no usage.alert event, and no mail after its goodbye note.
import { startEmbeddedMetering, type EmbeddedMetering } from '@baketsu/metering/embedded';
import { fileEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { GIB } from '@baketsu/billing-core';
import pino from 'pino';
import { sql, type DatabasePool } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { evaluateUsageAlerts } from './usage-alert-evaluator.js';
import { mailOutboxUsageAlertMailer } from './usage-alert-mail.js';

const clock = { now: () => new Date(Date.parse('2026-11-16T00:00:00.000Z')) };
let api: TestApi;
let metering: EmbeddedMetering;

beforeAll(async () => {
  api = await startTestApi({ clock, env: { PRICE_PER_GIB_MONTH: '2', CURRENCY: 'usd', USAGE_ALERT_INTERVAL_SECONDS: '0' } });
  metering = startEmbeddedMetering({ pool: api.database.pool, logger: pino({ level: 'silent' }), poll: false });
});
afterAll(async () => {
  await metering?.stop();
  await api?.stop();
});

/** The pool, except that the deletion of `accountId` is requested right after the pass lists its accounts. */
function deletedAfterListing(pool: DatabasePool, accountId: string): DatabasePool {
  let listed = false;
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'any' || listed) return Reflect.get(target, property, receiver);
      return async (...args: Parameters<DatabasePool['any']>) => {
        listed = true;
        const rows = await target.any(...args);
        await target.query(sql.unsafe`
          update accounts set deletion_requested_at = now(), email = null, password_hash = null where id = ${accountId}`);
        return rows;
      };
    },
  });
}

describe('a usage alert pass', () => {
  it('records nothing for an account whose deletion was requested after the pass listed it', async () => {
    const client = await signUp(api.url);
    const id = (await client.call('GET', '/v1/me')).body.id as string;
    await api.database.pool.transaction((tx) =>
      appendToOutbox(tx, fileEvent('file.stored', uuidv7(), {
        file_id: uuidv7(), account_id: id, size_bytes: Number(GIB) * 10, content_type: 'application/octet-stream', stored_at: clock.now().toISOString(),
      })));
    await metering.drain();
    expect((await client.call('PUT', '/v1/usage/alert-thresholds', { thresholds: [{ amount: '1.00' }] })).status).toBe(200);

    const deps = { pool: deletedAfterListing(api.database.pool, id), clock, config: api.config, logger: pino({ level: 'silent' }), mailer: mailOutboxUsageAlertMailer('http://dashboard.test') };
    await evaluateUsageAlerts(deps);
    const count = (query: ReturnType<typeof sql.unsafe>) => api.database.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from (${query}) q`);
    expect({
      alerts: await count(sql.unsafe`select 1 from usage_alerts where account_id = ${id}`),
      events: await count(sql.unsafe`select 1 from outbox where account_id = ${id} and event_type = 'usage.alert'`),
      mails: await count(sql.unsafe`select 1 from mail_outbox where account_id = ${id} and template = 'usage_alert'`),
    }).toEqual({ alerts: 0, events: 0, mails: 0 });
  });
});
