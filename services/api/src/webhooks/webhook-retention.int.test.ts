// The delivery log's retention against real PostgreSQL: finished deliveries older than the
// retention are deleted in bounded batches, pending ones never; sweepers running at once share the
// work without waiting on each other; the sweep walks its index; fan-out never makes a pruned
// delivery again, and replay still sends the event from the outbox.
import { fileEvent, type FileEvent } from '@baketsu/contract/events';
import { appendAllToOutbox } from '@baketsu/contract/outbox';
import { connectPostgres } from '@baketsu/platform/database';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { z } from 'zod';
import { signUp, type Client } from '#src/files/testing/files-test-kit.js';
import { createLogger } from '#src/platform/logger.js';
import { startTestApi, startWebhookReceiver, type TestApi, type WebhookReceiver } from '#src/platform/testing/index.js';
import { pruneBatch, pruneDeliveries, webhookRetentionJobs } from './delivery-retention.js';
import { webhookDispatcherFromConfig } from './dispatcher-from-config.js';
import { PARKED_UNTIL } from './sender.js';
import { createEndpoint, deliveriesOf, verifies, withApiKey } from './testing/webhook-test-kit.js';

const DAY = 86_400_000;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let api: TestApi;
let receiver: WebhookReceiver;
let alice: Client;
let aliceId: string;

beforeAll(async () => {
  // No dispatcher polling in this process: the test runs fan-out and sending when it means to.
  [api, receiver] = await Promise.all([startTestApi({ clock, env: { WEBHOOK_DISPATCHER: 'false' } }), startWebhookReceiver()]);
  // An API key: access tokens expire when the clock moves by weeks.
  alice = await withApiKey(api.url, await signUp(api.url));
  aliceId = (await alice.call('GET', '/v1/me')).body.id;
});
afterAll(async () => {
  await api?.stop();
  await receiver?.stop();
});
afterEach(async () => {
  await api.database.pool.query(sql.unsafe`delete from webhook_endpoints`);
});

const pool = () => api.database.pool;
const daysAgo = (days: number) => new Date(clock.now().getTime() - days * DAY);

type Status = 'pending' | 'delivered' | 'failed';

/** Inserts `count` deliveries for the endpoint as the dispatcher would have left them; returns their event ids. */
async function seed(endpointId: string, count: number, row: { status: Status; lastAttempt: Date | null; parked?: boolean }): Promise<string[]> {
  const ids = Array.from({ length: count }, () => uuidv7());
  const at = row.lastAttempt ?? daysAgo(400);
  await pool().query(sql.unsafe`
    insert into webhook_deliveries (endpoint_id, event_id, account_id, event_type, status, attempts, next_attempt_at, last_attempt_at,
      event_created_at, delivered_at, created_at)
    select ${endpointId}, id, ${aliceId}, 'file.stored', ${row.status}, ${row.lastAttempt === null ? 0 : 1},
      ${row.parked ? PARKED_UNTIL : sql.timestamp(at)}, ${row.lastAttempt === null ? null : sql.timestamp(row.lastAttempt)},
      ${sql.timestamp(daysAgo(400))}, ${row.status === 'delivered' ? sql.timestamp(at) : null}, ${sql.timestamp(daysAgo(400))}
    from unnest(${sql.array(ids, 'uuid')}) as id`);
  return ids;
}

const remaining = async (endpointId: string) =>
  new Set(await pool().anyFirst(sql.type(z.object({ event_id: z.string() }))`select event_id from webhook_deliveries where endpoint_id = ${endpointId}`));

const newEndpoint = () => createEndpoint(alice, { url: receiver.url, event_types: ['file.stored'] });

test('finished deliveries last attempted before the retention go; younger ones and pending ones of any age stay', async () => {
  const endpoint = await newEndpoint();
  const old = [...(await seed(endpoint.id, 3, { status: 'delivered', lastAttempt: daysAgo(8) })), ...(await seed(endpoint.id, 2, { status: 'failed', lastAttempt: daysAgo(8) }))];
  const young = [...(await seed(endpoint.id, 2, { status: 'delivered', lastAttempt: daysAgo(6) })), ...(await seed(endpoint.id, 2, { status: 'failed', lastAttempt: daysAgo(6) }))];
  const owed = [
    // Being retried, never tried, waiting for a disabled endpoint: all still owed, however old.
    ...(await seed(endpoint.id, 2, { status: 'pending', lastAttempt: daysAgo(400) })),
    ...(await seed(endpoint.id, 1, { status: 'pending', lastAttempt: null })),
    ...(await seed(endpoint.id, 1, { status: 'pending', lastAttempt: daysAgo(400), parked: true })),
  ];
  // A delivered one replayed: pending again, with its old delivered_at and last attempt.
  const [replayed] = await seed(endpoint.id, 1, { status: 'delivered', lastAttempt: daysAgo(400) });
  await pool().query(sql.unsafe`update webhook_deliveries set status = 'pending', attempts = 0 where event_id = ${replayed!}`);

  // The job as the API process runs it, with the retention its config says (7 days here).
  const [job] = webhookRetentionJobs({ pool: pool(), clock, logger: createLogger('silent'), config: { WEBHOOK_DELIVERY_RETENTION_DAYS: 7 } });
  expect(await job!.run()).toEqual({ deleted: old.length, statements: 1 });
  expect(await remaining(endpoint.id)).toEqual(new Set([...young, ...owed, replayed]));
  expect((await deliveriesOf(alice, endpoint.id)).map((d) => d.event_id).sort()).toEqual([...young, ...owed, replayed].sort());
  expect(await job!.run()).toEqual({ deleted: 0, statements: 1 });
});

test('the sweep deletes batch after batch until no old finished delivery is left', async () => {
  const endpoint = await newEndpoint();
  await seed(endpoint.id, 1_050, { status: 'delivered', lastAttempt: daysAgo(31) });
  const young = await seed(endpoint.id, 10, { status: 'delivered', lastAttempt: daysAgo(1) });
  expect(await pruneDeliveries({ pool: pool(), clock }, { retentionDays: 30, batchSize: 100 })).toEqual({ deleted: 1_050, statements: 11 });
  expect(await remaining(endpoint.id)).toEqual(new Set(young));
});

test('the sweep takes no row another transaction holds and does not wait for it; the next sweep takes it', async () => {
  const endpoint = await newEndpoint();
  const old = await seed(endpoint.id, 300, { status: 'failed', lastAttempt: daysAgo(31) });
  const held = old.slice(0, 50);
  const holder = await connectPostgres(api.database.connectionUrl, 1);
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let taken = () => {};
  const locksTaken = new Promise<void>((resolve) => (taken = resolve));
  try {
    const holding = holder.pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`select 1 from webhook_deliveries where event_id = any(${sql.array(held, 'uuid')}) for update`);
      taken();
      await released;
    });
    await locksTaken;
    // Were the sweep to wait for the held rows, it would never return: they are released after it.
    const report = await pruneDeliveries({ pool: pool(), clock }, { retentionDays: 30, batchSize: 100 });
    release();
    await holding;
    expect(report.deleted).toBe(250);
  } finally {
    release();
    await holder.close();
  }
  expect(await remaining(endpoint.id)).toEqual(new Set(held));
  expect((await pruneDeliveries({ pool: pool(), clock }, { retentionDays: 30 })).deleted).toBe(50);
});

test('two sweepers at once delete every old row exactly once between them, and neither fails', async () => {
  const endpoint = await newEndpoint();
  await seed(endpoint.id, 20_000, { status: 'delivered', lastAttempt: daysAgo(40) });
  const owed = await seed(endpoint.id, 100, { status: 'pending', lastAttempt: daysAgo(40) });
  const other = await connectPostgres(api.database.connectionUrl, 2);
  try {
    const [first, second] = await Promise.all([
      pruneDeliveries({ pool: pool(), clock }, { retentionDays: 30, batchSize: 500 }),
      pruneDeliveries({ pool: other.pool, clock }, { retentionDays: 30, batchSize: 500 }),
    ]);
    expect(first.deleted + second.deleted).toBe(20_000);
    // Both did part of the work: they really ran side by side.
    expect(first.deleted).toBeGreaterThan(0);
    expect(second.deleted).toBeGreaterThan(0);
  } finally {
    await other.close();
  }
  expect(await remaining(endpoint.id)).toEqual(new Set(owed));
});

test('each sweep statement walks the finished-deliveries index, not the table', async () => {
  const endpoint = await newEndpoint();
  await seed(endpoint.id, 5_000, { status: 'delivered', lastAttempt: daysAgo(2) });
  await seed(endpoint.id, 2_000, { status: 'pending', lastAttempt: daysAgo(60) });
  await seed(endpoint.id, 200, { status: 'failed', lastAttempt: daysAgo(31) });
  await pool().query(sql.unsafe`analyze webhook_deliveries`);
  const plan = (await pool().anyFirst(sql.type(z.object({ 'QUERY PLAN': z.string() }))`explain ${pruneBatch(daysAgo(30), 5_000)}`)).join('\n');
  // Old finished rows found through the index, deleted by address: no step reads the whole table.
  expect(plan).toMatch(/Index (Only )?Scan on webhook_deliveries_finished|Bitmap Index Scan on webhook_deliveries_finished/);
  expect(plan).toMatch(/Tid Scan on webhook_deliveries/);
  expect(plan).not.toMatch(/Seq Scan/);
});

function storedEvent(accountId: string): FileEvent {
  return fileEvent('file.stored', uuidv7(), {
    file_id: uuidv7(),
    account_id: accountId,
    size_bytes: 5,
    content_type: 'text/plain',
    stored_at: new Date().toISOString(),
  });
}

test('fan-out never makes a pruned delivery again, and replay still sends its event from the outbox', async () => {
  const endpoint = await newEndpoint();
  const dispatcher = webhookDispatcherFromConfig({ pool: pool(), clock, config: api.config, logger: createLogger('silent') }, { poll: false });
  const statusOf = async (eventId: string) => (await deliveriesOf(alice, endpoint.id)).find((d) => d.event_id === eventId)?.status;
  const copiesOf = (eventId: string) => receiver.received.filter((r) => r.id === eventId);
  const dispatchUntilDelivered = (eventId: string) =>
    expect
      .poll(async () => {
        await dispatcher.runOnce();
        return statusOf(eventId);
      })
      .toBe('delivered');
  try {
    // The outbox stamps events with the database's time; replay's `since` is compared with it.
    const beforeEvents = new Date(Date.now() - 1_000).toISOString();
    const old = storedEvent(aliceId);
    await pool().transaction((tx) => appendAllToOutbox(tx, [old]));
    await dispatchUntilDelivered(old.id);
    expect(copiesOf(old.id)).toHaveLength(1);

    offsetMs += 31 * DAY;
    expect((await pruneDeliveries({ pool: pool(), clock }, { retentionDays: 30 })).deleted).toBe(1);
    expect(await deliveriesOf(alice, endpoint.id)).toEqual([]);

    // A new event is fanned out after the pruned one; the pruned one is not made again.
    const young = storedEvent(aliceId);
    await pool().transaction((tx) => appendAllToOutbox(tx, [young]));
    await dispatchUntilDelivered(young.id);
    expect((await dispatcher.runOnce()).fannedOut).toBe(0);
    expect((await deliveriesOf(alice, endpoint.id)).map((d) => d.event_id)).toEqual([young.id]);
    expect(copiesOf(old.id)).toHaveLength(1);

    // Replay since before both: read from the outbox, so the pruned event is sent again, same id.
    const since = await alice.call('POST', `/v1/webhooks/${endpoint.id}/replay`, { since: beforeEvents });
    expect(since.status).toBe(202);
    expect(since.body).toEqual({ replayed: 2 });
    await dispatchUntilDelivered(old.id);
    expect(copiesOf(old.id)).toHaveLength(2);
    for (const copy of copiesOf(old.id)) expect(verifies(copy, endpoint.secret)).toBe(true);

    // Pruned again, then named by id: still found and sent.
    offsetMs += 31 * DAY;
    expect((await pruneDeliveries({ pool: pool(), clock }, { retentionDays: 30 })).deleted).toBe(2);
    const named = await alice.call('POST', `/v1/webhooks/${endpoint.id}/replay`, { event_id: old.id });
    expect(named.status).toBe(202);
    expect(named.body).toEqual({ replayed: 1 });
    await dispatchUntilDelivered(old.id);
    expect(copiesOf(old.id)).toHaveLength(3);
    expect((await deliveriesOf(alice, endpoint.id)).map((d) => d.event_id)).toEqual([old.id]);
  } finally {
    await dispatcher.stop();
  }
});
