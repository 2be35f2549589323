// Several API instances run the executor at once: each due rule gets one run, each run one executor
// at a time, and each matching file exactly one deletion and one file.deleted event.
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { runLifecycle } from './lifecycle-executor.js';
import { DAY_MS, deletedEvents, executorDeps, longLivedClient, seedStoredFiles, sorted, storedIds, testClock } from './testing/lifecycle-test-kit.js';

const ACCOUNTS = 3;
const OLD = 40;
const YOUNG = 5;
const EXECUTORS = 4;
const T0 = Math.floor(Date.now() / 1000) * 1000 + 77;
const clock = testClock(T0);

describe('executors on several instances at once', () => {
  let api: TestApi;
  const accounts: Array<{ id: string; old: string[]; young: string[] }> = [];

  beforeAll(async () => {
    api = await startTestApi({ clock });
    for (let n = 0; n < ACCOUNTS; n++) {
      const owner = await longLivedClient(api.url);
      const old = await seedStoredFiles(api, owner.accountId, Array.from({ length: OLD }, (_, i) => T0 - 10 * DAY_MS - i));
      const young = await seedStoredFiles(api, owner.accountId, Array.from({ length: YOUNG }, (_, i) => T0 - DAY_MS - i));
      expect((await owner.call('POST', '/v1/lifecycle-rules', { name: 'week', action: 'delete_older_than', days: 7 })).status).toBe(201);
      accounts.push({ id: owner.accountId, old, young });
    }
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('one run per rule, each file deleted once', async () => {
    const reports = await Promise.all(Array.from({ length: EXECUTORS }, () => runLifecycle(executorDeps(api, clock))));
    expect(reports.reduce((sum, report) => sum + report.runs, 0)).toBe(ACCOUNTS);
    expect(reports.reduce((sum, report) => sum + report.deletedFiles, 0)).toBe(ACCOUNTS * OLD);
    for (const account of accounts) {
      const events = await deletedEvents(api, account.id);
      expect(sorted(events.map((event) => event.file_id))).toEqual(sorted(account.old));
      expect(await storedIds(api, account.id)).toEqual(sorted(account.young));
    }
    const runs = await api.database.pool.any(sql.type(z.object({ status: z.string(), deleted_files: z.number() }))`
      select status, deleted_files from lifecycle_runs`);
    expect(runs).toEqual(Array.from({ length: ACCOUNTS }, () => ({ status: 'finished', deleted_files: OLD })));
  });
});
