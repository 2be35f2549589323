// Helpers for the lifecycle integration tests: a movable clock, the executor's dependencies from a
// test API, and what the outbox and the files table say happened.
import pino from 'pino';
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { fileEvent } from '@baketsu/contract/events';
import { appendAllToOutbox } from '@baketsu/contract/outbox';
import { signUp, type Client } from '#src/files/testing/files-test-kit.js';
import type { TestApi } from '#src/platform/testing/index.js';
import type { LifecycleDeps } from '../lifecycle-executor.js';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export interface TestClock {
  now(): Date;
  set(ms: number): void;
  advance(ms: number): void;
  ms(): number;
}

export function testClock(startMs: number): TestClock {
  let nowMs = startMs;
  return {
    now: () => new Date(nowMs),
    set: (ms) => (nowMs = ms),
    advance: (ms) => (nowMs += ms),
    ms: () => nowMs,
  };
}

export function executorDeps(api: TestApi, clock: TestClock): LifecycleDeps {
  return { pool: api.database.pool, store: api.objectStore, clock, config: api.config, logger: pino({ level: 'silent' }) };
}

const deletedEvent = z.object({ file_id: z.string(), deleted_at: z.string() });

/** Every file.deleted event of the account, in outbox order. */
export async function deletedEvents(api: TestApi, accountId: string): Promise<Array<z.infer<typeof deletedEvent>>> {
  const rows = await api.database.pool.anyFirst(sql.type(z.object({ data: z.unknown() }))`
    select event->'data' as data from outbox where event_type = 'file.deleted' and account_id = ${accountId} order by position`);
  return rows.map((data) => deletedEvent.parse(data));
}

/** The account's files still stored, by id. */
export async function storedIds(api: TestApi, accountId: string): Promise<string[]> {
  return [
    ...(await api.database.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
      select id from files where account_id = ${accountId} and status = 'stored' order by id`)),
  ];
}

export const sorted = (ids: Iterable<string>) => [...ids].sort();

/**
 * A client signed up at the clock's current time and then holding an API key with every scope, so
 * it keeps working as the test moves the clock days ahead (access tokens live 15 minutes).
 */
export async function longLivedClient(baseUrl: string): Promise<Client & { accountId: string }> {
  const person = await signUp(baseUrl);
  const key = await person.call('POST', '/v1/api-keys', { name: 'lifecycle test', scopes: ['read', 'write', 'delete'] });
  if (key.status !== 201) throw new Error(`api key: ${key.status} ${JSON.stringify(key.body)}`);
  const accountId = (await person.call('GET', '/v1/me')).body.id as string;
  const secret = key.body.secret as string;
  return {
    token: secret,
    accountId,
    async call(method, path, body) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
  };
}

/** Makes files look stored `ms` earlier (for a stack on the real clock, where rules count whole days). */
export async function backdateFiles(database: Pick<TestApi['database'], 'pool'>, fileIds: readonly string[], ms: number): Promise<void> {
  await database.pool.query(sql.unsafe`
    update files set created_at = created_at - ${ms} * interval '1 millisecond' where id = any(${sql.array([...fileIds], 'uuid')})`);
}

/**
 * Stored files of the account, one per instant in `storedAt` (epoch ms), written as completion
 * writes them (an upload, a files row and a file.stored event, one transaction) but in bulk.
 */
export async function seedStoredFiles(api: TestApi, accountId: string, storedAt: readonly number[]): Promise<string[]> {
  const seeded = storedAt.map((at, i) => ({ id: uuidv7(), upload: uuidv7(), size: 100 + i, at }));
  await api.database.pool.transaction(async (tx) => {
    for (const file of seeded) {
      const at = sql.timestamp(new Date(file.at));
      const key = `${accountId}/${file.upload}`;
      await tx.query(sql.unsafe`
        insert into uploads (id, account_id, object_key, name, size_bytes, content_type, status, created_at, finished_at, file_id)
        values (${file.upload}, ${accountId}, ${key}, ${`f-${file.id}.bin`}, ${file.size}, 'application/octet-stream', 'completed', ${at}, ${at}, ${file.id})`);
      await tx.query(sql.unsafe`
        insert into files (id, account_id, upload_id, object_key, name, size_bytes, content_type, created_at, updated_at)
        values (${file.id}, ${accountId}, ${file.upload}, ${key}, ${`f-${file.id}.bin`}, ${file.size}, 'application/octet-stream', ${at}, ${at})`);
    }
    await tx.query(sql.unsafe`update accounts set stored_bytes = stored_bytes + ${seeded.reduce((sum, file) => sum + file.size, 0)} where id = ${accountId}`);
    await appendAllToOutbox(
      tx,
      seeded.map((file) =>
        fileEvent('file.stored', uuidv7(), {
          file_id: file.id,
          account_id: accountId,
          size_bytes: file.size,
          content_type: 'application/octet-stream',
          stored_at: new Date(file.at).toISOString(),
        }),
      ),
    );
  });
  return seeded.map((file) => file.id);
}
