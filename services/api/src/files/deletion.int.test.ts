import pino from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@baketsu/platform/clock';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import type { ObjectStore } from '#src/storage/object-store.js';
import { sweepDeletions } from './file-deletion.js';
import type { FilesDeps } from './files-deps.js';
import { signUp, uploadFile, type Client } from './testing/files-test-kit.js';

// Storage that fails deletes on demand: a whole outage, or the first N attempts.
let failuresLeft = 0;
let headsFail = false;
const failingDeletes = (store: ObjectStore): ObjectStore => ({
  ...store,
  async headObject(key) {
    if (headsFail) throw new Error('injected: storage unreachable');
    return store.headObject(key);
  },
  async deleteObject(key) {
    if (failuresLeft > 0) {
      failuresLeft--;
      throw Object.assign(new Error('injected: storage unavailable'), { name: 'ServiceUnavailable' });
    }
    return store.deleteObject(key);
  },
});

describe('deleting when storage fails halfway', () => {
  let api: TestApi;
  let alice: Client;
  let deps: FilesDeps;

  beforeAll(async () => {
    api = await startTestApi({ wrapObjectStore: failingDeletes });
    alice = await signUp(api.url);
    deps = { pool: api.database.pool, store: api.objectStore, clock: systemClock, config: api.config, logger: pino({ level: 'silent' }) };
  });
  afterAll(() => api?.stop());

  const rowOf = (id: string) =>
    api.database.pool.one(sql.unsafe`select status, object_key from files where id = ${id}`) as Promise<{ status: string; object_key: string }>;
  const deletedEvents = (id: string) =>
    api.database.pool.anyFirst(sql.unsafe`select event_id from outbox where event_type = 'file.deleted' and event->'data'->>'file_id' = ${id}`);

  it('retries a flaky delete and finishes at once', async () => {
    const file = await uploadFile(alice, 'flaky.txt');
    failuresLeft = 2;
    expect((await alice.call('DELETE', `/v1/files/${file.id}`)).status).toBe(204);
    const row = await rowOf(file.id);
    expect(row.status).toBe('deleted');
    expect(await api.objectStore.headObject(row.object_key)).toBeNull();
    expect(await deletedEvents(file.id)).toHaveLength(1);
  });

  it('stops billing at once during an outage, keeps the row until the object is gone, and the sweeper finishes', async () => {
    const file = await uploadFile(alice, 'outage.txt');
    failuresLeft = Number.POSITIVE_INFINITY;
    expect((await alice.call('DELETE', `/v1/files/${file.id}`)).status).toBe(204);

    // Billing has stopped (event written) and the user no longer sees the file…
    expect(await deletedEvents(file.id)).toHaveLength(1);
    expect((await alice.call('GET', `/v1/files/${file.id}`)).status).toBe(404);
    expect((await alice.call('GET', '/v1/files')).body.items.map((f: { id: string }) => f.id)).not.toContain(file.id);
    // …but the object is still there, and so is the row that says it must go: nothing is orphaned.
    const row = await rowOf(file.id);
    expect(row.status).toBe('deleting');
    expect(await api.objectStore.headObject(row.object_key)).not.toBeNull();

    // A sweep during the outage changes nothing and fails no one.
    expect(await sweepDeletions(deps)).toBe(0);
    expect((await rowOf(file.id)).status).toBe('deleting');

    failuresLeft = 0;
    expect(await sweepDeletions(deps)).toBe(1);
    expect((await rowOf(file.id)).status).toBe('deleted');
    expect(await api.objectStore.headObject(row.object_key)).toBeNull();
    // Still exactly one file.deleted: the sweeper does not bill or un-bill anything.
    expect(await deletedEvents(file.id)).toHaveLength(1);
    expect(await sweepDeletions(deps)).toBe(0);
  });

  it('a second delete of a file already being deleted is a 404 and adds no event', async () => {
    const file = await uploadFile(alice, 'twice.txt');
    failuresLeft = Number.POSITIVE_INFINITY;
    await alice.call('DELETE', `/v1/files/${file.id}`);
    expect((await alice.call('DELETE', `/v1/files/${file.id}`)).status).toBe(404);
    failuresLeft = 0;
    await sweepDeletions(deps);
    expect(await deletedEvents(file.id)).toHaveLength(1);
  });

  it('answers a storage outage with 503 storage_unavailable and Retry-After, not a bare 500', async () => {
    const target = (await alice.call('POST', '/v1/files/presign', { name: 'o.txt', size: 2, content_type: 'text/plain' })).body;
    headsFail = true;
    try {
      const complete = await alice.call('POST', '/v1/files/complete', { upload_id: target.upload_id });
      expect(complete.status).toBe(503);
      expect(complete.body.code).toBe('storage_unavailable');
      expect(complete.headers.get('retry-after')).toBe('5');
    } finally {
      headsFail = false;
    }
  });
});
