import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mailTo, uniqueAddress, waitForMail, type TestApi } from '#src/platform/testing/index.js';
import { client, expectProblem, mailedToken, movableClock, PASSWORD, startMailApi } from './testing/account-mail-kit.js';

const clock = movableClock();
let api: TestApi;
let http: ReturnType<typeof client>;

beforeAll(async () => {
  api = await startMailApi({ clock });
  http = client(api);
});
afterAll(async () => {
  await api?.stop();
});

const verify = (token: string) => http.post('/v1/auth/verify-email', { token });
const patchMe = (token: string, body: unknown) => http.call('PATCH', '/v1/me', body, token);

describe('email verification', () => {
  test('registration mails a link; using it verifies the address, once', async () => {
    const email = await http.register();
    const { access_token } = await http.signIn(email);
    expect(await http.me(access_token)).toMatchObject({ email, email_verified: false, display_name: null, pending_email: null });

    const token = await mailedToken(email, 'verify-email', { subject: /Confirm your email/ });
    const verified = await verify(token);
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ email, email_verified: true });
    expect(await http.me(access_token)).toMatchObject({ email_verified: true });
    await expectProblem(await verify(token), 410, 'verification_token_used');
    await expectProblem(await verify('no-such-token'), 404, 'verification_token_not_found');
  });

  test('a link works for 24 hours; a new one can be asked for', async () => {
    const email = await http.register();
    const old = await mailedToken(email, 'verify-email', { subject: /Confirm your email/ });
    clock.advance(25 * 3_600_000);
    await expectProblem(await verify(old), 410, 'verification_token_expired');
    const { access_token } = await http.signIn(email);

    expect((await http.post('/v1/me/email-verification', undefined, access_token)).status).toBe(202);
    const fresh = await mailedToken(email, 'verify-email', { nth: 2, subject: /Confirm your email/ });
    expect((await verify(fresh)).status).toBe(200);
    // Verified: asking again sends nothing.
    expect((await http.post('/v1/me/email-verification', undefined, access_token)).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await mailTo(email)).filter((message) => /Confirm your email/.test(message.subject))).toHaveLength(2);
  });

  test('an email change takes effect only when the link mailed to the new address is used', async () => {
    const email = await http.register();
    const { access_token } = await http.signIn(email);
    const newEmail = uniqueAddress('moved');

    await expectProblem(await patchMe(access_token, { email: newEmail, current_password: 'wrong password' }), 401, 'invalid_credentials');
    const started = await patchMe(access_token, { email: newEmail.toUpperCase(), current_password: PASSWORD });
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({ email, pending_email: newEmail });
    // Not yet: the old address still signs in, the new one does not.
    await expectProblem(await http.post('/v1/auth/login', { email: newEmail, password: PASSWORD }), 401, 'invalid_credentials');
    await http.signIn(email);

    const token = await mailedToken(newEmail, 'verify-email', { subject: /new email address/ });
    const verified = await verify(token);
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ email: newEmail, email_verified: true, pending_email: null });
    expect(await http.me(access_token)).toMatchObject({ email: newEmail });
    await http.signIn(newEmail);
    await expectProblem(await http.post('/v1/auth/login', { email, password: PASSWORD }), 401, 'invalid_credentials');
    // The old address is told.
    const notices = await waitForMail(email, { count: 2 });
    expect(notices.map((message) => message.subject)).toContain('Your Baketsu email address was changed');
    // The old address's own verification link is for an address the account no longer has.
    const stale = await mailedToken(email, 'verify-email', { subject: /Confirm your email/ });
    await expectProblem(await verify(stale), 410, 'verification_token_used');
  });

  test('a newer change (or going back to the current address) retires the earlier change link', async () => {
    const email = await http.register();
    const { access_token } = await http.signIn(email);
    const first = uniqueAddress('first');
    const second = uniqueAddress('second');
    expect((await patchMe(access_token, { email: first, current_password: PASSWORD })).status).toBe(200);
    expect((await patchMe(access_token, { email: second, current_password: PASSWORD })).status).toBe(200);
    await expectProblem(await verify(await mailedToken(first, 'verify-email', { subject: /new email address/ })), 410, 'verification_token_used');
    const cancelled = await patchMe(access_token, { email, current_password: PASSWORD });
    expect(await cancelled.json()).toMatchObject({ email, pending_email: null });
    await expectProblem(await verify(await mailedToken(second, 'verify-email', { subject: /new email address/ })), 410, 'verification_token_used');
  });

  test('an address another account has is email_taken, at the change and at the link', async () => {
    const mine = await http.register();
    const theirs = await http.register();
    const { access_token } = await http.signIn(mine);
    await expectProblem(await patchMe(access_token, { email: theirs, current_password: PASSWORD }), 409, 'email_taken');

    const wanted = uniqueAddress('wanted');
    expect((await patchMe(access_token, { email: wanted, current_password: PASSWORD })).status).toBe(200);
    // Someone registers the address before the link is used.
    await http.register(wanted);
    const token = await mailedToken(wanted, 'verify-email', { subject: /new email address/ });
    await expectProblem(await verify(token), 409, 'email_taken');
    expect(await http.me(access_token)).toMatchObject({ email: mine });
  });

  test('display name: set, normalised, cleared; API keys may not change the profile', async () => {
    const email = await http.register();
    const { access_token } = await http.signIn(email);
    const set = await patchMe(access_token, { display_name: '  Ada Lovelace ' });
    expect(await set.json()).toMatchObject({ display_name: 'Ada Lovelace', email });
    expect(await http.me(access_token)).toMatchObject({ display_name: 'Ada Lovelace' });
    expect(await (await patchMe(access_token, { display_name: null })).json()).toMatchObject({ display_name: null });
    await expectProblem(await patchMe(access_token, { display_name: '   ' }), 400, 'validation_failed');
    await expectProblem(await patchMe(access_token, { email: uniqueAddress() }), 400, 'validation_failed');
    await expectProblem(await patchMe(access_token, {}), 400, 'validation_failed');

    const key = (await (await http.post('/v1/api-keys', { name: 'script', scopes: ['read', 'write', 'delete'] }, access_token)).json()) as { secret: string };
    await expectProblem(await patchMe(key.secret, { display_name: 'Mallory' }), 403, 'session_required');
  });

  test('the links of a deleted account no longer work: 410, never a 500, and the new address stays free', async () => {
    const email = await http.register();
    const { access_token } = await http.signIn(email);
    const newEmail = uniqueAddress('moved');
    expect((await patchMe(access_token, { email: newEmail, current_password: PASSWORD })).status).toBe(200);
    const change = await mailedToken(newEmail, 'verify-email', { subject: /new email address/ });
    const confirm = await mailedToken(email, 'verify-email', { subject: /Confirm your email/ });
    expect((await http.post('/v1/auth/password-reset', { email })).status).toBe(202);
    const reset = await mailedToken(email, 'reset-password', { subject: /Reset your/ });
    expect((await http.post('/v1/me/delete', { password: PASSWORD }, access_token)).status).toBe(202);

    await expectProblem(await verify(change), 410, 'verification_token_expired');
    await expectProblem(await verify(confirm), 410, 'verification_token_expired');
    await expectProblem(await http.post('/v1/auth/password-reset/confirm', { token: reset, new_password: 'a brand new passphrase' }), 410, 'reset_token_expired');
    await http.register(newEmail);
  });

  test("one account's changes and links never touch another account", async () => {
    const alice = await http.register();
    const bob = await http.register();
    const aliceSession = await http.signIn(alice);
    const bobSession = await http.signIn(bob);
    expect((await patchMe(aliceSession.access_token, { display_name: 'Alice' })).status).toBe(200);
    expect(await http.me(bobSession.access_token)).toMatchObject({ email: bob, display_name: null, email_verified: false });
    // Bob's link, opened while Alice is signed in, verifies Bob (the link names its account), not Alice.
    const bobsLink = await mailedToken(bob, 'verify-email', { subject: /Confirm your email/ });
    expect(await (await verify(bobsLink)).json()).toMatchObject({ email: bob, email_verified: true });
    expect(await http.me(aliceSession.access_token)).toMatchObject({ email: alice, email_verified: false });
  });
});
