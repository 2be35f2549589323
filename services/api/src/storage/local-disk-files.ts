// On-disk layout and file primitives of the local disk store, shared by the adapter and
// its router.
//
//   <root>/objects/<key>          object bytes, one file per key
//   <root>/meta/<key>.json        { size, mtimeMs, contentType, sha256Base64, md5Hex } of that object
//   <root>/uploads/<id>/          a multipart upload: upload.json and its part files
//   <root>/tmp/                   bytes being received; renamed into place only when whole
//
// Bytes always land in tmp/ first and are linked into objects/ only after their length
// and checksum are verified, so a refused or interrupted upload never becomes visible.
// tmp/ shares the root's file system, which is what makes link and rename atomic.
//
// Keys are write-once, as if every PUT carried S3's `If-None-Match: *`: an object is
// published with link(2), which fails when the name exists, so of two writers racing for
// one key exactly one wins and stored bytes never change afterwards.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Layout {
  objects: string;
  meta: string;
  uploads: string;
  tmp: string;
}

export function layoutOf(rootDir: string): Layout {
  const root = path.resolve(rootDir);
  return {
    objects: path.join(root, 'objects'),
    meta: path.join(root, 'meta'),
    uploads: path.join(root, 'uploads'),
    tmp: path.join(root, 'tmp'),
  };
}

export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
}

/**
 * Keys are server-chosen, but a bug or a crafted URL must still never reach outside the
 * store: no empty, `.` or `..` segments, no backslashes (a separator on Windows), no NUL.
 */
export function keySegments(key: string): string[] {
  const segments = key.split('/');
  const bad =
    key.length === 0 ||
    Buffer.byteLength(key) > 1024 ||
    /[\\\u0000]/.test(key) ||
    segments.some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new InvalidKeyError(`invalid object key ${JSON.stringify(key)}`);
  return segments;
}

/** `base` joined with the key's segments, checked to stay inside `base`. */
export function pathInside(base: string, key: string, suffix = ''): string {
  const segments = keySegments(key);
  const full = path.join(base, ...segments) + suffix;
  const relative = path.relative(base, full);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new InvalidKeyError(`object key escapes the store: ${JSON.stringify(key)}`);
  }
  return full;
}

export const objectPath = (layout: Layout, key: string) => pathInside(layout.objects, key);
export const metaPath = (layout: Layout, key: string) => pathInside(layout.meta, key, '.json');

export interface ObjectMeta {
  size: number;
  /**
   * The bytes' modification time when published. Meta describes the file only while size and
   * mtime still match: bytes changed behind the store's back must not borrow the old checksum.
   * Absent in meta written before it was recorded; such meta is trusted on its size alone.
   */
  mtimeMs?: number;
  contentType: string;
  sha256Base64: string;
  /** The object's ETag (without quotes); absent in meta written before it was recorded. */
  md5Hex?: string;
}

/** Whether `meta` still describes the file with these stats. */
export function metaDescribes(meta: ObjectMeta | null, stats: { size: number; mtimeMs: number }): meta is ObjectMeta {
  return meta !== null && meta.size === stats.size && (meta.mtimeMs === undefined || meta.mtimeMs === stats.mtimeMs);
}

export async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR') || error instanceof SyntaxError) return null;
    throw error;
  }
}

export function tmpPath(layout: Layout): string {
  return path.join(layout.tmp, `${Date.now()}-${randomBytes(8).toString('hex')}`);
}

/** Writes a small file so readers see the old or the new content, never half of it. */
export async function writeFileAtomic(layout: Layout, file: string, content: string): Promise<void> {
  const tmp = tmpPath(layout);
  await writeFile(tmp, content);
  await renameInto(tmp, file);
}

/** rename(), creating the target's directories; retried once if a concurrent delete pruned them. */
export async function renameInto(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(path.dirname(to), { recursive: true });
    try {
      return await rename(from, to);
    } catch (error) {
      if (!isCode(error, 'ENOENT') || attempt > 0) throw error;
    }
  }
}

export class ObjectExistsError extends Error {
  override readonly name = 'ObjectExistsError';
}

/**
 * Makes a verified tmp file the object at `key`, unless the key already holds one
 * (ObjectExistsError): the bytes are linked in first, which is the atomic claim of the key,
 * then their metadata is written. A reader between the two sees bytes without metadata and
 * hashes them itself. The tmp file is left for the caller to remove.
 */
export async function publishObject(layout: Layout, key: string, tmpFile: string, meta: Omit<ObjectMeta, 'mtimeMs'>): Promise<void> {
  const target = objectPath(layout, key);
  for (let attempt = 0; ; attempt++) {
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await link(tmpFile, target);
      break;
    } catch (error) {
      if (isCode(error, 'EEXIST')) throw new ObjectExistsError(`an object already exists at ${JSON.stringify(key)}`);
      // A concurrent delete pruned the folder just made; once more.
      if (!isCode(error, 'ENOENT') || attempt > 0) throw error;
    }
  }
  const { mtimeMs } = await stat(target);
  await writeFileAtomic(layout, metaPath(layout, key), JSON.stringify({ ...meta, mtimeMs }));
}

/** SHA-256 and MD5 of a stored file, for when its metadata no longer describes it. */
export async function hashFile(file: string): Promise<{ sha256Base64: string; md5Hex: string }> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(file)) {
    sha256.update(chunk as Buffer);
    md5.update(chunk as Buffer);
  }
  return { sha256Base64: sha256.digest('base64'), md5Hex: md5.digest('hex') };
}

export interface Received {
  file: string;
  size: number;
  sha256Base64: string;
  md5Hex: string;
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Streams `body` into a new tmp file while hashing it; never holds more than a chunk in
 * memory. Deletes the file and rethrows if the stream fails or exceeds `maxSize`.
 */
export async function receive(layout: Layout, body: Readable, maxSize: number): Promise<Received> {
  const file = tmpPath(layout);
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxSize) return done(new BodyTooLargeError(`body exceeds ${maxSize} bytes`));
      sha256.update(chunk);
      md5.update(chunk);
      done(null, chunk);
    },
  });
  await mkdir(layout.tmp, { recursive: true });
  try {
    await pipeline(body, meter, createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  return { file, size, sha256Base64: sha256.digest('base64'), md5Hex: md5.digest('hex') };
}

/** Removes `file`, then its parent directories up to `base` while they are empty. */
export async function removeAndPrune(base: string, file: string): Promise<void> {
  await rm(file, { force: true });
  for (let dir = path.dirname(file); dir !== base && dir.startsWith(base + path.sep); dir = path.dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (or already gone): stop pruning
    }
  }
}

export async function statFile(file: string): Promise<{ size: number; mtime: Date; mtimeMs: number } | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? { size: s.size, mtime: s.mtime, mtimeMs: s.mtimeMs } : null;
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return null;
    throw error;
  }
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
