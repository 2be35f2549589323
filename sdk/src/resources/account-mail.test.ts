import { expect, it } from 'vitest';
import { Baketsu } from '../client.js';
import { GoneError, PermissionError } from '../errors.js';

function recordingFetch(respond: () => Response) {
  const calls: Array<{ method: string | undefined; url: string; authorization: string | null; body: unknown }> = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({
      method: init.method,
      url: `${url.pathname}${url.search}`,
      authorization: new Headers(init.headers).get('authorization'),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    });
    return respond();
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

const problem = (status: number, code: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 't', status, code }), { status, headers: { 'content-type': 'application/problem+json' } });

it('asks for a reset link without credentials and resolves on the empty 202', async () => {
  const { calls, fetch } = recordingFetch(() => new Response(null, { status: 202 }));
  const client = new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch });
  await expect(client.auth.requestPasswordReset('ada@example.com')).resolves.toBeUndefined();
  expect(calls).toEqual([{ method: 'POST', url: '/v1/auth/password-reset', authorization: null, body: { email: 'ada@example.com' } }]);
});

it('never retries a reset confirmation or a verification (their tokens work once)', async () => {
  const { calls, fetch } = recordingFetch(() => problem(503, 'database_unavailable'));
  const client = new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch, maxRetries: 3 });
  await expect(client.auth.confirmPasswordReset({ token: 't', new_password: 'a new passphrase' })).rejects.toBeDefined();
  await expect(client.auth.verifyEmail('t')).rejects.toBeDefined();
  expect(calls.map((call) => call.url)).toEqual(['/v1/auth/password-reset/confirm', '/v1/auth/verify-email']);
});

it('surfaces a used link as GoneError and an API key changing the profile as PermissionError', async () => {
  const used = recordingFetch(() => problem(410, 'reset_token_used'));
  await expect(new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch: used.fetch }).auth.confirmPasswordReset({ token: 't', new_password: 'a new passphrase' })).rejects.toMatchObject({
    constructor: GoneError,
    code: 'reset_token_used',
  });
  const key = recordingFetch(() => problem(403, 'session_required'));
  await expect(new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch: key.fetch }).auth.updateMe({ display_name: 'Ada' })).rejects.toMatchObject({
    constructor: PermissionError,
    code: 'session_required',
  });
  expect(key.calls[0]).toMatchObject({ method: 'PATCH', url: '/v1/me', authorization: 'Bearer bk_x', body: { display_name: 'Ada' } });
});

it('reads the dev mailbox, optionally for one address', async () => {
  const mail = { id: '0190a5e0-0000-7000-8000-000000000000', to: 'ada@example.com', template: 'password_reset', subject: 's', text: 't', html: 'h', created_at: '2026-01-01T00:00:00.000Z' };
  const { calls, fetch } = recordingFetch(() => Response.json({ items: [mail] }));
  const client = new Baketsu({ baseUrl: 'http://api', accessToken: 'jwt' }, { fetch });
  expect(await client.dev.mailbox({ to: 'ada@example.com' })).toEqual([mail]);
  expect(calls[0]).toMatchObject({ method: 'GET', url: '/v1/dev/mailbox?to=ada%40example.com', authorization: null });
});
