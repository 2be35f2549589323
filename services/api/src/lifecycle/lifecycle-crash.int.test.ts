// A rule run killed mid-run (kill -9 of the process executing it) and taken over once its lease
// passes: every matching file gets exactly one file.deleted event, nothing else is touched, and the
// run resumes (same run, same evaluation instant) rather than starting over. Time moves only on the
// test clock.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { runLifecycle } from './lifecycle-executor.js';
import { DAY_MS, deletedEvents, executorDeps, longLivedClient, seedStoredFiles, sorted, storedIds, testClock } from './testing/lifecycle-test-kit.js';

const OLD = 30;
const YOUNG = 10;
const FREEZE_AFTER = 8;
const T0 = Math.floor(Date.now() / 1000) * 1000 + 321;
const clock = testClock(T0);

describe('a lifecycle run killed mid-run', () => {
  let api: TestApi;
  let accountId: string;
  const old: string[] = [];
  const young: string[] = [];

  beforeAll(async () => {
    api = await startTestApi({ clock });
    const owner = await longLivedClient(api.url);
    accountId = owner.accountId;
    old.push(...(await seedStoredFiles(api, accountId, Array.from({ length: OLD }, (_, i) => T0 - 8 * DAY_MS - i * 1000))));
    young.push(...(await seedStoredFiles(api, accountId, Array.from({ length: YOUNG }, (_, i) => T0 - 6 * DAY_MS - i * 1000))));
    const rule = await owner.call('POST', '/v1/lifecycle-rules', { name: 'older than a week', action: 'delete_older_than', days: 7 });
    expect(rule.status).toBe(201);
  });
  afterAll(async () => {
    await api?.stop();
  });

  const runRows = () =>
    api.database.pool.any(sql.type(z.object({ id: z.string(), status: z.string(), deleted_files: z.number(), evaluated_at: z.number() }))`
      select id, status, deleted_files, evaluated_at from lifecycle_runs where account_id = ${accountId}`);

  /** Runs the executor in a child process at the clock's time; resolves with what it printed once it froze or finished. */
  async function executorProcess(freezeAfter: number) {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./testing/doomed-executor.ts', import.meta.url)), api.database.connectionUrl, String(clock.ms()), String(freezeAfter)],
      {
        env: { ...process.env, DATA_DIR: api.config.DATA_DIR, PUBLIC_URL: api.config.PUBLIC_URL, STORAGE_LOCAL_SECRET: api.config.STORAGE_LOCAL_SECRET ?? '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const printed: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      printed.push(line);
      if (line === 'frozen' || line === 'finished') break;
    }
    return { child, exited, printed, deleted: printed.filter((line) => line.startsWith('deleted ')).map((line) => line.slice('deleted '.length)) };
  }

  test('resumes after kill -9 and deletes each matching file exactly once', async () => {
    const doomed = await executorProcess(FREEZE_AFTER);
    expect(doomed.printed.at(-1)).toBe('frozen');
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    const killedAt = await runRows();
    expect(killedAt).toEqual([expect.objectContaining({ status: 'running', deleted_files: FREEZE_AFTER, evaluated_at: T0 })]);
    expect(await deletedEvents(api, accountId)).toHaveLength(FREEZE_AFTER);

    // While the dead executor's lease lasts, no other executor takes its run over.
    expect(await runLifecycle(executorDeps(api, clock))).toEqual({ runs: 0, deletedFiles: 0, abortedUploads: 0 });

    // Restarted once the lease has passed: the same run resumes and finishes.
    clock.advance(api.config.LIFECYCLE_RUN_LEASE_SECONDS * 1000);
    const restarted = await executorProcess(Number.MAX_SAFE_INTEGER);
    expect(restarted.printed.at(-1)).toBe('finished');
    await restarted.exited;
    expect(restarted.deleted).toHaveLength(OLD - FREEZE_AFTER);
    expect(new Set([...doomed.deleted, ...restarted.deleted]).size).toBe(OLD);

    const events = await deletedEvents(api, accountId);
    expect(sorted(events.map((event) => event.file_id))).toEqual(sorted(old));
    expect(await storedIds(api, accountId)).toEqual(sorted(young));
    expect(await runRows()).toEqual([{ id: killedAt[0]!.id, status: 'finished', deleted_files: OLD, evaluated_at: T0 }]);
    const recorded = await api.database.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from lifecycle_deletions where run_id = ${killedAt[0]!.id}`);
    expect(recorded).toBe(OLD);
  });
});
