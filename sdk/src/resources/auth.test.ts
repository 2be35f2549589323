import { expect, it } from 'vitest';
import { Baketsu } from '../client.js';
import { AuthenticationError, PermissionError, ValidationError } from '../errors.js';

function recordingFetch(respond: () => Response) {
  const calls: Array<{ method: string | undefined; path: string; authorization: string | null; body: unknown }> = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    calls.push({
      method: init.method,
      path: new URL(String(input)).pathname,
      authorization: new Headers(init.headers).get('authorization'),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    });
    return respond();
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 't', status, ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

it('changes the password with the access token and resolves on 204', async () => {
  const { calls, fetch } = recordingFetch(() => new Response(null, { status: 204 }));
  const client = new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch });
  await expect(client.auth.changePassword({ current_password: 'old one', new_password: 'a new one!' })).resolves.toBeUndefined();
  expect(calls).toEqual([
    { method: 'POST', path: '/v1/me/password', authorization: 'Bearer jwt', body: { current_password: 'old one', new_password: 'a new one!' } },
  ]);
});

it('surfaces a wrong current password and a weak new one as typed errors, without retrying', async () => {
  const wrong = recordingFetch(() => problem(401, { code: 'invalid_credentials' }));
  const client = new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch: wrong.fetch });
  await expect(client.auth.changePassword({ current_password: 'x', new_password: 'a new one!' })).rejects.toMatchObject({
    constructor: AuthenticationError,
    code: 'invalid_credentials',
  });
  expect(wrong.calls).toHaveLength(1);

  const weak = recordingFetch(() =>
    problem(400, { code: 'weak_password', errors: [{ path: '/body/new_password', message: 'Use at least 8 characters.' }] }),
  );
  const other = new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch: weak.fetch });
  await expect(other.auth.changePassword({ current_password: 'x', new_password: 'short' })).rejects.toMatchObject({
    constructor: ValidationError,
    code: 'weak_password',
  });
});

it('deletes the account with the password again, and surfaces an API key refusal as a typed error', async () => {
  const { calls, fetch } = recordingFetch(
    () => new Response(JSON.stringify({ status: 'deleting', deletion_requested_at: '2026-12-07T06:00:00.000Z' }), { status: 202, headers: { 'content-type': 'application/json' } }),
  );
  const client = new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch });
  await expect(client.auth.deleteAccount({ password: 'correct horse' })).resolves.toEqual({ status: 'deleting', deletion_requested_at: '2026-12-07T06:00:00.000Z' });
  expect(calls).toEqual([{ method: 'POST', path: '/v1/me/delete', authorization: 'Bearer jwt', body: { password: 'correct horse' } }]);

  const refused = recordingFetch(() => problem(403, { code: 'session_required' }));
  const withKey = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch: refused.fetch });
  await expect(withKey.auth.deleteAccount({ password: 'correct horse' })).rejects.toMatchObject({ constructor: PermissionError, code: 'session_required' });
  expect(refused.calls).toHaveLength(1);
});
