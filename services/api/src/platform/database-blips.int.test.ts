import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestApi, type TestApi } from './testing/index.js';

// A request whose database connection is terminated under it (pg_terminate_backend, as a restart
// or failover does) answers 503 `database_unavailable` with Retry-After, never 500, and leaves
// nothing half-done: asking again succeeds.
let api: TestApi;
let admin: pg.Client;
beforeAll(async () => {
  api = await startTestApi({ env: { BCRYPT_COST: '4' } });
  admin = new pg.Client({ connectionString: api.database.connectionUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await api?.stop();
});

const post = (path: string, body: unknown) =>
  fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * Holds `table` locked, sends the request, waits until its backend is blocked on the lock, then
 * terminates that backend: the request is guaranteed to be mid-statement when its connection dies.
 */
async function terminateUnder(table: string, send: () => Promise<Response>): Promise<Response> {
  await admin.query('begin');
  await admin.query(`lock table ${table} in access exclusive mode`);
  try {
    const pending = send();
    let pid: number | undefined;
    while (pid === undefined) {
      // Statistics are a snapshot per transaction, and this one is held open by the lock.
      await admin.query('select pg_stat_clear_snapshot()');
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
      );
      pid = rows[0]?.pid;
    }
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await admin.query('rollback');
    return await pending;
  } catch (error) {
    await admin.query('rollback');
    throw error;
  }
}

test('a write whose connection is terminated answers 503 and nothing is committed', async () => {
  const credentials = { email: `blip-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' };
  const cut = await terminateUnder('accounts', () => post('/v1/auth/register', credentials));
  expect(cut.status).toBe(503);
  expect(cut.headers.get('retry-after')).toBe('1');
  expect(cut.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await cut.json()) as { code: string; retry_after: number };
  expect(problem).toMatchObject({ code: 'database_unavailable', retry_after: 1 });
  // The insert was rolled back with its connection, so the retry registers (not email_taken), and
  // the pool replaced the dead connection.
  expect((await post('/v1/auth/register', credentials)).status).toBe(201);
});

test('a read whose connection is terminated answers 503, and the next one works', async () => {
  const credentials = { email: `blip-read-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' };
  expect((await post('/v1/auth/register', credentials)).status).toBe(201);
  const cut = await terminateUnder('accounts', () => post('/v1/auth/login', credentials));
  expect(cut.status).toBe(503);
  expect(((await cut.json()) as { code: string }).code).toBe('database_unavailable');
  expect((await post('/v1/auth/login', credentials)).status).toBe(200);
});
