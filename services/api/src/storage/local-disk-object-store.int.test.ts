// The local disk store behind its router on a real HTTP server (ephemeral port, temp dir). No
// external services, but a disk and sockets: the integration tier.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Clock } from '@baketsu/platform/clock';
import {
  localDiskObjectStore,
  type LocalDiskNotification,
  type LocalDiskOptions,
} from '#src/storage/local-disk-object-store.js';
import { localDiskRouter } from '#src/storage/local-disk-router.js';
import { objectStoreContract, send, sha256Base64 } from '#src/storage/object-store.contract.js';
import type { ObjectStore } from '#src/storage/object-store.js';

let rootDir: string;
let server: Server;
let baseUrl: string;
let options: LocalDiskOptions;
let store: ObjectStore;
const notifications: LocalDiskNotification[] = [];
const unexpectedErrors: unknown[] = [];

beforeAll(async () => {
  rootDir = await mkdtemp(path.join(tmpdir(), 'baketsu-local-disk-'));
  options = { rootDir, signingSecret: randomBytes(32).toString('hex'), notify: (n) => notifications.push(n) };
  const app = express();
  app.use('/storage', localDiskRouter(options));
  // As in the API: a JSON body parser after the router must not see upload bodies.
  app.use(express.json());
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    unexpectedErrors.push(error);
    res.status(500).end();
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}/storage`;
  store = storeAt();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(rootDir, { recursive: true, force: true });
});

afterEach(() => {
  expect(unexpectedErrors).toEqual([]);
});

const storeAt = (clock?: Clock) => localDiskObjectStore({ ...options, baseUrl, clock });
const md5Hex = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

objectStoreContract(() => ({ store, storeAt }), {
  signature: 'X-Baketsu-Signature',
  disposition: 'response-content-disposition',
});

describe('local disk specifics', () => {
  const tmpFiles = async () => readdir(path.join(rootDir, 'tmp')).catch(() => []);
  const tmpSizes = async () => Promise.all((await tmpFiles()).map(async (name) => (await stat(path.join(rootDir, 'tmp', name))).size));

  test('refused and interrupted uploads leave no temp files', async () => {
    const key = `local/${randomUUID()}`;
    const bytes = Buffer.from('0123456789');
    const request = await store.presignPut(key, { size: 10, contentType: 'text/plain', sha256Base64: sha256Base64(bytes), expiresInSeconds: 60 });
    expect((await send(request, Buffer.alloc(10))).status).toBe(400); // bad digest, after receiving

    // A client that declares the signed length, sends part of it, then disconnects.
    const url = new URL(request.url);
    const socket = connect(Number(url.port), url.hostname);
    const closed = new Promise<void>((resolve, reject) => {
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    socket.write(
      `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
        Object.entries(request.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('') +
        'content-length: 10\r\n\r\n01234',
    );
    // Disconnect once the store holds the first five bytes in its temp file.
    await expect.poll(tmpSizes, { interval: 10, timeout: 5_000 }).toEqual([5]);
    socket.destroy();
    await closed;
    await expect.poll(tmpFiles, { interval: 10, timeout: 5_000 }).toEqual([]);
    expect(await store.headObject(key)).toBeNull();
  });

  test('uploads with a JSON content type reach the disk intact', async () => {
    const key = `local/${randomUUID()}.json`;
    const bytes = Buffer.from('{"a":1}');
    const request = await store.presignPut(key, { size: bytes.length, contentType: 'application/json', expiresInSeconds: 60 });
    expect((await send(request, bytes)).status).toBe(200);
    expect(await store.headObject(key)).toMatchObject({ size: bytes.length, sha256Base64: sha256Base64(bytes) });
  });

  test('refuses keys that could escape the store', async () => {
    for (const key of ['../etc/passwd', 'a/../../b', '/abs', 'a//b', 'a\\b', '']) {
      await expect(store.presignPut(key, { size: 1, contentType: 'text/plain', expiresInSeconds: 60 })).rejects.toThrow(/key/);
      await expect(store.headObject(key)).rejects.toThrow(/key/);
    }
    // Dots that are not a whole segment are ordinary characters.
    await expect(store.presignPut('..a/b..', { size: 1, contentType: 'text/plain', expiresInSeconds: 60 })).resolves.toBeDefined();
    const response = await fetch(`${baseUrl}/o/a/..%2F..%2F..%2Fetc%2Fpasswd?X-Baketsu-Expires=9999999999`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidArgument</Code>');
  });

  test('an expired URL gets an S3-style XML refusal', async () => {
    const past = new Date(Date.now() - 3600_000);
    const request = await storeAt({ now: () => past }).presignPut(`local/${randomUUID()}`, {
      size: 1,
      contentType: 'text/plain',
      expiresInSeconds: 60,
    });
    const response = await send(request, Buffer.from('x'));
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(response.text).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
  });

  test('a URL signed with another secret is refused', async () => {
    const other = localDiskObjectStore({ ...options, baseUrl, signingSecret: randomBytes(32).toString('hex') });
    const request = await other.presignPut(`local/${randomUUID()}`, { size: 1, contentType: 'text/plain', expiresInSeconds: 60 });
    const response = await send(request, Buffer.from('x'));
    expect(response.status).toBe(403);
    expect(response.text).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  test('a re-uploaded part replaces the earlier one', async () => {
    const key = `local/${randomUUID()}`;
    const { multipartId } = await store.createMultipartUpload(key, { contentType: 'text/plain' });
    const request = await store.presignUploadPart(key, multipartId, 1, { expiresInSeconds: 60 });
    expect((await send(request, Buffer.from('first'))).status).toBe(200);
    const second = await send(request, Buffer.from('second!'));
    expect(second.status).toBe(200);
    const parts = await store.listParts(key, multipartId);
    expect(parts).toEqual([{ partNumber: 1, size: 7, etag: second.headers.get('etag') }]);
    const files = await readdir(path.join(rootDir, 'uploads', multipartId));
    expect(files.filter((name) => name.startsWith('part.'))).toHaveLength(1); // the first is deleted
    await store.completeMultipartUpload(key, multipartId, parts);
    expect(await store.headObject(key)).toMatchObject({ size: 7, sha256Base64: sha256Base64(Buffer.from('second!')) });
    expect(await readdir(path.join(rootDir, 'uploads'))).not.toContain(multipartId);
  });

  test('bytes changed behind the store\'s back get their own checksum and ETag, not the recorded ones', async () => {
    const key = `local/${randomUUID()}`;
    const bytes = Buffer.from('original');
    const request = await store.presignPut(key, { size: bytes.length, contentType: 'text/plain', expiresInSeconds: 60 });
    expect((await send(request, bytes)).status).toBe(200);
    const before = await store.headObject(key);
    expect(before).toMatchObject({ sha256Base64: sha256Base64(bytes), etag: md5Hex(bytes) });
    expect((await store.listObjects(key, { limit: 1 })).objects[0]?.etag).toBe(md5Hex(bytes));

    const altered = Buffer.from('ORIGINAL'); // same length: only the content tells
    await writeFile(path.join(rootDir, 'objects', key), altered);
    expect(await store.headObject(key)).toMatchObject({ size: bytes.length, sha256Base64: sha256Base64(altered), etag: md5Hex(altered) });
    // A listing reads no bytes, so it has no ETag to vouch for.
    expect((await store.listObjects(key, { limit: 1 })).objects).toEqual([{ key, size: bytes.length, lastModified: expect.any(Date) }]);
  });

  test('an object whose metadata was never written (a crash) still reports its checksum', async () => {
    const key = `local/${randomUUID()}`;
    const bytes = Buffer.from('no meta');
    expect((await send(await store.presignPut(key, { size: bytes.length, contentType: 'text/plain', expiresInSeconds: 60 }), bytes)).status).toBe(200);
    await rm(path.join(rootDir, 'meta', `${key}.json`));
    expect(await store.headObject(key)).toMatchObject({ size: bytes.length, sha256Base64: sha256Base64(bytes), etag: md5Hex(bytes) });
    expect((await store.headObject(key))?.contentType).toBeUndefined();
  });

  test('notifies created and removed objects', async () => {
    const key = `local/${randomUUID()}`;
    const request = await store.presignPut(key, { size: 3, contentType: 'text/plain', expiresInSeconds: 60 });
    expect((await send(request, Buffer.from('abc'))).status).toBe(200);
    await store.deleteObject(key);
    await store.deleteObject(key);
    expect(notifications.filter((n) => n.key === key)).toEqual([
      { type: 'ObjectCreated', key, size: 3, at: expect.any(Date) },
      { type: 'ObjectRemoved', key, at: expect.any(Date) },
    ]);
  });

  test('delete prunes the now-empty folders', async () => {
    const folder = randomUUID();
    const key = `${folder}/deep/er/file`;
    const request = await store.presignPut(key, { size: 1, contentType: 'text/plain', expiresInSeconds: 60 });
    expect((await send(request, Buffer.from('x'))).status).toBe(200);
    expect(await readdir(path.join(rootDir, 'objects'))).toContain(folder);
    await store.deleteObject(key);
    expect(await readdir(path.join(rootDir, 'objects'))).not.toContain(folder);
    expect(await readdir(path.join(rootDir, 'meta'))).not.toContain(folder);
  });
});
