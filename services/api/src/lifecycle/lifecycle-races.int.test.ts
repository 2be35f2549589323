// A file changed between a run's matching and its deletion: re-tagged or downloaded by a request
// that does not take the account lock (tags and downloads change no path). The executor's check
// under the lock must see that change, even when it is still being committed.
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uploadFile } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { runLifecycle, type LifecycleReport } from './lifecycle-executor.js';
import { DAY_MS, executorDeps, longLivedClient, storedIds, testClock } from './testing/lifecycle-test-kit.js';

const clock = testClock(Math.floor(Date.now() / 1000) * 1000 - 30 * DAY_MS + 123);
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ clock });
});
afterAll(async () => {
  await api?.stop();
});

/** Resolves once some statement of this test's database waits for a row lock. */
async function someoneWaitsForALock(): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const waiting = await api.database.pool.oneFirst(sql.unsafe`
      select count(*)::int from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (Number(waiting) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no statement waited for a lock');
}

describe('a lifecycle run racing a change to a matched file', () => {
  test('spares a file whose tag was removed while the run was deleting it', async () => {
    const alice = await longLivedClient(api.url);
    expect((await alice.call('POST', '/v1/lifecycle-rules', { name: 'tmp', action: 'delete_older_than', days: 1, tag: 'tmp' })).status).toBe(201);
    const file = await uploadFile(alice, 'scratch.txt', 'x'.repeat(100));
    expect((await alice.call('PATCH', `/v1/files/${file.id}`, { tags: ['tmp'] })).status).toBe(200);
    clock.advance(2 * DAY_MS);

    // The PATCH's statement, held uncommitted on its own connection until the run waits on it.
    let updated!: () => void;
    let release!: () => void;
    const isUpdated = new Promise<void>((resolve) => (updated = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const holder = api.database.pool.connect(async (connection) => {
      await connection.query(sql.unsafe`begin`);
      await connection.query(sql.unsafe`update files set tags = '{}' where id = ${file.id}`);
      updated();
      await released;
      await connection.query(sql.unsafe`commit`);
    });
    await isUpdated;
    const run: Promise<LifecycleReport> = runLifecycle(executorDeps(api, clock));
    await someoneWaitsForALock();
    release();
    await holder;
    expect((await run).deletedFiles).toBe(0);
    expect(await storedIds(api, alice.accountId)).toEqual([file.id]);
  });
});
