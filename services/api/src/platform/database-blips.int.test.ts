import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cutConnectionUnder, waitAtCommit } from './testing/cut-connection.js';
import { startTestApi, type TestApi } from './testing/index.js';

// A request whose database connection is terminated under it (pg_terminate_backend, as a restart
// or failover does) never answers 500. A transaction cut before COMMIT and a read are run again on
// a fresh connection (decision 021); a single-statement write, or a transaction cut during COMMIT,
// may or may not have taken effect, so it answers 503 `database_unavailable` with Retry-After, and
// asking again succeeds.
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
const credentials = (name: string) => ({ email: `${name}-${crypto.randomUUID()}@example.com`, password: 'correct horse battery' });

test('a sign-in whose transaction is cut before COMMIT is run again: the request succeeds', async () => {
  const account = credentials('blip');
  expect((await post('/v1/auth/register', account)).status).toBe(201);
  const { result, statement } = await cutConnectionUnder(admin, 'lock table auth_sessions in access exclusive mode', () => post('/v1/auth/login', account));
  expect(statement).toMatch(/insert into auth_sessions/);
  expect(result.status).toBe(200);
  const sessions = await admin.query('select count(*)::int as count from auth_sessions s join accounts a on a.id = s.account_id where a.email = $1', [account.email]);
  expect(sessions.rows[0].count).toBe(1);
});

test('a read whose connection is cut is answered from a fresh connection', async () => {
  const account = credentials('blip-read');
  expect((await post('/v1/auth/register', account)).status).toBe(201);
  const { result, statement } = await cutConnectionUnder(admin, 'lock table accounts in access exclusive mode', () => post('/v1/auth/login', account));
  expect(statement).toMatch(/^\s*select/i);
  expect(result.status).toBe(200);
});

test('a single-statement write cut mid-statement answers 503 with Retry-After, and asking again works', async () => {
  const account = credentials('blip-write');
  expect((await post('/v1/auth/register', account)).status).toBe(201);
  const { access_token: token } = (await (await post('/v1/auth/login', account)).json()) as { access_token: string };
  const createKey = () =>
    fetch(`${api.url}/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'blip', scopes: ['read'] }),
    });
  // Creating an API key is one insert outside a transaction (after a count the lock lets through).
  const { result: cut, statement } = await cutConnectionUnder(admin, 'lock table api_keys in share row exclusive mode', createKey);
  expect(statement).toMatch(/insert into api_keys/);
  expect(cut.status).toBe(503);
  expect(cut.headers.get('retry-after')).toBe('1');
  expect(cut.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await cut.json()) as { code: string; retry_after: number };
  expect(problem).toMatchObject({ code: 'database_unavailable', retry_after: 1 });
  // The insert went with its connection; the pool replaced the dead connection, and asking again works.
  expect((await createKey()).status).toBe(201);
  const keys = await admin.query("select count(*)::int as count from api_keys k join accounts a on a.id = k.account_id where a.email = $1", [account.email]);
  expect(keys.rows[0].count).toBe(1);
});

test('a transaction cut during COMMIT answers 503 (its outcome is unknown), and asking again works', async () => {
  const account = credentials('blip-commit');
  expect((await post('/v1/auth/register', account)).status).toBe(201);
  const removeTrigger = await waitAtCommit(admin, 'auth_sessions', 22_001);
  let cut: Response;
  try {
    ({ result: cut } = await cutConnectionUnder(admin, 'select pg_advisory_xact_lock(22001)', () => post('/v1/auth/login', account), {
      statement: /^COMMIT/i,
    }));
  } finally {
    await removeTrigger();
  }
  expect(cut.status).toBe(503);
  expect(((await cut.json()) as { code: string }).code).toBe('database_unavailable');
  expect((await post('/v1/auth/login', account)).status).toBe(200);
});
