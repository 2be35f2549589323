// Resuming never stores a mix of two files: the parts storage holds are checked against the local
// data before any is skipped, by their MD5 ETags, else by the SHA-256 the upload declared.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UploadDataError } from '../errors.js';
import type { Upload } from '../types.js';
import { nodePlatform } from './node-platform.js';
import { toSource } from './source.js';
import { checkHeldParts, hashingFor, heldParts } from './verify.js';

const PART = 8;
const original = Uint8Array.from({ length: 30 }, (_, i) => i);
// Same size, other bytes in part 2 only.
const edited = Uint8Array.from(original, (byte, i) => (i >= PART && i < 2 * PART ? 255 - byte : byte));
const hex = (algorithm: 'md5' | 'sha256', bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex');
const part = (bytes: Uint8Array, n: number) => bytes.subarray((n - 1) * PART, n * PART);

function upload(held: number[], etag: (n: number) => string, sha256?: string): Upload {
  return {
    upload_id: 'up-1',
    type: 'multipart',
    status: 'pending',
    name: 'data.bin',
    size: original.length,
    content_type: 'application/octet-stream',
    created_at: new Date(0).toISOString(),
    part_size: PART,
    part_count: 4,
    ...(sha256 === undefined ? {} : { sha256 }),
    parts: held.map((n) => ({ part_number: n, size: part(original, n).length, etag: etag(n) })),
  };
}
const md5Etag = (n: number) => `"${hex('md5', part(original, n))}"`;
// S3 with SSE-KMS, or a store whose ETags are not MD5s.
const opaqueEtag = (n: number) => `"kms-${n}"`;

/** Runs the check as resume does, with both the JavaScript and Node's native hashing. */
async function check(target: Upload, data: Uint8Array | ReadableStream<Uint8Array>) {
  const results = [];
  for (const platform of [{}, nodePlatform]) {
    const source = await toSource(data, data instanceof Uint8Array ? undefined : target.size, {});
    results.push(await checkHeldParts(target, heldParts(target), source, hashingFor(platform)).then(() => 'ok', (error: unknown) => error));
    if (!(data instanceof Uint8Array)) break;
  }
  return results;
}

describe('checkHeldParts', () => {
  it('accepts the data the held parts came from, by their MD5 ETags', async () => {
    expect(await check(upload([1, 2, 4], md5Etag), original)).toEqual(['ok', 'ok']);
  });

  it('refuses other bytes of the same size (the hybrid file) with part_mismatch, naming the part', async () => {
    const [error, native] = await check(upload([1, 2, 4], md5Etag), edited);
    expect(error).toBeInstanceOf(UploadDataError);
    expect(error).toMatchObject({ code: 'part_mismatch', message: expect.stringContaining('Part 2 of upload up-1') });
    expect(native).toMatchObject({ code: 'part_mismatch' });
  });

  it('without MD5 ETags, checks the whole data against the declared SHA-256', async () => {
    const declared = hex('sha256', original);
    expect(await check(upload([1, 2], opaqueEtag, declared), original)).toEqual(['ok', 'ok']);
    expect((await check(upload([1, 2], opaqueEtag, declared), edited))[0]).toMatchObject({ name: 'UploadDataError', code: 'sha256_mismatch' });
    // ETags that only look like MD5s (SSE-KMS) fail the part check; the declared SHA-256 still vouches.
    const lookalike = (n: number) => `"${hex('md5', new Uint8Array([n]))}"`;
    expect(await check(upload([1, 2], lookalike, declared), original)).toEqual(['ok', 'ok']);
  });

  it('refuses what it cannot check: no MD5 ETags and no declared SHA-256', async () => {
    const [error] = await check(upload([1], opaqueEtag), original);
    expect(error).toMatchObject({ name: 'UploadDataError', code: 'resume_unverifiable' });
  });

  it('checks a stream part by part as it is read, by MD5 ETags only', async () => {
    const stream = (bytes: Uint8Array) => new Blob([bytes.slice()]).stream();
    const target = upload([2], md5Etag);
    const source = await toSource(stream(edited), target.size, {});
    const checkHeld = await checkHeldParts(target, heldParts(target), source, hashingFor({}));
    await expect(checkHeld!(2, part(original, 2))).resolves.toBeUndefined();
    await expect(checkHeld!(2, part(edited, 2))).rejects.toMatchObject({ code: 'part_mismatch' });
    const [unverifiable] = await check(upload([2], opaqueEtag, hex('sha256', original)), stream(original));
    expect(unverifiable).toMatchObject({ code: 'resume_unverifiable' });
  });

  it('has nothing to check when storage holds no part', async () => {
    expect(await check(upload([], opaqueEtag), edited)).toEqual(['ok', 'ok']);
  });
});
