// Server-side session handling against the real API: refresh before expiry, one refresh shared by
// racing requests (refresh tokens are single use), and a dead session sent to /login.
import { startTestApi, type TestApi } from '@baketsu/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePassword } from '../app/lib/account.server.js';
import { requireUser } from '../app/lib/auth.server.js';
import { parseEnv, setEnv } from '../app/lib/env.server.js';
import { commitSession, readSession, sessionFromTokens, type UserSession } from '../app/lib/session.server.js';

let api: TestApi;
const password = 'session test passphrase';

beforeAll(async () => {
  api = await startTestApi();
  setEnv(parseEnv({ NODE_ENV: 'test', API_URL: api.url, SESSION_SECRET: 'int-session-secret-int-session-secret-0123' }));
});
afterAll(() => api?.stop());

async function signedInSession(): Promise<UserSession> {
  const email = `session-${crypto.randomUUID()}@example.com`;
  const post = (path: string) => fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const account = (await (await post('/v1/auth/register')).json()) as { id: string; email: string };
  return sessionFromTokens((await (await post('/v1/auth/login')).json()) as Parameters<typeof sessionFromTokens>[0], account);
}

async function requestWith(session: UserSession, path = '/files'): Promise<Request> {
  const cookie = (await commitSession(session)).split(';')[0]!;
  return new Request(`http://dashboard.test${path}`, { headers: { cookie } });
}

describe('requireUser', () => {
  it('uses a fresh access token as is', async () => {
    const session = await signedInSession();
    const user = await requireUser(await requestWith(session));
    expect(user.headers.get('set-cookie')).toBeNull();
    expect((await user.api.auth.me()).email).toBe(session.account.email);
  });

  it('refreshes an expiring token once, even for racing requests, and stores the new one', async () => {
    const session = { ...(await signedInSession()), accessExpiresAt: Date.now() + 5_000 };
    const request = await requestWith(session);
    const users = await Promise.all([requireUser(request.clone()), requireUser(request.clone()), requireUser(request.clone())]);
    const cookies = users.map((user) => user.headers.get('set-cookie'));
    expect(cookies.every(Boolean)).toBe(true);
    const renewed = await readSession(new Request('http://dashboard.test/', { headers: { cookie: cookies[0]!.split(';')[0]! } }));
    expect(renewed?.refreshToken).not.toBe(session.refreshToken);
    expect(renewed!.accessExpiresAt).toBeGreaterThan(Date.now() + 60_000);
    // The sign-in survived the race: the new tokens work.
    for (const user of users) expect((await user.api.auth.me()).id).toBe(session.account.id);
  });

  it('sends a signed-out or revoked visitor to /login with the page to come back to', async () => {
    const anonymous = await requireUser(new Request('http://dashboard.test/files?q=a')).catch((thrown: unknown) => thrown);
    expect(anonymous).toBeInstanceOf(Response);
    expect((anonymous as Response).headers.get('location')).toBe('/login?redirectTo=%2Ffiles%3Fq%3Da');

    const session = { ...(await signedInSession()), accessExpiresAt: Date.now() - 1, refreshToken: 'not-a-real-refresh-token' };
    const revoked = await requireUser(await requestWith(session, '/dashboard')).catch((thrown: unknown) => thrown);
    expect((revoked as Response).status).toBe(302);
    expect((revoked as Response).headers.get('location')).toBe('/login?redirectTo=%2Fdashboard');
    expect((revoked as Response).headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('turns an API 401 mid-request into the sign-in redirect', async () => {
    const session = { ...(await signedInSession()), accessToken: 'eyJhbGciOiJIUzI1NiJ9.e30.invalid' };
    const user = await requireUser(await requestWith(session, '/settings'));
    const thrown = await user.api.auth.me().catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).headers.get('location')).toBe('/login?redirectTo=%2Fsettings');
  });

  it('a wrong current password on /settings is a field error, not a sign-out; a right one keeps this sign-in', async () => {
    const session = await signedInSession();
    const user = await requireUser(await requestWith(session, '/settings'));
    const form = (current: string) => {
      const data = new FormData();
      data.set('current_password', current);
      data.set('new_password', 'a brand new passphrase');
      data.set('confirm_password', 'a brand new passphrase');
      return data;
    };
    expect(await changePassword(user.api, form('not the password'))).toEqual({
      ok: false,
      errors: { fields: { current_password: 'The current password is not correct' } },
    });
    expect(await changePassword(user.api, form(password))).toEqual({ ok: true });
    expect((await user.api.auth.me()).id).toBe(session.account.id);
  });
});
