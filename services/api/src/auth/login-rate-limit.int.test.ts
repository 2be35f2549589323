import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, startTestApi, type TestApi, type TestDatabase } from '#src/platform/testing/index.js';

// Two API instances on one database, as behind a load balancer.
let database: TestDatabase;
let instances: TestApi[];
let logFiles: string[];
const SLOW_DOWN_MS = 400;
beforeAll(async () => {
  database = await createTestDatabase();
  const env = {
    BCRYPT_COST: '4', LOGIN_LIMIT_PER_IP: '6', LOGIN_LIMIT_PER_ACCOUNT: '3', LOGIN_SLOW_DOWN_AFTER: '5',
    LOGIN_SLOW_DOWN_MS: String(SLOW_DOWN_MS), TRUST_PROXY: 'true', LOG_LEVEL: 'warn',
  };
  const logDir = await mkdtemp(path.join(tmpdir(), 'baketsu-login-limit-'));
  logFiles = [path.join(logDir, 'first.log'), path.join(logDir, 'second.log')];
  instances = await Promise.all(logFiles.map((logDestination) => startTestApi({ database, env, logDestination })));
});
afterAll(async () => {
  await Promise.all((instances ?? []).map((api) => api.stop()));
  await database?.drop();
});

const login = (api: TestApi, email: string, password: string, ip: string) =>
  fetch(`${api.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ email, password }),
  });

test('attempts from one address count across instances', async () => {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 8; attempt++) {
    const response = await login(instances[attempt % 2]!, `nobody-${attempt}@example.com`, 'wrong password', '203.0.113.7');
    statuses.push(response.status);
  }
  // Each instance alone would have allowed six; together they allow six.
  expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
  const keys = await database.pool.anyFirst(sql.unsafe`select key from login_rate_limits order by key`);
  expect(keys).toContain('login-ip:203.0.113.7');
});

test('failures on one account from one address count across instances and refuse that address only', async () => {
  const [first, second] = instances as [TestApi, TestApi];
  const email = `limited-${crypto.randomUUID()}@example.com`;
  const password = 'correct horse battery';
  await fetch(`${first.url}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect((await login(second, email, 'wrong password', '198.51.100.1')).status).toBe(401);
  expect((await login(first, email, password, '198.51.100.1')).status).toBe(200); // a success clears them
  for (let attempt = 0; attempt < 3; attempt++) expect((await login(attempt % 2 ? first : second, email, 'wrong password', '198.51.100.1')).status).toBe(401);
  const refused = await login(first, email, password, '198.51.100.1');
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  // The owner, from their own address, is not locked out by the guesser's failures.
  expect((await login(second, email, password, '198.51.100.2')).status).toBe(200);
});

test('failures from many addresses slow the account down instead of locking the owner out, and the owner is told', async () => {
  const [first, second] = instances as [TestApi, TestApi];
  const email = `guessed-${crypto.randomUUID()}@example.com`;
  const password = 'correct horse battery';
  await fetch(`${first.url}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  // Ten guesses from ten addresses (two per address, under the per-address limit of three).
  for (let attempt = 0; attempt < 10; attempt++) {
    expect((await login(attempt % 2 ? first : second, email, 'wrong password', `198.51.100.${20 + (attempt >> 1)}`)).status).toBe(401);
  }
  // Slowed attempts queue one at a time per instance: three at once take at least three waits.
  const burst = performance.now();
  const statuses = await Promise.all([1, 2, 3].map((n) => login(second, email, 'wrong password', `198.51.100.${110 + n}`).then((r) => r.status)));
  expect(statuses).toEqual([401, 401, 401]);
  expect(performance.now() - burst).toBeGreaterThanOrEqual(3 * SLOW_DOWN_MS - 5);
  // The owner from a new address still gets in, after the slow path's wait.
  const started = performance.now();
  expect((await login(first, email, password, '198.51.100.99')).status).toBe(200);
  expect(performance.now() - started).toBeGreaterThanOrEqual(SLOW_DOWN_MS - 5);
  // One warning when the account crossed into the slow path, naming it, for the owner.
  await expect.poll(async () => (await Promise.all(logFiles.map((file) => readFile(file, 'utf8').catch(() => '')))).join(''), { timeout: 5_000 }).toContain(email);
  const notices = (await Promise.all(logFiles.map((file) => readFile(file, 'utf8'))))
    .join('')
    .split('\n')
    .filter((line) => line.includes('"login_slowed"') && line.includes(email));
  expect(notices).toHaveLength(1);
  expect(notices[0]).not.toContain(password);
});

test('every spelling of one address shares its account counter (NFC, case, spaces)', async () => {
  const [first] = instances as [TestApi, TestApi];
  const id = crypto.randomUUID().slice(0, 8);
  const composed = `jos\u00e9-${id}@example.com`;
  const decomposed = `jose\u0301-${id}@example.com`;
  const password = 'correct horse battery';
  await fetch(`${first.url}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: composed, password }) });
  const spellings = [composed, decomposed, `  JOSE\u0301-${id}@EXAMPLE.COM `];
  for (const spelling of spellings) {
    expect((await login(first, spelling, 'wrong password', '192.0.2.10')).status).toBe(401);
  }
  // Three failures in three spellings from one address: that address is refused in every spelling, the right password too.
  for (const spelling of spellings) {
    expect((await login(first, spelling, password, '192.0.2.10')).status).toBe(429);
  }
});
