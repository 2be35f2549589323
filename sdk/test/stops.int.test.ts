// Uploads that stop before they finish, against the real API with the embedded store and with
// versitygw: paused or stalled uploads stay pending and resume; resuming with other bytes of the
// same size is refused instead of storing a mix of two files (issue 19).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, Baketsu, TimeoutError, UploadDataError, type UploadTask } from '../src/index.node.js';
import { download, SMALL_MULTIPART, STORES, useSdkTestApi } from './support/api.js';
import { bytesOf, MIB, sha256 } from './support/data.js';

/** Storage that never answers: it reads each request's body to the end and then says nothing. */
let blackHole: { server: Server; url: string; requests: number };
beforeAll(async () => {
  const server = createServer((request) => {
    blackHole.requests++;
    request.resume();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  blackHole = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests: 0 };
});
afterAll(async () => {
  blackHole.server.closeAllConnections();
  await new Promise((resolve) => blackHole.server.close(resolve));
});

/** Three 5 MiB parts (the last 5 bytes): `data`, and `other` that differs in one byte of part 1. */
const SIZE = 10 * MIB + 5;

describe.each(STORES)('stopped uploads with the %s store', (store) => {
  const shared = useSdkTestApi(store, { env: SMALL_MULTIPART });

  /** A client whose PUTs go through `route`; every other request goes to the real API. */
  const clientWith = (route: (put: number, input: RequestInfo | URL, init: RequestInit) => Promise<Response>) => {
    let puts = 0;
    const fetching: typeof fetch = (input, init = {}) => (init.method === 'PUT' ? route(++puts, input, init) : fetch(input, init));
    return new Baketsu({ baseUrl: shared.api.api.url, apiKey: shared.api.apiKey }, { fetch: fetching });
  };

  /** Starts uploading `data` one part at a time and pauses once storage holds the first part. */
  async function pausedAfterFirstPart(data: Uint8Array, sha256?: true): Promise<string> {
    let task!: UploadTask;
    const client = clientWith(async (_put, input, init) => {
      const response = await fetch(input, init);
      task.pause();
      return response;
    });
    task = client.files.upload(data, { name: `paused-${crypto.randomUUID()}.bin`, concurrency: 1, ...(sha256 ? { sha256 } : {}) });
    const error = await task.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'paused', uploadId: task.uploadId });
    const upload = await shared.api.client.uploads.get(task.uploadId!);
    expect(upload).toMatchObject({ status: 'pending', part_count: 3 });
    expect(upload.parts?.map((part) => part.part_number)).toEqual([1]);
    return task.uploadId!;
  }

  it('a paused upload stays pending; resuming with other bytes of the same size is refused, with the right ones completes', async () => {
    const data = bytesOf(SIZE);
    const other = data.slice();
    other[3] = other[3]! ^ 0xff;
    const uploadId = await pausedAfterFirstPart(data);

    const refused = await shared.api.client.uploads.resume(uploadId, other).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UploadDataError);
    expect(refused).toMatchObject({ code: 'part_mismatch', uploadId });
    expect((await shared.api.client.uploads.get(uploadId)).status).toBe('pending');

    const file = await shared.api.client.uploads.resume(uploadId, new Blob([data]));
    expect(sha256(await download(shared.api.client, file.id))).toBe(sha256(data));
  });

  it('with a declared SHA-256, the API reports it and a resume checks the data against it', async () => {
    const data = bytesOf(SIZE);
    const other = data.slice();
    other[3] = other[3]! ^ 0xff;
    const uploadId = await pausedAfterFirstPart(data, true);
    expect((await shared.api.client.uploads.get(uploadId)).sha256).toBe(sha256(data));

    // Part 1's MD5 differs, and the data is not what the upload declared either.
    const refused = await shared.api.client.uploads.resume(uploadId, other).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'UploadDataError', code: 'sha256_mismatch', uploadId });
    const file = await shared.api.client.uploads.resume(uploadId, data);
    expect(sha256(await download(shared.api.client, file.id))).toBe(sha256(data));
  });

  it('a part PUT storage never answers is given up after stallTimeout; the upload stays pending and resumes', async () => {
    const data = bytesOf(SIZE);
    const seenBefore = blackHole.requests;
    // The second part goes to storage that takes it and never answers.
    const client = clientWith((put, input, init) => fetch(put === 2 ? blackHole.url : input, init));
    const task = client.files.upload(data, { name: 'stalled.bin', concurrency: 1, maxRetries: 0, stallTimeout: 500 });
    const error = await task.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'stalled', uploadId: task.uploadId });
    expect(blackHole.requests).toBe(seenBefore + 1);
    expect((await shared.api.client.uploads.get(task.uploadId!)).status).toBe('pending');

    const file = await shared.api.client.uploads.resume(task.uploadId!, data);
    expect(sha256(await download(shared.api.client, file.id))).toBe(sha256(data));
  });
});
