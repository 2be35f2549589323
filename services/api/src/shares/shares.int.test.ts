import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sha256Hex, signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { expectProblem, publicDownload, publicShare, share } from './testing/share-test-kit.js';

// One API whose clock the tests move forward, to expire links without waiting.
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let api: TestApi;
let alice: Client;
let file: { id: string; name: string; size: number };
let doomed: { id: string };
let other: { id: string };

beforeAll(async () => {
  api = await startTestApi({ clock, env: { DASHBOARD_URL: 'https://dash.example.test/app' } });
  alice = await signUp(api.url);
  file = await uploadFile(alice, 'report.pdf', 'the quarterly numbers', 'application/pdf');
  // Uploaded before any test moves the clock: with the clock moved, the API's storage
  // reconciliation can adopt a fresh upload between its PUT and its complete (complete answers 200).
  doomed = await uploadFile(alice, 'doomed.txt', 'soon gone');
  other = await uploadFile(alice, 'other.txt', '12345');
});
afterAll(() => api?.stop());

describe('making a link', () => {
  test('answers the token once, a dashboard URL for it, and keeps only its hash', async () => {
    const created = await alice.call('POST', `/v1/files/${file.id}/shares`, { max_downloads: 3 });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/shares/${created.body.id}`);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body.url).toBe(`https://dash.example.test/app/s/${created.body.token}`);
    expect(created.body).toMatchObject({
      target: { type: 'file', id: file.id, name: 'report.pdf', size: file.size },
      status: 'active',
      password_protected: false,
      expires_at: null,
      max_downloads: 3,
      download_count: 0,
      downloads_remaining: 3,
      bytes_served: 0,
      last_download_at: null,
      revoked_at: null,
    });
    const read = await alice.call('GET', `/v1/shares/${created.body.id}`);
    expect(read.body.token).toBeUndefined();
    expect(read.body.url).toBeUndefined();
    const stored = await api.database.pool.one(sql.unsafe`select encode(token_hash, 'hex') as hash, password_hash from shares where id = ${created.body.id}`);
    expect(stored.hash).toBe(sha256Hex(created.body.token));
    expect(stored.password_hash).toBeNull();
  });

  test('two links to one file get unrelated tokens', async () => {
    const [a, b] = [await share(alice, file.id), await share(alice, file.id)];
    expect(a.token).not.toBe(b.token);
    expect(a.token).not.toContain(file.id.replaceAll('-', ''));
  });

  test('with no body at all', async () => {
    const response = await fetch(`${api.url}/v1/files/${file.id}/shares`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` } });
    expect(response.status).toBe(201);
  });

  test.each([
    ['an expiry that is no date', { expires_at: 'tomorrow' }, 'validation_failed'],
    ['a short password', { password: 'short' }, 'weak_password'],
    ['a blank password', { password: '         ' }, 'weak_password'],
    ['no downloads allowed', { max_downloads: 0 }, 'validation_failed'],
    ['a fractional limit', { max_downloads: 1.5 }, 'validation_failed'],
    ['an unknown option', { public: true }, 'validation_failed'],
  ])('refuses %s', async (_label, body, code) => {
    expectProblem(await alice.call('POST', `/v1/files/${file.id}/shares`, body), 400, code);
  });

  // A well-formed date-time the link cannot take is 422: the request is valid, its meaning is not.
  test.each([
    ['an expiry in the past', { expires_at: '2001-01-01T00:00:00Z' }],
    ['an expiry over a year ahead', { expires_at: new Date(Date.now() + 400 * 86_400_000).toISOString() }],
  ])('refuses %s as unprocessable', async (_label, body) => {
    expectProblem(await alice.call('POST', `/v1/files/${file.id}/shares`, body), 422, 'invalid_share_expiry');
  });

  test('refuses a file that does not exist, and an id that is no uuid', async () => {
    expectProblem(await alice.call('POST', '/v1/files/0190a0a0-0000-7000-8000-000000000000/shares', {}), 404, 'file_not_found');
    expectProblem(await alice.call('POST', '/v1/files/nope/shares', {}), 400, 'validation_failed');
  });

  test('needs credentials, and the write scope', async () => {
    const anonymous = await fetch(`${api.url}/v1/files/${file.id}/shares`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const key = await alice.call('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
    const withKey = await fetch(`${api.url}/v1/files/${file.id}/shares`, { method: 'POST', headers: { authorization: `Bearer ${key.body.secret}` } });
    expect(withKey.status).toBe(403);
    expect(((await withKey.json()) as { code: string }).code).toBe('insufficient_scope');
  });
});

describe('every state of a link', () => {
  test('valid: the public side shows the file and hands out its bytes', async () => {
    const link = await share(alice, file.id);
    const shown = await publicShare(api.url, link.token);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.body).toEqual({
      type: 'file', password_required: false, name: 'report.pdf', size: file.size, content_type: 'application/pdf', expires_at: null, downloads_remaining: null,
    });
    const download = await publicDownload(api.url, link.token);
    expect(download.status).toBe(200);
    expect(download.body).toMatchObject({ method: 'GET', name: 'report.pdf', size: file.size, content_type: 'application/pdf' });
    expect(await (await fetch(download.body.url)).text()).toBe('the quarterly numbers');
  });

  test('expired: 410 share_expired on both public endpoints, and so in the owner\'s list', async () => {
    const link = await share(alice, file.id, { expires_at: new Date(clock.now().getTime() + 60_000).toISOString() });
    expect((await publicShare(api.url, link.token)).status).toBe(200);
    offsetMs += 61_000;
    expectProblem(await publicShare(api.url, link.token), 410, 'share_expired');
    expectProblem(await publicDownload(api.url, link.token), 410, 'share_expired');
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.status).toBe('expired');
  });

  test('revoked: stops at once; revoking again changes nothing', async () => {
    const link = await share(alice, file.id);
    expect((await publicDownload(api.url, link.token)).status).toBe(200);
    expect((await alice.call('DELETE', `/v1/shares/${link.id}`)).status).toBe(204);
    expectProblem(await publicShare(api.url, link.token), 410, 'share_revoked');
    expectProblem(await publicDownload(api.url, link.token), 410, 'share_revoked');
    const first = (await alice.call('GET', `/v1/shares/${link.id}`)).body;
    expect(first).toMatchObject({ status: 'revoked', download_count: 1 });
    offsetMs += 1000;
    expect((await alice.call('DELETE', `/v1/shares/${link.id}`)).status).toBe(204);
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.revoked_at).toBe(first.revoked_at);
  });

  test('exhausted: after its last download, never another', async () => {
    const link = await share(alice, file.id, { max_downloads: 2 });
    expect((await publicDownload(api.url, link.token)).status).toBe(200);
    expect((await publicShare(api.url, link.token)).body.downloads_remaining).toBe(1);
    expect((await publicDownload(api.url, link.token)).status).toBe(200);
    expectProblem(await publicShare(api.url, link.token), 410, 'share_exhausted');
    expectProblem(await publicDownload(api.url, link.token), 410, 'share_exhausted');
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body).toMatchObject({ status: 'exhausted', download_count: 2, downloads_remaining: 0 });
  });

  test('a deleted file: its links stop working', async () => {
    const link = await share(alice, doomed.id);
    expect((await alice.call('DELETE', `/v1/files/${doomed.id}`)).status).toBe(204);
    expectProblem(await publicShare(api.url, link.token), 410, 'share_target_deleted');
    expectProblem(await publicDownload(api.url, link.token), 410, 'share_target_deleted');
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.status).toBe('target_deleted');
    expectProblem(await alice.call('POST', `/v1/files/${doomed.id}/shares`, {}), 404, 'file_not_found');
  });

  test('unknown: any token that was never made is 404, whatever its shape', async () => {
    for (const token of ['x', 'A'.repeat(43), 'a%20b', '../../v1/me', 'é'.repeat(20)]) {
      expectProblem(await publicShare(api.url, token), 404, 'share_not_found');
      expectProblem(await publicDownload(api.url, token), 404, 'share_not_found');
    }
    expectProblem(await publicShare(api.url, 'A'.repeat(129)), 400, 'validation_failed');
  });
});

describe('the owner\'s list', () => {
  test('newest first, in pages, with what each link served', async () => {
    const links = [];
    for (let i = 0; i < 3; i++) links.push(await share(alice, other.id));
    await publicDownload(api.url, links[1]!.token);
    await publicDownload(api.url, links[1]!.token);
    const first = await alice.call('GET', `/v1/shares?file_id=${other.id}&limit=2`);
    expect(first.body.items.map((s: { id: string }) => s.id)).toEqual([links[2]!.id, links[1]!.id]);
    expect(first.body.items[1]).toMatchObject({ download_count: 2, bytes_served: 10 });
    expect(first.body.items[1].last_download_at).not.toBeNull();
    const second = await alice.call('GET', `/v1/shares?file_id=${other.id}&limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.items.map((s: { id: string }) => s.id)).toEqual([links[0]!.id]);
    expect(second.body.next_cursor).toBeUndefined();
    const all = await alice.call('GET', '/v1/shares?limit=200');
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);
  });

  test('refuses a forged cursor and an unknown id', async () => {
    expectProblem(await alice.call('GET', '/v1/shares?cursor=bm9wZQ'), 400, 'invalid_cursor');
    expectProblem(await alice.call('GET', '/v1/shares?limit=0'), 400, 'validation_failed');
    expectProblem(await alice.call('GET', '/v1/shares/0190a0a0-0000-7000-8000-000000000000'), 404, 'share_not_found');
    expectProblem(await alice.call('DELETE', '/v1/shares/0190a0a0-0000-7000-8000-000000000000'), 404, 'share_not_found');
  });
});
