import { fileMovedEvent, folderMovedEvent, shareDownloadedEvent, uploadExpiredEvent, type AppEvent, type FileEvent, type ShareEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { createTestDatabase, type TestDatabase } from '#test/database.js';
import pino from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { meteringMigrations, startEmbeddedMetering } from '#src/embedded.js';
import { rebuild } from '#src/rebuild/rebuild.js';
import { expectedUsage, projectedUsage, randomOps, seededRandom, testUuid } from '../../test/fixtures.js';

// share.downloaded travels on the same log as file events. Metering must read past it exactly:
// the projection is what the file events alone make it, nothing is dead-lettered, and a rebuild
// from the log finds nothing unparseable and nothing different.
let database: TestDatabase;
let plain: TestDatabase;
const logger = pino({ level: 'silent' });
const from = Date.parse('2026-10-20T00:00:00.000Z');
const horizon = from + 30 * 86_400_000;

beforeAll(async () => {
  [database, plain] = await Promise.all([
    createTestDatabase({ extraMigrations: [meteringMigrations] }),
    createTestDatabase({ extraMigrations: [meteringMigrations] }),
  ]);
});
afterAll(async () => {
  await Promise.all([database?.drop(), plain?.drop()]);
});

const downloadsOf = (event: FileEvent, count: number): ShareEvent[] =>
  Array.from({ length: count }, (_, i) =>
    shareDownloadedEvent(testUuid(), {
      share_id: testUuid(),
      file_id: event.data.file_id,
      account_id: event.data.account_id,
      size_bytes: event.data.size_bytes,
      downloaded_at: new Date(Date.parse(event.time) + i + 1).toISOString(),
    }),
  );

test('share downloads between file events change no usage, dead-letter nothing and survive a rebuild', async () => {
  const random = seededRandom(14);
  const { ops, events } = randomOps(14, { accounts: 3, files: 60, from, spanMs: 10 * 86_400_000 });
  const mixed = events.flatMap((event) => [event, ...downloadsOf(event, random.int(3))]);
  const shareEvents = mixed.length - events.length;
  expect(shareEvents).toBeGreaterThan(20);

  for (const event of mixed) await database.pool.transaction((tx) => appendToOutbox(tx, event));
  for (const event of events) await plain.pool.transaction((tx) => appendToOutbox(tx, event));
  const metering = startEmbeddedMetering({ pool: database.pool, logger, poll: false, batchSize: 16 });
  const control = startEmbeddedMetering({ pool: plain.pool, logger, poll: false, batchSize: 16 });
  expect(await metering.drain()).toBe(mixed.length);
  expect(await control.drain()).toBe(events.length);

  const usage = await projectedUsage(database.pool, horizon);
  expect(usage).toEqual(await projectedUsage(plain.pool, horizon));
  for (const [accountId, expected] of expectedUsage(ops, horizon)) expect(usage.get(accountId)?.byte_ms).toBe(String(expected.byteMs));
  expect(await database.pool.oneFirst(sql.unsafe`select count(*)::int from metering_dead_letters`)).toBe(0);

  const replayed = await rebuild(database.pool, { batchSize: 25 });
  expect(replayed.events).toBe(events.length);
  expect(replayed.unparseable).toBe(0);
  expect(replayed.differences.every((d) => d.onlyLive === 0 && d.onlyRebuilt === 0)).toBe(true);
});

// Webhooks' file.moved, folder.moved and upload.expired: a move or an abandoned upload never changes billing.
const appEventsOf = (event: FileEvent): AppEvent[] => {
  const at = new Date(Date.parse(event.time) + 1).toISOString();
  const accountId = event.data.account_id;
  return [
    fileMovedEvent(testUuid(), {
      file_id: event.data.file_id,
      account_id: accountId,
      from: { folder_id: null, name: 'a.txt', path: 'a.txt' },
      to: { folder_id: testUuid(), name: 'b.txt', path: 'docs/b.txt' },
      moved_at: at,
    }),
    folderMovedEvent(testUuid(), {
      folder_id: testUuid(),
      account_id: accountId,
      from: { parent_id: null, name: 'docs', path: 'docs' },
      to: { parent_id: testUuid(), name: 'papers', path: 'archive/papers' },
      moved_at: at,
    }),
    uploadExpiredEvent(testUuid(), { upload_id: testUuid(), account_id: accountId, name: 'never.bin', size_bytes: 10, expired_at: at }),
  ];
};

test('file.moved, folder.moved and upload.expired between file events change no usage and dead-letter nothing', async () => {
  const [withMoves, control] = await Promise.all([
    createTestDatabase({ extraMigrations: [meteringMigrations] }),
    createTestDatabase({ extraMigrations: [meteringMigrations] }),
  ]);
  try {
    const { ops, events } = randomOps(16, { accounts: 3, files: 40, from, spanMs: 10 * 86_400_000 });
    const mixed = events.flatMap((event) => [event, ...appEventsOf(event)]);
    for (const event of mixed) await withMoves.pool.transaction((tx) => appendToOutbox(tx, event));
    for (const event of events) await control.pool.transaction((tx) => appendToOutbox(tx, event));
    const metering = startEmbeddedMetering({ pool: withMoves.pool, logger, poll: false, batchSize: 16 });
    const plainMetering = startEmbeddedMetering({ pool: control.pool, logger, poll: false, batchSize: 16 });
    expect(await metering.drain()).toBe(mixed.length);
    expect(await plainMetering.drain()).toBe(events.length);
    const usage = await projectedUsage(withMoves.pool, horizon);
    expect(usage).toEqual(await projectedUsage(control.pool, horizon));
    for (const [accountId, expected] of expectedUsage(ops, horizon)) expect(usage.get(accountId)?.byte_ms).toBe(String(expected.byteMs));
    expect(await withMoves.pool.oneFirst(sql.unsafe`select count(*)::int from metering_dead_letters`)).toBe(0);
  } finally {
    await Promise.all([withMoves.drop(), control.drop()]);
  }
});

test('an unknown event type is still dead-lettered, not skipped', async () => {
  const metering = startEmbeddedMetering({ pool: database.pool, logger, poll: false });
  await metering.drain();
  const [event] = downloadsOf(randomOps(15, { accounts: 1, files: 1, from, spanMs: 1000 }).events[0]!, 1);
  await database.pool.query(sql.unsafe`
    insert into outbox (event_id, account_id, event_type, event)
    values (${testUuid()}, ${event!.subject}, 'share.renamed', ${sql.jsonb({ ...event!, type: 'share.renamed' })})`);
  expect(await metering.drain()).toBe(1);
  expect(await database.pool.oneFirst(sql.unsafe`select count(*)::int from metering_dead_letters`)).toBe(1);
});
