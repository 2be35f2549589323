import { Baketsu } from '@baketsu/sdk';
import { describe, expect, it } from 'vitest';
import { updateProfile } from './account.server.js';

function apiAnswering(status: number, problem?: Record<string, unknown>) {
  const calls: Array<{ route: string; body: unknown }> = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    calls.push({ route: `${init.method} ${new URL(String(input)).pathname}`, body: JSON.parse(String(init.body)) });
    const body = problem ? { type: 'about:blank', title: `title ${String(problem.code)}`, status, ...problem } : {};
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': problem ? 'application/problem+json' : 'application/json' } });
  }) as typeof globalThis.fetch;
  return { api: new Baketsu({ baseUrl: 'http://api.test', accessToken: 'jwt' }, { fetch }), calls };
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

describe('updateProfile', () => {
  it('sends only what changed: a new name, an empty one as null, an email with the current password', async () => {
    const { api, calls } = apiAnswering(200);
    expect(await updateProfile(api, { display_name: null }, form({ display_name: ' Ada ', email: '', current_password: '' }))).toEqual({ ok: true });
    expect(await updateProfile(api, { display_name: 'Ada' }, form({ display_name: '', email: '' }))).toEqual({ ok: true });
    expect(await updateProfile(api, { display_name: 'Ada' }, form({ display_name: 'Ada', email: 'new@example.com', current_password: 'pw' }))).toEqual({ ok: true });
    expect(await updateProfile(api, { display_name: 'Ada' }, form({ display_name: 'Ada', email: '' }))).toEqual({ ok: true });
    expect(calls).toEqual([
      { route: 'PATCH /v1/me', body: { display_name: 'Ada' } },
      { route: 'PATCH /v1/me', body: { display_name: null } },
      { route: 'PATCH /v1/me', body: { email: 'new@example.com', current_password: 'pw' } },
    ]);
  });

  it('asks for the current password before an email change, and files a wrong one and a taken address under their fields', async () => {
    const none = apiAnswering(200);
    expect(await updateProfile(none.api, { display_name: null }, form({ email: 'new@example.com' }))).toEqual({
      ok: false,
      errors: { fields: { current_password: 'Enter your current password to change the email' } },
    });
    expect(none.calls).toEqual([]);
    const wrong = apiAnswering(401, { code: 'invalid_credentials' });
    expect(await updateProfile(wrong.api, { display_name: null }, form({ email: 'new@example.com', current_password: 'x' }))).toEqual({
      ok: false,
      errors: { fields: { current_password: 'The current password is not correct' } },
    });
    const taken = apiAnswering(409, { code: 'email_taken', detail: 'That address belongs to another account.' });
    const result = await updateProfile(taken.api, { display_name: null }, form({ email: 'new@example.com', current_password: 'x' }));
    expect(result.ok === false && result.errors.fields.email).toBeTruthy();
  });
});
