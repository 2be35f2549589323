// Billing never notices a move: a folder of 10,000 files is moved and renamed, and metering's
// projection and ledger give the same byte-time to the millisecond before and after (the move writes
// one folder.moved event, none per file, and metering reads past it). A recursive delete bills every
// file exactly up to the instant of the delete.
import { startEmbeddedMetering, type EmbeddedMetering } from '@baketsu/metering/embedded';
import pino from 'pino';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byteMsBetween, cumulativeByteMs } from '@baketsu/metering/read-model';
import { fileEvent } from '@baketsu/contract/events';
import { signUp, type Client } from '#src/files/testing/files-test-kit.js';
import { appendAllToOutbox } from '@baketsu/contract/outbox';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { utcMonth } from '@baketsu/billing-core';

const FILES = 10_000;
// Whole milliseconds apart, so an off-by-one anywhere shows.
const T0 = Math.floor(Date.now() / 1000) * 1000 + 123;
let nowMs = T0;
const clock = { now: () => new Date(nowMs) };

describe('folders and billing', () => {
  let api: TestApi;
  let metering: EmbeddedMetering;
  let alice: Client;
  let accountId: string;
  const seeded: Array<{ id: string; size: number; storedAt: number }> = [];

  beforeAll(async () => {
    api = await startTestApi({ clock });
    metering = startEmbeddedMetering({ pool: api.database.pool, logger: pino({ level: 'silent' }), poll: false });
    alice = await signUp(api.url);
    accountId = (await alice.call('GET', '/v1/me')).body.id;
  });
  afterAll(async () => {
    await metering?.stop();
    await api?.stop();
  });

  /**
   * 10,000 completed files in one folder, written as completion writes them (a files row and a
   * file.stored event each, one transaction) but in bulk: the upload path is measured elsewhere.
   */
  async function seedFolder(folderId: string): Promise<void> {
    for (let i = 0; i < FILES; i++) seeded.push({ id: uuidv7(), size: 1 + ((i * 7919) % 100_000), storedAt: T0 - 1000 - i * 997 });
    const uploads = seeded.map(() => uuidv7());
    await api.database.pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`
        with rows as (
          select * from unnest(${sql.array(seeded.map((f) => f.id), 'uuid')}, ${sql.array(uploads, 'uuid')},
            ${sql.array(seeded.map((f) => f.size), 'int8')}, ${sql.array(seeded.map((f) => f.storedAt), 'int8')}) with ordinality as r(file_id, upload_id, size, ms, n)
        ), u as (
          insert into uploads (id, account_id, object_key, name, size_bytes, content_type, status, created_at, finished_at, file_id)
          select upload_id, ${accountId}, ${accountId} || '/' || upload_id, 'f-' || n || '.bin', size, 'application/octet-stream', 'completed',
            'epoch'::timestamptz + ms * interval '1 millisecond', 'epoch'::timestamptz + ms * interval '1 millisecond', file_id from rows
        ), f as (
          insert into files (id, account_id, upload_id, object_key, name, size_bytes, content_type, created_at, updated_at, folder_id)
          select file_id, ${accountId}, upload_id, ${accountId} || '/' || upload_id, 'f-' || n || '.bin', size, 'application/octet-stream',
            'epoch'::timestamptz + ms * interval '1 millisecond', 'epoch'::timestamptz + ms * interval '1 millisecond', ${folderId} from rows
        )
        update accounts set stored_bytes = stored_bytes + (select sum(size) from rows) where id = ${accountId}`);
      await appendAllToOutbox(
        tx,
        seeded.map((f) =>
          fileEvent('file.stored', uuidv7(), {
            file_id: f.id,
            account_id: accountId,
            size_bytes: f.size,
            content_type: 'application/octet-stream',
            stored_at: new Date(f.storedAt).toISOString(),
          }),
        ),
      );
    });
  }

  const intervalRow = z.object({ file_id: z.string(), stored_at_ms: z.number(), deleted_at_ms: z.number().nullable(), size_bytes: z.number() });
  const intervals = () =>
    api.database.pool.any(sql.type(intervalRow)`
      select file_id, stored_at_ms, deleted_at_ms, size_bytes from metering.file_intervals where account_id = ${accountId} order by file_id`);
  /** The ledger's closed form (metering's usage-ledger.ts): closed + stored × t − open start weight. */
  const ledgerByteMs = async (t: number) =>
    BigInt(
      await api.database.pool.oneFirst(sql.type(z.object({ byte_ms: z.string() }))`
        select (closed_byte_ms + stored_bytes * ${t}::numeric - open_start_weight)::numeric(40, 0)::text as byte_ms
        from metering.account_usage where account_id = ${accountId}`),
    );
  const outboxCount = () => api.database.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from outbox where account_id = ${accountId}`);
  const exactByteMs = (t: number, deletedAt?: number) =>
    seeded.reduce((sum, f) => sum + BigInt(f.size) * BigInt(Math.min(deletedAt ?? t, t) - f.storedAt), 0n);

  it('moves and renames a folder of 10,000 files in one change, with byte-time unchanged to the millisecond', async () => {
    const inner = (await alice.call('POST', '/v1/folders', { path: 'big/inner' })).body;
    const big = (await alice.call('GET', '/v1/folders/by-path?path=big')).body;
    const elsewhere = (await alice.call('POST', '/v1/folders', { path: 'elsewhere' })).body;
    await seedFolder(inner.id);
    expect(await metering.drain()).toBe(FILES);
    expect((await alice.call('GET', `/v1/folders/${big.id}`)).body).toMatchObject({ file_count: FILES, stored_bytes: seeded.reduce((s, f) => s + f.size, 0) });

    const t = nowMs;
    const before = { projection: await cumulativeByteMs(api.database.pool, accountId, t), ledger: await ledgerByteMs(t), intervals: await intervals(), outbox: await outboxCount() };
    expect(before.projection).toBe(exactByteMs(t));
    expect(before.ledger).toBe(exactByteMs(t));
    const usageBefore = (await alice.call('GET', `/v1/folders/${big.id}/usage`)).body;
    // The folder's usage, from its files, agrees with metering's projection for this month.
    expect(BigInt(usageBefore.byte_ms_month_to_date)).toBe(await byteMsBetween(api.database.pool, accountId, utcMonth(t).startMs, t));

    const started = performance.now();
    const moved = await alice.call('PATCH', `/v1/folders/${big.id}`, { parent_id: elsewhere.id, name: 'moved' });
    const tookMs = performance.now() - started;
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ path: 'elsewhere/moved', file_count: FILES });
    expect(tookMs).toBeLessThan(5_000);

    // One event for the folder, not one per file inside it.
    expect(await outboxCount()).toBe(before.outbox + 1);
    const written = await api.database.pool.one(sql.unsafe`
      select event_type, event->'data' as data from outbox where account_id = ${accountId} order by position desc limit 1`);
    expect(written).toMatchObject({
      event_type: 'folder.moved',
      data: { folder_id: big.id, from: { parent_id: null, name: 'big', path: 'big' }, to: { parent_id: elsewhere.id, name: 'moved', path: 'elsewhere/moved' } },
    });
    expect(await metering.drain()).toBe(1);
    expect(await api.database.pool.oneFirst(sql.unsafe`select count(*)::int from metering_dead_letters`)).toBe(0);
    expect(await cumulativeByteMs(api.database.pool, accountId, t)).toBe(before.projection);
    expect(await ledgerByteMs(t)).toBe(before.ledger);
    expect(await intervals()).toEqual(before.intervals);
    expect((await alice.call('GET', `/v1/folders/${big.id}/usage`)).body).toEqual(usageBefore);
    const listed = (await alice.call('GET', `/v1/folders/${inner.id}/children?limit=1`)).body;
    expect(listed.items[0].path).toBe('elsewhere/moved/inner/f-1.bin');
    expect(listed.ancestors.map((a: { name: string }) => a.name)).toEqual(['elsewhere', 'moved']);
  });

  it('bills a recursive delete of 10,000 files exactly up to the instant of the delete', async () => {
    const moved = (await alice.call('GET', '/v1/folders/by-path?path=elsewhere/moved')).body;
    nowMs = T0 + 5_017;
    const deletedAt = nowMs;
    const deleted = await alice.call('DELETE', `/v1/folders/${moved.id}?recursive=true`);
    expect(deleted.body).toEqual({ deleted_files: FILES, deleted_folders: 2 });
    expect(await metering.drain()).toBe(FILES);

    nowMs = deletedAt + 60_000;
    const later = nowMs;
    const exact = exactByteMs(later, deletedAt);
    expect(await cumulativeByteMs(api.database.pool, accountId, later)).toBe(exact);
    expect(await ledgerByteMs(later)).toBe(exact);
    const after = await intervals();
    expect(after).toHaveLength(FILES);
    expect(after.every((row) => row.deleted_at_ms === deletedAt)).toBe(true);
    const root = (await alice.call('GET', '/v1/folders/root/usage')).body;
    expect(root).toMatchObject({ stored_bytes: 0, file_count: 0 });
    expect(BigInt(root.byte_ms_month_to_date)).toBe(await byteMsBetween(api.database.pool, accountId, utcMonth(later).startMs, later));
    const account = await api.database.pool.oneFirst(sql.unsafe`select stored_bytes from accounts where id = ${accountId}`);
    expect(account).toBe(0);
  });
});
