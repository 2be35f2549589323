import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { cutConnectionUnder, waitAtCommit } from '#src/platform/testing/cut-connection.js';
import { putTo, signUp, uploadFile, type Client } from './testing/files-test-kit.js';

// Issue 22: a delete and a complete whose database connection was terminated (pg_terminate_backend
// on exactly the backend running them) once answered 500. Cut before COMMIT, the pool runs the
// transaction again on a fresh connection and the client gets its answer; cut during COMMIT, the
// outcome is unknown, so the client gets 503 and a retry finds a consistent state (decision 021).
let api: TestApi;
let admin: pg.Client;
let alice: Client;

beforeAll(async () => {
  // No notification follower: the complete under test must be the one that adopts the upload.
  api = await startTestApi({ startWorkers: false });
  admin = new pg.Client({ connectionString: api.database.connectionUrl });
  await admin.connect();
  alice = await signUp(api.url);
});
afterAll(async () => {
  await admin?.end();
  await api?.stop();
});

const fileState = (id: string) =>
  api.database.pool.one(sql.type(z.object({ status: z.string(), object_key: z.string(), deleted_events: z.number() }))`
    select status, object_key,
      (select count(*)::int8 from outbox where event_type = 'file.deleted' and event->'data'->>'file_id' = ${id}) as deleted_events
    from files where id = ${id}`);

async function presignAndPut(name: string): Promise<string> {
  const body = `bytes of ${name}`;
  const presign = await alice.call('POST', '/v1/files/presign', { name, size: Buffer.byteLength(body), content_type: 'text/plain' });
  expect(presign.status).toBe(201);
  expect((await putTo(presign.body, body)).status).toBe(200);
  return presign.body.upload_id as string;
}

describe('a connection cut before COMMIT is retried', () => {
  test('delete: 204, the file is deleted with exactly one file.deleted, its object gone', async () => {
    const file = await uploadFile(alice, 'cut-delete.txt');
    const { result: status, statement } = await cutConnectionUnder(admin, 'lock table files in access exclusive mode', () =>
      alice.call('DELETE', `/v1/files/${file.id}`).then((response) => response.status),
    );
    expect(statement).toMatch(/status = 'deleting'/);
    expect(status).toBe(204);
    const state = await fileState(file.id);
    expect(state).toMatchObject({ status: 'deleted', deleted_events: 1 });
    expect(await api.objectStore.headObject(state.object_key)).toBeNull();
  });

  test('complete: 201, the upload is completed with exactly one file.stored', async () => {
    const uploadId = await presignAndPut('cut-complete.txt');
    const { result } = await cutConnectionUnder(admin, 'lock table files in access exclusive mode', () =>
      alice.call('POST', '/v1/files/complete', { upload_id: uploadId }),
    );
    expect(result.status).toBe(201);
    const upload = await api.database.pool.one(sql.type(z.object({ status: z.string(), file_id: z.string().nullable(), stored_events: z.number() }))`
      select status, file_id::text,
        (select count(*)::int8 from outbox o join files f on f.id::text = o.event->'data'->>'file_id'
          where o.event_type = 'file.stored' and f.upload_id = ${uploadId}) as stored_events
      from uploads where id = ${uploadId}`);
    expect(upload).toEqual({ status: 'completed', file_id: result.body.id, stored_events: 1 });
  });
});

describe('a connection cut while COMMIT is in flight answers 503, and the state stays whole', () => {
  test('delete: 503 database_unavailable; asking again deletes it with one file.deleted', async () => {
    const file = await uploadFile(alice, 'commit-cut-delete.txt');
    const removeTrigger = await waitAtCommit(admin, 'outbox', 22_022);
    try {
      const { result } = await cutConnectionUnder(
        admin,
        'select pg_advisory_xact_lock(22022)',
        () => alice.call('DELETE', `/v1/files/${file.id}`),
        { statement: /^COMMIT/i },
      );
      expect(result.status).toBe(503);
      expect(result.headers.get('retry-after')).toBe('1');
      expect(result.body).toMatchObject({ code: 'database_unavailable' });
    } finally {
      await removeTrigger();
    }
    // Never a stored file with its file.deleted, nor a deleted one without: the cut COMMIT did not
    // take effect here, so the file is stored with no event, and the client's retry deletes it.
    expect(await fileState(file.id)).toMatchObject({ status: 'stored', deleted_events: 0 });
    expect((await alice.call('DELETE', `/v1/files/${file.id}`)).status).toBe(204);
    expect(await fileState(file.id)).toMatchObject({ status: 'deleted', deleted_events: 1 });
  });

  test('complete: 503; asking again completes the upload once', async () => {
    const uploadId = await presignAndPut('commit-cut-complete.txt');
    const removeTrigger = await waitAtCommit(admin, 'outbox', 22_023);
    try {
      const { result } = await cutConnectionUnder(
        admin,
        'select pg_advisory_xact_lock(22023)',
        () => alice.call('POST', '/v1/files/complete', { upload_id: uploadId }),
        { statement: /^COMMIT/i },
      );
      expect(result.status).toBe(503);
    } finally {
      await removeTrigger();
    }
    const again = await alice.call('POST', '/v1/files/complete', { upload_id: uploadId });
    expect(again.status).toBe(201);
    const events = await api.database.pool.oneFirst(sql.type(z.object({ count: z.number() }))`
      select count(*)::int8 as count from outbox where event_type = 'file.stored' and event->'data'->>'file_id' = ${again.body.id}`);
    expect(events).toBe(1);
  });
});
