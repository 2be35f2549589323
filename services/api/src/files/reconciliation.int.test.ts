import pino from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import type { FilesDeps } from './files-deps.js';
import { reconcile } from './reconciliation.js';
import { objectCreated } from './storage-events.js';
import { createTestBucket, putTo, signUp, type Client, type TestBucket } from './testing/files-test-kit.js';

const MIB = 1024 * 1024;
const HOUR = 3600 * 1000;

describe.each(['local', 's3'] as const)('reconciliation (%s store)', (mode) => {
  let api: TestApi;
  let bucket: TestBucket | undefined;
  let alice: Client;
  let deps: FilesDeps;
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    bucket = mode === 's3' ? await createTestBucket() : undefined;
    api = await startTestApi({
      clock,
      // Each pass here is called by the test, on objects a notification follower would otherwise
      // have handled already (the local store notifies in-process the moment bytes land).
      startWorkers: false,
      env: { ...bucket?.env, MULTIPART_THRESHOLD_BYTES: String(5 * MIB), MULTIPART_PART_SIZE_BYTES: String(5 * MIB), ORPHAN_GRACE_SECONDS: '3600' },
    });
    alice = await signUp(api.url);
    deps = { pool: api.database.pool, store: api.objectStore, clock, config: api.config, logger: pino({ level: 'silent' }) };
  });
  afterAll(async () => {
    await api?.stop();
    await bucket?.drop();
  });

  const presign = (name: string, size: number) =>
    alice.call('POST', '/v1/files/presign', { name, size, content_type: 'application/octet-stream' }).then((r) => r.body);
  // From the database: with the clock moved a day on, access tokens have expired.
  const statusOf = (uploadId: string) => api.database.pool.oneFirst(sql.unsafe`select status from uploads where id = ${uploadId}`);
  const storedEvents = () => api.database.pool.oneFirst(sql.unsafe`select count(*)::int from outbox where event_type = 'file.stored'`);

  it('adopts an uploaded object whose client never completed, billing it exactly once', async () => {
    const target = await presign('forgot-to-complete.bin', 3);
    expect((await putTo(target, 'abc')).status).toBe(200);
    const before = await storedEvents();
    expect((await reconcile(deps)).adopted).toBe(1);
    expect(await statusOf(target.upload_id)).toBe('completed');
    expect(await storedEvents()).toBe((before as number) + 1);
    expect((await alice.call('GET', '/v1/files')).body.items.map((f: { name: string }) => f.name)).toContain('forgot-to-complete.bin');
    // The client completing late gets the same file; a second pass changes nothing.
    expect((await alice.call('POST', '/v1/files/complete', { upload_id: target.upload_id })).status).toBe(200);
    expect(await reconcile(deps)).toEqual({ adopted: 0, removed: 0, aborted: 0, mismatched: 0 });
    expect(await storedEvents()).toBe((before as number) + 1);
  });

  it('removes unknown objects only after the grace period', async () => {
    const key = `${'0'.repeat(8)}-0000-7000-8000-000000000000/stray`;
    const put = await api.objectStore.presignPut(key, { size: 5, contentType: 'text/plain', expiresInSeconds: 60 });
    expect((await putTo(put, 'stray')).status).toBe(200);
    expect((await reconcile(deps)).removed).toBe(0);
    expect(await api.objectStore.headObject(key)).not.toBeNull();
    offsetMs = 2 * HOUR;
    try {
      expect((await reconcile(deps)).removed).toBe(1);
      expect(await api.objectStore.headObject(key)).toBeNull();
    } finally {
      offsetMs = 0;
    }
  });

  it('removes at once bytes PUT through a live URL after the upload was aborted, by notification and by the sweep', async () => {
    const viaSweep = await presign('aborted-then-sent.bin', 4);
    const viaNotification = await presign('aborted-then-notified.bin', 4);
    for (const target of [viaSweep, viaNotification]) {
      expect((await alice.call('DELETE', `/v1/uploads/${target.upload_id}`)).status).toBe(204);
      expect((await putTo(target, 'late')).status).toBe(200);
    }
    const keyOf = (uploadId: string) => api.database.pool.oneFirst(sql.unsafe`select object_key from uploads where id = ${uploadId}`) as Promise<string>;
    const notifiedKey = await keyOf(viaNotification.upload_id);
    expect(await objectCreated(deps, notifiedKey)).toBe('discarded');
    expect(await api.objectStore.headObject(notifiedKey)).toBeNull();
    // Well inside the grace period that protects unknown objects: these are known to be garbage.
    const sweptKey = await keyOf(viaSweep.upload_id);
    expect((await reconcile(deps)).removed).toBeGreaterThanOrEqual(1);
    expect(await api.objectStore.headObject(sweptKey)).toBeNull();
    expect(await api.database.pool.anyFirst(sql.unsafe`select id from files where name like 'aborted-then-%'`)).toEqual([]);
  });

  it('aborts uploads left pending for 24 hours, multipart included, and never bills them', async () => {
    const single = await presign('never-sent.bin', 10);
    const multi = await presign('half-sent.bin', 6 * MIB);
    expect(multi.type).toBe('multipart');
    expect((await putTo(multi.parts[0], Buffer.alloc(5 * MIB, 1))).status).toBe(200);
    expect((await reconcile(deps)).aborted).toBe(0);

    offsetMs = 25 * HOUR;
    try {
      const report = await reconcile(deps);
      expect(report.aborted).toBeGreaterThanOrEqual(2);
      expect(await statusOf(single.upload_id)).toBe('aborted');
      expect(await statusOf(multi.upload_id)).toBe('aborted');
      const leftovers = await api.objectStore.listMultipartUploads('');
      expect(leftovers.filter((u) => u.key.endsWith(multi.upload_id))).toEqual([]);
      const billed = await api.database.pool.anyFirst(sql.unsafe`select id from files where name in ('never-sent.bin', 'half-sent.bin')`);
      expect(billed).toEqual([]);
    } finally {
      offsetMs = 0;
    }
  });
});

describe('local store notifications (embedded mode)', () => {
  it('adopt an upload whose client never completed', async () => {
    // The test kit follows the local store's notifications as the API process does.
    const api = await startTestApi({ env: { ADOPT_AFTER_SECONDS: '0' } });
    try {
      const alice = await signUp(api.url);
      const target = (await alice.call('POST', '/v1/files/presign', { name: 'n.txt', size: 2, content_type: 'text/plain' })).body;
      expect((await putTo(target, 'hi')).status).toBe(200);
      await expect
        .poll(async () => (await alice.call('GET', `/v1/uploads/${target.upload_id}`)).body.status, { interval: 20, timeout: 10_000 })
        .toBe('completed');
    } finally {
      await api.stop();
    }
  });
});
