import { Baketsu } from '@baketsu/sdk';
import { describe, expect, it } from 'vitest';
import { changePassword } from './account.server.js';

function apiAnswering(status: number, problem?: Record<string, unknown>) {
  const bodies: unknown[] = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    expect(`${init.method} ${new URL(String(input)).pathname}`).toBe('POST /v1/me/password');
    bodies.push(JSON.parse(String(init.body)));
    if (!problem) return new Response(null, { status });
    return new Response(JSON.stringify({ type: 'about:blank', title: `title ${String(problem.code)}`, status, ...problem }), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    });
  }) as typeof globalThis.fetch;
  return { api: new Baketsu({ baseUrl: 'http://api.test', accessToken: 'jwt' }, { fetch }), bodies };
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const filled = { current_password: 'old password', new_password: 'a new passphrase', confirm_password: 'a new passphrase' };

describe('changePassword', () => {
  it('sends the current and new password, never the confirmation', async () => {
    const { api, bodies } = apiAnswering(204);
    expect(await changePassword(api, form(filled))).toEqual({ ok: true });
    expect(bodies).toEqual([{ current_password: 'old password', new_password: 'a new passphrase' }]);
  });

  it('checks the form before calling the API', async () => {
    const { api, bodies } = apiAnswering(204);
    expect(await changePassword(api, form({ ...filled, confirm_password: 'something else' }))).toEqual({
      ok: false,
      errors: { fields: { confirm_password: 'The two new passwords do not match' } },
    });
    expect(await changePassword(api, form({}))).toEqual({
      ok: false,
      errors: { fields: { current_password: 'Enter your current password', new_password: 'Enter a new password' } },
    });
    expect(bodies).toEqual([]);
  });

  it('puts a wrong current password under its field instead of signing the person out', async () => {
    const { api } = apiAnswering(401, { code: 'invalid_credentials' });
    expect(await changePassword(api, form(filled))).toEqual({
      ok: false,
      errors: { fields: { current_password: 'The current password is not correct' } },
    });
  });

  it('puts a weak new password under new_password only', async () => {
    const { api } = apiAnswering(400, {
      code: 'weak_password',
      detail: 'Use at least 8 characters.',
      errors: [{ path: '/body/new_password', message: 'Use at least 8 characters.' }],
    });
    expect(await changePassword(api, form(filled))).toEqual({ ok: false, errors: { fields: { new_password: 'Use at least 8 characters.' } } });
  });

  it('shows rate limiting for the whole form', async () => {
    const { api } = apiAnswering(429, { code: 'rate_limited', detail: 'Try again in 60 seconds.', retry_after: 60 });
    const result = await changePassword(api, form(filled));
    expect(result).toMatchObject({ ok: false, errors: { fields: {}, form: expect.stringContaining('Try again in 60 seconds.') as string } });
  });
});
