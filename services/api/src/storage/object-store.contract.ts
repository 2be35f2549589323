// The behaviour every ObjectStore adapter must share, run by each adapter's test file
// against real storage (a temp dir behind a real HTTP server, or an S3 server). Requests
// are made with plain fetch, as a browser or the SDK would make them.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Clock } from '@baketsu/platform/clock';
import { attachmentDisposition } from '#src/storage/content-disposition.js';
import { MIN_PART_SIZE, ObjectStoreError, type ObjectStore, type PresignedRequest } from '#src/storage/object-store.js';

export interface ContractFixture {
  store: ObjectStore;
  /** Over the same storage, but signing as if the time were `clock.now()`. */
  storeAt(clock: Clock): ObjectStore;
}

export const sha256Base64 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

export async function send(request: PresignedRequest, body?: Uint8Array<ArrayBuffer>, headers = request.headers) {
  const response = await fetch(request.url, { method: request.method, headers, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** A fetch whose body is read as bytes (downloads). */
async function download(url: string) {
  const response = await fetch(url);
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

function tamper(url: string, param: string, change: (value: string) => string): string {
  const parsed = new URL(url);
  const value = parsed.searchParams.get(param);
  if (value === null) throw new Error(`no ${param} in ${url}`);
  parsed.searchParams.set(param, change(value));
  return parsed.toString();
}

// The first character: all its bits count in hex and in base64url alike.
const flipFirstChar = (s: string) => (s.startsWith('a') ? 'b' : 'a') + s.slice(1);

export function objectStoreContract(
  fixture: () => ContractFixture,
  names: { signature: string; disposition: string },
): void {
  const body = Buffer.from('hello, baketsu\n');
  const put = (store: ObjectStore, key: string, bytes = body, sha = true) =>
    store.presignPut(key, {
      size: bytes.length,
      contentType: 'text/plain',
      sha256Base64: sha ? sha256Base64(bytes) : undefined,
      expiresInSeconds: 60,
    });
  const newKey = () => `contract/${randomUUID()}/file.txt`;

  describe('single PUT', () => {
    test('stores the bytes; head and a download with Content-Disposition return them', async () => {
      const { store } = fixture();
      const key = newKey();
      const request = await put(store, key);
      expect(request.method).toBe('PUT');
      expect(request.headers).toEqual({ 'content-type': 'text/plain', 'x-amz-checksum-sha256': sha256Base64(body), 'if-none-match': '*' });
      expect(request.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
      expect((await send(request, body)).status).toBe(200);

      const head = await store.headObject(key);
      expect(head).toMatchObject({
        size: body.length,
        contentType: 'text/plain',
        sha256Base64: sha256Base64(body),
        checksum: `sha256:${sha256Base64(body)}`,
        etag: expect.stringMatching(/^[^"]+$/),
      });
      expect(Math.abs(head!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);

      const name = 'résumé "final".pdf';
      const got = await download((await store.presignGet(key, { downloadFileName: name, expiresInSeconds: 60 })).url);
      expect(got.status).toBe(200);
      expect(got.bytes.equals(body)).toBe(true);
      expect(got.headers.get('content-disposition')).toBe(attachmentDisposition(name));
      expect(got.headers.get('content-disposition')).toContain(`filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`);
    });

    test('works without a checksum', async () => {
      const { store } = fixture();
      const key = newKey();
      const request = await put(store, key, body, false);
      expect(request.headers).toEqual({ 'content-type': 'text/plain', 'if-none-match': '*' });
      expect((await send(request, body)).status).toBe(200);
      const head = await store.headObject(key);
      // Storage still knows a checksum of its own choosing (S3: CRC64NVME; local: SHA-256).
      expect(head).toMatchObject({ size: body.length, contentType: 'text/plain', checksum: expect.stringMatching(/^[a-z0-9]+:.+/) });
      const listed = await store.listObjects(key, { limit: 10 });
      expect(listed.objects).toEqual([{ key, size: body.length, etag: head!.etag, lastModified: expect.any(Date) }]);
    });

    describe('stored bytes are final', () => {
      const other = Buffer.from(body).fill(0x42); // same length, other bytes

      test.each([
        ['with a checksum', true],
        ['without a checksum', false],
      ])('a second PUT %s, through the same URL or a fresh one, is refused and changes nothing', async (_name, sha) => {
        const { store } = fixture();
        const key = newKey();
        const first = await put(store, key, body, sha);
        expect((await send(first, body)).status).toBe(200);
        const before = await store.headObject(key);

        const again = await send(first, body);
        expect(again.status).toBe(412);
        expect(again.text).toContain('<Code>PreconditionFailed</Code>');
        const fresh = await put(store, key, other, sha);
        expect((await send(fresh, other)).status).toBe(412);
        // Dropping the condition breaks the signature rather than turning the PUT into an overwrite.
        const { 'if-none-match': _dropped, ...unconditional } = fresh.headers;
        expect((await send(fresh, other, unconditional)).status).toBe(403);

        expect(await store.headObject(key)).toEqual(before);
        const got = await download((await store.presignGet(key, { downloadFileName: 'a.txt', expiresInSeconds: 60 })).url);
        expect(got.bytes.equals(body)).toBe(true);
      });

      test('of two PUTs racing for a key, exactly one is stored', async () => {
        const { store } = fixture();
        const key = newKey();
        const [a, b] = [await put(store, key, body, false), await put(store, key, other, false)];
        const statuses = await Promise.all([send(a, body), send(b, other)].map((p) => p.then((r) => r.status)));
        expect([...statuses].sort()).toEqual([200, 412]);
        const winner = statuses[0] === 200 ? body : other;
        const got = await download((await store.presignGet(key, { downloadFileName: 'a.txt', expiresInSeconds: 60 })).url);
        expect(got.bytes.equals(winner)).toBe(true);
        expect((await store.headObject(key))?.size).toBe(body.length);
      });
    });

    test('stores an empty object', async () => {
      const { store } = fixture();
      const key = newKey();
      const empty = Buffer.alloc(0);
      expect((await send(await put(store, key, empty), empty)).status).toBe(200);
      expect(await store.headObject(key)).toMatchObject({ size: 0, sha256Base64: sha256Base64(empty) });
    });

    const refusals: Array<[string, (fx: ContractFixture, key: string) => Promise<number>, number]> = [
      ['an expired URL', async (fx, key) => {
        const past = new Date(Date.now() - 2 * 3600_000);
        return (await send(await put(fx.storeAt({ now: () => past }), key), body)).status;
      }, 403],
      ['a tampered signature', async (fx, key) => {
        const request = await put(fx.store, key);
        return (await send({ ...request, url: tamper(request.url, names.signature, flipFirstChar) }, body)).status;
      }, 403],
      ['a URL reused for another key', async (fx, key) => {
        const request = await put(fx.store, `${key}.other`);
        return (await send({ ...request, url: request.url.replace('/file.txt.other?', '/file.txt?') }, body)).status;
      }, 403],
      // Presigned without a checksum, so only the signed length can refuse these.
      ['a body larger than declared', async (fx, key) => {
        return (await send(await put(fx.store, key, body, false), Buffer.concat([body, Buffer.from('!')]))).status;
      }, 403],
      ['a body smaller than declared', async (fx, key) => {
        return (await send(await put(fx.store, key, body, false), body.subarray(1))).status;
      }, 403],
      ['other bytes of the declared size', async (fx, key) => {
        return (await send(await put(fx.store, key), Buffer.from(body).fill(0x41))).status;
      }, 400],
      ['another content type', async (fx, key) => {
        const request = await put(fx.store, key);
        return (await send(request, body, { ...request.headers, 'content-type': 'text/html' })).status;
      }, 403],
      ['a missing checksum header', async (fx, key) => {
        return (await send(await put(fx.store, key), body, { 'content-type': 'text/plain' })).status;
      }, 403],
    ];
    test.each(refusals)('refuses %s and stores nothing', async (_name, attempt, status) => {
      const fx = fixture();
      const key = newKey();
      expect(await attempt(fx, key)).toBe(status);
      expect(await fx.store.headObject(key)).toBeNull();
      expect((await fx.store.listObjects(key.slice(0, key.lastIndexOf('/') + 1), { limit: 10 })).objects).toEqual([]);
    });
  });

  describe('download', () => {
    test('refuses an expired URL, a tampered disposition and a missing key', async () => {
      const fx = fixture();
      const key = newKey();
      expect((await send(await put(fx.store, key), body)).status).toBe(200);
      const past = new Date(Date.now() - 2 * 3600_000);
      const expired = await fx.storeAt({ now: () => past }).presignGet(key, { downloadFileName: 'a.txt', expiresInSeconds: 60 });
      expect((await download(expired.url)).status).toBe(403);
      const fresh = await fx.store.presignGet(key, { downloadFileName: 'a.txt', expiresInSeconds: 60 });
      const tampered = tamper(fresh.url, names.disposition, () => 'inline');
      expect((await download(tampered)).status).toBe(403);
      const missing = await fx.store.presignGet(newKey(), { downloadFileName: 'a.txt', expiresInSeconds: 60 });
      expect((await download(missing.url)).status).toBe(404);
    });
  });

  describe('delete', () => {
    test('removes the object and is idempotent', async () => {
      const { store } = fixture();
      const key = newKey();
      expect((await send(await put(store, key), body)).status).toBe(200);
      await store.deleteObject(key);
      expect(await store.headObject(key)).toBeNull();
      await expect(store.deleteObject(key)).resolves.toBeUndefined();
      await expect(store.deleteObject(newKey())).resolves.toBeUndefined();
    });
  });

  describe('listObjects', () => {
    test('pages through a prefix in S3 key order', async () => {
      const { store } = fixture();
      const prefix = `contract/${randomUUID()}/`;
      // Byte order puts '-' (2d) < '.' (2e) < '/' (2f) < '0' (30) < 'b' (62).
      const keys = ['a/b', 'ab', 'a-b', 'a0', 'a.c', 'a/c/d'].map((k) => prefix + k);
      for (const [i, key] of keys.entries()) {
        const bytes = randomBytes(i + 1);
        expect((await send(await put(store, key, bytes), bytes)).status).toBe(200);
      }
      const outside = `${prefix.slice(0, -1)}x/zz`; // shares the prefix's text but not its folder
      expect((await send(await put(store, outside), body)).status).toBe(200);

      const seen: Array<{ key: string; size: number }> = [];
      let startAfter: string | undefined;
      let pages = 0;
      do {
        const page = await store.listObjects(prefix, { startAfter, limit: 4 });
        expect(page.objects.length).toBeLessThanOrEqual(4);
        seen.push(...page.objects.map(({ key, size }) => ({ key, size })));
        startAfter = page.nextStartAfter;
        pages++;
      } while (startAfter !== undefined && pages < 10);
      expect(pages).toBe(2);
      expect(seen).toEqual(
        ['a-b', 'a.c', 'a/b', 'a/c/d', 'a0', 'ab'].map((k) => ({ key: prefix + k, size: keys.indexOf(prefix + k) + 1 })),
      );
      const afterFolder = await store.listObjects(prefix, { startAfter: `${prefix}a/b`, limit: 2 });
      expect(afterFolder.objects.map((o) => o.key)).toEqual([`${prefix}a/c/d`, `${prefix}a0`]);
      expect(afterFolder.nextStartAfter).toBe(`${prefix}a0`);
    });
  });

  describe('multipart', () => {
    const sizes = [MIN_PART_SIZE, 1];
    const partsOf = () => sizes.map((size) => randomBytes(size));

    test('uploads parts (any order), lists them, completes with the exact bytes', async () => {
      const { store } = fixture();
      const key = newKey();
      const bytes = partsOf();
      const { multipartId } = await store.createMultipartUpload(key, { contentType: 'application/pdf' });
      expect(await store.listMultipartUploads(key)).toEqual([{ key, multipartId, initiated: expect.any(Date) }]);
      for (const partNumber of [2, 1]) {
        const part = bytes[partNumber - 1]!;
        const request = await store.presignUploadPart(key, multipartId, partNumber, { size: part.length, expiresInSeconds: 60 });
        expect(request.headers).toEqual({});
        expect((await send(request, part)).status).toBe(200);
      }
      const listed = await store.listParts(key, multipartId);
      expect(listed.map(({ partNumber, size }) => ({ partNumber, size }))).toEqual([
        { partNumber: 1, size: sizes[0] },
        { partNumber: 2, size: sizes[1] },
      ]);
      expect(await store.headObject(key)).toBeNull(); // nothing visible before completion

      await store.completeMultipartUpload(key, multipartId, listed);
      const head = await store.headObject(key);
      expect(head).toMatchObject({ size: MIN_PART_SIZE + 1, contentType: 'application/pdf' });
      const got = await download((await store.presignGet(key, { downloadFileName: 'big.pdf', expiresInSeconds: 60 })).url);
      expect(got.bytes.length).toBe(MIN_PART_SIZE + 1);
      expect(sha256Base64(got.bytes)).toBe(sha256Base64(Buffer.concat(bytes)));
      expect(await store.listMultipartUploads(key)).toEqual([]);
    });

    test('after completion, neither a late part nor another completion changes the object', async () => {
      const { store } = fixture();
      const key = newKey();
      const bytes = partsOf();
      const { multipartId } = await store.createMultipartUpload(key, { contentType: 'text/plain' });
      const requests = [];
      for (const [index, part] of bytes.entries()) {
        const request = await store.presignUploadPart(key, multipartId, index + 1, { size: part.length, expiresInSeconds: 60 });
        expect((await send(request, part)).status).toBe(200);
        requests.push(request);
      }
      const listed = await store.listParts(key, multipartId);
      await store.completeMultipartUpload(key, multipartId, listed);
      const before = await store.headObject(key);
      expect(before).toMatchObject({ size: MIN_PART_SIZE + 1, etag: expect.any(String) });

      // The upload id is spent: a part sent with a URL still within its lifetime finds no upload.
      const late = Buffer.from(bytes[1]!).fill(0x43);
      expect((await send(requests[1]!, late)).status).toBe(404);
      // Completing the same upload id again is a no-op success (versitygw, as an idempotent retry)
      // or a refusal (AWS: NoSuchUpload; local store); either way the object stays as it was.
      const again = await store.completeMultipartUpload(key, multipartId, listed).catch((e: unknown) => e);
      if (again !== undefined) expect(again).toMatchObject({ name: 'ObjectStoreError', code: expect.stringMatching(/^(NoSuchUpload|ObjectExists)$/) });

      // Nor can another multipart upload be completed onto the key.
      const second = await store.createMultipartUpload(key, { contentType: 'text/plain' });
      const request = await store.presignUploadPart(key, second.multipartId, 1, { size: 5, expiresInSeconds: 60 });
      expect((await send(request, Buffer.from('other'))).status).toBe(200);
      await expect(
        store.completeMultipartUpload(key, second.multipartId, await store.listParts(key, second.multipartId)),
      ).rejects.toMatchObject({ code: 'ObjectExists' });
      await store.abortMultipartUpload(key, second.multipartId);

      expect(await store.headObject(key)).toEqual(before);
      const got = await download((await store.presignGet(key, { downloadFileName: 'big.txt', expiresInSeconds: 60 })).url);
      expect(sha256Base64(got.bytes)).toBe(sha256Base64(Buffer.concat(bytes)));
    });

    test('refuses a part of another size than signed, and expired or tampered part URLs', async () => {
      const fx = fixture();
      const key = newKey();
      const { multipartId } = await fx.store.createMultipartUpload(key, { contentType: 'text/plain' });
      const part = await fx.store.presignUploadPart(key, multipartId, 1, { size: 10, expiresInSeconds: 60 });
      expect((await send(part, randomBytes(11))).status).toBe(403);
      expect((await send(part, randomBytes(9))).status).toBe(403);
      const past = new Date(Date.now() - 2 * 3600_000);
      const expired = await fx.storeAt({ now: () => past }).presignUploadPart(key, multipartId, 1, { size: 10, expiresInSeconds: 60 });
      expect((await send(expired, randomBytes(10))).status).toBe(403);
      expect((await send({ ...part, url: tamper(part.url, 'partNumber', () => '2') }, randomBytes(10))).status).toBe(403);
      expect(await fx.store.listParts(key, multipartId)).toEqual([]);
      await fx.store.abortMultipartUpload(key, multipartId);
    });

    test('refuses completion with a wrong etag or a too-small part', async () => {
      const { store } = fixture();
      const key = newKey();
      const { multipartId } = await store.createMultipartUpload(key, { contentType: 'text/plain' });
      for (const partNumber of [1, 2]) {
        const request = await store.presignUploadPart(key, multipartId, partNumber, { expiresInSeconds: 60 });
        expect((await send(request, randomBytes(3))).status).toBe(200);
      }
      const listed = await store.listParts(key, multipartId);
      // The last part: no size rule applies to it, only its etag can be wrong.
      const wrongEtag = [{ partNumber: 2, etag: '"00000000000000000000000000000000"' }];
      await expect(store.completeMultipartUpload(key, multipartId, wrongEtag)).rejects.toMatchObject({ code: 'InvalidPart' });
      const error = await store.completeMultipartUpload(key, multipartId, listed).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect(error).toMatchObject({ code: 'EntityTooSmall' });
      expect(await store.headObject(key)).toBeNull();
      await store.abortMultipartUpload(key, multipartId);
    });

    test('abort removes the upload and its parts, and is idempotent', async () => {
      const { store } = fixture();
      const key = newKey();
      const { multipartId } = await store.createMultipartUpload(key, { contentType: 'text/plain' });
      const request = await store.presignUploadPart(key, multipartId, 1, { size: 5, expiresInSeconds: 60 });
      expect((await send(request, randomBytes(5))).status).toBe(200);
      await store.abortMultipartUpload(key, multipartId);

      expect(await store.listMultipartUploads(key)).toEqual([]);
      await expect(store.listParts(key, multipartId)).rejects.toMatchObject({ code: 'NoSuchUpload' });
      await expect(store.completeMultipartUpload(key, multipartId, [{ partNumber: 1, etag: '"x"' }])).rejects.toMatchObject({
        code: 'NoSuchUpload',
      });
      expect((await send(request, randomBytes(5))).status).toBe(404); // a late part finds nothing
      expect(await store.headObject(key)).toBeNull();
      await expect(store.abortMultipartUpload(key, multipartId)).resolves.toBeUndefined();
    });
  });
}
