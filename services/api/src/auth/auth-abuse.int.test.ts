import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, startTestApi, type TestApi, type TestDatabase } from '#src/platform/testing/index.js';

// A second app on the same database with a movable clock and realistic bcrypt cost, so timing and
// expiry behave as in production.
let database: TestDatabase;
let api: TestApi;
let now = new Date();

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi({
    database,
    clock: { now: () => now },
    env: { BCRYPT_COST: '10', LOGIN_LIMIT_PER_IP: '12', LOGIN_LIMIT_PER_ACCOUNT: '100' },
  });
});
afterAll(async () => {
  await api?.stop();
  await database?.drop();
});

const post = (path: string, body: unknown) =>
  fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function timed(action: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await action();
  expect(response.status).toBe(401);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('login abuse resistance', () => {
  test('an unknown email takes about as long as a wrong password', async () => {
    const email = `timing-${Date.now()}@example.com`;
    expect((await post('/v1/auth/register', { email, password: 'the real password' })).status).toBe(201);
    const wrongPassword: number[] = [];
    const unknownEmail: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      wrongPassword.push(await timed(() => post('/v1/auth/login', { email, password: 'not the password' })));
      unknownEmail.push(await timed(() => post('/v1/auth/login', { email: `nobody-${round}@example.com`, password: 'not the password' })));
    }
    const ratio = median(unknownEmail) / median(wrongPassword);
    // Without the decoy hash an unknown email answers in ~1 ms against ~50 ms for bcrypt cost 10.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  test('one address is limited across accounts, with Retry-After', async () => {
    let limited: Response | undefined;
    for (let attempt = 0; attempt < 20 && !limited; attempt += 1) {
      const response = await post('/v1/auth/login', { email: `spray-${attempt}@example.com`, password: 'guess guess' });
      if (response.status === 429) limited = response;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('an access token stops working when it expires', async () => {
    const email = `expiry-${Date.now()}@example.com`;
    await post('/v1/auth/register', { email, password: 'the real password' });
    // Earlier tests in this file spent this address's login budget; a fresh app shares the database.
    const fresh = await startTestApi({ database, clock: { now: () => now } });
    try {
      const login = await fetch(`${fresh.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'the real password' }),
      });
      const { access_token } = (await login.json()) as { access_token: string };
      const me = () => fetch(`${fresh.url}/v1/me`, { headers: { authorization: `Bearer ${access_token}` } });
      expect((await me()).status).toBe(200);
      now = new Date(now.getTime() + 16 * 60 * 1000);
      const expired = await me();
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ code: 'invalid_token', detail: 'The access token has expired.' });
    } finally {
      await fresh.stop();
    }
  });
});
