// auth, apiKeys and limits against the real API.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthenticationError, Baketsu, ConflictError, NotFoundError, PermissionError, ValidationError } from '../src/index.node.js';
import { startSdkTestApi, type SdkTestApi } from './support/api.js';

let t: SdkTestApi;
beforeAll(async () => {
  t = await startSdkTestApi('local');
});
afterAll(async () => t?.stop());

it('registers, signs in, refreshes, reads the account and signs out', async () => {
  const anonymous = new Baketsu({ baseUrl: t.api.url });
  const email = `flow-${randomUUID()}@example.com`;
  const account = await anonymous.auth.register({ email, password: 'a long enough password' });
  await expect(anonymous.auth.register({ email, password: 'a long enough password' })).rejects.toMatchObject({ constructor: ConflictError, code: 'email_taken' });
  await expect(anonymous.auth.register({ email: 'x@example.com', password: 'short' })).rejects.toBeInstanceOf(ValidationError);
  const tokens = await anonymous.auth.login({ email, password: 'a long enough password' });
  let token = tokens.access_token;
  const session = new Baketsu({ baseUrl: t.api.url, accessToken: () => token });
  expect(await session.auth.me()).toEqual(account);

  const refreshed = await anonymous.auth.refresh(tokens.refresh_token);
  token = refreshed.access_token;
  expect((await session.auth.me()).id).toBe(account.id);
  await anonymous.auth.logout(refreshed.refresh_token);
  await expect(session.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
});

it('creates, lists and revokes API keys; a key cannot manage keys', async () => {
  const session = new Baketsu({ baseUrl: t.api.url, accessToken: t.accessToken });
  const key = await session.apiKeys.create({ name: 'ci', scopes: ['read'] });
  expect(key.secret).toMatch(/^bk_/);
  expect((await session.apiKeys.list()).map((k) => k.id)).toContain(key.id);
  const withKey = new Baketsu({ baseUrl: t.api.url, apiKey: key.secret });
  await expect(withKey.apiKeys.list()).rejects.toMatchObject({ constructor: PermissionError, code: 'session_required' });
  await session.apiKeys.revoke(key.id);
  await expect(withKey.files.list()).rejects.toBeInstanceOf(AuthenticationError);
  await expect(session.apiKeys.revoke(randomUUID())).rejects.toBeInstanceOf(NotFoundError);
});

// usage and billing are covered by src/resources/usage.test.ts while those API routes are being built.
it('reads and sets limits', async () => {
  await t.client.files.upload(new Uint8Array(1000), { name: 'usage.bin' });
  const limits = await t.client.limits.update({ monthly_spend_cap: '12.50' });
  expect(limits.monthly_spend_cap).toMatch(/^12\.5/);
  expect((await t.client.limits.get()).used_bytes).toBeGreaterThanOrEqual(1000);
});

it('changes the password: the old one stops working, other sign-ins end, this one stays', async () => {
  const anonymous = new Baketsu({ baseUrl: t.api.url });
  const email = `password-${randomUUID()}@example.com`;
  await anonymous.auth.register({ email, password: 'the first password' });
  const mine = await anonymous.auth.login({ email, password: 'the first password' });
  const theirs = await anonymous.auth.login({ email, password: 'the first password' });
  const session = new Baketsu({ baseUrl: t.api.url, accessToken: mine.access_token });
  const elsewhere = new Baketsu({ baseUrl: t.api.url, accessToken: theirs.access_token });

  await expect(session.auth.changePassword({ current_password: 'not it', new_password: 'the second password' })).rejects.toMatchObject({
    constructor: AuthenticationError,
    code: 'invalid_credentials',
  });
  const weak = await session.auth.changePassword({ current_password: 'the first password', new_password: 'short' }).catch((error: unknown) => error);
  expect(weak).toBeInstanceOf(ValidationError);
  expect((weak as ValidationError).fieldErrors.map((field) => field.path)).toEqual(['/body/new_password']);

  await session.auth.changePassword({ current_password: 'the first password', new_password: 'the second password' });
  expect((await session.auth.me()).email).toBe(email);
  await expect(elsewhere.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
  await expect(anonymous.auth.login({ email, password: 'the first password' })).rejects.toBeInstanceOf(AuthenticationError);
  await anonymous.auth.login({ email, password: 'the second password' });
});

it('sets usage alert thresholds, refused with typed errors where they cannot be used, and lists alerts', async () => {
  const session = new Baketsu({ baseUrl: t.api.url, accessToken: t.accessToken });
  await session.limits.update({ monthly_spend_cap: null });
  expect((await session.limits.get()).monthly_spend_cap).toBeNull();
  await expect(session.usage.setAlertThresholds({ thresholds: [{ percent_of_cap: 80 }] })).rejects.toMatchObject({ constructor: ConflictError, code: 'spend_cap_required' });
  await expect(session.usage.setAlertThresholds({ thresholds: [{ amount: '0' }] })).rejects.toMatchObject({ status: 422, code: 'invalid_alert_threshold' });
  const saved = await session.usage.setAlertThresholds({ thresholds: [{ amount: '25' }] });
  expect(saved.thresholds).toEqual([{ amount: '25.000000' }]);
  expect(await session.usage.alertThresholds()).toEqual(saved);
  const alerts = [];
  for await (const alert of session.usage.alerts()) alerts.push(alert);
  expect(alerts).toEqual([]);
});

it('deletes an account: a key is refused, a wrong password is an AuthenticationError, then every credential ends', async () => {
  const anonymous = new Baketsu({ baseUrl: t.api.url });
  const email = `delete-${randomUUID()}@example.com`;
  await anonymous.auth.register({ email, password: 'a long enough password' });
  const { access_token: token } = await anonymous.auth.login({ email, password: 'a long enough password' });
  const session = new Baketsu({ baseUrl: t.api.url, accessToken: token });
  const key = await session.apiKeys.create({ name: 'app', scopes: ['read'] });
  const withKey = new Baketsu({ baseUrl: t.api.url, apiKey: key.secret });
  await expect(withKey.auth.deleteAccount({ password: 'a long enough password' })).rejects.toMatchObject({ constructor: PermissionError, code: 'session_required' });
  await expect(session.auth.deleteAccount({ password: 'not it' })).rejects.toMatchObject({ constructor: AuthenticationError, code: 'invalid_credentials' });

  const deletion = await session.auth.deleteAccount({ password: 'a long enough password' });
  expect(deletion.status).toBe('deleting');
  await expect(session.auth.me()).rejects.toBeInstanceOf(AuthenticationError);
  await expect(withKey.files.list()).rejects.toBeInstanceOf(AuthenticationError);
  // The address is free again.
  await anonymous.auth.register({ email, password: 'a long enough password' });
});
