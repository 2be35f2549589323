// Multipart uploads of the local disk store: each part is a file in the upload's folder,
// and completing concatenates the chosen parts into one object.
//
// A part's file name carries its number, a write order and its etag (MD5, as S3's):
// `part.00003.<ms>.<random>.<md5>`. Renaming a whole received part into place is atomic,
// a re-upload of the same number supersedes older files (which it then deletes), and
// completion takes exactly the file whose etag the client names — the bytes it believes
// it uploaded, even while a re-upload races.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ObjectStoreError,
  type CompletedPart,
  type PendingMultipartUpload,
  type UploadedPart,
} from '#src/storage/object-store.js';
import {
  isCode,
  ObjectExistsError,
  objectPath,
  publishObject,
  readJson,
  statFile,
  tmpPath,
  type Layout,
  type Received,
} from '#src/storage/local-disk-files.js';
import { compareKeys } from '#src/storage/local-disk-listing.js';

interface UploadRecord {
  key: string;
  contentType: string;
  initiated: string;
}

const ID = /^[0-9a-f]{32}$/;
const PART_FILE = /^part\.(\d{5})\.(\d{13}\.[0-9a-f]{8})\.([0-9a-f]{32})$/;

function uploadDir(layout: Layout, multipartId: string): string {
  // The id arrives in URLs too; the pattern also keeps it from naming another folder.
  if (!ID.test(multipartId)) throw new ObjectStoreError('NoSuchUpload', 'no such multipart upload');
  return path.join(layout.uploads, multipartId);
}

export async function createUpload(layout: Layout, key: string, contentType: string, now: Date): Promise<string> {
  const multipartId = randomBytes(16).toString('hex');
  const record: UploadRecord = { key, contentType, initiated: now.toISOString() };
  // Built in tmp/ and renamed: an upload folder is never seen without its record.
  const staging = tmpPath(layout);
  await mkdir(staging, { recursive: true });
  await writeFile(path.join(staging, 'upload.json'), JSON.stringify(record));
  await mkdir(layout.uploads, { recursive: true });
  await rename(staging, uploadDir(layout, multipartId));
  return multipartId;
}

/** The upload's record, checked to belong to `key` (S3 also answers NoSuchUpload otherwise). */
export async function requireUpload(layout: Layout, key: string, multipartId: string): Promise<UploadRecord> {
  const record = await readJson<UploadRecord>(path.join(uploadDir(layout, multipartId), 'upload.json'));
  if (!record || record.key !== key) throw new ObjectStoreError('NoSuchUpload', 'no such multipart upload');
  return record;
}

interface PartFile extends UploadedPart {
  file: string;
  order: string;
}

async function partFiles(layout: Layout, multipartId: string): Promise<PartFile[]> {
  const dir = uploadDir(layout, multipartId);
  const parts: PartFile[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const match = PART_FILE.exec(name);
    if (!match) continue;
    const [, number, order, md5] = match as unknown as [string, string, string, string];
    const stats = await statFile(path.join(dir, name));
    if (!stats) continue; // superseded meanwhile
    parts.push({ partNumber: Number(number), size: stats.size, etag: `"${md5}"`, file: path.join(dir, name), order });
  }
  return parts;
}

/** The newest file of each part number, ascending. */
export async function listUploadParts(layout: Layout, key: string, multipartId: string): Promise<UploadedPart[]> {
  await requireUpload(layout, key, multipartId);
  const newest = new Map<number, PartFile>();
  for (const part of await partFiles(layout, multipartId)) {
    const seen = newest.get(part.partNumber);
    if (!seen || seen.order < part.order) newest.set(part.partNumber, part);
  }
  return [...newest.values()]
    .sort((a, b) => a.partNumber - b.partNumber)
    .map(({ partNumber, size, etag }) => ({ partNumber, size, etag }));
}

/** Moves a verified received part into its upload; the upload must still exist. */
export async function storePart(layout: Layout, multipartId: string, partNumber: number, received: Received): Promise<string> {
  const dir = uploadDir(layout, multipartId);
  const order = `${String(Date.now()).padStart(13, '0')}.${randomBytes(4).toString('hex')}`;
  const name = `part.${String(partNumber).padStart(5, '0')}.${order}.${received.md5Hex}`;
  try {
    // Plain rename, no mkdir: a part arriving after an abort must not resurrect the folder.
    await rename(received.file, path.join(dir, name));
  } catch (error) {
    await rm(received.file, { force: true });
    if (isCode(error, 'ENOENT')) throw new ObjectStoreError('NoSuchUpload', 'no such multipart upload');
    throw error;
  }
  // Drop older files of this part number; the newest (by order) always survives.
  for (const part of await partFiles(layout, multipartId)) {
    if (part.partNumber === partNumber && part.order < order) await rm(part.file, { force: true });
  }
  return `"${received.md5Hex}"`;
}

export async function completeUpload(
  layout: Layout,
  key: string,
  multipartId: string,
  parts: CompletedPart[],
  minPartSize: number,
): Promise<void> {
  const record = await requireUpload(layout, key, multipartId);
  // Fails fast; publishing below is what decides, should another writer get there meanwhile.
  if (await statFile(objectPath(layout, key))) throw new ObjectStoreError('ObjectExists', `an object already exists at ${JSON.stringify(key)}`);
  const available = await partFiles(layout, multipartId);
  if (parts.length === 0) throw new ObjectStoreError('InvalidPart', 'at least one part is required');
  const chosen = parts.map((wanted, index) => {
    if (index > 0 && wanted.partNumber <= parts[index - 1]!.partNumber) {
      throw new ObjectStoreError('InvalidPart', 'parts must be listed in ascending order');
    }
    const etag = `"${wanted.etag.replace(/"/g, '')}"`;
    const part = available.find((p) => p.partNumber === wanted.partNumber && p.etag === etag);
    if (!part) throw new ObjectStoreError('InvalidPart', `part ${wanted.partNumber} with etag ${etag} not found`);
    if (index < parts.length - 1 && part.size < minPartSize) {
      throw new ObjectStoreError('EntityTooSmall', `part ${wanted.partNumber} is smaller than ${minPartSize} bytes`);
    }
    return part;
  });

  const target = tmpPath(layout);
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  await mkdir(layout.tmp, { recursive: true });
  const out = await open(target, 'wx');
  try {
    for (const part of chosen) {
      for await (const chunk of createReadStream(part.file)) {
        sha256.update(chunk as Buffer);
        md5.update(chunk as Buffer);
        size += (chunk as Buffer).length;
        await out.write(chunk as Buffer);
      }
    }
    await out.close();
    await publishObject(layout, key, target, {
      size,
      contentType: record.contentType,
      sha256Base64: sha256.digest('base64'),
      md5Hex: md5.digest('hex'),
    });
  } catch (error) {
    await out.close().catch(() => {});
    if (error instanceof ObjectExistsError) {
      // S3 with If-None-Match: * refuses the same way; the object there stays as it was.
      throw new ObjectStoreError('ObjectExists', error.message);
    }
    throw error;
  } finally {
    await rm(target, { force: true }); // linked into place, or refused
  }
  await rm(uploadDir(layout, multipartId), { recursive: true, force: true });
}

export async function abortUpload(layout: Layout, key: string, multipartId: string): Promise<void> {
  try {
    await requireUpload(layout, key, multipartId);
  } catch (error) {
    if (error instanceof ObjectStoreError) return; // unknown or already finished: nothing to do
    throw error;
  }
  await rm(uploadDir(layout, multipartId), { recursive: true, force: true });
}

export async function listUploads(layout: Layout, prefix: string): Promise<PendingMultipartUpload[]> {
  const ids = await readdir(layout.uploads).catch((error: unknown) => {
    if (isCode(error, 'ENOENT')) return [] as string[];
    throw error;
  });
  const uploads: PendingMultipartUpload[] = [];
  for (const multipartId of ids.filter((id) => ID.test(id))) {
    const record = await readJson<UploadRecord>(path.join(layout.uploads, multipartId, 'upload.json'));
    if (record?.key.startsWith(prefix)) {
      uploads.push({ key: record.key, multipartId, initiated: new Date(record.initiated) });
    }
  }
  // S3 order: by key, then by initiation.
  return uploads.sort((a, b) => compareKeys(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime());
}
