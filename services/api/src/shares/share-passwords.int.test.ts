import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { expectProblem, publicDownload, publicShare, share } from './testing/share-test-kit.js';

const PASSWORD = 'open sesame 42';

describe('a link with a password', () => {
  let api: TestApi;
  let alice: Client;
  let file: { id: string };

  beforeAll(async () => {
    api = await startTestApi();
    alice = await signUp(api.url);
    file = await uploadFile(alice, 'secret-plans.txt', 'the plans');
  });
  afterAll(() => api?.stop());

  test('keeps a bcrypt hash, shows nothing about the file before the password, and serves it after', async () => {
    const link = await share(alice, file.id, { password: PASSWORD });
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.password_protected).toBe(true);
    const hash = await api.database.pool.oneFirst(sql.unsafe`select password_hash from shares where id = ${link.id}`);
    expect(hash).toMatch(/^\$2[aby]\$04\$/);

    const shown = await publicShare(api.url, link.token);
    expect(shown.body).toEqual({ type: 'file', password_required: true, expires_at: null, downloads_remaining: null });

    expectProblem(await publicDownload(api.url, link.token), 403, 'share_password_required');
    expectProblem(await publicDownload(api.url, link.token, {}), 403, 'share_password_required');
    const wrong = await publicDownload(api.url, link.token, { password: 'open sesame 43' });
    expectProblem(wrong, 403, 'share_password_incorrect');
    expect(JSON.stringify(wrong.body)).not.toContain('the plans');

    const right = await publicDownload(api.url, link.token, { password: PASSWORD });
    expect(right.status).toBe(200);
    expect(right.body.name).toBe('secret-plans.txt');
    expect(await (await fetch(right.body.url)).text()).toBe('the plans');
    // Only the download that got through counts.
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.download_count).toBe(1);
  });

  test('a link that no longer works says so before it asks for the password', async () => {
    const link = await share(alice, file.id, { password: PASSWORD });
    await alice.call('DELETE', `/v1/shares/${link.id}`);
    expectProblem(await publicShare(api.url, link.token), 410, 'share_revoked');
    expectProblem(await publicDownload(api.url, link.token, { password: PASSWORD }), 410, 'share_revoked');
  });

  test('refuses a password that is not a string or too long', async () => {
    const link = await share(alice, file.id, { password: PASSWORD });
    expectProblem(await publicDownload(api.url, link.token, { password: 42 } as never), 400, 'validation_failed');
    expectProblem(await publicDownload(api.url, link.token, { password: 'x'.repeat(257) }), 400, 'validation_failed');
  });
});

describe('password attempts are limited', () => {
  let api: TestApi;
  let alice: Client;
  let file: { id: string };

  beforeAll(async () => {
    // Behind a trusted proxy, so each test can speak from its own address.
    api = await startTestApi({ env: { SHARE_PASSWORD_LIMIT_PER_LINK: '3', SHARE_PASSWORD_LIMIT_PER_IP: '5', TRUST_PROXY: 'true' } });
    alice = await signUp(api.url);
    file = await uploadFile(alice, 'vault.txt', 'gold');
  });
  afterAll(() => api?.stop());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  test('per link: after three wrong passwords from anywhere, even the right one waits', async () => {
    const link = await share(alice, file.id, { password: PASSWORD });
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      expectProblem(await publicDownload(api.url, link.token, { password: 'guess guess' }, from(ip)), 403, 'share_password_incorrect');
    }
    const limited = await publicDownload(api.url, link.token, { password: PASSWORD }, from('198.51.100.4'));
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.download_count).toBe(0);
    // Another link's attempts are its own.
    const other = await share(alice, file.id, { password: PASSWORD });
    expect((await publicDownload(api.url, other.token, { password: PASSWORD }, from('198.51.100.5'))).status).toBe(200);
  });

  test('per link, under a burst: of twelve concurrent guesses from twelve addresses, three are checked', async () => {
    const link = await share(alice, file.id, { password: PASSWORD });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => publicDownload(api.url, link.token, { password: `guess number ${i}` }, from(`198.51.100.${100 + i}`))),
    );
    expect(answers.filter((a) => a.status === 403)).toHaveLength(3);
    for (const limited of answers.filter((a) => a.status !== 403)) expectProblem(limited, 429, 'rate_limited');
  });

  test('a right password clears the link\'s failures', async () => {
    const link = await share(alice, file.id, { password: PASSWORD });
    const ip = from('198.51.100.20');
    for (let i = 0; i < 2; i++) await publicDownload(api.url, link.token, { password: 'typo typo' }, ip);
    expect((await publicDownload(api.url, link.token, { password: PASSWORD }, from('198.51.100.21'))).status).toBe(200);
    for (let i = 0; i < 2; i++) await publicDownload(api.url, link.token, { password: 'typo typo' }, from('198.51.100.22'));
    expect((await publicDownload(api.url, link.token, { password: PASSWORD }, from('198.51.100.23'))).status).toBe(200);
  });

  test('per address: five attempts on any links, then 429 on every link', async () => {
    const links = await Promise.all(Array.from({ length: 3 }, () => share(alice, file.id, { password: PASSWORD })));
    const ip = from('203.0.113.9');
    const attempts = [links[0], links[0], links[1], links[1], links[2]];
    for (const link of attempts) expect((await publicDownload(api.url, link!.token, { password: 'wrong one!' }, ip)).status).toBe(403);
    expectProblem(await publicDownload(api.url, links[2]!.token, { password: PASSWORD }, ip), 429, 'rate_limited');
    // The link itself is not locked for others.
    expect((await publicDownload(api.url, links[2]!.token, { password: PASSWORD }, from('203.0.113.10'))).status).toBe(200);
  });

  test('links without a password are never limited', async () => {
    const link = await share(alice, file.id);
    const ip = from('203.0.113.50');
    for (let i = 0; i < 8; i++) expect((await publicDownload(api.url, link.token, undefined, ip)).status).toBe(200);
  });

  test('the counters live in PostgreSQL, under the link\'s id, never its token', async () => {
    const keys = await api.database.pool.anyFirst(sql.unsafe`select key from share_rate_limits order by key`);
    expect(keys.some((key) => String(key).startsWith('share-link:'))).toBe(true);
    expect(keys.some((key) => String(key) === 'share-ip:203.0.113.9')).toBe(true);
  });
});
