// The abort_uploads rule: an account's own grace for unfinished uploads replaces the operator's
// default (PENDING_UPLOAD_MAX_AGE_SECONDS, 24 hours) for that account only; accounts without one,
// or with it disabled, keep the default. Bytes that did arrive are adopted and billed, as ever.
import pino from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { putTo } from '#src/files/testing/files-test-kit.js';
import { reconcile } from '#src/files/reconciliation.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { runLifecycle } from './lifecycle-executor.js';
import { HOUR_MS, executorDeps, longLivedClient, testClock } from './testing/lifecycle-test-kit.js';

const clock = testClock(Math.floor(Date.now() / 1000) * 1000);

describe('abort_uploads rule', () => {
  let api: TestApi;

  beforeAll(async () => {
    // Nothing in the background: the test runs each pass, on uploads a follower would otherwise adopt.
    api = await startTestApi({ clock, startWorkers: false });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const statusOf = (uploadId: string) => api.database.pool.oneFirst(sql.unsafe`select status from uploads where id = ${uploadId}`);
  const reconcileNow = () => reconcile({ ...executorDeps(api, clock), logger: pino({ level: 'silent' }) });

  test("aborts an account's uploads after its own hours, and leaves other accounts to the default", async () => {
    const [alice, bob] = await Promise.all([longLivedClient(api.url), longLivedClient(api.url)]);
    const presign = (client: typeof alice, name: string) =>
      client.call('POST', '/v1/files/presign', { name, size: 5, content_type: 'text/plain' }).then((answer) => answer.body);
    const neverSent = await presign(alice, 'never-sent.txt');
    const sentNotCompleted = await presign(alice, 'sent.txt');
    expect((await putTo(sentNotCompleted, 'hello')).status).toBe(200);
    const bobs = await presign(bob, 'bobs.txt');

    clock.advance(3 * HOUR_MS);
    const body = { name: 'stale uploads', action: 'abort_uploads', hours: 2 };
    const preview = (await alice.call('POST', '/v1/lifecycle-rules/dry-run', body)).body;
    expect(preview).toMatchObject({ count: 2, bytes: 10 });
    expect(preview.items.map((item: { kind: string; id: string }) => [item.kind, item.id])).toEqual([
      ['upload', neverSent.upload_id],
      ['upload', sentNotCompleted.upload_id],
    ]);
    expect(Number(preview.monthly_cost_saved.amount)).toBe(0);
    const rule = await alice.call('POST', '/v1/lifecycle-rules', body);
    expect(rule.status).toBe(201);

    // The default expiry (24 hours) now skips alice's uploads, and bob's are too young for it.
    // (Reconciliation still adopts bytes it finds in storage for a pending upload, as ever.)
    expect(await reconcileNow()).toMatchObject({ aborted: 0 });
    expect(await statusOf(neverSent.upload_id)).toBe('pending');
    expect(await runLifecycle(executorDeps(api, clock))).toEqual({ runs: 1, deletedFiles: 0, abortedUploads: 1 });
    expect(await statusOf(neverSent.upload_id)).toBe('aborted');
    expect(await statusOf(sentNotCompleted.upload_id)).toBe('completed');
    expect(await statusOf(bobs.upload_id)).toBe('pending');
    const run = (await alice.call('GET', `/v1/lifecycle-rules/${rule.body.id}/runs`)).body.items[0];
    expect(run).toMatchObject({ status: 'finished', aborted_uploads: 1, deleted_files: 0 });

    // Disabled, the rule hands alice back to the default, which still ends bob's after 24 hours.
    expect((await alice.call('PATCH', `/v1/lifecycle-rules/${rule.body.id}`, { enabled: false })).status).toBe(200);
    const later = await presign(alice, 'later.txt');
    clock.advance(3 * HOUR_MS);
    expect(await runLifecycle(executorDeps(api, clock))).toMatchObject({ runs: 0 });
    expect(await statusOf(later.upload_id)).toBe('pending');
    clock.advance(22 * HOUR_MS);
    await reconcileNow();
    expect(await statusOf(bobs.upload_id)).toBe('aborted');
    expect(await statusOf(later.upload_id)).toBe('aborted');
  });
});
