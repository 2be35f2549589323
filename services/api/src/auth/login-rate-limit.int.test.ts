import { sql } from 'slonik';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, startTestApi, type TestApi, type TestDatabase } from '#src/platform/testing/index.js';

// Two API instances on one database, as behind a load balancer.
let database: TestDatabase;
let instances: TestApi[];
beforeAll(async () => {
  database = await createTestDatabase();
  const env = { BCRYPT_COST: '4', LOGIN_LIMIT_PER_IP: '6', LOGIN_LIMIT_PER_ACCOUNT: '3', TRUST_PROXY: 'true' };
  instances = await Promise.all([startTestApi({ database, env }), startTestApi({ database, env })]);
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

test('failures on one account count across instances, and a success clears them', async () => {
  const [first, second] = instances as [TestApi, TestApi];
  const email = `limited-${crypto.randomUUID()}@example.com`;
  const password = 'correct horse battery';
  await fetch(`${first.url}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect((await login(first, email, 'wrong password', '198.51.100.1')).status).toBe(401);
  expect((await login(second, email, 'wrong password', '198.51.100.2')).status).toBe(401);
  expect((await login(first, email, password, '198.51.100.3')).status).toBe(200);
  for (const ip of ['198.51.100.4', '198.51.100.5', '198.51.100.6']) {
    expect((await login(second, email, 'wrong password', ip)).status).toBe(401);
  }
  const refused = await login(first, email, password, '198.51.100.7');
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
});

test('every spelling of one address shares its account counter (NFC, case, spaces)', async () => {
  const [first] = instances as [TestApi, TestApi];
  const id = crypto.randomUUID().slice(0, 8);
  const composed = `jos\u00e9-${id}@example.com`;
  const decomposed = `jose\u0301-${id}@example.com`;
  const password = 'correct horse battery';
  await fetch(`${first.url}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: composed, password }) });
  const spellings = [composed, decomposed, `  JOSE\u0301-${id}@EXAMPLE.COM `];
  for (const [i, spelling] of spellings.entries()) {
    expect((await login(first, spelling, 'wrong password', `192.0.2.${10 + i}`)).status).toBe(401);
  }
  // Three failures in three spellings: the account is locked in every spelling, the right password too.
  for (const [i, spelling] of spellings.entries()) {
    expect((await login(first, spelling, password, `192.0.2.${20 + i}`)).status).toBe(429);
  }
});
