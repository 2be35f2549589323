import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { expectProblem, publicDownload, share } from './testing/share-test-kit.js';

describe('share links and tenant isolation', () => {
  let api: TestApi;
  let alice: Client;
  let mallory: Client;
  let file: { id: string };
  let link: { id: string; token: string };

  beforeAll(async () => {
    api = await startTestApi();
    alice = await signUp(api.url);
    mallory = await signUp(api.url);
    file = await uploadFile(alice, 'alice-only.txt', 'mine');
    link = await share(alice, file.id, { max_downloads: 5 });
  });
  afterAll(() => api?.stop());

  test('no link can be made to another account\'s file, with a token or an API key', async () => {
    expectProblem(await mallory.call('POST', `/v1/files/${file.id}/shares`, {}), 404, 'file_not_found');
    const key = await mallory.call('POST', '/v1/api-keys', { name: 'app', scopes: ['read', 'write', 'delete'] });
    const withKey = await fetch(`${api.url}/v1/files/${file.id}/shares`, { method: 'POST', headers: { authorization: `Bearer ${key.body.secret}` } });
    expect(withKey.status).toBe(404);
    expect((await alice.call('GET', `/v1/shares?file_id=${file.id}`)).body.items).toHaveLength(1);
  });

  test('another account cannot read, list or revoke a link', async () => {
    expectProblem(await mallory.call('GET', `/v1/shares/${link.id}`), 404, 'share_not_found');
    expectProblem(await mallory.call('DELETE', `/v1/shares/${link.id}`), 404, 'share_not_found');
    expect((await mallory.call('GET', '/v1/shares')).body.items).toEqual([]);
    expect((await mallory.call('GET', `/v1/shares?file_id=${file.id}`)).body.items).toEqual([]);
    await share(alice, file.id);
    const pageOne = await alice.call('GET', '/v1/shares?limit=1');
    expect(pageOne.body.next_cursor).toBeDefined();
    expect((await mallory.call('GET', `/v1/shares?cursor=${pageOne.body.next_cursor}`)).body.items).toEqual([]);
    // Untouched:
    const read = await alice.call('GET', `/v1/shares/${link.id}`);
    expect(read.body).toMatchObject({ status: 'active', revoked_at: null });
    expect((await publicDownload(api.url, link.token)).status).toBe(200);
  });

  test('a link serves only its own file, counted for its owner', async () => {
    const malloryFile = await uploadFile(mallory, 'mallory.txt', 'hers');
    const mallorysLink = await share(mallory, malloryFile.id);
    const download = await publicDownload(api.url, mallorysLink.token);
    expect(await (await fetch(download.body.url)).text()).toBe('hers');
    expect((await mallory.call('GET', `/v1/shares/${mallorysLink.id}`)).body.download_count).toBe(1);
    expect((await alice.call('GET', `/v1/shares/${link.id}`)).body.download_count).toBe(1);
  });
});
