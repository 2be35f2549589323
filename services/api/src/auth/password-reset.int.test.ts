import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'slonik';
import { mailTo, uniqueAddress, waitForMail, type TestApi } from '#src/platform/testing/index.js';
import { client, expectProblem, mailedToken, movableClock, PASSWORD, startMailApi } from './testing/account-mail-kit.js';

const NEW_PASSWORD = 'a brand new passphrase';
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

const requestReset = (email: string) => http.post('/v1/auth/password-reset', { email });
const confirm = (token: string, newPassword = NEW_PASSWORD) => http.post('/v1/auth/password-reset/confirm', { token, new_password: newPassword });

describe('password reset', () => {
  test('happy path: the mailed link sets the password, signs in, and ends every other sign-in', async () => {
    const email = await http.register();
    const before = await http.signIn(email);
    const response = await requestReset(email);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const token = await mailedToken(email, 'reset-password', { subject: /Reset/ });

    // Stored hashed: the token itself is nowhere in the database.
    const stored = await api.database.pool.oneFirst(sql.unsafe`
      select count(*)::int from password_reset_tokens where token_hash = ${sql.binary(createHash('sha256').update(token).digest())}`);
    expect(stored).toBe(1);

    const confirmed = await confirm(token);
    expect(confirmed.status).toBe(200);
    const tokens = (await confirmed.json()) as { access_token: string };
    expect(await http.me(tokens.access_token)).toMatchObject({ email, email_verified: true });

    await expectProblem(await http.call('GET', '/v1/me', undefined, before.access_token), 401, 'invalid_token');
    await expectProblem(await http.post('/v1/auth/refresh', { refresh_token: before.refresh_token }), 401, 'invalid_refresh_token');
    await expectProblem(await http.post('/v1/auth/login', { email, password: PASSWORD }), 401, 'invalid_credentials');
    await http.signIn(email, NEW_PASSWORD);
  });

  test('a used link does not work again, and using one retires the others', async () => {
    const email = await http.register();
    await requestReset(email);
    await requestReset(email);
    const first = await mailedToken(email, 'reset-password', { subject: /Reset/ });
    const second = await mailedToken(email, 'reset-password', { nth: 2, subject: /Reset/ });
    expect(second).not.toBe(first);

    expect((await confirm(second)).status).toBe(200);
    await expectProblem(await confirm(second, 'yet another passphrase'), 410, 'reset_token_used');
    await expectProblem(await confirm(first, 'yet another passphrase'), 410, 'reset_token_used');
    await http.signIn(email, NEW_PASSWORD);
  });

  test('a link older than an hour has expired', async () => {
    const email = await http.register();
    await requestReset(email);
    const token = await mailedToken(email, 'reset-password', { subject: /Reset/ });
    clock.advance(61 * 60_000);
    await expectProblem(await confirm(token), 410, 'reset_token_expired');
    await http.signIn(email, PASSWORD);
  });

  test('an unknown token is 404, a weak new password is weak_password', async () => {
    await expectProblem(await confirm('not-a-token-anyone-was-sent'), 404, 'reset_token_not_found');
    const email = await http.register();
    await requestReset(email);
    const token = await mailedToken(email, 'reset-password', { subject: /Reset/ });
    await expectProblem(await confirm(token, 'short'), 400, 'weak_password');
    expect((await confirm(token)).status).toBe(200);
  });

  test('an unknown address gets the same answer and no mail', async () => {
    const unknown = uniqueAddress('nobody');
    const response = await requestReset(unknown);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const notAnAddress = await requestReset('not an address');
    expect(notAnAddress.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await mailTo(unknown)).toHaveLength(0);
  });

  test('known and unknown addresses take the same time (medians within noise)', async () => {
    const known = await Promise.all(Array.from({ length: 5 }, () => http.register()));
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      const response = await requestReset(email);
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      expect(response.status).toBe(202);
      return elapsed;
    };
    // Warm both paths, then interleave so drift in machine load hits both alike.
    await timed(known[0]!);
    await timed(uniqueAddress('warm'));
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let round = 0; round < 30; round += 1) {
      knownTimes.push(await timed(known[round % known.length]!));
      unknownTimes.push(await timed(uniqueAddress('timing')));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const spread = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length * 0.75)]! - sorted[Math.floor(sorted.length * 0.25)]!;
    };
    const difference = Math.abs(median(knownTimes) - median(unknownTimes));
    // Noise: the interquartile range of either sample, and never less than a millisecond.
    const noise = Math.max(1, spread(knownTimes), spread(unknownTimes));
    console.info(`password reset timing: known median ${median(knownTimes).toFixed(2)} ms, unknown ${median(unknownTimes).toFixed(2)} ms, difference ${difference.toFixed(2)} ms, noise ${noise.toFixed(2)} ms`);
    expect(difference).toBeLessThanOrEqual(noise);
  });

  test('requests are limited per address (known or not alike) and per client address', async () => {
    const limited = await startMailApi({ env: { MAIL_LINK_LIMIT_PER_ADDRESS: '2', MAIL_LINK_LIMIT_PER_IP: '5' } });
    try {
      const post = (email: string) => client(limited).post('/v1/auth/password-reset', { email });
      const email = await client(limited).register();
      const unknown = uniqueAddress('nobody');
      for (const address of [email, unknown]) {
        expect((await post(address)).status).toBe(202);
        expect((await post(address.toUpperCase())).status).toBe(202);
        const refused = await post(address);
        await expectProblem(refused, 429, 'rate_limited');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // Six requests so far from this address: past the per-client limit, whatever the address.
      await expectProblem(await post(uniqueAddress('fresh')), 429, 'rate_limited');
      // The verification mail and two reset links, no more.
      await waitForMail(email, { count: 3 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await mailTo(email)).toHaveLength(3);
    } finally {
      await limited.stop();
    }
  });
});

describe('links of a deleted account', () => {
  test('every link mailed before the deletion leads nowhere (the email change link too, not a 500), and the wanted new address stays free', async () => {
    const email = await http.register();
    const verifyLink = await mailedToken(email, 'verify-email', { subject: /Confirm your email/ });
    const session = await http.signIn(email);
    const wanted = uniqueAddress('wanted');
    expect((await http.call('PATCH', '/v1/me', { email: wanted, current_password: PASSWORD }, session.access_token)).status).toBe(200);
    const changeLink = await mailedToken(wanted, 'verify-email', { subject: /new email address/ });
    await requestReset(email);
    const resetLink = await mailedToken(email, 'reset-password', { subject: /Reset/ });

    expect((await http.post('/v1/me/delete', { password: PASSWORD }, session.access_token)).status).toBe(202);

    // The deletion took the links with it (they named addresses the tombstone must not keep).
    await expectProblem(await confirm(resetLink), 404, 'reset_token_not_found');
    await expectProblem(await http.post('/v1/auth/verify-email', { token: verifyLink }), 404, 'verification_token_not_found');
    await expectProblem(await http.post('/v1/auth/verify-email', { token: changeLink }), 404, 'verification_token_not_found');
    // Whoever owns the address the deleted account wanted can have it.
    await http.register(wanted);
  });
});

describe('an account pre-registered with someone else\'s address', () => {
  const newKey = async (accessToken: string): Promise<string> => {
    const created = await http.post('/v1/api-keys', { name: 'left behind', scopes: ['read'] }, accessToken);
    expect(created.status).toBe(201);
    return ((await created.json()) as { secret: string }).secret;
  };

  test("the owner's first reset ends the registrant's API keys too; a reset of a confirmed account keeps its keys", async () => {
    // Mallory registers Ada's address (never confirmed) and leaves an API key behind.
    const adas = await http.register();
    const mallorysKey = await newKey((await http.signIn(adas)).access_token);
    expect((await http.call('GET', '/v1/files', undefined, mallorysKey)).status).toBe(200);
    await requestReset(adas);
    expect((await confirm(await mailedToken(adas, 'reset-password', { subject: /Reset/ }))).status).toBe(200);
    await expectProblem(await http.call('GET', '/v1/files', undefined, mallorysKey), 401, 'invalid_token');

    // An owner who forgot the password of a confirmed account keeps the keys their scripts use.
    const confirmed = await http.register();
    expect((await http.post('/v1/auth/verify-email', { token: await mailedToken(confirmed, 'verify-email', { subject: /Confirm your email/ }) })).status).toBe(200);
    const scriptsKey = await newKey((await http.signIn(confirmed)).access_token);
    await requestReset(confirmed);
    expect((await confirm(await mailedToken(confirmed, 'reset-password', { subject: /Reset/ }))).status).toBe(200);
    expect((await http.call('GET', '/v1/files', undefined, scriptsKey)).status).toBe(200);
  });
});
