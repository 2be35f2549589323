import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ env: { LOGIN_LIMIT_PER_IP: '1000', LOGIN_LIMIT_PER_ACCOUNT: '3' } });
});
afterAll(async () => {
  await api?.stop();
});

const PASSWORD = 'correct horse battery';

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function changePassword(token: string, body: unknown) {
  return post('/v1/me/password', body, { authorization: `Bearer ${token}` });
}

function me(token: string) {
  return fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
}

async function login(email: string, password: string) {
  return post('/v1/auth/login', { email, password });
}

async function signIn(email: string, password = PASSWORD) {
  const response = await login(email, password);
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

async function register() {
  const email = `pw-${crypto.randomUUID()}@example.com`;
  expect((await post('/v1/auth/register', { email, password: PASSWORD })).status).toBe(201);
  return email;
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await response.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code });
  return problem;
}

describe('POST /v1/me/password', () => {
  test('replaces the password and ends every other sign-in, but not the caller\'s', async () => {
    const email = await register();
    const caller = await signIn(email);
    const other = await signIn(email);

    const response = await changePassword(caller.access_token, { current_password: PASSWORD, new_password: 'a brand new passphrase' });
    expect(response.status).toBe(204);

    await expectProblem(await login(email, PASSWORD), 401, 'invalid_credentials');
    expect((await login(email, 'a brand new passphrase')).status).toBe(200);

    await expectProblem(await me(other.access_token), 401, 'invalid_token');
    await expectProblem(await post('/v1/auth/refresh', { refresh_token: other.refresh_token }), 401, 'invalid_refresh_token');

    expect((await me(caller.access_token)).status).toBe(200);
    const refreshed = await post('/v1/auth/refresh', { refresh_token: caller.refresh_token });
    expect(refreshed.status).toBe(200);
  });

  test('a wrong current password is invalid_credentials and counts toward the sign-in limit', async () => {
    const email = await register();
    const { access_token } = await signIn(email);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expectProblem(
        await changePassword(access_token, { current_password: 'not the password', new_password: 'another long password' }),
        401,
        'invalid_credentials',
      );
    }
    // The account is now locked out of both password checks, even with the right password.
    await expectProblem(await changePassword(access_token, { current_password: PASSWORD, new_password: 'another long password' }), 429, 'rate_limited');
    await expectProblem(await login(email, PASSWORD), 429, 'rate_limited');
    // Nothing changed, and the sign-in was not touched.
    expect((await me(access_token)).status).toBe(200);
  });

  test('a weak new password is refused with a field error on new_password, and nothing changes', async () => {
    const email = await register();
    const { access_token } = await signIn(email);
    const problem = await expectProblem(await changePassword(access_token, { current_password: PASSWORD, new_password: 'short' }), 400, 'weak_password');
    expect(problem.errors).toEqual([{ path: '/body/new_password', message: expect.any(String) as string }]);
    expect((await login(email, PASSWORD)).status).toBe(200);
  });

  test('the body is validated against the schema', async () => {
    const email = await register();
    const { access_token } = await signIn(email);
    await expectProblem(await changePassword(access_token, { new_password: 'a long enough one' }), 400, 'validation_failed');
    await expectProblem(
      await changePassword(access_token, { current_password: PASSWORD, new_password: 'a long enough one', email: 'x@example.com' }),
      400,
      'validation_failed',
    );
  });

  test('an API key cannot change the password', async () => {
    const email = await register();
    const { access_token } = await signIn(email);
    const created = await post('/v1/api-keys', { name: 'all scopes', scopes: ['read', 'write', 'delete'] }, { authorization: `Bearer ${access_token}` });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    await expectProblem(await changePassword(secret, { current_password: PASSWORD, new_password: 'taken over now' }), 403, 'session_required');
    expect((await login(email, PASSWORD)).status).toBe(200);
  });

  test('an unauthenticated request is refused', async () => {
    await expectProblem(
      await post('/v1/me/password', { current_password: PASSWORD, new_password: 'whatever it is' }),
      401,
      'unauthenticated',
    );
    await expectProblem(await changePassword('garbage', { current_password: PASSWORD, new_password: 'whatever it is' }), 401, 'invalid_token');
  });
});
