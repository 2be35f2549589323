// The shares resource against a real API: files.share, shares.list/get/revoke, and the public side
// of a link (getPublic, downloadPublic), which sends no credentials even from a signed-in client.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Baketsu, GoneError, NotFoundError, PermissionError, RateLimitError, type BaketsuFile, type Share } from '../src/index.node.js';
import { startSdkTestApi, type SdkTestApi } from './support/api.js';

let t: SdkTestApi;
let file: BaketsuFile;
let anonymous: Baketsu;
beforeAll(async () => {
  t = await startSdkTestApi('local', { env: { SHARE_PASSWORD_LIMIT_PER_LINK: '2' } });
  file = await t.client.files.upload(new TextEncoder().encode('shared bytes'), { name: 'shared.txt', contentType: 'text/plain' });
  anonymous = new Baketsu({ baseUrl: t.api.url });
});
afterAll(async () => t?.stop());

it('shares a file, downloads it through the link with no account, and reads the counts back', async () => {
  const link = await t.client.files.share(file.id, { max_downloads: 2 });
  expect(link.token).toMatch(/^[\w-]{43}$/);
  expect(link.url.endsWith(`/s/${link.token}`)).toBe(true);

  expect(await anonymous.shares.getPublic(link.token)).toMatchObject({ name: 'shared.txt', size: 12, password_required: false, downloads_remaining: 2 });
  const download = await anonymous.shares.downloadPublic(link.token);
  expect(await (await fetch(download.url)).text()).toBe('shared bytes');
  // A signed-in client reaches the public side too, and does not send its key there.
  await t.client.shares.downloadPublic(link.token);
  await expect(anonymous.shares.downloadPublic(link.token)).rejects.toMatchObject({ constructor: GoneError, status: 410, code: 'share_exhausted' });

  const read: Share = await t.client.shares.get(link.id);
  expect(read).toMatchObject({ status: 'exhausted', download_count: 2, bytes_served: 24, downloads_remaining: 0 });
  expect('token' in read).toBe(false);
});

it('lists links page by page, filters by file, and revokes', async () => {
  const other = await t.client.files.upload(new TextEncoder().encode('x'), { name: 'x.txt', contentType: 'text/plain' });
  const made = [await t.client.files.share(other.id), await t.client.files.share(other.id), await t.client.files.share(other.id)];
  const ids: string[] = [];
  for await (const share of t.client.shares.list({ file_id: other.id, limit: 2 })) ids.push(share.id);
  expect(ids).toEqual(made.map((s) => s.id).reverse());

  await t.client.shares.revoke(made[0]!.id);
  expect((await t.client.shares.get(made[0]!.id)).status).toBe('revoked');
  await expect(anonymous.shares.getPublic(made[0]!.token)).rejects.toMatchObject({ code: 'share_revoked', status: 410 });
  await expect(t.client.shares.get('0190a0a0-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  await expect(anonymous.shares.getPublic('no-such-token')).rejects.toBeInstanceOf(NotFoundError);
});

it('asks for the password, refuses a wrong one, and stops guessing without retrying', async () => {
  const link = await t.client.files.share(file.id, { password: 'a long enough password' });
  expect(await anonymous.shares.getPublic(link.token)).toEqual({ type: 'file', password_required: true, expires_at: null, downloads_remaining: null });
  await expect(anonymous.shares.downloadPublic(link.token)).rejects.toMatchObject({ constructor: PermissionError, code: 'share_password_required' });
  for (let i = 0; i < 2; i++) {
    await expect(anonymous.shares.downloadPublic(link.token, { password: 'guess' })).rejects.toMatchObject({ code: 'share_password_incorrect' });
  }
  const limited = await anonymous.shares.downloadPublic(link.token, { password: 'a long enough password' }).catch((error: unknown) => error);
  expect(limited).toBeInstanceOf(RateLimitError);
  expect((limited as RateLimitError).retryAfter).toBeGreaterThan(0);
});

it('shares a folder: lists its files at any depth, downloads one by id, refuses one outside it', async () => {
  const inside = await t.client.files.upload(new TextEncoder().encode('inside bytes'), { name: 'album/2026/inside.txt', contentType: 'text/plain' });
  const outside = await t.client.files.upload(new TextEncoder().encode('outside bytes'), { name: 'elsewhere.txt', contentType: 'text/plain' });
  const album = await t.client.folders.getByPath('album');
  const link = await t.client.folders.share(album.id, { max_downloads: 3 });
  expect(link.target).toMatchObject({ type: 'folder', id: album.id, name: 'album' });

  expect(await anonymous.shares.getPublic(link.token)).toMatchObject({ type: 'folder', name: 'album', password_required: false });
  const files = [];
  for await (const shared of anonymous.shares.listPublicFiles(link.token, { limit: 1 })) files.push(shared);
  expect(files).toEqual([expect.objectContaining({ id: inside.id, path: '2026/inside.txt', name: 'inside.txt' })]);

  const download = await anonymous.shares.downloadPublic(link.token, { file_id: inside.id });
  expect(await (await fetch(download.url)).text()).toBe('inside bytes');
  await expect(anonymous.shares.downloadPublic(link.token, { file_id: outside.id })).rejects.toMatchObject({ constructor: NotFoundError, code: 'file_not_found' });
  expect(await t.client.shares.get(link.id)).toMatchObject({ download_count: 1, bytes_served: 12 });
});
