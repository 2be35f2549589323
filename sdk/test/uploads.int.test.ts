// files.upload against the real API, once with the embedded local store and once with versitygw.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, Baketsu, NotFoundError, PermissionError, UploadDataError, ValidationError, type UploadProgress } from '../src/index.node.js';
import { download, SMALL_MULTIPART, STORES, useSdkTestApi } from './support/api.js';
import { bytesOf, MIB, randomFile, sha256, sha256OfUrl } from './support/data.js';

/** Asserts the onProgress contract: monotonic, no gap above 1 MiB, ends at loaded === total. */
function expectWellFormedProgress(events: UploadProgress[], total: number) {
  expect(events.length).toBeGreaterThan(0);
  expect(events.every((e) => e.total === total)).toBe(true);
  for (let i = 1; i < events.length; i++) {
    expect(events[i]!.loaded).toBeGreaterThan(events[i - 1]!.loaded);
    expect(events[i]!.loaded - events[i - 1]!.loaded).toBeLessThanOrEqual(MIB);
  }
  expect(events[0]!.loaded).toBeLessThanOrEqual(MIB);
  expect(events.at(-1)!.loaded).toBe(total);
}

describe.each(STORES)('uploads with the %s store', (store) => {
  const shared = useSdkTestApi(store, { env: SMALL_MULTIPART });

  it('uploads 1 byte', async () => {
    const file = await shared.api.client.files.upload(new Uint8Array([42]), { name: 'one.bin' });
    expect(file.size).toBe(1);
    expect([...(await download(shared.api.client, file.id))]).toEqual([42]);
  });

  it('uploads 5 MiB as a Blob with a single PUT, with progress', async () => {
    const data = bytesOf(5 * MIB);
    const events: UploadProgress[] = [];
    let type: string | undefined;
    const file = await shared.api.client.files.upload(new Blob([data], { type: 'image/png; charset=binary' }), {
      name: 'five.png',
      onStart: (upload) => (type = upload.type),
      onProgress: (p) => events.push(p),
    });
    expect(type).toBe('single');
    expect(file).toMatchObject({ name: 'five.png', size: 5 * MIB, content_type: 'image/png' });
    expectWellFormedProgress(events, 5 * MIB);
    expect(sha256(await download(shared.api.client, file.id))).toBe(sha256(data));
  });

  it('uploads a 12 MiB file path in parallel parts, streamed by range, with progress', async () => {
    const { path, sha256: expected } = await randomFile(12 * MIB + 123, 'large.bin');
    const events: UploadProgress[] = [];
    let start: { type: string; partCount?: number | undefined } | undefined;
    const file = await shared.api.client.files.upload(path, { onStart: (s) => (start = s), onProgress: (p) => events.push(p), concurrency: 3 });
    expect(start).toMatchObject({ type: 'multipart', partCount: 3 });
    expect(file).toMatchObject({ name: 'large.bin', size: 12 * MIB + 123 });
    expectWellFormedProgress(events, 12 * MIB + 123);
    const { url } = await shared.api.client.files.downloadUrl(file.id);
    expect(await sha256OfUrl(url)).toEqual({ sha256: expected, size: 12 * MIB + 123 });
  });

  it('uploads in parts of the size the caller chose', async () => {
    const data = bytesOf(11 * MIB + 17);
    const starts: Array<{ type: string; partSize?: number | undefined; partCount?: number | undefined }> = [];
    const five = await shared.api.client.files.upload(data, { name: 'five-mib-parts.bin', partSize: 5 * MIB, onStart: (s) => starts.push(s) });
    const six = await shared.api.client.files.upload(data, { name: 'six-mib-parts.bin', partSize: 6 * MIB, onStart: (s) => starts.push(s) });
    expect(starts).toMatchObject([
      { type: 'multipart', partSize: 5 * MIB, partCount: 3 },
      { type: 'multipart', partSize: 6 * MIB, partCount: 2 },
    ]);
    for (const file of [five, six]) expect(sha256(await download(shared.api.client, file.id))).toBe(sha256(data));
    await expect(shared.api.client.files.upload(data, { name: 'tiny-parts.bin', partSize: MIB })).rejects.toThrow(TypeError);
  });

  it('uploads a web ReadableStream of declared size and a Node Readable of unknown size', async () => {
    const data = bytesOf(11 * MIB);
    const web = Readable.toWeb(Readable.from([data.subarray(0, 3 * MIB), data.subarray(3 * MIB)])) as ReadableStream<Uint8Array>;
    const fromWeb = await shared.api.client.files.upload(web, { name: 'web.bin', size: data.length, contentType: 'application/x-test' });
    const fromNode = await shared.api.client.files.upload(Readable.from([data.subarray(0, 1), data.subarray(1)]), { name: 'node.bin' });
    for (const file of [fromWeb, fromNode]) expect(sha256(await download(shared.api.client, file.id))).toBe(sha256(data));
    expect(fromWeb.content_type).toBe('application/x-test');
  });

  it('refuses a stream shorter than its declared size with an UploadDataError, and aborts its upload', async () => {
    const error = await shared.api.client.files.upload(Readable.from([bytesOf(6 * MIB)]), { name: 'short.bin', size: 11 * MIB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadDataError);
    expect(error).toMatchObject({ code: 'data_too_short', uploadId: expect.any(String) });
    expect((await shared.api.client.uploads.get((error as UploadDataError).uploadId!)).status).toBe('aborted');
  });

  it('sends a computed SHA-256 that storage checks', async () => {
    const data = bytesOf(300_000);
    const { path } = await randomFile(300_000);
    const file = await shared.api.client.files.upload(path, { name: 'hashed.bin', sha256: true });
    const wrong = await shared.api.client.files.upload(data, { name: 'wrong.bin', sha256: sha256(bytesOf(10)) }).catch((e: unknown) => e);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(wrong).toMatchObject({ name: 'StorageError', status: 400 });
  });

  it('aborts: the signal stops the parts, the upload is aborted on the server, and the AbortError says so', async () => {
    const controller = new AbortController();
    let uploadId = '';
    const data = new Blob([bytesOf(16 * MIB)]);
    const result = shared.api.client.files.upload(data, {
      name: 'aborted.bin',
      concurrency: 1,
      onStart: (s) => (uploadId = s.uploadId),
      onProgress: (p) => p.loaded > 2 * MIB && controller.abort(new Error('user cancelled')),
      signal: controller.signal,
    });
    await expect(result).rejects.toMatchObject({ name: 'AbortError', code: 'aborted', uploadId: expect.any(String), message: expect.stringContaining('user cancelled') });
    const upload = await shared.api.client.uploads.get(uploadId);
    expect(upload.status).toBe('aborted');
    await expect(shared.api.client.uploads.resume(uploadId, data)).rejects.toMatchObject({ code: 'upload_not_pending' });
  });

  it('re-signs a single upload step by step: presign, fresh URL, PUT, complete', async () => {
    const uploads = shared.api.client.uploads;
    const body = new TextEncoder().encode('sent with the second URL');
    const presigned = await uploads.presign({ name: 'late.txt', size: body.length, content_type: 'text/plain' });
    const fresh = await uploads.url(presigned.upload_id);
    expect(fresh).toMatchObject({ upload_id: presigned.upload_id, method: 'PUT' });
    expect((await fetch(fresh.url, { method: 'PUT', headers: fresh.headers, body })).ok).toBe(true);
    const file = await uploads.complete(presigned.upload_id);
    expect(new TextDecoder().decode(await download(shared.api.client, file.id))).toBe('sent with the second URL');
  });

  it('gives typed errors: 401 for a bad key, 403 for a missing scope, 404, 400', async () => {
    const bad = new Baketsu({ baseUrl: shared.api.api.url, apiKey: 'bk_not_a_real_key' });
    const unauthorized = await bad.files.upload(new Uint8Array([1]), { name: 'x.bin' }).catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(AuthenticationError);
    expect(unauthorized).toMatchObject({ status: 401, code: expect.stringMatching(/invalid|unauth/), requestId: expect.any(String) });

    const session = new Baketsu({ baseUrl: shared.api.api.url, accessToken: shared.api.accessToken });
    const readOnly = await session.apiKeys.create({ name: 'read only', scopes: ['read'] });
    const reader = new Baketsu({ baseUrl: shared.api.api.url, apiKey: readOnly.secret });
    await expect(reader.files.upload(new Uint8Array([1]), { name: 'x.bin' })).rejects.toBeInstanceOf(PermissionError);
    await expect(shared.api.client.files.get('01900000-0000-7000-8000-000000000000')).rejects.toMatchObject({ constructor: NotFoundError, code: 'file_not_found' });
    // A name may be a path now; an empty segment is still refused.
    const invalid = await shared.api.client.files.upload(new Uint8Array([1]), { name: 'a//b' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).problem?.status).toBe(400);
  });
});
