import { UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ env: { LOGIN_LIMIT_PER_IP: '1000', LOGIN_LIMIT_PER_ACCOUNT: '5' } });
});
afterAll(async () => {
  await api?.stop();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function me(token: string) {
  return fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
}

let emailCounter = 0;
function uniqueEmail(): string {
  emailCounter += 1;
  return `user${emailCounter}-${Date.now()}@example.com`;
}

async function registerAndLogin(password = 'correct horse battery') {
  const email = uniqueEmail();
  expect((await post('/v1/auth/register', { email, password })).status).toBe(201);
  const login = await post('/v1/auth/login', { email, password });
  expect(login.status).toBe(200);
  return { email, password, tokens: (await login.json()) as { access_token: string; refresh_token: string } };
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await response.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code });
  expect(problem.request_id).toBe(response.headers.get('x-request-id'));
  return problem;
}

describe('register', () => {
  test('creates an account with a normalised email', async () => {
    const response = await post('/v1/auth/register', { email: '  Grace.Hopper@Example.COM ', password: 'a long enough password' });
    expect(response.status).toBe(201);
    const account = (await response.json()) as { id: string; email: string };
    expect(account.email).toBe('grace.hopper@example.com');
    expect(account).not.toHaveProperty('password_hash');
  });

  test('refuses an email that differs only in case or spacing', async () => {
    const email = uniqueEmail();
    await post('/v1/auth/register', { email, password: 'password-one' });
    await expectProblem(await post('/v1/auth/register', { email: ` ${email.toUpperCase()}`, password: 'password-two' }), 409, 'email_taken');
  });

  test.each([
    [{ email: 'x@example.com', password: 'short' }, 'weak_password'],
    [{ email: 'x@example.com', password: 'p'.repeat(300) }, 'weak_password'],
    [{ email: 'not-an-email', password: 'long enough' }, 'invalid_email'],
    [{ email: 'x@example.com' }, 'validation_failed'],
    [{ email: 42, password: 'long enough' }, 'validation_failed'],
    [{ email: 'x@example.com', password: 'long enough', admin: true }, 'validation_failed'],
    [[], 'validation_failed'],
  ])('refuses %j with %s', async (body, code) => {
    await expectProblem(await post('/v1/auth/register', body), 400, code);
  });

  test('malformed JSON, wrong media type and oversized bodies are problems, not crashes', async () => {
    await expectProblem(await post('/v1/auth/register', '{"email": '), 400, 'malformed_json');
    await expectProblem(
      await fetch(`${api.url}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }),
      415,
      'unsupported_media_type',
    );
    await expectProblem(await post('/v1/auth/register', { email: 'x@example.com', password: 'x'.repeat(2 * 1024 * 1024) }), 413, 'payload_too_large');
  });
});

describe('login', () => {
  test('an unknown email and a wrong password get the same answer', async () => {
    const { email } = await registerAndLogin();
    const wrongPassword = await expectProblem(await post('/v1/auth/login', { email, password: 'not the password' }), 401, 'invalid_credentials');
    const unknownEmail = await expectProblem(
      await post('/v1/auth/login', { email: uniqueEmail(), password: 'not the password' }),
      401,
      'invalid_credentials',
    );
    const { request_id: _a, ...first } = wrongPassword;
    const { request_id: _b, ...second } = unknownEmail;
    expect(first).toEqual(second);
  });

  test('tokens are bearer tokens with an expiry', async () => {
    const { tokens } = await registerAndLogin();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
  });

  test('repeated failures on one account are rate limited with Retry-After', async () => {
    const { email } = await registerAndLogin();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await expectProblem(await post('/v1/auth/login', { email, password: 'wrong password' }), 401, 'invalid_credentials');
    }
    const limited = await post('/v1/auth/login', { email, password: 'correct horse battery' });
    const problem = await expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(problem.retry_after).toBe(Number(limited.headers.get('retry-after')));
  });
});

describe('me and access tokens', () => {
  test('returns the signed-in account', async () => {
    const { email, tokens } = await registerAndLogin();
    const response = await me(tokens.access_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ email });
  });

  test('missing, malformed, forged and unsigned tokens are refused', async () => {
    const { tokens } = await registerAndLogin();
    await expectProblem(await fetch(`${api.url}/v1/me`), 401, 'unauthenticated');
    await expectProblem(await fetch(`${api.url}/v1/me`, { headers: { authorization: 'Basic abc' } }), 401, 'unauthenticated');
    await expectProblem(await me('garbage'), 401, 'invalid_token');
    const [header, payload] = tokens.access_token.split('.');
    await expectProblem(await me(`${header}.${payload}.${'A'.repeat(43)}`), 401, 'invalid_token');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const unsigned = new UnsecuredJWT(claims).encode();
    await expectProblem(await me(unsigned), 401, 'invalid_token');
  });
});

describe('refresh and logout', () => {
  test('a refresh token rotates, and reusing a spent one revokes the whole sign-in', async () => {
    const { tokens } = await registerAndLogin();
    const rotated = await post('/v1/auth/refresh', { refresh_token: tokens.refresh_token });
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as { access_token: string; refresh_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await me(next.access_token)).status).toBe(200);

    await expectProblem(await post('/v1/auth/refresh', { refresh_token: tokens.refresh_token }), 401, 'refresh_token_reused');
    await expectProblem(await post('/v1/auth/refresh', { refresh_token: next.refresh_token }), 401, 'invalid_refresh_token');
    await expectProblem(await me(next.access_token), 401, 'invalid_token');
  });

  test('concurrent refreshes of one token: at most one succeeds', async () => {
    const { tokens } = await registerAndLogin();
    const responses = await Promise.all([1, 2, 3].map(() => post('/v1/auth/refresh', { refresh_token: tokens.refresh_token })));
    expect(responses.filter((response) => response.status === 200).length).toBeLessThanOrEqual(1);
    expect(responses.every((response) => response.status === 200 || response.status === 401)).toBe(true);
  });

  test('logout ends the sign-in at once', async () => {
    const { tokens } = await registerAndLogin();
    const other = await registerAndLogin();
    const response = await post('/v1/auth/logout', { refresh_token: tokens.refresh_token });
    expect(response.status).toBe(204);
    await expectProblem(await me(tokens.access_token), 401, 'invalid_token');
    await expectProblem(await post('/v1/auth/refresh', { refresh_token: tokens.refresh_token }), 401, 'invalid_refresh_token');
    expect((await me(other.tokens.access_token)).status).toBe(200);
  });

  test('an unknown refresh token is refused', async () => {
    await expectProblem(await post('/v1/auth/refresh', { refresh_token: 'rt_nope' }), 401, 'invalid_refresh_token');
    await expectProblem(await post('/v1/auth/logout', { refresh_token: 'rt_nope' }), 401, 'invalid_refresh_token');
  });
});
