// Two dispatchers record failures of one endpoint at the same instant, past the disabling limit:
// exactly one of them disables it, and exactly one mail is queued for its owner. A third transaction
// holds the endpoint row until both records are waiting on it, so they truly overlap.
import { untilCommittedRowsReadable } from '@baketsu/contract/outbox';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { signUp, uploadFile } from '#src/files/testing/files-test-kit.js';
import { createLogger } from '#src/platform/logger.js';
import { startTestApi, startWebhookReceiver, uniqueAddress, type TestApi, type WebhookReceiver } from '#src/platform/testing/index.js';
import { startWebhookDispatcher } from './dispatcher.js';
import { recordFailure } from './endpoint-failure.js';
import { claimDue } from './sender.js';
import { createEndpoint, withApiKey } from './testing/webhook-test-kit.js';

// Frozen between moves, so both records share one `now` (the case a timestamp comparison gets wrong).
let nowMs = Date.now();
const clock = { now: () => new Date(nowMs) };
let api: TestApi;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // No dispatcher in the API: the test drives every step itself.
  [api, receiver] = await Promise.all([startTestApi({ clock, env: { WEBHOOK_DISPATCHER: 'false' } }), startWebhookReceiver()]);
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});

const waitingOnLocks = () =>
  api.database.pool.oneFirst(sql.type(z.object({ count: z.number() }))`
    select count(*)::int as count from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);

test('overlapping failures past the limit disable the endpoint once and queue one mail', async () => {
  receiver.answerWith(500);
  const email = uniqueAddress('webhook-race');
  const owner = await withApiKey(api.url, await signUp(api.url, email));
  const endpoint = await createEndpoint(owner, { url: receiver.url, event_types: ['file.stored'] });
  for (let i = 0; i < 2; i++) await uploadFile(owner, `race-${i}.txt`, `race ${i}`);
  const options = {
    pool: api.database.pool, clock, wallClock: clock, logger: createLogger('silent'), allowPrivateUrls: true,
    timeoutMs: 2000, disableAfterMs: 86_400_000, dashboardUrl: api.config.DASHBOARD_URL, concurrency: 2, pollMs: 20,
  };
  // Both deliveries fail once: the endpoint is failing, not yet disabled.
  const dispatcher = startWebhookDispatcher(options, { poll: false });
  await untilCommittedRowsReadable(api.database.pool);
  expect(await dispatcher.runOnce()).toEqual({ fannedOut: 2, sent: 2 });
  await dispatcher.stop();
  expect((await owner.call('GET', `/v1/webhooks/${endpoint.id}`)).body.status).toBe('enabled');

  // Two days on, both retries are due and fail; their records meet at the endpoint row.
  nowMs += 2 * 86_400_000;
  const claimed = await claimDue({ ...options, batchSize: 2 });
  expect(claimed).toHaveLength(2);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const holder = api.database.pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`select id from webhook_endpoints where id = ${endpoint.id} for update`);
    held();
    await released;
  });
  await holding;
  const records = claimed.map((delivery) => recordFailure(options, delivery, { statusCode: 500, error: 'answered 500', latencyMs: 1 }));
  await expect.poll(waitingOnLocks, { timeout: 10_000 }).toBe(2);
  release();
  await holder;
  expect((await Promise.all(records)).sort()).toEqual([false, true]);

  expect((await owner.call('GET', `/v1/webhooks/${endpoint.id}`)).body).toMatchObject({ status: 'disabled', disabled_reason: 'every delivery failed for 24 hours' });
  const queued = await api.database.pool.any(sql.type(z.object({ recipient: z.string(), subject: z.string() }))`
    select recipient, subject from mail_outbox where template = 'webhook_endpoint_disabled'`);
  expect(queued).toEqual([{ recipient: email, subject: 'Baketsu: a webhook endpoint was disabled' }]);
});
